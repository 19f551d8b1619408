// Keyboard only: from the first Tab to the history, every step of <preflight-importer> is
// reached and used with Tab, Shift+Tab, arrows, Enter and Space — no mouse, no direct
// calls. Focus moves to each new step's heading; the focused control shows an outline.
//
//   node --test tests/e2e/importer-keyboard.test.mjs
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { $, samplesDir, shot, startDemo, waitForStep } from './importer-harness.mjs';

const CLIENTS = join(samplesDir, 'clients-with-errors.csv');

let demo;
before(async () => {
  demo = await startDemo();
});
after(() => demo?.close());

/** The element that has the focus, looking inside shadow roots. */
function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    const style = getComputedStyle(a);
    return {
      tag: a.tagName.toLowerCase(),
      text: (a.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 100),
      name: a.getAttribute('name'),
      type: a.getAttribute('type'),
      role: a.getAttribute('role'),
      label: a.getAttribute('aria-label'),
      value: a.value ?? null,
      step: a.dataset?.step ?? null,
      dataRole: a.dataset?.role ?? null,
      key: a.getAttribute('data-key'),
      inImporter: a.getRootNode() !== document,
      outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    };
  });
}

/** Presses Tab (or Shift+Tab) until `match(focused)` holds. */
async function tabTo(page, match, what, { shift = false, max = 80 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (f && match(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

async function headingFocused(page, text) {
  const f = await focused(page);
  assert.equal(f.tag, 'h3', `focus on the step heading (got ${JSON.stringify(f)})`);
  assert.equal(f.text, text);
}

test('keyboard only: choose, map, check, review (chart, table), import and history', async () => {
  const { page, problems, context } = await demo.open({ query: '?batch-size=20' });

  // 1. Choose: the type picker, the mode radios (arrows), the file input (Space opens the chooser).
  let f = await tabTo(page, (x) => x.inImporter && x.tag === 'select' && x.name === 'type', 'the type picker');
  assert.equal(f.value, 'clients');
  assert.ok(f.outline, 'the focused control has a visible outline');
  f = await tabTo(page, (x) => x.type === 'radio', 'the mode radios');
  assert.equal(f.value, 'validate');
  await page.keyboard.press('ArrowDown');
  f = await focused(page);
  assert.equal(f.value, 'store');
  assert.equal(await $(page, 'input[type=radio][value=store]').isChecked(), true);
  await tabTo(page, (x) => x.type === 'file' && x.name === 'file', 'the file input');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
  await chooser.setFiles(CLIENTS);
  await page.waitForSelector('preflight-importer .sample-table');
  // An override by keyboard: the suggestion runs again and the focus stays on the control.
  await tabTo(page, (x) => x.dataRole === 'encoding', 'the encoding override');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => /Set by you/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.detection')?.textContent ?? '') && document.querySelector('preflight-importer').shadowRoot.querySelector('.sample-table'));
  f = await focused(page);
  assert.equal(f.dataRole, 'encoding', 'the focus is back on the encoding control');
  assert.equal(f.value, 'utf-8');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => /Detect \(utf-8\)/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.detection')?.textContent ?? '') && document.querySelector('preflight-importer').shadowRoot.querySelector('.sample-table'));
  assert.equal((await focused(page)).dataRole, 'encoding');
  await tabTo(page, (x) => x.tag === 'button' && x.text === 'Next', 'Next');
  await shot(page, 'keyboard-1-choose');
  await page.keyboard.press('Enter');

  // 2. Map: focus lands on the heading; the pickers and the button are reachable.
  await waitForStep(page, 'map');
  await headingFocused(page, 'Match your columns to the CRM’s fields');
  f = await tabTo(page, (x) => x.tag === 'select' && x.label === 'Field for column “Client UUID”', 'the first field picker');
  assert.equal(f.value, 'uuid');
  await tabTo(page, (x) => x.tag === 'button' && x.text === 'Check the rows', 'Check the rows');
  await page.keyboard.press('Enter');

  // 3–4. The check runs; the review's heading gets the focus.
  await waitForStep(page, 'review');
  await headingFocused(page, 'Results');
  // A bar of the chart is a button: Enter filters the table.
  f = await tabTo(page, (x) => x.role === 'button' && x.key === 'rule:email', 'the "email" bar');
  assert.match(f.label, /email: 2 problems/);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Showing 2 of 8/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.showing')?.textContent ?? ''));
  f = await focused(page);
  assert.equal(f.key, 'rule:email', 'the focus stays on the bar after the chart is redrawn');
  // The grid: one tab stop, arrows move the active row, Enter shows its messages.
  f = await tabTo(page, (x) => x.role === 'grid', 'the failed-rows grid');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /^Line 53$/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.row-detail h5')?.textContent ?? ''));
  const active = await $(page, '[role=grid]').getAttribute('aria-activedescendant');
  assert.ok(active, 'the active row is announced through aria-activedescendant');
  assert.equal(await $(page, `.vt-row#${active}`).getAttribute('data-line'), '53');
  await shot(page, 'keyboard-4-review');
  await tabTo(page, (x) => x.tag === 'button' && x.text === 'Import 52 clean rows', 'the import button');
  await page.keyboard.press('Enter');

  // 5. Import: the heading, the progress, the end.
  await waitForStep(page, 'import');
  await headingFocused(page, 'Sending the clean rows');
  await page.waitForSelector('preflight-importer .reconciliation', { timeout: 120_000 });
  await tabTo(page, (x) => x.tag === 'button' && /error report with the server/.test(x.text), 'the error report download');
  await shot(page, 'keyboard-5-import');

  // 6. History: back up to the step list with Shift+Tab; filters and paging by keyboard.
  await tabTo(page, (x) => x.step === 'history', 'the "Past imports" button', { shift: true });
  await page.keyboard.press('Enter');
  await waitForStep(page, 'history');
  await headingFocused(page, 'Past imports');
  await page.waitForSelector('preflight-importer .history-table');
  f = await tabTo(page, (x) => x.tag === 'select' && x.value === '', 'the type filter');
  await page.keyboard.press('ArrowDown'); // the first type: business staff members
  await page.waitForFunction(() => /No imports match/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.history-body')?.textContent ?? ''));
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('preflight-importer').shadowRoot.querySelectorAll('.history-table tbody tr').length === 3);
  await shot(page, 'keyboard-6-history');
  await tabTo(page, (x) => x.tag === 'button' && x.text === 'Back', 'Back');
  await page.keyboard.press('Enter');
  await waitForStep(page, 'import');
  problems.assertClean();
  await context.close();
});
