#!/usr/bin/env node
// Writes the fixtures whose exact bytes matter and that a text editor (or git's line-ending
// conversion) would silently change: other encodings (UTF-16, Windows-1252), invalid UTF-8,
// NUL bytes, CR-only and mixed line ends, a missing final line end, byte-order marks,
// formula-injection cells that start with a tab or a CR, and the empty/BOM-only/blank-only
// files. Each file is described where it is built. The outputs are committed beside their
// .args.json and expected results; re-running this script must give the same bytes.
//
//   node scripts/gen-fixtures.mjs            # (re)writes the files
//   node scripts/gen-fixtures.mjs --check    # exits 1 if a committed file differs
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../tests/fixtures');
const check = process.argv.includes('--check');
let differing = 0;

function emit(path, bytes) {
  const full = join(fixtures, path);
  const data = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8');
  if (check) {
    if (!existsSync(full) || !readFileSync(full).equals(data)) {
      console.error(`differs: tests/fixtures/${path}`);
      differing++;
    }
    return;
  }
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, data);
}

const BOM = '\uFEFF';
const lines = (rows, eol = '\n') => rows.map((r) => r + eol).join('');

// ── encodings ──────────────────────────────────────────────────────────────────────────

// Excel "CSV UTF-8": a BOM before the header. The first header must read "first_name".
emit('clients/enc_utf8_bom.csv', BOM + lines([
  'first_name,last_name,email,send_welcome_email',
  'Zoë,Brontë,zoe@example.com,1',
  'José,Núñez,jose@example.es,0',
  'Ann,Lee,ann@,1',
], '\r\n'));

// Excel "Unicode Text": UTF-16LE with a BOM, tab-separated, CRLF. Holds a character outside
// the BMP (a surrogate pair) and non-ASCII text; one row fails so the error CSV shows the
// text converted to UTF-8.
const unicodeText = BOM + lines([
  'first_name\tlast_name\temail\tsend_welcome_email\tnotes',
  'Zoë\tBrontë\tzoe@example.com\tyes\tLikes 😀 emoji',
  'Łukasz\tWróbel\tlukasz@example.pl\tno\tZażółć gęślą jaźń',
  '李\t小龍\tli@example.cn\t1\t',
  'Ørjan\tÅsheim\torjan@example.no\tperhaps\t€100 gift',
], '\r\n');
emit('clients/enc_utf16le_tab.txt', Buffer.from(unicodeText, 'utf16le'));

// UTF-16BE with a BOM, comma-separated, LF.
const utf16be = (s) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
};
emit('clients/enc_utf16be.csv', utf16be(BOM + lines([
  'first_name,last_name,email,send_welcome_email',
  'Chloé,Dupont,chloe@example.fr,1',
  'Jürgen,Müller,jurgen@example.de,0',
  'Åsa,Berg,,yes',
])));

// UTF-16LE whose byte length is odd: the last character lost its high byte. The rows
// before it must still be read; the dangling byte is reported, not a crash.
emit('clients/enc_utf16le_odd_length.csv', Buffer.concat([
  Buffer.from(BOM + lines([
    'first_name,last_name,email,send_welcome_email',
    'Chloé,Dupont,chloe@example.fr,1',
    'Jürgen,Müller,jurgen@example.de,0',
  ]) + 'Åsa,Berg,asa@example.se,', 'utf16le'),
  Buffer.from([0x31]), // '1' without its second byte
]));

// Excel "CSV (Comma delimited)" on a Western Windows machine: Windows-1252, no BOM. Bytes
// 0x80–0x9F are the ones Latin-1 gets wrong: € “ ” – ™ ’.
const cp1252 = new Map([
  ['€', 0x80], ['’', 0x92], ['“', 0x93], ['”', 0x94], ['–', 0x96], ['™', 0x99],
  ['é', 0xe9], ['£', 0xa3], ['ö', 0xf6], ['É', 0xc9],
]);
const encode1252 = (s) => Buffer.from([...s].map((ch) => {
  if (ch.charCodeAt(0) < 0x80) return ch.charCodeAt(0);
  const b = cp1252.get(ch);
  if (b === undefined) throw new Error(`no windows-1252 byte for ${ch}`);
  return b;
}));
emit('clients/enc_windows1252.csv', encode1252(lines([
  'first_name,last_name,email,send_welcome_email,nickname,client_preferences',
  'Renée,O’Brien,renee@example.ie,1,“Ren”,Prefers calls – not e-mail',
  'Jöran,Éclair,joran@example.se,0,Jö,Budget €250–£300 a month',
  'Brand™,Smith,brand@example,maybe,,“Quoted” text',
], '\r\n')));

// European Excel: UTF-8 BOM, a `sep=;` line naming the delimiter, ';' between cells and
// decimal commas in the numbers (which PHP's is_numeric refuses: they must fail, not be
// "fixed"). The sep= line is not the header and not a data row.
emit('premiums/sep_line_semicolon.csv', BOM + lines([
  'sep=;',
  'plan_uuid;amount;percentage;frequency;start_date;pensionable_salary;details',
  '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b;25000;;monthly;01/07/2023;;Regular contribution',
  '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b;;2,5;monthly;01/07/2023;42000;Employer, 2.5 per cent',
  '4a3b2c5d-6e7f-4081-9bac-1d2e3f4a5b6c;;5;monthly;01/07/2023;"42.000,00";Salary with a decimal comma',
  '4a3b2c5d-6e7f-4081-9bac-1d2e3f4a5b6c;1.234,56;;annually;01/07/2023;;Amount with a decimal comma',
  '5b4c3d6e-7f80-4192-acbd-2e3f4a5b6c7d;;7.5;weekly;01/07/2023;31000.50;Decimal point is fine',
], '\r\n'));

// The user overrides both guesses: Windows-1252 text whose cells hold more commas than
// the real delimiter ';' appears, passed with --encoding windows-1252 --delimiter ';'.
emit('clients/override_delimiter_encoding.csv', encode1252(lines([
  'first_name;last_name;email;send_welcome_email;client_preferences',
  'Renée;Dupont;renee@example.fr;1;calls, e-mail, post, “no Sundays”',
  'Jöran;Éclair;joran@example.se;0;e-mail, then calls, then post',
  'Chloé;Martin;chloe@;1;post, only, please, €5 max',
], '\r\n')));

// Valid UTF-8 for more than the 64 KiB sniff window (so the file is detected as UTF-8),
// then one row with an invalid byte in a mapped column (the row fails, naming the byte)
// and one with an invalid byte in an ignored column (only a warning).
{
  const header = 'first_name,last_name,email,send_welcome_email,legacy_notes';
  const rows = [header];
  let size = header.length + 1;
  for (let i = 1; size < 70 * 1024; i++) {
    const n = String(i).padStart(4, '0');
    const row = `Client${n},Ñoño${n},client${n}@example.com,${i % 2},Imported from the old système`;
    rows.push(row);
    size += Buffer.byteLength(row) + 1;
  }
  const valid = Buffer.from(lines(rows));
  emit('clients/enc_invalid_utf8_after_sniff.csv', Buffer.concat([
    valid,
    Buffer.from('Late,Caf'), Buffer.from([0xe9]), Buffer.from(',late@example.com,1,mapped column has a Latin-1 byte\n'),
    Buffer.from('Later,Row,later@example.com,0,ignored column '), Buffer.from([0xc3, 0x28]), Buffer.from(' bad pair\n'),
    Buffer.from('Last,Row,last@example.com,1,clean again\n'),
  ]));
}

// A NUL byte inside a mapped cell (the row fails) and inside an ignored column (a warning).
emit('clients/nul_byte.csv', Buffer.from(lines([
  'first_name,last_name,email,send_welcome_email,legacy_id',
  'Jane,Doe,jane@example.com,1,A-1',
  'Jo\u0000hn,Smith,john@example.com,0,A-2',
  'Priya,Patel,priya@example.com,1,A-\u00003',
  'Tom,Jones,tom@example.com,0,A-4',
])));

// ── line ends and blank lines ─────────────────────────────────────────────────────────

// Old Mac exports: CR only. Line numbers must still count lines.
emit('clients/line_endings_cr_only.csv', lines([
  'first_name,last_name,email,send_welcome_email',
  'Jane,Doe,jane@example.com,1',
  'John,Smith,john@,0',
  'Priya,Patel,priya@example.com,1',
], '\r'));

// CRLF and LF mixed in one file (rows appended by another tool).
emit('clients/line_endings_mixed.csv', [
  'first_name,last_name,email,send_welcome_email\r\n',
  'Jane,Doe,jane@example.com,1\r\n',
  'John,Smith,john@example.com,0\n',
  'Priya,Patel,priya@,1\r\n',
  'Tom,Jones,tom@example.com,yes\n',
].join(''));

// An LF file whose quoted cell holds CRLF (a line break typed in Excel): the CRLF is data,
// kept exactly in the batches, and the physical line count includes it.
emit('clients/quoted_crlf_in_lf.csv', [
  'first_name,last_name,email,send_welcome_email,client_preferences\n',
  'Jane,Doe,jane@example.com,1,"Morning calls\r\nNo post"\n',
  'John,Smith,john@,0,"Line one\r\nLine two\r\nLine three"\n',
  'Priya,Patel,priya@example.com,1,plain\n',
].join(''));

// No line end after the last row: the last row still counts.
emit('clients/no_final_newline.csv', [
  'first_name,last_name,email,send_welcome_email\n',
  'Jane,Doe,jane@example.com,1\n',
  'John,Smith,john@example.com,not sure',
].join(''));

// Blank lines before the header, between rows, a whitespace-only line and a blank tail.
emit('clients/blank_lines.csv', [
  '\n',
  'first_name,last_name,email,send_welcome_email\n',
  'Jane,Doe,jane@example.com,1\n',
  '\n',
  '\r\n',
  'John,Smith,john@example.com,\n',
  '   \n',
  'Priya,Patel,priya@example.com,0\n',
  '\n',
  '\n',
].join(''));

// ── files with nothing to import ─────────────────────────────────────────────────────

emit('clients/empty_file.csv', Buffer.alloc(0));
emit('clients/bom_only.csv', BOM);
emit('clients/blank_lines_only.csv', '\n\r\n\n\r\n\n');

// ── CSV injection ────────────────────────────────────────────────────────────────────

// Cells that start with = + - @ tab CR (and LF) in failed rows: the error CSV must prefix
// them with ' so a spreadsheet shows them as text, while the batches (the data sent to the
// API) keep them exactly. The header of an ignored column is a formula too.
emit('clients/formula_injection.csv', [
  'first_name,last_name,email,send_welcome_email,"=cmd|\' /C calc\'!A0"\r\n',
  '=SUM(A1:A9),Doe,jane@example.com,1,x\r\n',
  '+44 20 7946 0958,Smith,john@example.com,0,y\r\n',
  '-1-1,Patel,priya@,1,"=HYPERLINK(""http://evil.example"",""click"")"\r\n',
  '@SUM(1+1),Jones,tom@,0,"a"";=1+2"\r\n',
  '"\t=1+2",Lee,ann@,1,"\r=1+2"\r\n',
  '"\n=2+3",Green,sam@,1,plain\r\n',
  '"=1+2\nx",Wood,helen@example.com,maybe,plain\r\n',
].join(''));

if (check && differing) process.exit(1);
