// <preflight-importer> in store and update mode against the real reference server: the
// clean rows reach the server as the expected records (checked in its SQLite database
// against the CLI's batches), the reconciliation adds up, rows the server refuses are
// reported with links to its error reports, and the history lists, filters, sorts and
// pages the imports.
//
//   node --test tests/e2e/importer-import.test.mjs
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { $, chooseFile, cliValidate, events, parseCsv, recordEvents, samplesDir, shot, startDemo, waitForStep } from './importer-harness.mjs';

const CLIENTS = join(samplesDir, 'clients-with-errors.csv');

let demo;
before(async () => {
  demo = await startDemo();
});
after(() => demo?.close());

/** Steps 1–4 with the suggested mapping; answers the `mapped` event's mapping. */
async function throughReview(page, { type = 'clients', mode, file }) {
  await chooseFile(page, { type, mode, file });
  await shot(page, `${mode}-1-choose`);
  await $(page, '.step-choose .actions button.primary').click();
  await waitForStep(page, 'map');
  if (mode === 'update') {
    // The key is required when updating.
    assert.match(await $(page, 'tr[data-header="Client UUID"] select option:checked').innerText(), /UUID \(required\)/);
  }
  await shot(page, `${mode}-2-map`);
  await $(page, '.step-map .actions button.primary').click();
  await waitForStep(page, 'review');
  return (await events(page)).find((e) => e.name === 'mapped').detail.mapping;
}

async function reconciliation(page) {
  return $(page, '.reconciliation dd').evaluateAll((dds) => Object.fromEntries(dds.map((d) => [d.dataset.k, Number(d.textContent.replace(/\D/g, ''))])));
}

/** The values a record should hold for a batch row: every field but the key, blank → null. */
function expectedFields(header, row, key = 'uuid') {
  return Object.fromEntries(header.map((f, i) => [f, row[i] === '' ? null : row[i]]).filter(([f]) => f !== key));
}

const canonical = (o) => JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k]]));

test('store mode: the clean rows become the expected records; the reconciliation adds up; history lists the imports', async () => {
  const { page, problems, context } = await demo.open({ query: '?batch-size=10' });
  await recordEvents(page);
  const mapping = await throughReview(page, { mode: 'store', file: CLIENTS });
  const start = $(page, 'button.start-import');
  assert.equal(await start.innerText(), 'Import 52 clean rows');
  assert.deepEqual(demo.apiRequests(), [], 'nothing is sent before the import step');
  await shot(page, 'store-4-review');
  await start.click();
  await waitForStep(page, 'import');
  await page.waitForSelector('preflight-importer .reconciliation', { timeout: 120_000 });
  await shot(page, 'store-5-import');

  assert.deepEqual(await reconciliation(page), { rowsInFile: 60, rowsAccepted: 52, rowsFailedLocally: 8, rowsFailedOnServer: 0 });
  assert.match(await $(page, '.import-status').innerText(), /Import finished/);
  const imported = (await events(page)).find((e) => e.name === 'imported').detail;
  assert.equal(imported.complete, true);
  assert.equal(imported.reconciliation.balanced, true);
  assert.equal(imported.counts.batches, 6, '52 rows in batches of 10');

  // The server's records are exactly the CLI's clean batches.
  const cli = cliValidate(CLIENTS, { type: 'clients', mode: 'store', mapping, extra: ['--batch-rows', '10'] });
  assert.equal(cli.batches.length, 6);
  const expected = cli.batches.flatMap((b) => {
    const [header, ...rows] = parseCsv(b);
    return rows.map((r) => expectedFields(header, r));
  });
  const db = demo.db();
  const records = db.prepare("SELECT uuid, fields FROM records WHERE type = 'clients' ORDER BY id").all();
  assert.equal(records.length, 52);
  assert.equal(new Set(records.map((r) => r.uuid)).size, 52);
  assert.deepEqual(records.map((r) => canonical(JSON.parse(r.fields))).sort(), expected.map(canonical).sort());
  const imports = db.prepare("SELECT status, total_jobs, mode FROM imports ORDER BY id").all();
  assert.deepEqual(imports.map((i) => i.status), Array(6).fill('completed'));
  assert.equal(imports.reduce((n, i) => n + i.total_jobs, 0), 52);

  // History: the six batch imports, filterable and sortable.
  await $(page, 'nav.steps button[data-step=history]').click();
  await waitForStep(page, 'history');
  await page.waitForSelector('preflight-importer .history-table');
  assert.equal(await $(page, '.history-table tbody tr').count(), 6);
  assert.match(await $(page, '.history-status').innerText(), /6 imports/);
  const newest = await $(page, '.history-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.uuid));
  await $(page, '.step-history .filters select').nth(2).selectOption('created_at');
  await page.waitForFunction((first) => document.querySelector('preflight-importer').shadowRoot.querySelector('.history-table tbody tr')?.dataset.uuid !== first, newest[0]);
  const oldest = await $(page, '.history-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.uuid));
  assert.deepEqual(oldest, [...newest].reverse());
  assert.equal(await $(page, '.history-table th').first().getAttribute('aria-sort'), 'ascending');
  await $(page, '.step-history .filters select').nth(0).selectOption('plans');
  await page.waitForFunction(() => /No imports match/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.history-body')?.textContent ?? ''));
  await $(page, '.step-history .filters select').nth(0).selectOption('clients');
  await $(page, '.step-history .filters select').nth(1).selectOption('completed');
  await page.waitForFunction(() => document.querySelector('preflight-importer').shadowRoot.querySelectorAll('.history-table tbody tr').length === 6);
  assert.match(await $(page, '.history-table tbody').innerText(), /Clients\tstore\t✓?\s*Completed/);
  await shot(page, 'store-6-history');
  problems.assertClean();
  await context.close();
});

test('update mode: records change, rows the server refuses are reconciled and reported, history pages', async () => {
  // An update file from the records the store test created: 20 renamed, one unknown uuid
  // (the server refuses it), one malformed uuid (refused here, never sent).
  const db = demo.db();
  const records = db.prepare("SELECT uuid, fields FROM records WHERE type = 'clients' ORDER BY id LIMIT 20").all();
  assert.equal(records.length, 20, 'runs after the store test');
  const lines = [['Client UUID', 'First Name', 'Last Name', 'Email Address', 'Send Welcome Email']];
  records.forEach((r, i) => {
    const f = JSON.parse(r.fields);
    lines.push([r.uuid, f.first_name, `Updated-${i + 1}`, f.email, '0']);
  });
  lines.splice(8, 0, ['0f8fad5b-d9cb-469f-a165-70867728950e', 'Nobody', 'Unknown', 'nobody@example.com', '0']);
  lines.splice(15, 0, ['not-a-uuid', 'Bad', 'Key', 'bad@example.com', '0']);
  const file = join(demo.dir, 'clients-update.csv');
  writeFileSync(file, lines.map((l) => l.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n');

  const { page, problems, context } = await demo.open({ query: '?batch-size=5' });
  await recordEvents(page);
  await throughReview(page, { mode: 'update', file });
  const counts = (await $(page, '.counts .n').allInnerTexts()).map((s) => Number(s.replace(/\D/g, '')));
  assert.deepEqual(counts.slice(0, 3), [22, 21, 1]);
  assert.equal(await $(page, 'button.start-import').innerText(), 'Update 21 records');
  await shot(page, 'update-4-review');
  await $(page, 'button.start-import').click();
  await page.waitForSelector('preflight-importer .reconciliation', { timeout: 120_000 });
  await shot(page, 'update-5-import');
  assert.deepEqual(await reconciliation(page), { rowsInFile: 22, rowsAccepted: 20, rowsFailedLocally: 1, rowsFailedOnServer: 1 });

  // The records changed; none was added.
  const after = db.prepare("SELECT uuid, fields, updated_by_import FROM records WHERE type = 'clients' ORDER BY id").all();
  assert.equal(after.length, 52);
  after.slice(0, 20).forEach((r, i) => {
    assert.equal(JSON.parse(r.fields).last_name, `Updated-${i + 1}`);
    assert.equal(JSON.parse(r.fields).send_welcome_email, '0');
    assert.ok(r.updated_by_import);
  });
  assert.ok(after.slice(20).every((r) => r.updated_by_import === null));

  // The server's own error report, through its link (downloaded with the token).
  const links = $(page, '.server-reports button.server-report');
  assert.equal(await links.count(), 1, 'one batch had a row refused by the server');
  const [serverReport] = await Promise.all([page.waitForEvent('download'), links.first().click()]);
  const serverRows = parseCsv(readFileSync(await serverReport.path()));
  assert.equal(serverRows.length, 2);
  assert.match(serverRows[1].at(-1), /The selected uuid is invalid\./);
  assert.ok(serverRows[1].includes('0f8fad5b-d9cb-469f-a165-70867728950e'));
  // The merged report: the row refused here and the row refused there, by their lines in this file.
  const [merged] = await Promise.all([page.waitForEvent('download'), $(page, '.server-reports li:first-child button').click()]);
  const mergedRows = parseCsv(readFileSync(await merged.path()));
  assert.deepEqual(mergedRows.slice(1).map((r) => [r[0], r[1], r.at(-1)]), [
    ['9', '0f8fad5b-d9cb-469f-a165-70867728950e', 'The selected uuid is invalid.'],
    ['16', 'not-a-uuid', 'The uuid field must be a valid UUID.'],
  ]);

  // History: 6 + 5 imports, two pages of ten.
  await $(page, 'nav.steps button[data-step=history]').click();
  await page.waitForSelector('preflight-importer .history-table');
  assert.match(await $(page, '.history-status').innerText(), /11 imports/);
  assert.equal(await $(page, '.history-table tbody tr').count(), 10);
  assert.equal(await $(page, '.pager .page').innerText(), 'Page 1 of 2');
  assert.equal(await $(page, '.pager button').first().isDisabled(), true);
  await $(page, '.pager button').last().click();
  await page.waitForFunction(() => document.querySelector('preflight-importer').shadowRoot.querySelector('.pager .page')?.textContent === 'Page 2 of 2');
  assert.equal(await $(page, '.history-table tbody tr').count(), 1);
  assert.match(await $(page, '.history-table tbody').innerText(), /store/, 'the oldest import last');
  await shot(page, 'update-6-history-page2');
  await $(page, '.pager button').first().click();
  await page.waitForFunction(() => document.querySelector('preflight-importer').shadowRoot.querySelector('.pager .page')?.textContent === 'Page 1 of 2');
  const page1 = await $(page, '.history-table tbody tr').allInnerTexts();
  assert.match(page1[0], /update/, 'the newest first');
  assert.equal(page1.filter((r) => /\tDownload$/.test(r)).length, 1, 'the import with a refused row links its error report');
  const [fromHistory] = await Promise.all([page.waitForEvent('download'), $(page, '.history-table button').first().click()]);
  assert.match(readFileSync(await fromHistory.path(), 'utf8'), /The selected uuid is invalid\./);
  problems.assertClean();
  await context.close();
});
