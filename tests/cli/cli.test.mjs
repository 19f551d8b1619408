// The CLI's commands, options, exit statuses and outputs (node --test).
// PREFLIGHT_CLI names the binary (CTest sets it); default build/native/preflight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const cli = resolve(process.env.PREFLIGHT_CLI ?? 'build/native/preflight');
const work = mkdtempSync(join(tmpdir(), 'preflight-cli-'));

function run(args, input) {
  const r = spawnSync(cli, args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name, text) {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const clients = file(
  'clients.csv',
  [
    'First Name,Surname,Email Address,Send Welcome Email,DOB',
    'Ada,Lovelace,ada@example.com,1,10/12/1815',
    'Alan,Turing,alan.example.com,0,23/06/1912',
    'Grace,Hopper,grace@example.com,maybe,31/02/1906',
    '=cmd|\' /C calc\'!A0,Smith,smith@example.com,1,01/01/1980',
  ].join('\r\n') + '\r\n',
);

test('every command has --help and exits 0', () => {
  for (const command of ['types', 'suggest', 'validate', 'parse']) {
    const r = run([command, '--help']);
    assert.equal(r.code, 0, command);
    assert.match(r.out, new RegExp(`preflight ${command}`));
  }
  const top = run(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.out, /Commands:/);
});

test('bad arguments exit 2 with a message naming the problem', () => {
  const cases = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['validate', '--type', 'clients', clients], /missing --mode/],
    [['validate', '--mode', 'store', clients], /missing --type/],
    [['validate', '--type', 'clients', '--mode', 'delete', clients], /unknown mode "delete"/],
    [['validate', '--type', 'client', '--mode', 'store', clients], /unknown import type "client".*clients/],
    [['validate', '--type', 'clients', '--mode', 'store', '--bogus', clients], /unknown option --bogus/],
    [['validate', '--type', 'clients', '--mode', 'store', '--laravel', '8', clients], /--laravel must be 9 or 10/],
    [['validate', '--type', 'clients', '--mode', 'store', join(work, 'missing.csv')], /cannot open .*missing\.csv/],
    [['validate', '--type', 'clients', '--mode', 'store', '--encoding', 'ebcdic', clients], /unknown encoding "ebcdic"/],
    [['validate', '--type', 'clients', '--mode', 'store', '--mapping', file('bad.json', '{"headers": 3}'), clients],
      /bad\.json/],
    [['parse'], /missing FILE/],
  ];
  for (const [args, pattern] of cases) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, pattern, args.join(' '));
  }
});

test('types lists the nine import types, as text and as JSON', () => {
  const text = run(['types']);
  assert.equal(text.code, 0);
  for (const t of ['business_staff_members', 'charges', 'clients', 'group_scheme_members', 'notes', 'plans',
    'premiums', 'tasks', 'valuations']) {
    assert.match(text.out, new RegExp(`^${t} `, 'm'));
  }
  const json = JSON.parse(run(['types', '--json']).out);
  assert.equal(json.length, 9);
  const client = json.find((t) => t.type === 'clients');
  assert.ok(client.fields.some((f) => f.name === 'send_welcome_email'));
});

test('suggest maps export-style headers to fields', () => {
  const r = run(['suggest', '--type', 'clients', clients]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(r.out);
  const byHeader = Object.fromEntries(s.suggestions.map((x) => [x.header, x.field]));
  assert.equal(byHeader['First Name'], 'first_name');
  assert.equal(byHeader['Surname'], 'last_name');
  assert.equal(byHeader['Email Address'], 'email');
  assert.equal(byHeader['DOB'], 'date_of_birth');
  assert.equal(byHeader['Send Welcome Email'], 'send_welcome_email');
  assert.ok(s.suggestions.every((x) => x.confidence >= 0 && x.confidence <= 1));
});

test('validate: exit 1 with failed rows, summary, error CSV and batches', () => {
  const errors = join(work, 'errors.csv');
  const batches = join(work, 'batches');
  const r = run(['validate', '--type', 'clients', '--mode', 'store', '--errors-csv', errors, '--batches', batches,
    '--batch-rows', '1', clients]);
  assert.equal(r.code, 1, r.err);
  const s = JSON.parse(r.out);
  assert.equal(s.type, 'clients');
  assert.equal(s.mode, 'store');
  assert.equal(s.total_jobs, 4);
  assert.equal(s.failed_jobs, 2);
  assert.equal(s.preflight.clean_rows, 2);
  assert.deepEqual(s.errors[0].errors, { email: ['The email field must be a valid email address.'] });
  assert.ok('client' in s.errors[0]);
  assert.deepEqual(s.mapping['First Name'], 'first_name');
  const csv = readFileSync(errors, 'utf8');
  assert.ok(csv.startsWith('\uFEFF"line","First Name"'));
  assert.match(csv, /"3","Alan"/);
  const files = readdirSync(batches).sort();
  assert.deepEqual(files, ['batch-00001.csv', 'batch-00002.csv']);
  const second = readFileSync(join(batches, files[1]), 'utf8');
  assert.match(second, /^first_name,last_name,email,/);
  assert.match(second, /=cmd\|' \/C calc'!A0/, 'batches carry values exactly (no neutralising)');
});

test('validate: --laravel 9 switches the wording', () => {
  const r = run(['validate', '--type', 'clients', '--mode', 'store', '--laravel', '9', clients]);
  const s = JSON.parse(r.out);
  assert.deepEqual(s.errors[0].errors, { email: ['The email must be a valid email address.'] });
  assert.equal(s.preflight.laravel, '9');
});

test('validate: exit 0 when every row is clean, reading standard input', () => {
  const text = 'first_name,last_name,send_welcome_email\nAda,Lovelace,1\n';
  const r = run(['validate', '--type', 'clients', '--mode', 'validate', '-'], text);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).total_jobs, 1);
});

test('validate: an unmapped required field is an import-level error (exit 2)', () => {
  const r = run(['validate', '--type', 'clients', '--mode', 'store', file('nowelcome.csv', 'first_name\nAda\n')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /send_welcome_email/);
  assert.equal(JSON.parse(r.out).status, 'failed');
});

test('validate: --constant fills a field the file lacks', () => {
  const path = file('const.csv', 'first_name,last_name\nAda,Lovelace\n');
  const r = run(['validate', '--type', 'clients', '--mode', 'store', '--constant', 'send_welcome_email=0', path]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out).preflight.constants, { send_welcome_email: '0' });
});

test('validate: the same summary whatever the chunk size', () => {
  const lines = ['first_name,last_name,email,send_welcome_email,notes_col'];
  for (let i = 0; i < 3000; i++) {
    lines.push(`Name${i},"Last, ${i}",${i % 17 ? `p${i}@example.com` : 'broken'},${i % 5},"multi\nline ""${i}"""`);
  }
  const path = file('big.csv', lines.join('\r\n'));
  const outputs = new Set();
  for (const chunk of ['1048576', '4096', '7']) {
    const r = run(['validate', '--type', 'clients', '--mode', 'validate', '--chunk-size', chunk, path]);
    assert.equal(r.code, 1);
    outputs.add(r.out);
  }
  assert.equal(outputs.size, 1);
});

test('parse prints each row as a JSON array, header first', () => {
  const path = file('parse.csv', 'a,b\r\n"x, y","say ""hi"""\r\n"multi\nline",\r\n');
  const r = run(['parse', path]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.out.trim().split('\n').map((l) => JSON.parse(l)), [['a', 'b'], ['x, y', 'say "hi"'], ['multi\nline', '']]);
});

test('parse reports an unterminated quote on stderr with its line, exit 1', () => {
  const path = file('unterminated.csv', 'a,b\n1,"open\n2,3\n');
  const r = run(['parse', path]);
  assert.equal(r.code, 1);
  assert.match(r.err, /line 2: unterminated_quote \(quote opened on line 2\)/);
  assert.deepEqual(JSON.parse(r.out.trim().split('\n').at(-1)), ['2', '3']);
});
