#!/usr/bin/env node
// Writes the demo's sample files into web/demo/samples/, deterministically (a seeded PRNG:
// the same bytes on every machine and every run), each well under 50 KB.
//
//   node scripts/gen-samples.mjs            # writes them
//   node scripts/gen-samples.mjs --check    # exits 1 if the committed copies differ
//
// - clients-with-errors.csv: a CRM export of clients (UTF-8, comma, CRLF, Excel-style
//   headers) with a handful of rows people really get wrong: a bad e-mail, 31/02, an
//   unknown gender, "yes please" as a boolean, a phone turned into 4.47912E+11 by Excel,
//   "£5,000" as a value, a birth date in the future, a missing send_welcome_email.
// - clients-excel-semicolon.csv: what Excel's "CSV (semicolon delimited)" writes on a
//   European Windows machine: Windows-1252 bytes (é, ü, ß, €, smart quotes), ";" between
//   cells, decimal commas, CRLF — the encoding and the separator are detected.
// - plans-update.csv: an update file keyed by plan uuid (mode update), with a missing key,
//   a malformed key and a key used twice; its uuids name no record on a fresh server, so
//   importing it also shows rows the server refuses.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 as rng } from '../web/src/seeded-random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'web/demo/samples');

const pick = (r, list) => list[Math.floor(r() * list.length)];
const pad = (n, w = 2) => String(n).padStart(w, '0');

/** A v4-shaped uuid from the PRNG. */
function uuid(r) {
  const hex = () => Math.floor(r() * 16).toString(16);
  const s = Array.from({ length: 32 }, hex);
  s[12] = '4';
  s[16] = '89ab'[Math.floor(r() * 4)];
  const t = s.join('');
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20)}`;
}

/** RFC 4180 cell: quoted when it holds the delimiter, a quote or a line break. */
function cell(value, delimiter) {
  const v = String(value);
  return v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csv(rows, delimiter = ',') {
  return rows.map((r) => r.map((c) => cell(c, delimiter)).join(delimiter)).join('\r\n') + '\r\n';
}

const FIRST = ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Noah', 'Mia', 'Jack', 'Ivy', 'Leo', 'Freya',
  'Arthur', 'Lily', 'Oscar', 'Grace', 'Charlie', 'Sophia', 'Zoë', 'Siân', 'Seán', 'Chloé', 'Priya', 'Tomasz'];
const LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson',
  'Wright', 'Thompson', 'Evans', 'Walker', 'White', "O'Brien", 'Roberts', 'Green', 'Hall', 'Nowak'];
const TITLES = ['Mr', 'Mrs', 'Ms', 'Miss', 'Dr', 'Mx'];
const GENDERS = ['Male', 'Female', 'male', 'female', 'Non-binary', 'Other', 'Unknown'];
const MARITAL = ['Single', 'Married', 'Divorced', 'Widowed', 'Civil-partnership', 'Cohabiting'];
const DOMAINS = ['example.com', 'mail.example.co.uk', 'post.example.org'];
const NOTES = ['Prefers email', 'Call after 5pm', 'Met at the "Retire Well" seminar', 'Interested in ISAs, bonds and a SIPP', ''];

function date(r, fromYear, toYear) {
  const y = fromYear + Math.floor(r() * (toYear - fromYear + 1));
  return `${pad(1 + Math.floor(r() * 28))}/${pad(1 + Math.floor(r() * 12))}/${y}`;
}

function phone(r) {
  return `07${Array.from({ length: 9 }, () => Math.floor(r() * 10)).join('')}`;
}

function niNumber(r) {
  const L = 'ABCEGHJKLMNPRSTWXYZ';
  const d = () => Math.floor(r() * 10);
  return `${pick(r, L)}${pick(r, L)} ${d()}${d()} ${d()}${d()} ${d()}${d()} ${pick(r, 'ABCD')}`;
}

/** 60 clients; rows 7, 13, 19, 24, 31, 38, 44, 52 (file lines 8, 14, …) carry one mistake each. */
function clientsWithErrors() {
  const r = rng(20260115);
  const header = ['Client UUID', 'Title', 'First Name', 'Last Name', 'Email Address', 'Mobile Number', 'Date of Birth',
    'Gender', 'Marital Status', 'NI Number', 'Send Welcome Email', 'Client Value', 'Is Prospect', 'Notes'];
  const rows = [header];
  const mistakes = {
    7: (row) => { row[4] = 'amelia.taylor@'; },
    13: (row) => { row[6] = '31/02/1980'; },
    19: (row) => { row[7] = 'M'; },
    24: (row) => { row[10] = 'yes please'; },
    31: (row) => { row[5] = '4.47912E+11'; },
    38: (row) => { row[11] = '£5,000'; },
    44: (row) => { row[6] = '14/03/2031'; },
    52: (row) => { row[10] = ''; row[4] = 'not-an-email'; },
  };
  for (let i = 1; i <= 60; i++) {
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const row = ['', pick(r, TITLES), first, last,
      `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + `@${pick(r, DOMAINS)}`,
      phone(r), date(r, 1940, 2000), pick(r, GENDERS), pick(r, MARITAL), niNumber(r),
      pick(r, ['yes', 'no', '1', '0', 'true', 'false']), String(Math.floor(r() * 500) * 1000), pick(r, ['no', 'no', 'yes']),
      pick(r, NOTES)];
    mistakes[i]?.(row);
    rows.push(row);
  }
  return Buffer.from(csv(rows), 'utf8');
}

/** Windows-1252 for the characters used here (Latin-1 plus the 0x80–0x9F specials). */
const CP1252_SPECIAL = { '€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97, '™': 0x99 };
function cp1252(text) {
  const bytes = [];
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (CP1252_SPECIAL[ch] !== undefined) bytes.push(CP1252_SPECIAL[ch]);
    else if (code < 0x100 && !(code >= 0x80 && code < 0xa0)) bytes.push(code);
    else throw new Error(`gen-samples: ${JSON.stringify(ch)} has no Windows-1252 byte`);
  }
  return Buffer.from(bytes);
}

/** 40 clients from a German/French Excel: ";" separated, Windows-1252, two mistakes. */
function clientsExcelSemicolon() {
  const r = rng(1252);
  const first = ['Jürgen', 'Zoë', 'François', 'Hélène', 'Søren', 'Björn', 'Inès', 'Günther', 'Anaïs', 'Renée', 'Jörg', 'Mañuel'];
  const last = ['Müller', 'Schröder', 'Dubois', 'Lefèvre', 'Weiß', 'Großmann', 'Åkesson', 'Brontë', 'Núñez', 'Fäßler'];
  const header = ['Vorname', 'Nachname', 'E-Mail', 'Telefon', 'Geburtsdatum', 'Willkommens-E-Mail senden', 'Wert', 'Notiz'];
  const rows = [header];
  for (let i = 1; i <= 40; i++) {
    const f = pick(r, first);
    const l = pick(r, last);
    const row = [f, l, `${f}.${l}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + '@example.de',
      `+49 30 ${Math.floor(1000000 + r() * 8999999)}`, date(r, 1950, 1999), pick(r, ['1', '0']),
      String(Math.floor(r() * 90000) + 1000),
      pick(r, ['Rückruf erbeten – „dringend“', 'Prämie 1.250,50 €', 'Kunde seit 2019', '']),
    ];
    if (i === 9) row[2] = 'jörg.müller(at)example.de';
    if (i === 27) row[5] = 'ja';
    rows.push(row);
  }
  return cp1252(csv(rows, ';'));
}

/** 30 plan updates keyed by uuid, with three key mistakes and one bad status. */
function plansUpdate() {
  const r = rng(4242);
  const header = ['Plan UUID', 'Client UUID', 'Plan Name', 'Plan Type', 'Provider', 'Status', 'Value', 'Next Review Date'];
  const rows = [header];
  const providers = ['Aviva', 'Legal & General', 'Royal London', 'Scottish Widows', 'Vanguard'];
  const types = ['pension', 'investment', 'protection_policy', 'mortgage'];
  let repeated = null;
  for (let i = 1; i <= 30; i++) {
    const key = uuid(r);
    if (i === 3) repeated = key;
    const row = [key, uuid(r), `${pick(r, ['Retirement', 'Family', 'Home', 'Growth'])} ${pick(r, ['Plan', 'Account', 'Policy'])}`,
      pick(r, types), pick(r, providers), pick(r, ['active', 'Active', 'inactive', 'proposed']),
      String(Math.floor(r() * 2000) * 100), date(r, 2026, 2027)];
    if (i === 6) row[0] = '';
    if (i === 11) row[0] = 'PLAN-0011';
    if (i === 17) row[0] = repeated;
    if (i === 23) row[5] = 'dormant';
    rows.push(row);
  }
  return Buffer.from(csv(rows), 'utf8');
}

const SAMPLES = {
  'clients-with-errors.csv': clientsWithErrors,
  'clients-excel-semicolon.csv': clientsExcelSemicolon,
  'plans-update.csv': plansUpdate,
};

const check = process.argv.includes('--check');
let differ = 0;
mkdirSync(outDir, { recursive: true });
for (const [name, make] of Object.entries(SAMPLES)) {
  const bytes = make();
  if (bytes.length >= 50_000) throw new Error(`gen-samples: ${name} is ${bytes.length} bytes (the limit is 50 KB)`);
  const path = join(outDir, name);
  if (check) {
    let current = null;
    try {
      current = readFileSync(path);
    } catch {
      // missing
    }
    if (!current || !current.equals(bytes)) {
      differ++;
      console.error(`gen-samples: ${name} differs from what the generator writes`);
    }
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    console.log(`wrote ${join('web/demo/samples', name)} (${bytes.length} bytes)`);
  }
}
if (differ) process.exit(1);
