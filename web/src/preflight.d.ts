// preflight.d.ts — the public API of web/src/preflight.js (hand-written; keep in step).

/** Where the worker and the engine come from; relative URLs resolve against the page. */
export interface PreflightOptions {
  /** The worker script (default: ./worker.js beside preflight.js). Must be a module worker. */
  workerUrl?: string | URL;
  /** The Emscripten ES-module glue (default: ../../build/wasm/preflight.js relative to worker.js). */
  moduleUrl?: string | URL;
  /** The .wasm file (default: preflight.wasm beside the glue). */
  wasmUrl?: string | URL;
  /**
   * Warm the engine up once it is loaded (default true): the worker checks a small built-in
   * sample, about 50 ms, so that the first file runs at full speed (see web/src/warm-up.js).
   * File jobs started meanwhile wait for it.
   */
  warmUp?: boolean;
}

/** An extra or replacement import type: its JSON text, named in messages. */
export type SchemaSource = string | { name: string; json: string };

/** The map endpoint's body: field → CSV header, plus constant values. */
export interface MappingSpec {
  headers?: Array<Record<string, string>>;
  constants?: Record<string, string | number | boolean>;
}

/** Options the engine reads (core/include/preflight/options.h); all optional. */
export interface EngineOptions {
  mode?: 'validate' | 'store' | 'update';
  laravel?: '9' | '10' | 9 | 10;
  /** YYYY-MM-DD: the date 'today' means in rules such as before:today. */
  today?: string;
  encoding?: string;
  /** One character, or tab/comma/semicolon/pipe. */
  delimiter?: string;
  hasHeader?: boolean;
  mapping?: MappingSpec;
  constants?: Record<string, string | number | boolean>;
  /** Clean-row batches (default: on in store/update, off in validate). */
  batches?: boolean;
  batchRows?: number;
  batchBytes?: number;
  /** Build the error report (default true). */
  errorCsv?: boolean;
  /** The name used in messages and for the error report (default: the File's name). */
  fileName?: string;
  limits?: { maxFieldBytes?: number; maxRowBytes?: number; maxColumns?: number };
  sniffBytes?: number;
  sampleRows?: number;
  autoMapConfidence?: number;
}

/** A progress snapshot, posted by the worker ~every 150 ms and once at the end. */
export interface Progress {
  /** Bytes of the File read (and fed to the engine) so far. */
  bytesRead: number;
  totalBytes: number;
  rows: number;
  failedRows: number;
  rowsPerSecond: number;
  bytesPerSecond: number;
  elapsedMs: number;
  /** The Wasm linear memory now, and its peak during the job. */
  heapBytes: number;
  peakHeapBytes: number;
  /** Worker time spent waiting for File reads, in the engine, and turning output into Blobs. */
  readWaitMs: number;
  engineMs: number;
  drainMs: number;
  /** True on the final snapshot. */
  done: boolean;
}

/** A batch of clean rows: CSV with the canonical field names as its header. */
export interface Batch {
  index: number;
  rows: number;
  /** The file lines its rows came from (1-based, physical lines). */
  firstLine: number;
  lastLine: number;
  bytes: number;
  blob: Blob;
}

export interface CallOptions {
  /** The import type: clients, plans, charges, … (see types()). */
  type: string;
  /** Extra or replacement import types. */
  schemas?: SchemaSource[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Bytes per File slice fed to the engine (default 1 MiB; suggest: 64 KiB). */
  sliceBytes?: number;
}

export interface SuggestOptions extends CallOptions, EngineOptions {
  /** Read at most this many bytes (default 256 KiB). */
  maxBytes?: number;
}

export interface ValidateOptions extends CallOptions, EngineOptions {
  /** Called for each batch as it arrives (also available through job.batches()). */
  onBatch?: (batch: Batch) => void;
  /** Minimum milliseconds between progress events (default 150). */
  progressIntervalMs?: number;
}

export interface FieldSuggestion {
  header: string;
  column: number;
  field: string | null;
  confidence: number;
  reason: string;
  alternatives: Array<{ field: string; confidence: number }>;
}

export interface SuggestResult {
  type: string;
  /** The headers as the engine names them (deduplicated, column_N when missing). */
  headers: string[];
  originalHeaders: string[];
  headerWarnings: string[];
  /** The first data rows, cells by column. */
  samples: string[][];
  suggestions: FieldSuggestion[];
  /** The confident suggestions, ready for validate({mapping}) or the map endpoint. */
  mapping: MappingSpec;
  encoding: { name: string; reason: string; set_by_user: boolean } | null;
  dialect: { delimiter: string; delimiter_name: string; has_header: boolean; [key: string]: unknown } | null;
  bytesRead: number;
  totalBytes: number;
  /** True when the whole file was read (it was small). */
  wholeFile: boolean;
  /** Set when the file cannot be imported as suggested (e.g. a required field unmapped). */
  problem: { code: string; message: string } | null;
}

export interface ValidationResult {
  /** The summary, exactly as the native CLI prints it (the import resource's shape). */
  summary: any;
  /** The failed rows with line numbers and messages (text/csv), or null when none failed. */
  errorReport: File | null;
  /** Every clean batch, from the first. */
  batches(): AsyncIterableIterator<Batch>;
  batchCount: number;
  stats: Progress;
}

/** One validation running in the worker. `await job` gives the result. */
export interface ValidationJob extends PromiseLike<ValidationResult> {
  readonly id: number | null;
  readonly result: Promise<ValidationResult>;
  /** The latest progress snapshot. */
  readonly progress: Progress | null;
  /** Batches as they are produced (every call starts from the first). */
  batches(): AsyncIterableIterator<Batch>;
  /** Stops the job; it rejects with an AbortError. */
  cancel(reason?: unknown): void;
  catch<T = never>(onRejected?: (reason: PreflightError) => T | PromiseLike<T>): Promise<ValidationResult | T>;
  finally(onFinally?: () => void): Promise<ValidationResult>;
}

export interface PreflightEngine {
  /** The engine version, as in every summary's preflight.engine_version. */
  readonly version: string;
  types(schemas?: SchemaSource[]): Promise<any>;
  suggest(file: Blob, options: SuggestOptions): Promise<SuggestResult>;
  validate(file: Blob, options: ValidateOptions): ValidationJob;
  /** Stops the worker; pending jobs reject with code "terminated". */
  terminate(): void;
}

/**
 * Error codes: the engine's (unknown_type, unknown_mode, invalid_argument, bad_mapping,
 * bad_schema, bad_header, no_header, empty_file, …) and the library's: read_error,
 * engine_unavailable, engine_crashed, worker_failed, terminated, internal, and aborted
 * (with name "AbortError").
 */
export class PreflightError extends Error {
  constructor(code: string, message: string, extra?: { name?: string; summary?: any; errorReport?: File | null; stats?: Progress | null; cause?: unknown });
  readonly code: string;
  /** When the engine gave up on the file: its summary (status "failed"). */
  readonly summary: any | null;
  readonly errorReport: File | null;
  readonly stats: Progress | null;
}

export function createPreflight(options?: PreflightOptions): Promise<PreflightEngine>;
