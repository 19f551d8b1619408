// batch-poster.js — posts the engine's clean batches to the import API, reliably:
// create → map (identity: batches carry canonical headers) → start → poll until the import
// is completed or failed, a few batches at once, under the API's rate limit, with retries,
// and without ever importing a batch twice. Design: shared/spec/robustness.md §5.
//
// Identity. Each batch gets a deterministic id: SHA-256 over the run key (file hash, type,
// mode, mapping), the batch index and the batch's SHA-256. From it come
//   - the uploaded file's name, preflight-<id16>-<index>.csv (for people reading the CRM);
//   - a marker column appended to the uploaded CSV, header "preflight_batch_<id32>", every
//     cell empty. The import resource exposes no file name (the list route not even
//     `headers`), but GET /import/{uuid} returns the file's `headers`, and unmapped columns
//     are ignored by the importer — so the marker is how an import made by a create whose
//     response was lost is found again;
//   - the Idempotency-Key of every POST (create, map, start), stable across retries and
//     reloads.
//
// State machine per batch, written to the resume store before and after every call:
//   pending → creating → created → mapping → mapped → starting → started → finished
//   (and failed, remembering the step it failed in). "creating", "mapping" and "starting"
//   mean "a request may have been sent and its outcome is unknown":
//   - creating: the import it may have made is looked up first (list imports of the type,
//     newest first, back to the first attempt minus a clock-skew margin; GET each unknown
//     candidate and compare its marker). Found: adopted. Not found: created again — with
//     the same Idempotency-Key, so a server that honours it replays instead of acting
//     twice; a server that does not at worst keeps an unmapped orphan, which imports
//     nothing (never mapped, never started).
//   - mapping / starting: GET the import; if the step took effect, move on; else repeat it
//     on the same uuid. A batch that has a uuid is never created again, unless the import
//     is gone (404) before it was started.
//
// Retries: network errors, timeouts, 408, 429, 5xx (and 409 "key in flight") are retried
// with exponential backoff and full jitter, honouring Retry-After; at most
// retry.maxAttempts per step, and a run-wide retry budget. A batch that runs out is marked
// failed with the reason; the run carries on with the others and can be resumed later. A
// Retry-After longer than retry.maxRetryAfterMs pauses (halts) the run.
//
// Rate limit: a token bucket below the API's 500 requests a minute, shared by every request
// of the run (polls included), which pauses and halves its rate on a 429.
//
// Reconciliation (run() with `summary`): rows in the file = rows failed locally + rows the
// server accepted + rows the server failed + rows not sent; and the server's failures
// (from each import's error report download, or its `errors` when there is none) are
// merged with the engine's error CSV into one report, line numbers mapped back to the
// original file.
import { ApiError, ConflictError, IMPORT_STATUS, NotFoundError, RateLimitError, STARTED_STATUSES, TERMINAL_STATUSES } from './api-client.js';
import { sha256Hex } from './hash.js';
import { appendColumn, parseCsvRecords, unneutralised, writeErrorCsv } from './report-csv.js';
import { runKeyOf } from './resume-store.js';

/** The states of a batch (see above). */
export const BATCH_STATE = Object.freeze({
  pending: 'pending',
  creating: 'creating',
  created: 'created',
  mapping: 'mapping',
  mapped: 'mapped',
  starting: 'starting',
  started: 'started',
  finished: 'finished',
  failed: 'failed',
});

export const MARKER_PREFIX = 'preflight_batch_';

/** The API call a state leads to, for messages. */
const STEP_NAMES = Object.freeze({
  pending: 'create', creating: 'create', created: 'map', mapping: 'map', mapped: 'start', starting: 'start', started: 'poll',
});

const S = BATCH_STATE;
const decoder = new TextDecoder('utf-8', { ignoreBOM: false });

export const DEFAULTS = Object.freeze({
  concurrency: 3,
  retry: Object.freeze({ maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 300_000, budget: 100 }),
  poll: Object.freeze({ initialMs: 1000, maxMs: 10_000, timeoutMs: 30 * 60_000 }),
  rateLimit: Object.freeze({ requestsPerMinute: 500, burst: 10, safety: 0.9 }),
  lookup: Object.freeze({ skewMs: 10 * 60_000, perPage: 100, maxPages: 50 }),
});

/** Resolves after `ms`, or rejects with the signal's reason. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const isAbort = (e, signal) => signal?.aborted || e?.name === 'AbortError';

/**
 * A token bucket shared by a run's requests: `requestsPerMinute × safety` a minute with
 * bursts of `burst`, so a fixed one-minute window never sees more than burst + rate.
 * A 429 pauses it for Retry-After and halves the rate; successes win the rate back slowly.
 */
export class RateLimiter {
  /**
   * @param {{requestsPerMinute?: number, burst?: number, safety?: number, clock?: () => number}} [options]
   */
  constructor({ requestsPerMinute = 500, burst = 10, safety = 0.9, clock = Date.now } = {}) {
    if (!(requestsPerMinute > 0)) throw new RangeError('RateLimiter: requestsPerMinute must be positive');
    this.clock = clock;
    this.ratePerMs = (requestsPerMinute * safety) / 60_000;
    this.capacity = Math.max(1, burst);
    this.tokens = this.capacity;
    this.last = clock();
    this.pausedUntil = 0;
    this.factor = 1;
    this.tail = Promise.resolve();
    this.waitedMs = 0;
  }

  /** Waits for a token (first come, first served). */
  acquire(signal) {
    const turn = this.tail.then(() => this.take(signal));
    this.tail = turn.catch(() => {});
    return turn;
  }

  async take(signal) {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock();
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.ratePerMs * this.factor);
      this.last = now;
      const paused = this.pausedUntil - now;
      const wait = paused > 0 ? paused : this.tokens >= 1 ? 0 : (1 - this.tokens) / (this.ratePerMs * this.factor);
      if (wait <= 0) {
        this.tokens -= 1;
        return;
      }
      this.waitedMs += wait;
      await sleep(wait, signal);
    }
  }

  /**
   * A 429: nothing more until Retry-After has passed, and half the rate for a while (halved
   * once per pause: the other requests already in flight answer 429 too).
   */
  onRateLimited(retryAfterMs) {
    const now = this.clock();
    if (now >= this.pausedUntil) this.factor = Math.max(0.25, this.factor / 2);
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.max(0, retryAfterMs));
    this.tokens = 0;
  }

  /** A success wins back a tenth of the rate (from a quarter to all of it in ~15 calls). */
  onSuccess() {
    if (this.factor < 1) this.factor = Math.min(1, this.factor * 1.1);
  }
}

/** A batch failure that retrying within this run will not fix. */
class BatchFailure extends Error {
  /**
   * @param {string} message
   * @param {{permanent?: boolean, halt?: string|null, cause?: unknown}} [options]
   */
  constructor(message, { permanent = false, halt = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'BatchFailure';
    this.permanent = permanent;
    this.halt = halt;
  }
}

/** An error as the resume store keeps it (no headers, no bodies, no row data). */
function errorSummary(e) {
  if (e instanceof ApiError) {
    return { name: e.name, message: e.message, status: e.status, retryAfterSeconds: e.retryAfterSeconds, mayHaveActed: e.mayHaveActed, at: Date.now() };
  }
  return { name: e?.name ?? 'Error', message: String(e?.message ?? e), status: 0, at: Date.now() };
}

/** The bytes of a batch from the web library ({blob}) or the engine ({csv}). */
async function batchBytes(batch) {
  if (batch.blob instanceof Blob) return new Uint8Array(await batch.blob.arrayBuffer());
  if (batch.csv instanceof Uint8Array) return batch.csv;
  if (typeof batch.csv === 'string') return new TextEncoder().encode(batch.csv);
  if (batch.csv instanceof ArrayBuffer) return new Uint8Array(batch.csv);
  throw new TypeError(`batch ${batch.index}: expected a blob (Blob) or csv (Uint8Array or string)`);
}

async function textOf(value) {
  const v = await value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Blob) return v.text();
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return decoder.decode(v);
  throw new TypeError('localErrorReport must be a Blob, a string or bytes');
}

/** Lines spanned by a row in the source file, at least: 1 + the line breaks in its cells. */
function spanOf(cells) {
  let lines = 1;
  for (const cell of cells) {
    const breaks = cell.match(/\r\n|\r|\n/g);
    if (breaks) lines += breaks.length;
  }
  return lines;
}

/**
 * Posts clean batches; see the top of this file.
 *
 * Events (also as the onBatch / onProgress options): "batch" (detail: the batch's record,
 * after every state change), "progress" (detail: totals), "resume" (detail: the stored run
 * being resumed).
 */
export class BatchPoster extends EventTarget {
  /**
   * @param {import('./batch-poster.d.ts').BatchPosterOptions} options
   */
  constructor(options) {
    super();
    const { client, store, run } = options ?? {};
    if (!client) throw new TypeError('BatchPoster: client (an ImportApiClient) is required');
    if (!store) throw new TypeError('BatchPoster: store (a resume store) is required');
    if (!run?.fileHash || !run?.type || !run?.mode) throw new TypeError('BatchPoster: run {fileHash, type, mode} is required');
    if (String(run.mode) === 'validate') throw new TypeError('BatchPoster: validate mode posts nothing');
    this.client = client;
    this.store = store;
    this.runInfo = { ...run };
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULTS.concurrency);
    this.retry = { ...DEFAULTS.retry, ...options.retry };
    this.poll = { ...DEFAULTS.poll, ...options.poll };
    this.lookup = { ...DEFAULTS.lookup, ...options.lookup };
    this.useMarker = options.marker ?? true;
    this.useIdempotencyKeys = options.idempotencyKeys ?? true;
    this.lockWait = options.lockWait ?? false;
    this.random = options.random ?? Math.random;
    this.onBatch = options.onBatch ?? null;
    this.onProgress = options.onProgress ?? null;
    this.terminalStatuses = new Set(options.terminalStatuses ?? TERMINAL_STATUSES);
    this.startedStatuses = new Set([...STARTED_STATUSES, ...this.terminalStatuses]);
    this.limiter = options.rateLimit === false ? null : new RateLimiter({ ...DEFAULTS.rateLimit, ...options.rateLimit });
    this.retryBudget = this.retry.budget;
    this.successes = 0;
    this.retries = 0;
    /** uuid → the marker header of that import (null: none), for lookups. */
    this.markerCache = new Map();
    this.runKey = null;
  }

  /**
   * Posts every batch of `batches` that the store does not already have as finished.
   * Holds the run's lock (another tab: RunLockedError, unless lockWait).
   * @param {AsyncIterable<import('./batch-poster.d.ts').BatchInput> | Iterable<import('./batch-poster.d.ts').BatchInput>} batches
   * @param {import('./batch-poster.d.ts').RunOptions} [options]
   * @returns {Promise<import('./batch-poster.d.ts').RunResult>}
   */
  async run(batches, { signal, summary, localErrorReport } = {}) {
    signal?.throwIfAborted();
    const { fileHash, type, mode, mapping = null, extra = null } = this.runInfo;
    this.runKey = this.runInfo.runKey ?? await runKeyOf({ fileHash, type, mode, mapping, extra });
    return this.store.lock(this.runKey, () => this.#run(batches, { signal, summary, localErrorReport }), { wait: this.lockWait, signal });
  }

  async #run(batches, { signal, summary, localErrorReport }) {
    const runKey = this.runKey;
    const now = Date.now();
    const previous = await this.store.getRun(runKey);
    /** @type {any} */
    const run = previous
      ? { ...previous, status: 'running', resumedCount: (previous.resumedCount ?? 0) + 1, updatedAt: now }
      : {
        runKey, fileHash: this.runInfo.fileHash, type: this.runInfo.type, mode: this.runInfo.mode,
        fileName: this.runInfo.fileName ?? null, fileSize: this.runInfo.fileSize ?? null,
        status: 'running', resumedCount: 0, createdAt: now, updatedAt: now,
      };
    await this.store.putRun(run);
    const stored = new Map((await this.store.getBatches(runKey)).map((b) => [b.index, b]));
    if (previous) this.#emit('resume', { run, batches: stored.size, finished: [...stored.values()].filter((b) => b.state === S.finished).length });

    // One controller for the run: the caller's abort, or a fatal error in one worker, stops all.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const ctx = {
      runKey,
      signal: controller.signal,
      stored,
      /** @type {Map<number, object>} records seen in this session */
      records: new Map(),
      ownUuids: new Set([...stored.values()].flatMap((b) => [b.uuid, ...(b.orphans ?? [])]).filter(Boolean)),
      halted: null,
      /** @type {Map<number, {spans: number[], failures: object[], unlocated: number}>} */
      serverFailures: new Map(),
      skipped: 0,
      inFlight: 0,
    };

    const iterator = (batches[Symbol.asyncIterator] ?? batches[Symbol.iterator]).call(batches);
    let pulling = Promise.resolve();
    const pull = () => {
      const next = pulling.then(() => iterator.next());
      pulling = next.catch(() => {});
      return next;
    };
    let fatal = null;
    const worker = async () => {
      try {
        for (;;) {
          ctx.signal.throwIfAborted();
          const { value, done } = await pull();
          if (done) return;
          await this.#handle(ctx, value);
        }
      } catch (e) {
        if (!fatal) fatal = e;
        if (!controller.signal.aborted) controller.abort(e);
      }
    };
    try {
      await Promise.all(Array.from({ length: this.concurrency }, worker));
      if (fatal) throw signal?.aborted ? signal.reason : fatal;
      const records = [...ctx.records.values()].sort((a, b) => a.index - b.index);
      const problems = [];
      const extraStored = [...stored.keys()].filter((i) => !ctx.records.has(i));
      if (extraStored.length) problems.push(`the stored run has ${extraStored.length} batch(es) this file did not produce again (indexes ${extraStored.slice(0, 5).join(', ')}…)`);
      const counts = this.#counts(ctx);
      const complete = counts.finished === records.length && !ctx.halted && problems.length === 0;
      await this.store.putRun({ ...run, status: complete ? 'complete' : 'incomplete', batchCount: records.length, updatedAt: Date.now() });
      const result = {
        runKey, complete, halted: ctx.halted, counts, batches: records, problems,
        reconciliation: null, errorReport: null,
      };
      if (summary !== undefined) {
        const report = await this.#reconcile(ctx, records, await summary, await textOf(localErrorReport));
        result.reconciliation = report.reconciliation;
        result.errorReport = report.errorReport;
        result.errorReportText = report.text;
      }
      this.#emitProgress(ctx, true);
      return result;
    } catch (e) {
      await this.store.putRun({ ...run, status: 'incomplete', updatedAt: Date.now() }).catch(() => {});
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      try {
        if (fatal || controller.signal.aborted) await iterator.return?.();
      } catch {
        // the source's own cleanup failed: nothing more to do
      }
    }
  }

  // ───────────────────────── one batch ─────────────────────────

  async #handle(ctx, batch) {
    if (!Number.isInteger(batch?.index)) throw new TypeError('every batch needs an integer index');
    const bytes = await batchBytes(batch);
    const sha256 = await sha256Hex(bytes);
    let rec = ctx.stored.get(batch.index);
    if (rec && rec.sha256 !== sha256) {
      rec = { ...rec, state: S.failed, failedStep: rec.state === S.failed ? rec.failedStep : rec.state, permanent: true,
        lastError: { name: 'BatchChanged', message: `Batch ${batch.index} is not the batch this run posted before (its bytes changed): was the file, the mapping or the engine changed?`, status: 0, at: Date.now() } };
      ctx.records.set(rec.index, rec);
      await this.#save(ctx, rec);
      return;
    }
    if (!rec) {
      const id = await sha256Hex(`preflight-batch/1\n${ctx.runKey}\n${batch.index}\n${sha256}`);
      rec = {
        runKey: ctx.runKey, index: batch.index, id, sha256,
        rows: batch.rows, firstLine: batch.firstLine, lastLine: batch.lastLine, bytes: bytes.length,
        fileName: `preflight-${id.slice(0, 16)}-${batch.index}.csv`,
        marker: this.useMarker ? `${MARKER_PREFIX}${id.slice(0, 32)}` : null,
        state: S.pending, failedStep: null, permanent: false, uuid: null, generation: 0,
        attempts: 0, stepAttempts: 0, lookups: 0, adopted: false, orphans: [], remaps: 0,
        createAttemptAt: null, startedAt: null, finishedAt: null, lastError: null, server: null, mismatch: null,
        updatedAt: Date.now(),
      };
    }
    ctx.records.set(rec.index, rec);
    if (rec.state === S.finished) {
      ctx.skipped++;
      this.#emitProgress(ctx);
      if (rec.server?.failed_jobs > 0) await this.#collectServerFailures(ctx, rec, bytes, null);
      return;
    }
    if (ctx.halted) {
      if (!ctx.stored.has(rec.index)) await this.#save(ctx, rec);
      return;
    }
    ctx.inFlight++;
    try {
      const imp = await this.#post(ctx, rec, bytes);
      if (rec.state === S.finished && rec.server?.failed_jobs > 0) await this.#collectServerFailures(ctx, rec, bytes, imp);
    } finally {
      ctx.inFlight--;
    }
  }

  /** Drives one batch through its states; returns the finished import (or null). */
  async #post(ctx, rec, bytes) {
    const text = decoder.decode(bytes);
    const headerEnd = text.indexOf('\n');
    const canonical = parseCsvRecords(headerEnd < 0 ? text : text.slice(0, headerEnd + 1))[0]?.cells ?? [];
    if (canonical.length === 0 || canonical.every((h) => h === '')) {
      await this.#fail(ctx, rec, new BatchFailure(`Batch ${rec.index} has no header row; it cannot be mapped.`, { permanent: true }));
      return null;
    }
    const b = {
      upload: null,
      uploadBlob: () => {
        b.upload ??= new Blob([this.useMarker ? appendColumn(text, rec.marker) : bytes], { type: 'text/csv' });
        return b.upload;
      },
      mapping: Object.fromEntries(canonical.map((h) => [h, h])),
      pollStart: Date.now(),
      polls: 0,
      finishedImport: null,
    };
    if (rec.state === S.failed) {
      rec.state = rec.failedStep ?? S.pending;
      rec.failedStep = null;
      rec.permanent = false;
    }
    rec.stepAttempts = 0;
    if (!ctx.stored.has(rec.index)) await this.#save(ctx, rec);
    while (rec.state !== S.finished) {
      ctx.signal.throwIfAborted();
      if (ctx.halted) return null; // another batch halted the run: stop here, resumable
      const step = rec.state;
      try {
        await this.#step(ctx, rec, b);
      } catch (e) {
        if (isAbort(e, ctx.signal)) throw e;
        if (e instanceof ApiError && e.retryable) {
          rec.attempts++;
          rec.stepAttempts++;
          rec.lastError = errorSummary(e);
          const retryAfterMs = e.retryAfterSeconds === null ? null : e.retryAfterSeconds * 1000;
          if (retryAfterMs !== null && retryAfterMs > this.retry.maxRetryAfterMs) {
            await this.#fail(ctx, rec, new BatchFailure(`The API asks to wait ${e.retryAfterSeconds} s (${e.message}); the run is paused — resume it later.`, { halt: 'retry_after_too_long', cause: e }));
            return null;
          }
          if (rec.stepAttempts >= this.retry.maxAttempts) {
            await this.#fail(ctx, rec, new BatchFailure(`Gave up after ${rec.stepAttempts} attempts (${STEP_NAMES[step] ?? step}): ${e.message}`, { cause: e }));
            return null;
          }
          if (this.retryBudget < 1) {
            await this.#fail(ctx, rec, new BatchFailure(`The run's retry budget is used up (last error: ${e.message}); the run is paused — resume it later.`, { halt: 'retry_budget_exhausted', cause: e }));
            return null;
          }
          this.retryBudget -= 1;
          this.retries++;
          await this.#save(ctx, rec);
          await sleep(this.#backoff(rec.stepAttempts, retryAfterMs), ctx.signal);
          continue;
        }
        if (e instanceof BatchFailure) {
          await this.#fail(ctx, rec, e);
          return null;
        }
        if (e instanceof ApiError) {
          await this.#fail(ctx, rec, new BatchFailure(`${STEP_NAMES[step] ?? step}: ${e.message}${e.errors ? ` ${JSON.stringify(e.errors)}` : ''}`, { permanent: true, cause: e }));
          return null;
        }
        throw e; // a bug or the store failing: stop the run
      }
    }
    return b.finishedImport;
  }

  /** Full jitter: random(0, min(cap, base·2^(n−1))), at least Retry-After when given. */
  #backoff(attempt, retryAfterMs) {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    const jitter = this.random() * ceiling;
    return retryAfterMs === null ? jitter : Math.max(retryAfterMs, jitter);
  }

  #key(rec, step) {
    if (!this.useIdempotencyKeys) return undefined;
    return step === 'create' ? `preflight-${rec.id}-create-${rec.generation}` : `preflight-${rec.id}-${step}-${rec.uuid}`;
  }

  /** One API call under the rate limiter. */
  async #call(ctx, fn) {
    if (this.limiter) await this.limiter.acquire(ctx.signal);
    try {
      const result = await fn({ signal: ctx.signal });
      this.limiter?.onSuccess();
      if (++this.successes % 10 === 0) this.retryBudget = Math.min(this.retry.budget, this.retryBudget + 1);
      return result;
    } catch (e) {
      if (e instanceof RateLimitError) {
        const waitMs = (e.retryAfterSeconds ?? 1) * 1000;
        // A wait past the limit halts the run instead: don't hold every request that long.
        if (waitMs <= this.retry.maxRetryAfterMs) this.limiter?.onRateLimited(waitMs);
      }
      throw e;
    }
  }

  /** One step of the state machine: at most a few calls, then the state is saved. */
  async #step(ctx, rec, b) {
    switch (rec.state) {
      case S.pending:
        return this.#create(ctx, rec, b);
      case S.creating: {
        // A create was sent and its outcome is unknown: find what it made before creating again.
        const found = rec.marker ? await this.#lookupImport(ctx, rec) : null;
        if (found) return this.#adopt(ctx, rec, found);
        return this.#create(ctx, rec, b);
      }
      case S.created:
        return this.#map(ctx, rec, b);
      case S.mapping: {
        const imp = await this.#getOrGone(ctx, rec);
        if (!imp) return;
        if (this.startedStatuses.has(imp.status)) return this.#advance(ctx, rec, S.started);
        if (imp.status !== IMPORT_STATUS.uploaded && Object.keys(imp.mapping ?? {}).length > 0) return this.#advance(ctx, rec, S.mapped);
        return this.#map(ctx, rec, b);
      }
      case S.mapped:
        return this.#start(ctx, rec);
      case S.starting: {
        const imp = await this.#getOrGone(ctx, rec);
        if (!imp) return;
        if (this.startedStatuses.has(imp.status)) return this.#advance(ctx, rec, S.started);
        if (imp.status === IMPORT_STATUS.uploaded) return this.#advance(ctx, rec, S.created);
        return this.#start(ctx, rec);
      }
      case S.started:
        return this.#pollOnce(ctx, rec, b);
      default:
        throw new Error(`batch ${rec.index}: unexpected state ${rec.state}`);
    }
  }

  async #advance(ctx, rec, state, changes = {}) {
    Object.assign(rec, changes, { state, stepAttempts: 0 });
    await this.#save(ctx, rec);
  }

  async #create(ctx, rec, b) {
    const unknownBefore = rec.state === S.creating; // an earlier attempt's outcome is still unknown
    rec.createAttemptAt ??= Date.now();
    rec.state = S.creating; // write-ahead: from here on the outcome may be unknown
    await this.#save(ctx, rec);
    let imp;
    try {
      imp = await this.#call(ctx, (o) => this.client.create(
        { type: this.runInfo.type, mode: this.runInfo.mode, file: b.uploadBlob(), fileName: rec.fileName },
        { ...o, idempotencyKey: this.#key(rec, 'create') },
      ));
    } catch (e) {
      if (e instanceof ApiError && !e.mayHaveActed && !unknownBefore) {
        rec.state = S.pending; // the API refused it before acting: nothing to look for
        rec.createAttemptAt = null;
      }
      throw e;
    }
    if (!imp?.uuid) throw new BatchFailure('The create response has no uuid.', { permanent: true });
    if (rec.marker && Array.isArray(imp.headers) && !imp.headers.includes(rec.marker)) {
      throw new BatchFailure(`The import ${imp.uuid} does not show the batch's marker column; refusing to map it.`, { permanent: true });
    }
    return this.#adopt(ctx, rec, imp, false);
  }

  async #adopt(ctx, rec, imp, adopted = true) {
    ctx.ownUuids.add(imp.uuid);
    this.markerCache.set(imp.uuid, rec.marker);
    await this.#advance(ctx, rec, S.created, { uuid: imp.uuid, adopted: rec.adopted || adopted });
  }

  /**
   * Finds the import a lost create made: the type's imports, newest first, back to the
   * first attempt minus the clock-skew margin; each candidate not known to this run is
   * read once (GET shows `headers`) and its marker compared. Extra matches are orphans.
   */
  async #lookupImport(ctx, rec) {
    rec.lookups++;
    const since = (rec.createAttemptAt ?? 0) - this.lookup.skewMs;
    const matches = [];
    for (let page = 1; page <= this.lookup.maxPages; page++) {
      const list = await this.#readWithRetries(ctx, (o) => this.client.list(
        { filter: { types: this.runInfo.type }, sort: '-created_at', perPage: this.lookup.perPage, page }, o,
      ));
      let reachedOlder = false;
      for (const item of list.data ?? []) {
        const created = Date.parse(item.created_at);
        if (Number.isFinite(created) && created < since) {
          reachedOlder = true;
          continue;
        }
        if (item.mode !== this.runInfo.mode) continue;
        if (ctx.ownUuids.has(item.uuid) && !(rec.orphans ?? []).includes(item.uuid)) continue;
        let marker = this.markerCache.get(item.uuid);
        if (marker === undefined) {
          let full;
          try {
            full = await this.#readWithRetries(ctx, (o) => this.client.get(item.uuid, o));
          } catch (e) {
            if (e instanceof NotFoundError) continue;
            throw e;
          }
          marker = (full.headers ?? []).find((h) => typeof h === 'string' && h.startsWith(MARKER_PREFIX)) ?? null;
          this.markerCache.set(item.uuid, marker);
        }
        if (marker === rec.marker) matches.push(item);
      }
      if (reachedOlder || !list.meta || page >= list.meta.last_page || (list.data ?? []).length === 0) break;
    }
    if (matches.length === 0) {
      await this.#save(ctx, rec);
      return null;
    }
    // The furthest along wins (never expected: only our map call moves one), then the oldest.
    const rank = (imp) => (this.startedStatuses.has(imp.status) ? 2 : imp.status === IMPORT_STATUS.uploaded ? 0 : 1);
    matches.sort((a, c) => rank(c) - rank(a) || Date.parse(a.created_at) - Date.parse(c.created_at));
    const [chosen, ...others] = matches;
    rec.orphans = [...new Set([...(rec.orphans ?? []), ...others.map((o) => o.uuid)])].filter((u) => u !== chosen.uuid);
    for (const o of others) ctx.ownUuids.add(o.uuid);
    return chosen;
  }

  /** GET the batch's import; a 404 before start means it is gone: create it again. */
  async #getOrGone(ctx, rec) {
    try {
      return await this.#readWithRetries(ctx, (o) => this.client.get(rec.uuid, o));
    } catch (e) {
      if (e instanceof NotFoundError) {
        await this.#forget(ctx, rec);
        return null;
      }
      throw e;
    }
  }

  /** The import vanished before it was started: a new one, with new keys. */
  async #forget(ctx, rec) {
    if (rec.startedAt) throw new BatchFailure(`The import ${rec.uuid} was started and then disappeared (404); not creating it again.`, { permanent: true });
    rec.orphans = [...new Set([...(rec.orphans ?? []), rec.uuid])];
    await this.#advance(ctx, rec, S.pending, { uuid: null, generation: rec.generation + 1, createAttemptAt: null });
  }

  async #map(ctx, rec, b) {
    rec.state = S.mapping;
    await this.#save(ctx, rec);
    try {
      await this.#call(ctx, (o) => this.client.map(rec.uuid, b.mapping, { ...o, idempotencyKey: this.#key(rec, 'map') }));
    } catch (e) {
      if (e instanceof NotFoundError) return this.#forget(ctx, rec);
      if (e instanceof ConflictError && !e.retryable && rec.remaps++ < 2) {
        // 409: started already (by a start whose response was lost?): the GET in "mapping" decides.
        return this.#save(ctx, rec);
      }
      if (e instanceof ApiError && !e.mayHaveActed) rec.state = S.created;
      throw e;
    }
    return this.#advance(ctx, rec, S.mapped);
  }

  async #start(ctx, rec) {
    rec.state = S.starting;
    await this.#save(ctx, rec);
    try {
      await this.#call(ctx, (o) => this.client.start(rec.uuid, { ...o, idempotencyKey: this.#key(rec, 'start') }));
    } catch (e) {
      if (e instanceof NotFoundError) return this.#forget(ctx, rec);
      if (e instanceof ConflictError && !e.retryable && rec.remaps++ < 2) {
        // "must be mapped before it can be started": map again, then start.
        return this.#advance(ctx, rec, S.created);
      }
      if (e instanceof ApiError && !e.mayHaveActed) rec.state = S.mapped;
      throw e;
    }
    return this.#advance(ctx, rec, S.started, { startedAt: Date.now() });
  }

  async #pollOnce(ctx, rec, b) {
    let imp;
    try {
      imp = await this.#call(ctx, (o) => this.client.get(rec.uuid, o));
    } catch (e) {
      if (e instanceof NotFoundError) throw new BatchFailure(`The import ${rec.uuid} disappeared while it was processing (404).`, { permanent: true });
      throw e;
    }
    rec.stepAttempts = 0;
    const server = {
      status: imp.status, total_jobs: imp.total_jobs, failed_jobs: imp.failed_jobs, progress: imp.progress,
      jobs_remaining: imp.jobs_remaining, has_error_report: Boolean(imp.error_report),
    };
    if (this.terminalStatuses.has(imp.status)) {
      server.accepted = Math.max(0, (imp.total_jobs ?? 0) - (imp.failed_jobs ?? 0));
      const mismatch = imp.total_jobs === rec.rows ? null
        : `the server counted ${imp.total_jobs} rows in batch ${rec.index}, which holds ${rec.rows}`;
      b.finishedImport = imp;
      await this.#advance(ctx, rec, S.finished, { server, mismatch, finishedAt: Date.now(), lastError: rec.lastError });
      return;
    }
    rec.server = server;
    this.#emit('batch', rec);
    if (Date.now() - b.pollStart > this.poll.timeoutMs) {
      throw new BatchFailure(`The import ${rec.uuid} is still ${imp.status} after ${Math.round(this.poll.timeoutMs / 1000)} s; resume later to keep waiting.`);
    }
    const delay = Math.min(this.poll.maxMs, this.poll.initialMs * 2 ** b.polls++);
    await sleep(delay, ctx.signal);
  }

  async #fail(ctx, rec, failure) {
    rec.failedStep = rec.state === S.failed ? rec.failedStep : rec.state;
    rec.state = S.failed;
    rec.permanent = failure.permanent;
    rec.lastError = { ...(failure.cause ? errorSummary(failure.cause) : {}), name: failure.name, message: failure.message, at: Date.now() };
    if (failure.halt && !ctx.halted) ctx.halted = failure.halt;
    await this.#save(ctx, rec);
  }

  async #save(ctx, rec) {
    rec.updatedAt = Date.now();
    await this.store.putBatch(rec);
    ctx.stored.set(rec.index, rec);
    this.#emit('batch', rec);
    this.#emitProgress(ctx);
  }

  #emit(type, detail) {
    const copy = structuredClone(detail);
    if (type === 'batch') this.onBatch?.(copy);
    this.dispatchEvent(new CustomEvent(type, { detail: copy }));
  }

  #counts(ctx) {
    const c = {
      batches: 0, finished: 0, failed: 0, pending: 0, inFlight: ctx.inFlight, skipped: ctx.skipped,
      rows: 0, rowsFinished: 0, rowsAccepted: 0, rowsFailedOnServer: 0, rowsUnprocessed: 0, rowsNotSent: 0,
      adopted: 0, orphans: 0, attempts: 0, retries: this.retries,
    };
    for (const rec of ctx.records.values()) {
      c.batches++;
      c.rows += rec.rows;
      c.attempts += rec.attempts;
      if (rec.adopted) c.adopted++;
      c.orphans += rec.orphans?.length ?? 0;
      if (rec.state === S.finished) {
        c.finished++;
        c.rowsFinished += rec.rows;
        c.rowsAccepted += rec.server?.accepted ?? 0;
        c.rowsFailedOnServer += rec.server?.failed_jobs ?? 0;
        c.rowsUnprocessed += Math.max(0, rec.rows - (rec.server?.total_jobs ?? 0));
      } else {
        if (rec.state === S.failed) c.failed++;
        else c.pending++;
        c.rowsNotSent += rec.rows;
      }
    }
    return c;
  }

  #emitProgress(ctx, done = false) {
    const detail = { runKey: ctx.runKey, ...this.#counts(ctx), halted: ctx.halted, done };
    this.onProgress?.(detail);
    this.dispatchEvent(new CustomEvent('progress', { detail }));
  }

  // ───────────────────────── the server's failures ─────────────────────────

  /**
   * A read-only call (the checks before repeating a step, lookups, report downloads) with
   * its own retries, so a failed check does not use up the attempts of the step it guards.
   * Its last error propagates to the step's own retry logic.
   */
  async #readWithRetries(ctx, fn) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#call(ctx, fn);
      } catch (e) {
        if (isAbort(e, ctx.signal) || !(e instanceof ApiError) || !e.retryable || attempt >= this.retry.maxAttempts) throw e;
        const retryAfterMs = e.retryAfterSeconds === null ? null : e.retryAfterSeconds * 1000;
        if (retryAfterMs !== null && retryAfterMs > this.retry.maxRetryAfterMs) throw e;
        if (this.retryBudget < 1) throw e;
        this.retryBudget -= 1;
        this.retries++;
        await sleep(this.#backoff(attempt, retryAfterMs), ctx.signal);
      }
    }
  }

  /**
   * Reads which rows of a finished batch the server failed and why: its error report
   * download (all of them, with the uploaded file's line numbers), or else its `errors`
   * (the first 25, matched to the batch's rows by their values).
   */
  async #collectServerFailures(ctx, rec, bytes, finishedImport) {
    const uploadText = this.useMarker && rec.marker ? appendColumn(decoder.decode(bytes), rec.marker) : decoder.decode(bytes);
    const records = parseCsvRecords(uploadText);
    const header = records[0]?.cells ?? [];
    const rows = records.slice(1);
    const rowByLine = new Map(rows.map((r, i) => [r.line, i]));
    const entry = { spans: rows.map((r) => spanOf(r.cells)), failures: [], unlocated: 0, source: null };
    const valuesOf = (i) => Object.fromEntries(header.map((h, j) => [h, rows[i].cells[j] ?? '']).filter(([h]) => h !== rec.marker));
    try {
      const imp = finishedImport ?? await this.#readWithRetries(ctx, (o) => this.client.get(rec.uuid, o));
      if (imp.error_report?.download_url) {
        const text = await this.#readWithRetries(ctx, (o) => this.client.downloadErrorReport(imp, o));
        entry.source = 'error_report';
        for (const r of parseCsvRecords(text).slice(1)) {
          const line = Number(unneutralised(r.cells[0] ?? ''));
          const i = rowByLine.get(line);
          const messages = unneutralised(r.cells[r.cells.length - 1] ?? '').split('\n').filter(Boolean);
          if (i === undefined) entry.unlocated++;
          else entry.failures.push({ row: i, values: valuesOf(i), messages });
        }
      } else if (Array.isArray(imp.errors) && imp.errors.length) {
        entry.source = 'errors';
        const used = new Set();
        for (const e of imp.errors) {
          const key = Object.keys(e).find((k) => k !== 'errors');
          const values = e[key] ?? {};
          const messages = Object.values(e.errors ?? {}).flat().map(String);
          const i = rows.findIndex((_, k) => !used.has(k) && Object.entries(values).every(([f, v]) => (valuesOf(k)[f] ?? '') === String(v ?? '')));
          if (i < 0) entry.unlocated++;
          else {
            used.add(i);
            entry.failures.push({ row: i, values: valuesOf(i), messages });
          }
        }
      }
    } catch (e) {
      if (isAbort(e, ctx.signal)) throw e;
      entry.error = errorSummary(e);
    }
    ctx.serverFailures.set(rec.index, entry);
  }

  /**
   * The reconciliation and the merged error report (the engine's error CSV plus the
   * server's failures, by line).
   */
  async #reconcile(ctx, records, summary, localText) {
    const counts = this.#counts(ctx);
    const problems = [];
    const rowsInFile = summary?.total_jobs ?? null;
    const rowsFailedLocally = summary?.failed_jobs ?? null;
    const cleanRows = summary?.preflight?.clean_rows ?? (rowsInFile !== null ? rowsInFile - rowsFailedLocally : null);
    if (cleanRows !== null && cleanRows !== counts.rows) {
      problems.push(`the batches hold ${counts.rows} rows; the engine counted ${cleanRows} clean rows`);
    }
    for (const rec of records) if (rec.mismatch) problems.push(rec.mismatch);
    const neverBatched = cleanRows !== null ? Math.max(0, cleanRows - counts.rows) : 0;
    const rowsNotSent = counts.rowsNotSent + neverBatched;
    const accounted = (rowsFailedLocally ?? 0) + counts.rowsAccepted + counts.rowsFailedOnServer + counts.rowsUnprocessed + rowsNotSent;
    const balanced = rowsInFile !== null && accounted === rowsInFile && problems.length === 0;

    // The local report: its header and rows, as written (cells already neutralised).
    const local = localText ? parseCsvRecords(localText) : [];
    const headers = summary?.headers ?? [];
    const header = local[0]?.cells ?? ['line', ...headers, 'errors'];
    const out = local.slice(1).map((r, i) => ({ line: Number(r.cells[0]) || 0, order: i, cells: r.cells }));
    const localSpans = new Map(out.map((r) => [r.line, spanOf(r.cells.slice(1, -1))]));
    const fieldOfHeader = summary?.mapping ?? {};

    let located = 0;
    let unlocated = 0;
    let approximate = 0;
    for (const rec of records) {
      const entry = ctx.serverFailures.get(rec.index);
      if (!entry) {
        if (rec.state === S.finished && rec.server?.failed_jobs > 0) unlocated += rec.server.failed_jobs;
        continue;
      }
      const { lines, exact } = originalLines(rec, entry.spans, localSpans);
      for (const f of entry.failures) {
        const cells = headers.map((h) => {
          const field = fieldOfHeader[h];
          return field ? f.values[field] ?? '' : '';
        });
        out.push({ line: lines[f.row], order: out.length, cells: [String(lines[f.row]), ...cells, f.messages.join('\n')] });
        located++;
        if (!exact) approximate++;
      }
      unlocated += Math.max(0, (rec.server?.failed_jobs ?? 0) - entry.failures.length);
    }
    if (unlocated > 0) problems.push(`${unlocated} row(s) failed on the server without a row-level reason in its error report; see each import's error report`);
    out.sort((a, c) => a.line - c.line || a.order - c.order);
    // The engine's cells are already neutralised ("'=x"), and stay as they are when written
    // again (an apostrophe is no trigger); the server rows' values are raw and get neutralised.
    const text = out.length ? writeErrorCsv(header, out.map((r) => r.cells)) : null;
    return {
      reconciliation: {
        rowsInFile, rowsFailedLocally, rowsAccepted: counts.rowsAccepted, rowsFailedOnServer: counts.rowsFailedOnServer,
        rowsUnprocessedOnServer: counts.rowsUnprocessed, rowsNotSent, balanced, problems,
        serverFailuresInReport: located, serverFailuresWithoutDetail: unlocated, approximateLines: approximate,
      },
      errorReport: text === null ? null : new Blob([text], { type: 'text/csv;charset=utf-8' }),
      text,
    };
  }
}

/**
 * The original file's line of each row of a batch. Exact when the rows fill
 * firstLine..lastLine; otherwise the lines of rows failed locally (from the engine's error
 * report) are skipped, and blank lines inside the range may shift the guess (`exact` false).
 * @param {{firstLine: number, lastLine: number}} rec
 * @param {number[]} spans lines spanned by each row (1 + line breaks in its cells)
 * @param {Map<number, number>} localSpans line of a locally failed row → lines it spans
 */
export function originalLines(rec, spans, localSpans) {
  const lines = [];
  let cursor = rec.firstLine;
  const total = spans.reduce((a, s) => a + s, 0);
  if (total === rec.lastLine - rec.firstLine + 1) {
    for (const s of spans) {
      lines.push(cursor);
      cursor += s;
    }
    return { lines, exact: true };
  }
  for (let i = 0; i < spans.length; i++) {
    if (i > 0) {
      while (localSpans.has(cursor) && cursor <= rec.lastLine) cursor += localSpans.get(cursor);
    }
    lines.push(Math.min(cursor, rec.lastLine));
    cursor += spans[i];
  }
  return { lines, exact: cursor === rec.lastLine + 1 };
}
