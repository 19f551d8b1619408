// warm-up.js — gets the engine's hot code optimised before the user's first file arrives.
//
// Why: V8 first runs a Wasm function on its baseline compiler (Liftoff) and compiles it with
// TurboFan in the background once it is hot. The optimised code is installed for later
// calls, between turns of the event loop. A fresh module therefore checks its first 20–30
// MiB at the baseline speed: about 60% of the warm speed on a 1M-row file (bench/compare.mjs,
// "Wasm engine, cold" against "warm").
//
// What it does: it checks a small generated clients file (256 KiB by default, the same cells
// as the benchmark's file: sample-clients.js) in a throwaway session, then gives the event
// loop one turn. Measured under Node 20 with bench/compare.mjs ("Wasm, after warm-up"): the
// first real file then runs at the warm speed. The worker does this once, right after it
// loads the module, while the user is still choosing a file. It takes about 50 ms of the
// worker's time, and none of the page's.

import { clientsCsv } from './sample-clients.js';

/** Rows of about 150 bytes: 1,750 of them make about 256 KiB. */
const BYTES_PER_ROW = 150;
/** Fed in pieces, as a file is. */
const PIECE_BYTES = 64 << 10;

/**
 * Checks a generated file in a throwaway session, then yields to the event loop once.
 * Never throws: a failed warm-up only means the first file starts slower.
 * @param {{openSession: Function}} engine the instantiated module (createPreflight())
 * @param {{bytes?: number}} [options] how much to check (default 256 KiB)
 * @returns {Promise<{seconds: number, bytes: number, ok: boolean}>}
 */
export async function warmUp(engine, { bytes = 256 << 10 } = {}) {
  const started = performance.now();
  const text = clientsCsv({ rows: Math.max(1, Math.round(bytes / BYTES_PER_ROW)), seed: 7, invalid: 0.03 });
  const data = new TextEncoder().encode(text);
  let ok = true;
  let session = null;
  try {
    session = engine.openSession('clients', { mode: 'validate', errorCsv: false, batches: false, fileName: 'warm-up.csv' });
    for (let at = 0; at < data.length; at += PIECE_BYTES) session.feed(data.subarray(at, at + PIECE_BYTES));
    session.finish();
  } catch {
    ok = false;
  } finally {
    try {
      session?.close();
    } catch {
      // the module is unusable; the first real job will say so
    }
  }
  const seconds = (performance.now() - started) / 1000;
  // The turn of the event loop in which V8 installs the code TurboFan compiled meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { seconds, bytes: data.length, ok };
}
