// batch-poster.d.ts — the public API of web/src/batch-poster.js (hand-written; keep in step).

import type { ImportApiClient, ImportMode } from './api-client.js';
import type { BatchRecord, ResumeStore, RunRecord } from './resume-store.js';

export type { BatchRecord, BatchState } from './resume-store.js';

export const BATCH_STATE: Readonly<{
  pending: 'pending'; creating: 'creating'; created: 'created'; mapping: 'mapping'; mapped: 'mapped';
  starting: 'starting'; started: 'started'; finished: 'finished'; failed: 'failed';
}>;
/** The marker column's header starts with this; the rest is 32 hex characters of the batch id. */
export const MARKER_PREFIX: 'preflight_batch_';

/**
 * A batch of clean rows with canonical headers: as web/src/preflight.js hands them out
 * ({blob}) or as the engine's session does ({csv}).
 */
export interface BatchInput {
  index: number;
  rows: number;
  firstLine: number;
  lastLine: number;
  blob?: Blob;
  csv?: Uint8Array | ArrayBuffer | string;
}

export interface RetryOptions {
  /** Attempts per step (create, map, start, poll) before the batch is marked failed (default 6). */
  maxAttempts?: number;
  /** Full jitter: random(0, min(maxDelayMs, baseDelayMs · 2^(n−1))) (defaults 1000, 30 000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this halts the run (default 300 000 = 5 min). */
  maxRetryAfterMs?: number;
  /** Retries the whole run may spend (refilled by 1 per 10 successful calls; default 100). */
  budget?: number;
}

export interface PollOptions {
  /** First wait between GETs; doubles up to maxMs (defaults 1000, 10 000). */
  initialMs?: number;
  maxMs?: number;
  /** Give up waiting on one import after this long (the batch fails; resume keeps waiting). Default 30 min. */
  timeoutMs?: number;
}

export interface RateLimitOptions {
  /** The API's limit (default 500 a minute per user). */
  requestsPerMinute?: number;
  /** Token-bucket capacity (default 10). */
  burst?: number;
  /** Fraction of the limit to use (default 0.9). */
  safety?: number;
}

export interface LookupOptions {
  /** How far before the first create attempt to look (clock skew; default 10 min). */
  skewMs?: number;
  perPage?: number;
  maxPages?: number;
}

export interface RunInfo {
  /** SHA-256 of the whole file (hashFile). */
  fileHash: string;
  type: string;
  mode: Exclude<ImportMode, 'validate'>;
  /** The mapping the batches were built with (part of the run key). */
  mapping?: unknown;
  /** Anything else that changes the batches (engine version, batchRows…): part of the run key. */
  extra?: unknown;
  fileName?: string;
  fileSize?: number;
  /** Use this run key instead of computing one. */
  runKey?: string;
}

export interface Progress {
  runKey: string;
  batches: number;
  finished: number;
  failed: number;
  pending: number;
  inFlight: number;
  /** Batches found finished from an earlier session. */
  skipped: number;
  rows: number;
  rowsFinished: number;
  rowsAccepted: number;
  rowsFailedOnServer: number;
  rowsUnprocessed: number;
  rowsNotSent: number;
  /** Batches whose import was found through the list endpoint after a lost create response. */
  adopted: number;
  orphans: number;
  /** Failed step attempts across batches. */
  attempts: number;
  /** Retries made (steps and read-only checks). */
  retries: number;
  halted: string | null;
  done: boolean;
}

export interface BatchPosterOptions {
  client: ImportApiClient;
  store: ResumeStore;
  run: RunInfo;
  /** Batches in flight at once (default 3). */
  concurrency?: number;
  retry?: RetryOptions;
  poll?: PollOptions;
  /** false: no client-side limit (the API's 429s are still honoured). */
  rateLimit?: RateLimitOptions | false;
  lookup?: LookupOptions;
  /** Append the identity column to each upload (default true). Without it, a lost create relies on the Idempotency-Key alone. */
  marker?: boolean;
  /** Send Idempotency-Key on every POST (default true). */
  idempotencyKeys?: boolean;
  /** Wait for another tab's run instead of failing with RunLockedError (default false). */
  lockWait?: boolean;
  /** Statuses after which an import changes no more (default completed, failed). */
  terminalStatuses?: string[];
  /** For tests: the jitter's random source. */
  random?: () => number;
  onBatch?: (batch: BatchRecord) => void;
  onProgress?: (progress: Progress) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** The engine's summary (or a promise of it): enables the reconciliation and the merged report. */
  summary?: any | PromiseLike<any>;
  /** The engine's error CSV (Blob, text or bytes, or a promise of one; null when no row failed). */
  localErrorReport?: Blob | string | Uint8Array | null | PromiseLike<Blob | string | Uint8Array | null>;
}

export interface Reconciliation {
  /** Data rows in the file (the engine's total_jobs). */
  rowsInFile: number | null;
  rowsFailedLocally: number | null;
  rowsAccepted: number;
  rowsFailedOnServer: number;
  /** Rows of finished imports the server never processed (an import-level failure). */
  rowsUnprocessedOnServer: number;
  rowsNotSent: number;
  /** rowsInFile = failed locally + accepted + failed on the server + unprocessed + not sent, with no problems. */
  balanced: boolean;
  problems: string[];
  serverFailuresInReport: number;
  serverFailuresWithoutDetail: number;
  /** Server failures whose original line is a best guess (blank lines inside the batch's range). */
  approximateLines: number;
}

export interface RunResult {
  runKey: string;
  /** Every batch finished, nothing halted. */
  complete: boolean;
  /** Why the run stopped early ("retry_budget_exhausted", "retry_after_too_long"), or null. */
  halted: string | null;
  counts: Omit<Progress, 'runKey' | 'halted' | 'done'>;
  batches: BatchRecord[];
  problems: string[];
  reconciliation: Reconciliation | null;
  /** The engine's error CSV merged with the server's failures (text/csv, UTF-8 BOM), or null. */
  errorReport: Blob | null;
  errorReportText?: string | null;
}

export class BatchPoster extends EventTarget {
  constructor(options: BatchPosterOptions);
  /** Null until run() has computed it. */
  runKey: string | null;
  /** Posts every batch the store does not have as finished; holds the run's lock meanwhile. */
  run(batches: AsyncIterable<BatchInput> | Iterable<BatchInput>, options?: RunOptions): Promise<RunResult>;
  addEventListener(type: 'batch', listener: (event: CustomEvent<BatchRecord>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: 'progress', listener: (event: CustomEvent<Progress>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: 'resume', listener: (event: CustomEvent<{ run: RunRecord; batches: number; finished: number }>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}

/** A token bucket for a run's requests. */
export class RateLimiter {
  constructor(options?: RateLimitOptions & { clock?: () => number });
  acquire(signal?: AbortSignal): Promise<void>;
  onRateLimited(retryAfterMs: number): void;
  onSuccess(): void;
}

/** The original file's lines of a batch's rows (see the source). */
export function originalLines(
  rec: { firstLine: number; lastLine: number },
  spans: number[],
  localSpans: Map<number, number>,
): { lines: number[]; exact: boolean };

export function sleep(ms: number, signal?: AbortSignal): Promise<void>;

export const DEFAULTS: Readonly<{
  concurrency: number;
  retry: Required<RetryOptions>;
  poll: Required<PollOptions>;
  rateLimit: Required<RateLimitOptions>;
  lookup: Required<LookupOptions>;
}>;
