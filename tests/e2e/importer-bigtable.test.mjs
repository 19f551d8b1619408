// 100,000 failed rows (of 500,000) in the review table: the grid builds only the rows on
// screen (the DOM stays small wherever it is scrolled), every position shows the right
// line, the keyboard reaches the last row, filters work over all of them, and the counts
// match the CLI. On the way: the check's progress view, and its cancel button.
//
//   node --test tests/e2e/importer-bigtable.test.mjs
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { $, chooseFile, cliValidate, shot, startDemo, waitForStep } from './importer-harness.mjs';

const ROWS = 500_000;
const FAILED = ROWS / 5;
/** The file line of the n-th failed row (0-based): rows 5, 10, 15, … fail; line = row + 1. */
const lineOf = (n) => 5 * (n + 1) + 1;

let demo;
before(async () => {
  demo = await startDemo();
});
after(() => demo?.close());

test('a table of 100,000 failed rows stays small in the DOM, scrolls to any row and filters', async (t) => {
  // Every fifth row fails (a bad e-mail); every fiftieth also has a bad boolean.
  const lines = ['First Name,Last Name,Email Address,Send Welcome Email'];
  for (let i = 1; i <= ROWS; i++) {
    const bad = i % 5 === 0;
    lines.push(`Person${i},Surname${i},person${i}@${bad ? '' : 'example.com'},${i % 50 === 0 ? 'maybe' : '1'}`);
  }
  const file = join(demo.dir, 'many-failures.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const cli = cliValidate(file, { type: 'clients', mode: 'validate' });
  assert.equal(cli.summary.failed_jobs, FAILED);

  const { page, problems, context } = await demo.open();
  await chooseFile(page, { type: 'clients', mode: 'validate', file });
  await $(page, '.step-choose .actions button.primary').click();
  await waitForStep(page, 'map');

  // Cancel: the check stops and the map step comes back, saying so.
  await page.evaluate(() => {
    const root = document.querySelector('preflight-importer').shadowRoot;
    // Press Cancel the moment the check's view appears.
    const observer = new MutationObserver(() => {
      const cancel = root.querySelector('.step-validate .actions button');
      if (cancel) {
        observer.disconnect();
        cancel.click();
      }
    });
    observer.observe(root, { childList: true, subtree: true });
    root.querySelector('.step-map .actions button.primary').click();
  });
  await waitForStep(page, 'map');
  assert.match(await $(page, '.alerts').innerText(), /The check was cancelled\./);

  // The check again, watching its progress view until the review shows.
  await page.evaluate(() => {
    window.progressSeen = [];
    const root = document.querySelector('preflight-importer').shadowRoot;
    const look = () => {
      const bar = root.querySelector('.step-validate progress');
      if (bar) window.progressSeen.push({ value: bar.value, text: root.querySelector('.step-validate .numbers').textContent, busy: root.querySelector('.step-validate').getAttribute('aria-busy'), live: !!root.querySelector('.step-validate [aria-live=polite]') });
      if (!root.querySelector('.step-review')) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await $(page, '.step-map .actions button.primary').click();
  try {
    await page.waitForFunction(() => (document.querySelector('preflight-importer').shadowRoot.querySelector('.step-validate progress')?.value ?? 0) > 0, null, { timeout: 10_000 });
    await shot(page, 'validate-3-progress');
  } catch {
    // the check was over before a screenshot could catch it
  }
  await waitForStep(page, 'review', 180_000);
  const seen = await page.evaluate(() => window.progressSeen);
  assert.ok(seen.length > 0, 'the progress view was shown');
  t.diagnostic(`progress view frames seen: ${seen.length}, last: ${JSON.stringify(seen.at(-1))}`);
  assert.ok(seen.every((p) => p.busy === 'true' && p.live), 'busy, with a live region');
  for (const p of seen.filter((x) => x.value > 0)) {
    assert.match(p.text, /^\d+%[\d,]+ rows checked, [\d,]+ with problems[\d,]+ rows per second(About .+ left|Working out the time left…)$/);
  }
  await shot(page, 'bigtable-4-review');

  const grid = $(page, '[role=grid]');
  await grid.waitFor({ timeout: 120_000 });
  assert.equal(await grid.getAttribute('aria-rowcount'), String(FAILED + 1));
  assert.match(await $(page, '.showing').innerText(), /Showing 100,000 of 100,000/);

  const domRows = () => page.evaluate(() => document.querySelector('preflight-importer').shadowRoot.querySelectorAll('.vt-body .vt-row').length);
  const visibleLines = () => page.evaluate(() => {
    const root = document.querySelector('preflight-importer').shadowRoot;
    const viewport = root.querySelector('.vt-viewport').getBoundingClientRect();
    return [...root.querySelectorAll('.vt-body .vt-row[data-line]')]
      .filter((r) => !r.hidden)
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > viewport.top + 40 && b.top < viewport.bottom;
      })
      .map((r) => Number(r.dataset.line))
      .sort((a, b) => a - b);
  });

  // Top: the first failed rows.
  let shown = await visibleLines();
  assert.deepEqual(shown.slice(0, 3), [lineOf(0), lineOf(1), lineOf(2)]);
  assert.ok(await domRows() < 80, `only the rows on screen are built (${await domRows()})`);

  // For the record (not asserted: the machine may be busy): the longest main-thread task while scrolling.
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  // Anywhere: the scroll position maps to the right rows, the DOM stays the same size.
  for (const fraction of [0.25, 0.5, 0.999]) {
    await grid.evaluate((el, f) => { el.scrollTop = (el.scrollHeight - el.clientHeight) * f; }, fraction);
    await page.waitForTimeout(100);
    shown = await visibleLines();
    assert.ok(shown.length > 3, `rows are shown at ${fraction}`);
    for (let k = 1; k < shown.length; k++) assert.equal(shown[k], shown[k - 1] + 5, 'consecutive failed rows');
    const expectedFirst = lineOf(Math.floor((FAILED - shown.length) * fraction));
    assert.ok(Math.abs(shown[0] - expectedFirst) <= 5 * (shown.length + 2), `at ${fraction}: first line ${shown[0]}, about ${expectedFirst}`);
    assert.ok(await domRows() < 80, `still few DOM rows at ${fraction} (${await domRows()})`);
  }
  await shot(page, 'bigtable-4-review-scrolled');
  t.diagnostic(`long tasks while scrolling: ${JSON.stringify(await page.evaluate(() => window.longTasks.map(Math.round)))}`);

  // The keyboard reaches the last row.
  await grid.focus();
  await page.keyboard.press('End');
  await page.waitForTimeout(100);
  const activeId = await grid.getAttribute('aria-activedescendant');
  assert.equal(await $(page, `.vt-row#${activeId}`).getAttribute('data-line'), String(ROWS + 1));
  assert.ok((await visibleLines()).includes(ROWS + 1));
  await page.keyboard.press('Home');
  await page.waitForTimeout(100);
  assert.equal((await visibleLines())[0], lineOf(0));

  // Filters over all 100,000: the rule "boolean" holds every tenth failed row.
  await $(page, '.filters select').nth(1).selectOption('boolean');
  await page.waitForFunction(() => /Showing 10,000 of 100,000/.test(document.querySelector('preflight-importer').shadowRoot.querySelector('.showing')?.textContent ?? ''));
  shown = await visibleLines();
  assert.deepEqual(shown.slice(0, 3), [51, 101, 151]);
  const byRule = Object.fromEntries(cli.summary.preflight.errors_by_rule.map((e) => [e.rule, e.count]));
  assert.deepEqual(byRule, { email: FAILED, boolean: ROWS / 50 });
  const counts = (await $(page, '.counts .n').allInnerTexts()).map((x) => Number(x.replace(/\D/g, '')));
  assert.deepEqual(counts.slice(0, 3), [ROWS, ROWS - FAILED, FAILED]);
  await shot(page, 'bigtable-4-review-filtered');
  problems.assertClean();
  await context.close();
});
