// preflight.js — the browser library: check a CRM import file in a web worker.
//
//   import { createPreflight } from './web/src/preflight.js';
//   const pf = await createPreflight();                       // starts the worker, loads the engine
//   const types = await pf.types();                           // import types and their fields
//   const s = await pf.suggest(file, { type: 'clients' });    // headers, dialect, mapping suggestions
//   const job = pf.validate(file, { type: 'clients', mode: 'store', mapping: s.mapping,
//                                   onProgress: (p) => bar.value = p.bytesRead / p.totalBytes,
//                                   signal: controller.signal });
//   for await (const batch of job.batches()) await post(batch.blob);   // clean rows, as produced
//   const { summary, errorReport } = await job;               // the CLI's summary; a File or null
//   pf.terminate();
//
// The File never crosses to this thread as bytes: the worker (worker.js) reads it in slices,
// runs the Wasm engine on each, and sends back progress, Blobs of clean rows and, at the
// end, the summary and the error report. Every failure is a PreflightError with a `code`
// (the engine's: unknown_type, bad_mapping, empty_file, …; or read_error,
// engine_unavailable, engine_crashed, worker_failed, terminated, invalid_argument) and a
// message naming what was wrong; cancellation rejects with an error named 'AbortError'.
//
// URLs: the worker is `./worker.js` beside this module, and it loads the engine from
// `../../build/wasm/preflight.js` (and `preflight.wasm` beside that) relative to itself —
// the repository's layout, served from its root. `workerUrl`, `moduleUrl` and `wasmUrl`
// move any of the three (see web/README.md).

/** Option keys the library reads itself; every other key goes to the engine (options.h). */
const LIBRARY_KEYS = new Set(['type', 'schemas', 'signal', 'onProgress', 'onBatch', 'sliceBytes', 'progressIntervalMs', 'maxBytes']);

/** An import-level failure, a bad argument, or the engine/worker failing. */
export class PreflightError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{name?: string, summary?: object, errorReport?: File|null, stats?: object, cause?: unknown}} [extra]
   */
  constructor(code, message, extra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = extra.name ?? 'PreflightError';
    this.code = code;
    /** The summary (status "failed") when the engine gave up on the file. */
    this.summary = extra.summary ?? null;
    /** The error report produced before the failure, if any. */
    this.errorReport = extra.errorReport ?? null;
    this.stats = extra.stats ?? null;
  }
}

function abortError(signal) {
  return new PreflightError('aborted', 'the job was cancelled', { name: 'AbortError', cause: signal?.reason });
}

function fromWire(error, extra = {}) {
  return new PreflightError(error?.code ?? 'internal', error?.message ?? 'unknown error', { ...extra, name: error?.name });
}

/** Resolves a URL option against the page (or worker) location, so the worker gets it absolute. */
function absoluteUrl(url, what) {
  if (url === undefined || url === null) return undefined;
  try {
    return new URL(String(url), globalThis.location?.href).href;
  } catch {
    throw new PreflightError('invalid_argument', `${what} is not a valid URL: ${String(url)}`);
  }
}

/** Splits call options into the library's own keys and the engine's options object. */
function splitOptions(options, call) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object') throw new PreflightError('invalid_argument', `${call}: options must be an object`);
  const own = {};
  const engine = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    (LIBRARY_KEYS.has(key) ? own : engine)[key] = value;
  }
  if (typeof own.type !== 'string' || own.type === '') {
    throw new PreflightError('invalid_argument', `${call}: options.type must name the import type (e.g. "clients")`);
  }
  for (const key of ['onProgress', 'onBatch']) {
    if (own[key] !== undefined && typeof own[key] !== 'function') {
      throw new PreflightError('invalid_argument', `${call}: options.${key} must be a function`);
    }
  }
  if (own.signal !== undefined && !(own.signal instanceof AbortSignal)) {
    throw new PreflightError('invalid_argument', `${call}: options.signal must be an AbortSignal`);
  }
  for (const key of ['sliceBytes', 'maxBytes', 'progressIntervalMs']) {
    if (own[key] !== undefined && !(Number.isInteger(own[key]) && own[key] > 0)) {
      throw new PreflightError('invalid_argument', `${call}: options.${key} must be a positive integer`);
    }
  }
  return { own, engine };
}

function checkFile(file, call) {
  if (!(file instanceof Blob)) throw new PreflightError('invalid_argument', `${call}: the file must be a File or Blob`);
}

/**
 * Starts an engine: one worker, the Wasm module loaded once inside it. Resolves when the
 * engine is ready; rejects with code engine_unavailable or worker_failed otherwise.
 * @param {{workerUrl?: string|URL, moduleUrl?: string|URL, wasmUrl?: string|URL, warmUp?: boolean}} [options]
 * @returns {Promise<PreflightEngine>}
 */
export async function createPreflight(options = {}) {
  const workerUrl = absoluteUrl(options.workerUrl, 'options.workerUrl');
  const init = {
    kind: 'init',
    moduleUrl: absoluteUrl(options.moduleUrl, 'options.moduleUrl'),
    wasmUrl: absoluteUrl(options.wasmUrl, 'options.wasmUrl'),
    warmUp: options.warmUp !== false,
  };
  // Written out twice so bundlers see the literal `new Worker(new URL(…, import.meta.url))`.
  const worker = workerUrl
    ? new Worker(workerUrl, { type: 'module', name: 'preflight' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'preflight' });
  const engine = new PreflightEngine(worker);
  try {
    await engine._start(init);
  } catch (error) {
    engine.terminate();
    throw error;
  }
  return engine;
}

/** One worker hosting the engine. Jobs that read files run in it one after another. */
export class PreflightEngine {
  /** @param {Worker} worker */
  constructor(worker) {
    this._worker = worker;
    this._nextId = 1;
    /** @type {Map<number, {onMessage: (msg: any) => void, fail: (error: PreflightError) => void}>} */
    this._jobs = new Map();
    this._ready = null;
    this._dead = null;
    /** The engine's version (as in every summary), once ready. */
    this.version = null;
    worker.addEventListener('message', (event) => this._receive(event.data));
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this._fail(new PreflightError('worker_failed', `the preflight worker failed: ${event.message || 'it could not be loaded (check the worker URL and the CSP worker-src)'}`));
    });
    worker.addEventListener('messageerror', () => {
      this._fail(new PreflightError('worker_failed', 'a message from the preflight worker could not be read'));
    });
  }

  _start(init) {
    this._ready = new Promise((resolve, reject) => {
      this._jobs.set(null, {
        onMessage: (msg) => {
          this._jobs.delete(null);
          if (msg.kind === 'ready') {
            this.version = msg.engineVersion;
            resolve();
          } else {
            reject(fromWire(msg.error));
          }
        },
        fail: reject,
      });
    });
    this._worker.postMessage(init);
    return this._ready;
  }

  _receive(msg) {
    const job = this._jobs.get(msg?.kind === 'ready' ? null : msg?.id ?? null);
    if (job) job.onMessage(msg);
  }

  /** Every pending job fails with `error`; the engine is unusable afterwards. */
  _fail(error) {
    this._dead ??= error;
    const jobs = [...this._jobs.values()];
    this._jobs.clear();
    for (const job of jobs) job.fail(error);
  }

  /**
   * Sends a job and routes the worker's replies for it to `handlers`.
   * @returns {number} the job id
   */
  _send(kind, fields, handlers) {
    if (this._dead) throw this._dead;
    const id = this._nextId++;
    this._jobs.set(id, handlers);
    try {
      this._worker.postMessage({ kind, id, ...fields });
    } catch (error) {
      this._jobs.delete(id);
      throw new PreflightError('invalid_argument', `${kind}(): the options cannot be sent to the worker (${error.message}); pass plain JSON values`);
    }
    return id;
  }

  _cancel(id) {
    if (this._jobs.has(id) && !this._dead) this._worker.postMessage({ kind: 'cancel', id });
  }

  /**
   * The import types and their fields (built-in, plus `schemas`).
   * @param {Array<string|{name: string, json: string}>} [schemas]
   * @returns {Promise<object[]>}
   */
  types(schemas) {
    return new Promise((resolve, reject) => {
      const id = this._send('types', { schemas }, {
        onMessage: (msg) => {
          this._jobs.delete(id);
          if (msg.kind === 'done') resolve(msg.result);
          else reject(fromWire(msg.error));
        },
        fail: reject,
      });
    });
  }

  /**
   * Headers, detected encoding and dialect, sample rows and mapping suggestions, from the
   * start of the file only (it stops once the header and the sample rows are in; at most
   * `maxBytes`, default 256 KiB).
   * @param {Blob} file
   * @param {object} options `{type, maxBytes?, signal?, onProgress?, schemas?}` plus engine
   *   options (encoding, delimiter, hasHeader, sampleRows, sniffBytes, autoMapConfidence, …)
   * @returns {Promise<object>}
   */
  suggest(file, options) {
    return new Promise((resolve, reject) => {
      checkFile(file, 'suggest()');
      const { own, engine } = splitOptions(options, 'suggest()');
      const { signal } = own;
      if (signal?.aborted) throw abortError(signal);
      let id = null;
      const onAbort = () => {
        this._cancel(id);
        this._jobs.delete(id);
        reject(abortError(signal));
      };
      const finish = () => signal?.removeEventListener('abort', onAbort);
      id = this._send('suggest', { file, type: own.type, options: engine, schemas: own.schemas, maxBytes: own.maxBytes, sliceBytes: own.sliceBytes }, {
        onMessage: (msg) => {
          if (msg.kind === 'progress') {
            own.onProgress?.(msg.progress);
            return;
          }
          if (msg.kind === 'started') return;
          this._jobs.delete(id);
          finish();
          if (msg.kind === 'done') resolve(msg.result);
          else reject(fromWire(msg.error));
        },
        fail: (error) => {
          finish();
          reject(error);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Checks every row of `file`. Returns at once a job; awaiting it (or `job.result`) gives
   * `{summary, errorReport, batches(), stats}`.
   * @param {Blob} file
   * @param {object} options `{type, signal?, onProgress?, onBatch?, schemas?, sliceBytes?,
   *   progressIntervalMs?}` plus engine options (mode, mapping, constants, laravel, today,
   *   encoding, delimiter, hasHeader, batches, batchRows, batchBytes, errorCsv, fileName, …)
   * @returns {ValidationJob}
   */
  validate(file, options) {
    return new ValidationJob(this, file, options);
  }

  /** Stops the worker at once; pending jobs reject with code "terminated". */
  terminate() {
    this._worker.terminate();
    this._fail(new PreflightError('terminated', 'the preflight engine was terminated'));
  }
}

/**
 * One validation running in the worker. Thenable: `await job` gives the result.
 */
export class ValidationJob {
  /**
   * @param {PreflightEngine} engine
   * @param {Blob} file
   * @param {object} options
   */
  constructor(engine, file, options) {
    this._engine = engine;
    /** @type {object[]} batches received so far, in order */
    this._batches = [];
    /** Iterators waiting for the next batch or the end. */
    this._waiters = new Set();
    this._settled = false;
    this._error = null;
    this._started = false;
    this.id = null;
    /** The latest progress snapshot (null before the first). */
    this.progress = null;
    this.result = new Promise((resolve, reject) => {
      this._resolve = resolve;
      this._reject = reject;
    });
    this.result.catch(() => {}); // a job nobody awaits must not log an unhandled rejection
    try {
      checkFile(file, 'validate()');
      this._start(file, splitOptions(options, 'validate()'));
    } catch (error) {
      this._settle(error instanceof PreflightError ? error : fromWire({ code: 'internal', message: String(error) }));
    }
  }

  _start(file, { own, engine }) {
    const { signal } = own;
    this._own = own;
    if (signal?.aborted) throw abortError(signal);
    this.id = this._engine._send('validate', {
      file, type: own.type, options: engine, schemas: own.schemas, sliceBytes: own.sliceBytes, progressIntervalMs: own.progressIntervalMs,
    }, {
      onMessage: (msg) => this._receive(msg),
      fail: (error) => this._settle(error),
    });
    if (signal) {
      const onAbort = () => this.cancel(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.result.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
    }
  }

  _receive(msg) {
    switch (msg.kind) {
      case 'started':
        this._started = true;
        break;
      case 'progress':
        this.progress = msg.progress;
        this._own.onProgress?.(msg.progress);
        break;
      case 'batch':
        this._batches.push(msg.batch);
        this._own.onBatch?.(msg.batch);
        this._wake();
        break;
      case 'done':
        this._settle(null, { ...msg.result, batches: () => this.batches(), batchCount: this._batches.length });
        break;
      case 'failed':
        this._settle(fromWire(msg.error, { summary: msg.summary, errorReport: msg.errorReport, stats: msg.stats }));
        break;
      default:
        break;
    }
  }

  _settle(error, result) {
    if (this._settled) return;
    this._settled = true;
    this._engine._jobs.delete(this.id);
    if (error) {
      this._error = error;
      this._reject(error);
    } else {
      this._resolve(result);
    }
    this._wake();
  }

  _wake() {
    const waiters = [...this._waiters];
    this._waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Stops the job. A running job stops after the slice being checked (the worker
   * acknowledges, then the promise rejects with an AbortError); a queued one never starts.
   * @param {unknown} [reason]
   */
  cancel(reason) {
    if (this._settled) return;
    this._engine._cancel(this.id);
    if (!this._started) this._settle(new PreflightError('aborted', 'the job was cancelled', { name: 'AbortError', cause: reason }));
  }

  /**
   * The clean batches, in order, as the worker produces them: `{index, rows, firstLine,
   * lastLine, bytes, blob}`. Every call starts from the first batch. Ends when the job
   * ends; throws the job's error (after the batches produced before it) if it failed.
   * @returns {AsyncIterableIterator<object>}
   */
  async *batches() {
    for (let next = 0; ; ) {
      if (next < this._batches.length) {
        yield this._batches[next++];
        continue;
      }
      if (this._settled) {
        if (this._error) throw this._error;
        return;
      }
      await new Promise((wake) => this._waiters.add(wake));
    }
  }

  then(onFulfilled, onRejected) {
    return this.result.then(onFulfilled, onRejected);
  }

  catch(onRejected) {
    return this.result.catch(onRejected);
  }

  finally(onFinally) {
    return this.result.finally(onFinally);
  }
}
