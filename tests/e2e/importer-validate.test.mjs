// <preflight-importer> in validate mode, in headless Chromium against the demo served by
// the reference server: every step, the exact counts and messages of a file with known
// errors (compared with the native CLI on the same file and mapping), the downloaded error
// report byte for byte, the detection overrides, the remembered mapping — and no request
// to the API at all.
//
//   node --test tests/e2e/importer-validate.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { $, chooseFile, cliValidate, events, parseCsv, recordEvents, samplesDir, shot, startDemo, TOKEN, waitForStep } from './importer-harness.mjs';

const CLIENTS = join(samplesDir, 'clients-with-errors.csv');
const SEMICOLON = join(samplesDir, 'clients-excel-semicolon.csv');

let demo;
before(async () => {
  demo = await startDemo();
});
after(() => demo?.close());

test('validate mode: choose, map, check, review — counts, chart, table and report equal the CLI, and nothing is sent', async () => {
  const { page, problems, context } = await demo.open();
  await recordEvents(page);

  // 1. Choose: type, mode, file; the detection is shown.
  await chooseFile(page, { type: 'clients', mode: 'validate', file: CLIENTS });
  const detection = await $(page, '.detection').innerText();
  assert.match(detection, /Detect \(utf-8\)/);
  assert.match(detection, /Detect \(Comma \( , \)\)/);
  assert.match(detection, /14 columns found/);
  assert.equal(await $(page, '.detection input[type=checkbox]').isChecked(), true, 'the header row is detected');
  assert.equal(await $(page, '.sample-table tbody tr').count(), 5);
  await shot(page, 'validate-1-choose');
  await $(page, '.step-choose .actions button.primary').click();

  // 2. Map: suggestions with confidence, samples, pickers; the required field blocks.
  await waitForStep(page, 'map');
  const rows = $(page, 'table.mapping tbody tr');
  assert.equal(await rows.count(), 14);
  const emailRow = $(page, 'table.mapping tbody tr[data-header="Email Address"]');
  assert.match(await emailRow.innerText(), /ivy\.roberts@example\.com/);
  assert.match(await emailRow.locator('.confidence').innerText(), /Email[\s\S]*\d+% sure \(high\)/);
  assert.equal(await emailRow.locator('select').inputValue(), 'email');
  assert.equal(await $(page, 'tr[data-header="Notes"] select').inputValue(), '', 'an unknown column is ignored');

  const welcome = $(page, 'tr[data-header="Send Welcome Email"] select');
  await welcome.selectOption('');
  assert.match(await $(page, '.problems').innerText(), /Required fields not mapped yet[\s\S]*Send welcome email/);
  assert.equal(await $(page, '.step-map .actions button.primary').isDisabled(), true, 'a required field unmapped blocks the next step');
  // Mapping it twice blocks too.
  await $(page, 'tr[data-header="Is Prospect"] select').selectOption('send_welcome_email');
  await welcome.selectOption('send_welcome_email');
  assert.match(await $(page, '.problems').innerText(), /is chosen for more than one column: Send Welcome Email, Is Prospect/);
  assert.equal(await $(page, '.step-map .actions button.primary').isDisabled(), true);
  await $(page, 'tr[data-header="Is Prospect"] select').selectOption('is_prospect');
  assert.match(await $(page, '.problems').innerText(), /Every required field is mapped/);
  await shot(page, 'validate-2-map');
  await $(page, '.step-map .actions button.primary').click();

  // 3–4. Check, then review.
  await waitForStep(page, 'review');
  const mapped = (await events(page)).find((e) => e.name === 'mapped').detail;
  assert.equal(mapped.type, 'clients');
  assert.equal(mapped.mode, 'validate');
  const cli = cliValidate(CLIENTS, { type: 'clients', mode: 'validate', mapping: mapped.mapping });
  const validated = (await events(page)).find((e) => e.name === 'validated').detail;
  assert.equal(validated.summary.failed_jobs, cli.summary.failed_jobs);
  assert.deepEqual(validated.summary.preflight.errors_by_rule, cli.summary.preflight.errors_by_rule);

  const counts = await $(page, '.counts li').allInnerTexts();
  const pre = cli.summary.preflight;
  assert.deepEqual(counts.map((c) => c.replace(/\s+/g, ' ').replace(/^[^0-9]+/, '').trim()), [
    `${cli.summary.total_jobs} Rows`, `${pre.clean_rows} Ready to import`, `${cli.summary.failed_jobs} With problems`, `${pre.warning_count} Warnings`]);
  assert.deepEqual([cli.summary.total_jobs, cli.summary.failed_jobs, pre.clean_rows], [60, 8, 52], 'the sample holds 8 mistakes');
  assert.match(await $(page, '.step-review').innerText(), /nothing has left this computer/);

  // The charts: one bar per column and per rule, each with its count as text.
  const headerOf = Object.fromEntries(Object.entries(cli.summary.mapping).map(([h, f]) => [f, h]));
  const fieldBars = await $(page, '.chart-figure').nth(0).locator('g.bar').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
  assert.deepEqual(fieldBars, pre.errors_by_field.map((e) => `${headerOf[e.field]}: ${e.count} problems. Show only these rows.`));
  const ruleBars = await $(page, '.chart-figure').nth(1).locator('g.bar').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')));
  assert.deepEqual(ruleBars, pre.errors_by_rule.map((e) => `${e.rule}: ${e.count} problems. Show only these rows.`));

  // The failed rows: every line and every message of the CLI's error report, in order,
  // each message beside the cell of its column.
  await page.waitForSelector('preflight-importer .vt-body .vt-row[data-line]');
  const grid = $(page, '[role=grid]');
  assert.equal(await grid.getAttribute('aria-rowcount'), String(cli.summary.failed_jobs + 1));
  const [reportHeader, ...reportRows] = parseCsv(cli.errorsCsv);
  const shown = await tableRows(page);
  assert.deepEqual(shown.map((r) => r.line), reportRows.map((r) => Number(r[0])));
  for (const r of reportRows) {
    const messages = r[reportHeader.length - 1].split('\n');
    assert.deepEqual(await rowMessages(page, Number(r[0])), messages, `line ${r[0]}`);
  }
  const line8 = shown.find((r) => r.line === 8);
  assert.deepEqual(line8.bad, { 'Email Address': ['The email field must be a valid email address.'] }, 'the message sits beside the e-mail cell');
  const line53 = shown.find((r) => r.line === 53);
  assert.deepEqual(Object.keys(line53.bad).sort(), ['Email Address', 'Send Welcome Email']);
  await shot(page, 'validate-4-review');

  // Filters: by rule, by column, by a chart bar; and back.
  await $(page, '.filters select').nth(1).selectOption('email');
  assert.deepEqual((await tableRows(page)).map((r) => r.line), [8, 53]);
  assert.match(await $(page, '.showing').innerText(), /Showing 2 of 8/);
  await $(page, '.filters button').click();
  await $(page, '.filters select').nth(0).selectOption('date_of_birth');
  assert.deepEqual((await tableRows(page)).map((r) => r.line), [14, 45]);
  await $(page, '.filters button').click();
  await $(page, '.chart-figure').nth(1).locator('g.bar[data-key="rule:boolean"]').click();
  assert.deepEqual((await tableRows(page)).map((r) => r.line), [25]);
  assert.equal(await $(page, '.filters select').nth(1).inputValue(), 'boolean');
  await shot(page, 'validate-4-review-filtered');
  await $(page, '.filters button').click();
  assert.equal((await tableRows(page)).length, 8);

  // Row details: every message of the active row.
  await $(page, '.vt-body .vt-row[data-line="53"]').click();
  assert.match(await $(page, '.row-detail').innerText(), /Line 53[\s\S]*Email Address · email: The email field must be a valid email address\.[\s\S]*Send Welcome Email · required: The send welcome email field is required\./);

  // The preview: the first clean records as the engine's first batch holds them.
  const preview = await $(page, '.preview-table').evaluate((t) => [...t.rows].map((r) => [...r.cells].map((c) => c.textContent)));
  const batch = parseCsv(cli.batches[0]);
  assert.deepEqual(preview, batch.slice(0, preview.length));
  assert.equal(preview.length, 11, 'a header and 10 records');

  // The error report, downloaded: the CLI's bytes exactly.
  const [download] = await Promise.all([page.waitForEvent('download'), $(page, '.download a').click()]);
  assert.equal(download.suggestedFilename(), 'clients-with-errors-errors.csv');
  assert.deepEqual(readFileSync(await download.path()), cli.errorsCsv);

  // Validate mode posts nothing: the server saw no API request.
  assert.deepEqual(demo.apiRequests(), []);
  // The token is never written to an attribute or to storage.
  const leaks = await page.evaluate((token) => {
    const el = document.querySelector('preflight-importer');
    const attrs = [...el.attributes].map((a) => `${a.name}=${a.value}`).join(' ');
    const stored = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    return { attr: attrs.includes(token), stored: stored.includes(token), property: el.token === token };
  }, TOKEN);
  assert.deepEqual(leaks, { attr: false, stored: false, property: true });
  problems.assertClean();
  await context.close();
});

test('detection overrides re-run the suggestion; a mapping used before is offered again (only the mapping is stored)', async () => {
  const { page, problems, context } = await demo.open();
  await chooseFile(page, { type: 'clients', mode: 'validate', file: SEMICOLON });
  let detection = await $(page, '.detection').innerText();
  assert.match(detection, /Detect \(windows-1252\)/);
  assert.match(detection, /Detect \(Semicolon \( ; \)\)/);
  assert.match(detection, /8 columns found/);
  const firstRows = await $(page, '.sample-table').innerText();
  assert.match(firstRows, /Vorname\tNachname/);
  assert.match(firstRows, /„dringend“|1\.250,50 €|Müller|Schröder|Weiß/, 'Windows-1252 letters read right');
  await shot(page, 'validate-1-choose-windows1252');

  // Separator forced to comma: one column; back to detection: eight.
  await $(page, '.detection select').nth(1).selectOption(',');
  await page.waitForFunction(() => /1 columns found/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.detection')?.textContent ?? ''));
  assert.match(await $(page, '.detection').innerText(), /Set by you/);
  await $(page, '.detection select').nth(1).selectOption('');
  await page.waitForFunction(() => /8 columns found/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.detection')?.textContent ?? ''));
  // Encoding forced to UTF-8: the same bytes read differently.
  await $(page, '.detection select').nth(0).selectOption('utf-8');
  await page.waitForFunction(() => /Set by you/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.detection')?.textContent ?? ''));
  assert.doesNotMatch(await $(page, '.sample-table').innerText(), /Müller|Schröder|Weiß|Jürgen/);
  await $(page, '.detection select').nth(0).selectOption('');
  await page.waitForFunction(() => /Detect \(windows-1252\)/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.detection')?.textContent ?? ''));
  // The header-row switch.
  await $(page, '.detection input[type=checkbox]').uncheck();
  await page.waitForFunction(() => [...document.querySelector('preflight-importer').shadowRoot.querySelectorAll('.sample-table th')].some((th) => th.textContent === 'column_1'));
  await $(page, '.detection input[type=checkbox]').check();
  await page.waitForFunction(() => [...document.querySelector('preflight-importer').shadowRoot.querySelectorAll('.sample-table th')].some((th) => th.textContent === 'Vorname'));

  await $(page, '.step-choose .actions button.primary').click();
  await waitForStep(page, 'map');
  const choice = { Vorname: 'first_name', Nachname: 'last_name', 'E-Mail': 'email', Telefon: 'phone', Geburtsdatum: 'date_of_birth', 'Willkommens-E-Mail senden': 'send_welcome_email', Wert: 'value', Notiz: '' };
  for (const [header, field] of Object.entries(choice)) await $(page, `tr[data-header="${header}"] select`).selectOption(field);
  await $(page, '.step-map .actions button.primary').click();
  await waitForStep(page, 'review');
  const cli = cliValidate(SEMICOLON, {
    type: 'clients', mode: 'validate',
    mapping: { headers: [Object.fromEntries(Object.entries(choice).filter(([, f]) => f).map(([h, f]) => [f, h]))] },
  });
  const counts = (await $(page, '.counts .n').allInnerTexts()).map((s) => Number(s.replace(/\D/g, '')));
  assert.deepEqual(counts, [cli.summary.total_jobs, cli.summary.preflight.clean_rows, cli.summary.failed_jobs, cli.summary.preflight.warning_count]);
  assert.equal(cli.summary.failed_jobs, 2);

  // Only the mapping went to localStorage: no token, no cell of the file.
  const stored = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('preflight-importer:mapping:')));
  assert.equal(stored.length, 1);
  assert.match(stored[0][0], /^preflight-importer:mapping:v1:clients:[0-9a-f]{64}$/);
  const saved = JSON.parse(stored[0][1]);
  assert.deepEqual(Object.keys(saved).sort(), ['mapping', 'savedAt']);
  assert.deepEqual(saved.mapping, Object.fromEntries(Object.entries(choice).filter(([, f]) => f).map(([h, f]) => [f, h])));

  // The same headers again (after a reload): the earlier mapping is offered.
  await page.reload();
  await page.waitForSelector('preflight-importer .step-choose');
  await chooseFile(page, { type: 'clients', mode: 'validate', file: SEMICOLON });
  await $(page, '.step-choose .actions button.primary').click();
  await waitForStep(page, 'map');
  assert.match(await $(page, '.remembered').innerText(), /A mapping you used before/);
  await shot(page, 'validate-2-map-remembered');
  await $(page, '.remembered button.primary').click();
  for (const [header, field] of Object.entries(choice)) assert.equal(await $(page, `tr[data-header="${header}"] select`).inputValue(), field, header);
  assert.match(await $(page, '.remembered').innerText(), /The earlier mapping is applied/);
  assert.deepEqual(demo.apiRequests(), []);
  problems.assertClean();
  await context.close();
});

/** The rows the grid shows: line, all messages, and the messages beside each column. */
async function tableRows(page) {
  return page.evaluate(() => {
    const root = document.querySelector('preflight-importer').shadowRoot;
    const heads = [...root.querySelectorAll('.vt-headrow .vt-cell')].map((c) => c.textContent);
    const rows = [...root.querySelectorAll('.vt-body .vt-row[data-line]')].filter((r) => !r.hidden);
    rows.sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')));
    return rows.map((r) => {
      const cells = [...r.querySelectorAll('.vt-cell')];
      const bad = {};
      cells.forEach((cell, i) => {
        const here = [...cell.querySelectorAll('.msg')].map((m) => m.textContent);
        if (here.length) bad[heads[i]] = here;
      });
      return { line: Number(r.dataset.line), bad };
    });
  });
}

/** Every message of one row, as its detail panel lists them (click the row, read the list). */
async function rowMessages(page, line) {
  await $(page, `.vt-body .vt-row[data-line="${line}"]`).click();
  await page.waitForFunction((l) => document.querySelector('preflight-importer').shadowRoot.querySelector('.row-detail h5')?.textContent === `Line ${l}`, line);
  return $(page, '.row-detail li').evaluateAll((lis) => lis.map((li) => li.lastChild.textContent));
}

test('the host page: fixed type and mode, strings, theme, errors as events, hostile text stays text', async () => {
  const { page, problems, context } = await demo.open({ query: '?type=plans&mode=update' });
  await recordEvents(page);
  // Fixed type and mode: no picker, no radios.
  assert.equal(await $(page, 'select[name=type]').count(), 0);
  assert.equal(await $(page, 'input[type=radio]').count(), 0);
  assert.match(await $(page, '.type-fixed').innerText(), /Record type: Plans/);
  assert.match(await $(page, '.mode-fixed').innerText(), /Update existing records/);

  // Words and colours from the host.
  await page.evaluate(() => {
    const el = document.querySelector('preflight-importer');
    el.strings = { next: 'Weiter', stepChoose: 'Datei wählen' };
    el.style.setProperty('--pfi-accent', 'rgb(10, 120, 30)');
  });
  assert.equal(await $(page, '.step-choose .actions button.primary').innerText(), 'Weiter');
  assert.match(await $(page, 'nav.steps button[data-step=choose]').innerText(), /Datei wählen/);
  assert.equal(await $(page, 'nav.steps button[data-step=choose]').evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(10, 120, 30)');

  // A file of the wrong kind, then an empty one: shown as text, emitted as `error`.
  await $(page, 'input[name=file]').setInputFiles({ name: 'report.xlsx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK') });
  await page.waitForSelector('preflight-importer .error-box');
  assert.match(await $(page, '.error-box').innerText(), /“report\.xlsx” is not a CSV, TSV or TXT file\./);
  await $(page, 'input[name=file]').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await page.waitForFunction(() => (window.importerEvents ?? []).filter((e) => e.name === 'error').length >= 2);
  const errors = (await events(page)).filter((e) => e.name === 'error').map((e) => [e.detail.step, e.detail.code]);
  assert.deepEqual(errors, [['choose', 'invalid_file'], ['choose', 'empty_file']]);
  assert.match(await $(page, '.detection').innerText(), /empty/i);

  // Markup in a file's headers and cells is shown as text, never parsed.
  const hostile = 'Plan UUID,Client UUID,<img src=x onerror="window.pwned=1">,<b>Status</b>\r\n' +
    '5b1f6f0e-8a44-4f0e-9d4a-1c2b3d4e5f60,,<script>window.pwned=2</script>,<i>active</i>\r\n';
  await $(page, 'input[name=file]').setInputFiles({ name: 'hostile.csv', mimeType: 'text/csv', buffer: Buffer.from(hostile) });
  await page.waitForSelector('preflight-importer .sample-table');
  await $(page, '.step-choose .actions button.primary').click();
  await waitForStep(page, 'map');
  assert.ok((await $(page, 'table.mapping').innerText()).includes('<img src=x onerror="window.pwned=1">'));
  await $(page, 'tr[data-header="<b>Status</b>"] select').selectOption('status');
  await $(page, '.step-map .actions button.primary').click();
  await waitForStep(page, 'review');
  const injected = await page.evaluate(() => {
    const root = document.querySelector('preflight-importer').shadowRoot;
    return { pwned: window.pwned ?? null, elements: root.querySelectorAll('img, script, b, i').length, text: root.textContent.includes('<i>active</i>') };
  });
  assert.deepEqual(injected, { pwned: null, elements: 0, text: true });

  // A wrong token: the server's message, as text, and an `error` event from the history.
  await page.evaluate(() => { document.querySelector('preflight-importer').token = 'wrong-token'; });
  await $(page, 'nav.steps button[data-step=history]').click();
  await page.waitForSelector('preflight-importer .step-history .notice.danger');
  assert.match(await $(page, '.step-history .notice.danger').innerText(), /Unauthenticated\./);
  assert.ok((await events(page)).some((e) => e.name === 'error' && e.detail.step === 'history'));
  await shot(page, 'host-6-history-unauthenticated');
  problems.assertClean([/status of 401/]);
  await context.close();
});
