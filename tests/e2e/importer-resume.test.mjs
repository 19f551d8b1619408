// A reload in the middle of an import: the element offers to resume it, the same file
// (checked by its hash) rebuilds the same batches, only the batches not yet finished are
// posted, and the server ends with every clean row exactly once.
//
//   node --test tests/e2e/importer-resume.test.mjs
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { $, chooseFile, events, recordEvents, samplesDir, shot, startDemo, until, waitForStep } from './importer-harness.mjs';

const CLIENTS = join(samplesDir, 'clients-with-errors.csv');

let demo;
before(async () => {
  // Slow processing on the server, so the reload lands mid-import.
  demo = await startDemo({ processDelayMs: 700 });
});
after(() => demo?.close());

test('a reload mid-import resumes without duplicates', async () => {
  const { page, problems, context } = await demo.open({ query: '?batch-size=4' });
  await chooseFile(page, { type: 'clients', mode: 'store', file: CLIENTS });
  await $(page, '.step-choose .actions button.primary').click();
  await waitForStep(page, 'map');
  await $(page, '.step-map .actions button.primary').click();
  await waitForStep(page, 'review');
  await $(page, 'button.start-import').click();
  await waitForStep(page, 'import');

  // 52 clean rows in batches of 4: 13 imports. Reload once a few have finished.
  const db = demo.db();
  const completed = () => db.prepare("SELECT COUNT(*) AS n FROM imports WHERE status = 'completed'").get().n;
  await until(() => completed() >= 3, 'three batches to finish on the server', 90_000);
  // …and until the page itself has seen some finish (its poll can lag the server's database
  // on a busy machine; only batches the page recorded as finished are known to be done).
  const bar = page.locator('preflight-importer .step-import progress');
  await until(async () => (await bar.evaluate((el) => Number(el.value))) > 0, 'the page to record a finished batch', 90_000);
  assert.ok(completed() < 13, 'the reload comes before the end');
  await shot(page, 'resume-5-import-before-reload');
  await page.reload();
  await page.waitForSelector('preflight-importer .step-choose');

  // The interrupted run is offered; the same file resumes it.
  const banner = $(page, '.resume');
  await banner.waitFor({ timeout: 30_000 });
  const offer = /“clients-with-errors\.csv” \(Clients, store\) stopped after (\d+) of 52 rows/.exec(await banner.innerText());
  assert.ok(offer, await banner.innerText());
  const sentBefore = Number(offer[1]);
  assert.ok(sentBefore > 0 && sentBefore % 4 === 0 && sentBefore < 52, `whole batches were sent before the reload (${sentBefore} rows)`);
  await shot(page, 'resume-1-offer');
  await recordEvents(page);
  await $(page, 'input[name=resume-file]').setInputFiles(CLIENTS);
  await waitForStep(page, 'import', 90_000);
  await page.waitForSelector('preflight-importer .reconciliation', { timeout: 120_000 });
  await shot(page, 'resume-5-import-after-reload');
  const done = (await events(page)).find((e) => e.name === 'imported').detail;
  assert.equal(done.complete, true);
  assert.equal(done.counts.batches, 13);
  assert.ok(done.counts.skipped >= sentBefore / 4, `the batches finished before the reload were not posted again (skipped ${done.counts.skipped})`);
  assert.equal(done.reconciliation.rowsAccepted, 52);
  assert.equal(done.reconciliation.balanced, true);

  // Every clean row exactly once; every batch imported (started) exactly once.
  const records = db.prepare("SELECT fields FROM records WHERE type = 'clients'").all();
  assert.equal(records.length, 52);
  assert.equal(new Set(records.map((r) => r.fields)).size, 52, 'no row was imported twice');
  const started = db.prepare("SELECT headers, total_jobs FROM imports WHERE status IN ('processing', 'completed', 'failed')").all();
  const markers = started.map((i) => JSON.parse(i.headers).find((h) => h.startsWith('preflight_batch_')));
  assert.equal(started.length, 13);
  assert.equal(new Set(markers).size, 13, 'each batch was started once');
  assert.equal(started.reduce((n, i) => n + i.total_jobs, 0), 52);

  // The run is finished: nothing is offered after another reload.
  await page.reload();
  await page.waitForSelector('preflight-importer .step-choose');
  await page.waitForTimeout(1000);
  assert.equal(await $(page, '.resume').count(), 0);
  // Aborted requests at the reload are expected; nothing else.
  problems.assertClean([/net::ERR_ABORTED|Failed to fetch|NetworkError/]);
  await context.close();
});
