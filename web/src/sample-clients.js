// sample-clients.js — realistic rows of a `clients` import file, deterministically (the same
// seed gives the same bytes). Used by scripts/gen-clients.mjs (benchmark and sample files)
// and by the worker's warm-up (warm-up.js), so both exercise the same cells.
//
// 16 columns of what a CRM export holds: names, e-mail, phone, dates in DD/MM/YYYY, enums,
// booleans, an amount, and a free-text column with commas, doubled quotes and line breaks
// inside quotes. The cells that can be wrong are made wrong the way people really get them
// wrong (bad e-mail, 31/02, unknown enum value, "yes please" as a boolean, a phone turned
// into 4.47912E+11 by Excel, …).
import { mulberry32 } from './seeded-random.js';

const FIRST = ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Noah', 'Mia', 'Jack', 'Ivy', 'Leo', 'Freya',
  'Arthur', 'Lily', 'Muhammad', 'Florence', 'Oscar', 'Grace', 'Charlie', 'Sophia', 'Zoë', 'Siân', 'Seán', 'Chloé'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson',
  'Wright', 'Thompson', 'Evans', 'Walker', 'White', "O'Brien", 'Roberts', 'Green', 'Hall', 'Müller', 'Nowak'];
const TITLES = ['Mr', 'Mrs', 'Ms', 'Miss', 'Dr', 'Mx'];
const GENDERS = ['male', 'female', 'Male', 'Female', 'non-binary', 'other', 'unknown'];
const MARITAL = ['single', 'married', 'divorced', 'widowed', 'civil-partnership', 'cohabiting', 'separated'];
const DOMAINS = ['example.com', 'mail.co.uk', 'post.example.org', 'btinternet.example', 'outlook.example'];
const NOTES = [
  'Prefers email, not phone',
  'Call after 5pm, weekdays only',
  'Spouse handles pensions; "joint review" requested',
  'Line one of a note\nline two of the same note',
  'Interested in ISAs, bonds, and a SIPP transfer',
  'Met at the "Retire Well" seminar, 2023',
];

/** The canonical headers, in the order of clientRow's cells. */
export const CANONICAL = ['uuid', 'title', 'first_name', 'last_name', 'email', 'phone', 'date_of_birth', 'gender',
  'marital_status', 'ni_number', 'send_welcome_email', 'type', 'is_prospect', 'value', 'first_contact_date',
  'client_preferences'];
/** The same columns as a CRM export would name them (for mapping suggestions). */
export const EXPORT = ['UUID', 'Title', 'First Name', 'Surname', 'Email Address', 'Mobile', 'DOB', 'Gender',
  'Marital Status', 'NI Number', 'Send Welcome Email', 'Client Type', 'Prospect?', 'Value', 'First Contact',
  'Notes'];

/** A CSV cell, quoted when it must be. */
export function csvCell(value) {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function pad2(n) {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * One data row, as CSV text without its line break.
 * @param {() => number} r the generator (seeded-random.js)
 * @param {number} index the row's index (makes e-mail addresses distinct)
 * @param {number} invalid the share of all 16 cells to make wrong, e.g. 0.03
 * @param {'store'|'update'|'validate'} mode update fills the uuid column
 * @returns {string}
 */
export function clientRow(r, index, invalid, mode) {
  const pick = (list) => list[Math.floor(r() * list.length)];
  // `invalid` is a share of all 16 cells; only 7 columns are ever made wrong.
  const bad = () => r() < (invalid * 16) / 7;
  const first = pick(FIRST);
  const last = pick(LAST);
  const year = 1940 + Math.floor(r() * 65);
  const month = 1 + Math.floor(r() * 12);
  const day = 1 + Math.floor(r() * 28);
  const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const uuid = mode === 'update' ? `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}` : '';
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
  const row = [
    uuid,
    pick(TITLES),
    first,
    last,
    bad() ? pick([`${local}.example.com`, `${local}@`, `${local} @example.com`]) : `${local}${index % 997}@${pick(DOMAINS)}`,
    bad() ? '4.47912E+11' : `07${String(Math.floor(r() * 1e9)).padStart(9, '0')}`,
    bad() ? pick(['31/02/1980', '13/13/1990', '1980-02-30']) : `${pad2(day)}/${pad2(month)}/${year}`,
    bad() ? pick(['M', 'f', 'prefer not']) : pick(GENDERS),
    pick(MARITAL),
    `${pick(['AB', 'JG', 'NP', 'CE'])} ${pad2(Math.floor(r() * 100))} ${pad2(Math.floor(r() * 100))} ${pad2(Math.floor(r() * 100))} ${pick(['A', 'B', 'C', 'D'])}`,
    bad() ? pick(['', 'yes please']) : pick(['1', '0', 'true', 'false']),
    'individual',
    pick(['0', '1']),
    bad() ? pick(['12,500', '£300']) : String(Math.floor(r() * 5_000_000)),
    `${pad2(day)}/${pad2(month)}/${2000 + Math.floor(r() * 24)}`,
    r() < 0.35 ? pick(NOTES) : '',
  ];
  return row.map(csvCell).join(',');
}

/**
 * A whole small file (header and rows, CRLF line ends), for samples and warm-ups.
 * @param {{rows: number, seed?: number, invalid?: number, headers?: 'canonical'|'export', mode?: string}} options
 * @returns {string}
 */
export function clientsCsv({ rows, seed = 42, invalid = 0.03, headers = 'canonical', mode = 'store' }) {
  const r = mulberry32(seed);
  const lines = [(headers === 'export' ? EXPORT : CANONICAL).map(csvCell).join(',')];
  for (let i = 0; i < rows; i++) lines.push(clientRow(r, i, invalid, mode));
  return `${lines.join('\r\n')}\r\n`;
}
