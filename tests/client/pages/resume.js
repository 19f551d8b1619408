// resume.js — the test page for tests/e2e/client-resume.test.mjs: validates the picked file
// in the worker (web/src/preflight.js), posts its clean batches with the batch poster, and
// keeps every batch's state in IndexedDB (web/src/resume-store.js) so a reloaded page
// resumes the run. The embedding page (here: the test, through window.startImport) supplies
// the token; nothing here stores it.
import { ImportApiClient } from '../../../web/src/api-client.js';
import { BatchPoster } from '../../../web/src/batch-poster.js';
import { createPreflight } from '../../../web/src/preflight.js';
import { hashFile, IndexedDbResumeStore } from '../../../web/src/resume-store.js';

const state = {
  phase: 'idle', progress: null, batches: {}, result: null, error: null, resumed: null, cspViolations: [], errorsSeen: [],
};
window.pageState = state;
document.addEventListener('securitypolicyviolation', (e) => state.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));

const status = document.getElementById('status');
const show = (text) => { status.textContent = text; };

let enginePromise = null;

/**
 * Posts the picked file. Resolves with a plain summary of the result, or of the error.
 * @param {{token: string, accountUuid: string, apiBase?: string, type: string, mode: string, mapping: object,
 *   batchRows: number, concurrency: number, today: string, poll?: object, retry?: object}} options
 */
window.startImport = async (options) => {
  const file = document.getElementById('file').files[0];
  if (!file) throw new Error('pick a file first');
  state.phase = 'hashing';
  const fileHash = await hashFile(file, { sliceBytes: 64 * 1024 });
  enginePromise ??= createPreflight();
  const engine = await enginePromise;
  const store = await IndexedDbResumeStore.open();
  const client = new ImportApiClient({ baseUrl: options.apiBase ?? location.origin, token: () => options.token, accountUuid: options.accountUuid });
  const poster = new BatchPoster({
    client, store,
    run: { fileHash, type: options.type, mode: options.mode, mapping: options.mapping, fileName: file.name, fileSize: file.size,
      extra: { batchRows: options.batchRows, engine: engine.version } },
    concurrency: options.concurrency,
    poll: options.poll,
    retry: options.retry,
    onProgress: (p) => { state.progress = p; show(`${p.finished}/${p.batches} batches`); },
    onBatch: (b) => {
      state.batches[b.index] = b.state;
      if (b.lastError) state.errorsSeen.push({ index: b.index, status: b.lastError.status, retryAfterSeconds: b.lastError.retryAfterSeconds ?? null });
    },
  });
  poster.addEventListener('resume', (e) => { state.resumed = e.detail; });
  state.phase = 'posting';
  const job = engine.validate(file, {
    type: options.type, mode: options.mode, mapping: options.mapping, batchRows: options.batchRows, today: options.today,
  });
  // Handled here too, so a cancelled job never shows up as an unhandled rejection.
  const summary = job.then((r) => r.summary);
  const localErrorReport = job.then((r) => r.errorReport);
  summary.catch(() => {});
  localErrorReport.catch(() => {});
  try {
    const result = await poster.run(job.batches(), { summary, localErrorReport });
    state.result = {
      complete: result.complete, counts: result.counts, reconciliation: result.reconciliation,
      batches: result.batches.map((b) => ({ index: b.index, fileName: b.fileName, state: b.state, uuid: b.uuid })),
      runKey: result.runKey,
    };
    state.phase = 'done';
    show('done');
    return state.result;
  } catch (e) {
    job.cancel();
    job.catch(() => {});
    state.error = { name: e.name, code: e.code ?? null, message: e.message };
    state.phase = 'error';
    show(`error: ${e.message}`);
    return { error: state.error };
  } finally {
    store.close();
  }
};

/** What the page's IndexedDB holds: the runs and their batches' states (for the test). */
window.storedRuns = async () => {
  const store = await IndexedDbResumeStore.open();
  try {
    const runs = await store.listRuns();
    return Promise.all(runs.map(async (run) => ({ run, batches: (await store.getBatches(run.runKey)).map((b) => ({ index: b.index, state: b.state, uuid: b.uuid })) })));
  } finally {
    store.close();
  }
};
