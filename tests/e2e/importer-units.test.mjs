// The importer's plain-JS parts under Node (no browser needed): reading the engine's error
// report back into rows, fields and rules — checked against every fixture's expected
// summary (errors_by_field, errors_by_rule) — the CSV reader's chunk invariance, the
// string table, and the sample files' generator.
//
//   node --test tests/e2e/importer-units.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { parseRecord, RecordSplitter } from '../../web/src/importer/csv.js';
import { FailedRows, unneutralise } from '../../web/src/importer/failed-rows.js';
import { headersHash } from '../../web/src/importer/mapping-memory.js';
import { createClassifier, splitMessages } from '../../web/src/importer/messages.js';
import { displayAttribute, isRequired, ruleNames } from '../../web/src/importer/schema.js';
import { DEFAULT_STRINGS, format, mergeStrings, translator } from '../../web/src/importer/strings.js';
import { CLI, repoRoot } from './importer-harness.mjs';

const fixtures = join(repoRoot, 'tests/fixtures');
const types = JSON.parse(execFileSync(CLI, ['types', '--json', '--schema', join(fixtures, 'schemas/custom_records.json')], { encoding: 'utf8' }));

function* errorFixtures() {
  for (const dir of readdirSync(fixtures, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'schemas') continue;
    for (const f of readdirSync(join(fixtures, dir.name)).filter((n) => n.endsWith('.errors.csv'))) {
      const stem = f.replace(/\.errors\.csv$/, '');
      const summaryPath = join(fixtures, dir.name, `${stem}.summary.json`);
      if (existsSync(summaryPath)) yield { name: `${dir.name}/${stem}`, csv: join(fixtures, dir.name, f), summary: JSON.parse(readFileSync(summaryPath, 'utf8')) };
    }
  }
}

test('every fixture: the error report read back gives the summary\'s counts per field and per rule', async () => {
  let checked = 0;
  for (const fx of errorFixtures()) {
    const def = types.find((t) => t.type === fx.summary.type);
    const fieldOfHeader = new Map(Object.entries(fx.summary.mapping ?? {}));
    const rows = await FailedRows.load(new Blob([readFileSync(fx.csv)]), {
      classifier: createClassifier(def, fx.summary.mode, fieldOfHeader), fieldOfHeader,
    });
    const pre = fx.summary.preflight;
    assert.equal(rows.count, fx.summary.failed_jobs, `${fx.name}: failed rows`);
    assert.deepEqual(Object.fromEntries(rows.rowsByField), Object.fromEntries(pre.errors_by_field.map((e) => [e.field, e.count])), `${fx.name}: by field`);
    assert.deepEqual(Object.fromEntries(rows.messagesByRule), Object.fromEntries(pre.errors_by_rule.map((e) => [e.rule, e.count])), `${fx.name}: by rule`);
    assert.ok(!rows.messagesByRule.has('other'), `${fx.name}: every message recognised`);
    // The summary's first entries: the same fields per row.
    for (let i = 0; i < Math.min(rows.count, fx.summary.errors.length); i++) {
      const entry = fx.summary.errors[i];
      const fields = Object.keys(entry.errors).sort();
      const row = rows.row(i);
      assert.deepEqual([...new Set(row.messages.map((m) => m.field))].sort(), fields, `${fx.name}: row ${i}`);
      assert.deepEqual(row.messages.map((m) => m.text).sort(), Object.values(entry.errors).flat().sort());
    }
    checked++;
  }
  assert.ok(checked >= 40, `${checked} fixtures checked`);
});

test('filters pick rows by field, by rule, and by both in one message', async () => {
  const fx = [...errorFixtures()].find((f) => f.name === 'charges/crm_export_store');
  const def = types.find((t) => t.type === 'charges');
  const fieldOfHeader = new Map(Object.entries(fx.summary.mapping));
  const rows = await FailedRows.load(new Blob([readFileSync(fx.csv)]), { classifier: createClassifier(def, 'store', fieldOfHeader), fieldOfHeader });
  const lines = (idx) => [...idx].map((i) => rows.line(i));
  assert.equal(rows.filter({}), null);
  assert.deepEqual(lines(rows.filter({ rule: 'required' })), [6]);
  assert.deepEqual(lines(rows.filter({ field: 'adviser_uuid' })), [6, 11]);
  assert.deepEqual(lines(rows.filter({ field: 'adviser_uuid', rule: 'uuid' })), [11]);
  assert.deepEqual(lines(rows.filter({ field: 'adviser_uuid', rule: 'in' })), []);
  assert.deepEqual(lines(rows.filter({ field: 'nope' })), []);
  assert.equal(rows.columnOf('adviser_uuid'), rows.headers.indexOf('Adviser UUID'));
});

test('the CSV reader gives the same records whatever the chunking', () => {
  const text = readFileSync(join(fixtures, 'clients/formula_injection.errors.csv'), 'utf8') + readFileSync(join(fixtures, 'charges/crm_export_store.errors.csv'), 'utf8').replace(/^\ufeff/, '');
  const whole = new RecordSplitter();
  const expected = [...whole.push(text), ...whole.end()];
  for (const size of [1, 2, 3, 5, 17, 64, 1000]) {
    const s = new RecordSplitter();
    const got = [];
    for (let i = 0; i < text.length; i += size) got.push(...s.push(text.slice(i, i + size)));
    got.push(...s.end());
    assert.deepEqual(got, expected, `chunks of ${size}`);
  }
  assert.deepEqual(parseRecord('"a","b ""q""","",c,'), ['a', 'b "q"', '', 'c', '']);
  assert.deepEqual(parseRecord('"multi\nline","x"'), ['multi\nline', 'x']);
  assert.equal(unneutralise("'=1+2"), '=1+2');
  assert.equal(unneutralise("'0123"), "'0123");
  assert.deepEqual(splitMessages('The a field is required.\nThe b field is required.'), ['The a field is required.', 'The b field is required.']);
});

test('schema helpers: rules per mode, required fields, Laravel attribute names', () => {
  const clients = types.find((t) => t.type === 'clients');
  const uuid = clients.fields.find((f) => f.name === 'uuid');
  assert.deepEqual(ruleNames(uuid, 'store'), ['prohibited']);
  assert.deepEqual(ruleNames(uuid, 'update'), ['required', 'uuid']);
  assert.equal(isRequired(uuid, 'update'), true);
  assert.equal(isRequired(uuid, 'store'), false);
  assert.deepEqual(clients.fields.filter((f) => isRequired(f, 'store')).map((f) => f.name), ['send_welcome_email']);
  assert.ok(ruleNames(clients.fields.find((f) => f.name === 'gender'), 'store').includes('in'));
  assert.equal(displayAttribute('send_welcome_email'), 'send welcome email');
  assert.equal(displayAttribute('sendWelcomeEmail'), 'send welcome email');
});

test('strings: defaults, overrides, placeholders', () => {
  const t = translator(mergeStrings({ next: 'Weiter', extra: 'Zusatz {n}' }));
  assert.equal(t('next'), 'Weiter');
  assert.equal(t('back'), DEFAULT_STRINGS.back);
  assert.equal(t('extra', { n: 2 }), 'Zusatz 2');
  assert.equal(format('{a} of {b} ({c})', { a: 1, b: 2 }), '1 of 2 ({c})');
});

test('the remembered-mapping key ignores header order', async () => {
  assert.equal(await headersHash(['b', 'a', 'c']), await headersHash(['c', 'b', 'a']));
  assert.notEqual(await headersHash(['a', 'b']), await headersHash(['a', 'b', 'c']));
  assert.match(await headersHash(['x']), /^[0-9a-f]{64}$/);
});

test('the committed sample files are what scripts/gen-samples.mjs writes, each under 50 KB', () => {
  execFileSync(process.execPath, [join(repoRoot, 'scripts/gen-samples.mjs'), '--check'], { stdio: 'pipe' });
  for (const f of readdirSync(join(repoRoot, 'web/demo/samples'))) {
    assert.ok(readFileSync(join(repoRoot, 'web/demo/samples', f)).length < 50_000, f);
  }
});
