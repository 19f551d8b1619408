// The worker's warm-up (web/src/warm-up.js) on the real module: it checks its generated
// sample (which must be a clients file with both clean and failing rows, or it would not
// exercise the checks the user's file needs), leaves the module usable, and never throws.
//
//   node --test tests/wasm/            (after scripts/build.sh wasm)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clientsCsv } from '../../web/src/sample-clients.js';
import { warmUp } from '../../web/src/warm-up.js';
import { loadPreflight } from './harness.mjs';

test('the warm-up sample is a clients file with clean and failing rows', async () => {
  const pf = await loadPreflight();
  const text = clientsCsv({ rows: 400, seed: 7, invalid: 0.03 });
  const s = pf.openSession('clients', { mode: 'validate', errorCsv: false, today: '2026-01-15' });
  s.feed(new TextEncoder().encode(text));
  s.finish();
  const summary = JSON.parse(s.summaryJson());
  s.close();
  assert.equal(summary.total_jobs, 400);
  assert.ok(summary.failed_jobs > 20 && summary.failed_jobs < 300, `failed ${summary.failed_jobs} of 400`);
  assert.deepEqual(summary.preflight.unmapped_columns ?? [], []);
});

test('warmUp checks about the asked bytes, then the module still works', async () => {
  const pf = await loadPreflight();
  const result = await warmUp(pf, { bytes: 64 << 10 });
  assert.equal(result.ok, true);
  assert.ok(result.bytes > 48 << 10 && result.bytes < 96 << 10, `checked ${result.bytes} bytes`);
  const s = pf.openSession('clients', { mode: 'validate', errorCsv: false });
  s.feed(new TextEncoder().encode('first_name,last_name,send_welcome_email\r\nAda,Lovelace,1\r\n'));
  s.finish();
  assert.equal(JSON.parse(s.summaryJson()).total_jobs, 1);
  s.close();
});

test('a warm-up that cannot run reports it instead of throwing', async () => {
  const broken = { openSession() { throw new Error('no engine'); } };
  const result = await warmUp(broken, { bytes: 1024 });
  assert.equal(result.ok, false);
});
