// The CSP detectors themselves: a page that breaks the policy on purpose, in the page and
// in a worker, must be caught by every detector the other tests rely on. Without this, a
// detector that silently stopped working would let the real tests pass.
//
//   node --test tests/e2e/
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { openPage } from './browser.mjs';

let session;
before(async () => {
  session = await openPage('tests/e2e/pages/canary.html');
});
after(() => session?.close());

test('string evaluation is refused in the page and in the worker, and every detector sees it', async () => {
  const { page, server } = session;
  const outcome = await page.evaluate(() => window.canaryDone);
  assert.deepEqual(outcome, { page: 'EvalError', worker: 'EvalError' }, "the policy must forbid 'unsafe-eval'");

  // report-uri (the server), from the page and from the worker.
  await waitFor(() => server.cspReports.length >= 2, 'two CSP reports');
  const reported = server.cspReports.map((r) => new URL(r['document-uri']).pathname).sort();
  assert.deepEqual(reported, ['/tests/e2e/pages/canary-worker.js', '/tests/e2e/pages/canary.html']);
  for (const report of server.cspReports) assert.equal(report['violated-directive'], 'script-src');

  // securitypolicyviolation events, the worker's forwarded by csp-listener.js.
  const events = await page.evaluate(() => window.cspViolations);
  assert.deepEqual(events.map((e) => e.where).sort(), ['page', 'worker /tests/e2e/pages/canary-worker.js']);

  // And the helper the other tests call reports them all.
  const problems = await session.problems();
  assert.ok(problems.length >= 4, problems.join('\n'));
  await assert.rejects(session.assertClean());
});

async function waitFor(condition, what, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
