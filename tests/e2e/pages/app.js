// app.js — the browser test page's module: uses the library as a host page would and
// exposes window.preflightTest, whose functions the Playwright tests call. Results come
// back as plain JSON (binary as base64), so the Node side compares them with the expected
// files.
//
// Summaries travel as JSON text: Playwright's own serialisation of evaluate() results drops
// an own "__proto__" key (a header named __proto__ is a fixture), structured clone and
// JSON do not.
//
// Every CSP violation seen in this page (securitypolicyviolation) or in a watched worker
// (csp-listener.js, over a BroadcastChannel) lands in window.cspViolations.
import { createPreflight, PreflightError } from '../../../web/src/preflight.js';

window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push({ where: 'page', directive: event.violatedDirective, blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber });
});
new BroadcastChannel('csp-violations').onmessage = (event) => window.cspViolations.push(event.data);

/** Engines by name, created on first use and kept, so later tests reuse the same worker. */
const engines = new Map();

/**
 * 'default': createPreflight() with no URL options (the library finds its worker and the
 * Wasm by itself). 'watched': the same worker behind csp-listener.js (workerUrl option).
 */
function engine(name = 'watched') {
  if (!engines.has(name)) {
    const options = name === 'default' ? {} : { workerUrl: new URL('./watched-worker.js', import.meta.url) };
    engines.set(name, createPreflight(options));
  }
  return engines.get(name);
}

function selectedFile() {
  const file = document.getElementById('file').files[0];
  if (!file) throw new Error('no file is selected in #file');
  return file;
}

/** A repository file, fetched from the static server, as a File named like on disk. */
async function fetchFile(path) {
  const response = await fetch(new URL(`../../../${path}`, import.meta.url));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new File([await response.blob()], path.split('/').pop());
}

async function base64(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

async function describeReport(report) {
  if (!report) return null;
  return { name: report.name, type: report.type, size: report.size, isFile: report instanceof File, base64: await base64(report) };
}

async function describeError(error) {
  return {
    isPreflightError: error instanceof PreflightError,
    isError: error instanceof Error,
    name: error.name,
    code: error.code,
    message: error.message,
    summaryText: error.summary ? JSON.stringify(error.summary) : null,
    errorReport: await describeReport(error.errorReport),
    stats: error.stats ?? null,
  };
}

/** Runs a job to the end and describes the outcome: {ok, …result} or {ok: false, error}. */
async function outcome(job, collectBatchBytes) {
  const batches = [];
  const batchBlobs = [];
  try {
    for await (const batch of job.batches()) {
      const { blob, ...meta } = batch;
      batches.push({ ...meta, blobSize: blob.size, blobType: blob.type });
      if (collectBatchBytes) batchBlobs.push(blob);
    }
  } catch {
    // the job's error is reported below, from the job itself
  }
  try {
    const result = await job;
    return {
      ok: true,
      summaryText: JSON.stringify(result.summary),
      errorReport: await describeReport(result.errorReport),
      stats: result.stats,
      batchCount: result.batchCount,
      batches,
      batchesBase64: collectBatchBytes ? await base64(new Blob(batchBlobs)) : null,
      replayedBatches: await countBatches(result.batches()),
    };
  } catch (error) {
    return { ok: false, error: await describeError(error), batches };
  }
}

async function countBatches(iterator) {
  let n = 0;
  for await (const _ of iterator) n++;
  return n;
}

window.preflightTest = {
  async version(name) {
    return (await engine(name)).version;
  },

  async types(name) {
    return (await engine(name)).types();
  },

  /** Validates a fixture fetched from the server; binary results as base64. */
  async validateFixture({ path, type, options, schemas, engineName }) {
    const pf = await engine(engineName);
    const file = await fetchFile(path);
    let progressEvents = 0;
    const job = pf.validate(file, { ...options, type, schemas, onProgress: () => progressEvents++ });
    return { ...(await outcome(job, true)), progressEvents };
  },

  /** Calls the API with bad arguments; describes the error thrown or rejected. */
  async misuse(what) {
    const pf = await engine();
    const file = new File(['first_name,last_name\nAda,Lovelace\n'], 'tiny.csv');
    const attempts = {
      unknownType: () => pf.validate(file, { type: 'clientz' }),
      unknownOption: () => pf.validate(file, { type: 'clients', batchrows: 5 }),
      notAFile: () => pf.validate('first_name\n', { type: 'clients' }),
      noType: () => pf.validate(file, {}),
      badProgress: () => pf.validate(file, { type: 'clients', onProgress: 'yes' }),
      suggestUnknownType: () => pf.suggest(file, { type: 'clientz' }),
      emptyFile: () => pf.validate(new File([], 'empty.csv'), { type: 'clients', mode: 'store' }),
      badSchema: () => pf.types(['{"type":']),
      badModuleUrl: () => createPreflight({ moduleUrl: '/nowhere/preflight.js' }),
      badWorkerUrl: () => createPreflight({ workerUrl: '/nowhere/worker.js' }),
      terminated: async () => {
        const doomed = await createPreflight();
        const job = doomed.validate(file, { type: 'clients' });
        doomed.terminate();
        return job;
      },
    };
    try {
      await attempts[what]();
      return { threw: false };
    } catch (error) {
      return { threw: true, ...(await describeError(error)) };
    }
  },

  /** suggest() on the selected file. */
  async suggestSelected({ type, options }) {
    const pf = await engine();
    return pf.suggest(selectedFile(), { ...options, type });
  },

  /**
   * Validates the selected (big, disk-backed) file while a 10 ms timer runs on this thread,
   * recording long tasks and the timer's largest gap.
   */
  async validateSelected({ type, options }) {
    const pf = await engine();
    const file = selectedFile();
    const longTasks = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push({ startTime: entry.startTime, duration: entry.duration });
    });
    observer.observe({ type: 'longtask', buffered: true });
    let ticks = 0;
    let lastTick = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - lastTick);
      lastTick = now;
      ticks++;
    }, 10);
    const progress = [];
    const started = performance.now();
    const job = pf.validate(file, {
      ...options,
      type,
      onProgress: (p) => progress.push({ at: performance.now(), bytesRead: p.bytesRead, rows: p.rows, heapBytes: p.heapBytes, peakHeapBytes: p.peakHeapBytes, rowsPerSecond: p.rowsPerSecond, done: p.done }),
    });
    // Consume the batches as they stream in, as an uploader would.
    let batchRows = 0;
    let batchCount = 0;
    let firstBatchHead = null;
    for await (const batch of job.batches()) {
      batchRows += batch.rows;
      batchCount++;
      if (batchCount === 1) firstBatchHead = (await batch.blob.slice(0, 200).text()).split('\n')[0];
    }
    const result = await job;
    const ended = performance.now();
    clearInterval(timer);
    // Let the observer deliver entries for the last tasks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    return {
      fileName: file.name,
      fileSize: file.size,
      summaryText: JSON.stringify(result.summary),
      stats: result.stats,
      errorReport: result.errorReport ? { name: result.errorReport.name, type: result.errorReport.type, size: result.errorReport.size } : null,
      batchRows,
      batchCount,
      firstBatchHead,
      durationMs: ended - started,
      progress,
      longTasks: longTasks.filter((t) => t.startTime + t.duration >= started && t.startTime <= ended),
      ticks,
      maxGap,
    };
  },

  /**
   * Cancellation: a queued job aborted before it starts, then the running one aborted once
   * the worker has read `afterBytes`; both must reject with an AbortError.
   */
  async cancelSelected({ type, options, afterBytes }) {
    const pf = await engine();
    const file = selectedFile();
    const running = new AbortController();
    const queued = new AbortController();
    let abortedAt = null;
    let progressAfterAbort = 0;
    const job = pf.validate(file, {
      ...options,
      type,
      signal: running.signal,
      onProgress: (p) => {
        if (abortedAt !== null) progressAfterAbort++;
        else if (p.bytesRead >= afterBytes) {
          abortedAt = p.bytesRead;
          running.abort();
        }
      },
    });
    const second = pf.validate(file, { ...options, type, signal: queued.signal });
    queued.abort();
    const secondOutcome = await outcome(second, false);
    const firstOutcome = await outcome(job, false);
    const preAborted = await outcome(pf.validate(file, { ...options, type, signal: AbortSignal.abort() }), false);
    return { abortedAt, progressAfterAbort, totalBytes: file.size, first: firstOutcome, second: secondOutcome, preAborted };
  },

  /** Several jobs submitted at once to one engine: they run in sequence, each correct. */
  async validateConcurrently(jobs) {
    const pf = await engine();
    const files = await Promise.all(jobs.map((j) => fetchFile(j.path)));
    const running = jobs.map((j, i) => pf.validate(files[i], { ...j.options, type: j.type, schemas: j.schemas }));
    return Promise.all(running.map((job) => outcome(job, true)));
  },
};

document.getElementById('status').textContent = 'ready';
