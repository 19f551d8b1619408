// resume-store.d.ts — the public API of web/src/resume-store.js (hand-written; keep in step).

export { hashFile } from './hash.js';

/** A run as the store keeps it. Never holds the token or row data. */
export interface RunRecord {
  runKey: string;
  fileHash: string;
  type: string;
  mode: string;
  fileName: string | null;
  fileSize: number | null;
  status: 'running' | 'complete' | 'incomplete';
  resumedCount: number;
  batchCount?: number;
  createdAt: number;
  updatedAt: number;
}

export type BatchState = 'pending' | 'creating' | 'created' | 'mapping' | 'mapped' | 'starting' | 'started' | 'finished' | 'failed';

/** A batch as the store keeps it (written before and after every API call). */
export interface BatchRecord {
  runKey: string;
  index: number;
  /** SHA-256 over the run key, the index and the batch's hash: the batch's identity. */
  id: string;
  /** SHA-256 of the batch's bytes (checked again on resume). */
  sha256: string;
  rows: number;
  firstLine: number;
  lastLine: number;
  bytes: number;
  /** The uploaded file's name: preflight-<id16>-<index>.csv. */
  fileName: string;
  /** The identity column appended to the upload (null when the marker is off). */
  marker: string | null;
  state: BatchState;
  /** For a failed batch: the state it failed in (a resume continues from there). */
  failedStep: BatchState | null;
  /** A failure retrying will not fix (422, 413, a changed batch…). */
  permanent: boolean;
  uuid: string | null;
  /** Bumped when the import vanished (404) before it was started and a new one is made. */
  generation: number;
  attempts: number;
  stepAttempts: number;
  lookups: number;
  /** The import was found through the list endpoint after a lost create response. */
  adopted: boolean;
  /** Other imports made for this batch (unmapped: they import nothing). */
  orphans: string[];
  remaps: number;
  createAttemptAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  lastError: { name: string; message: string; status?: number; retryAfterSeconds?: number | null; mayHaveActed?: boolean; at: number } | null;
  /** The import's counts as last seen. */
  server: {
    status: string;
    total_jobs: number;
    failed_jobs: number;
    progress: number;
    jobs_remaining: number;
    has_error_report: boolean;
    accepted?: number;
  } | null;
  /** Set when the server counted a different number of rows than the batch holds. */
  mismatch: string | null;
  updatedAt: number;
}

export interface LockOptions {
  /** Wait for the other holder instead of failing with RunLockedError (default false). */
  wait?: boolean;
  /** Only with wait: stop waiting. */
  signal?: AbortSignal;
}

/** The interface both stores implement. */
export interface ResumeStore {
  getRun(runKey: string): Promise<RunRecord | undefined>;
  putRun(run: RunRecord): Promise<void>;
  listRuns(): Promise<RunRecord[]>;
  deleteRun(runKey: string): Promise<void>;
  getBatches(runKey: string): Promise<BatchRecord[]>;
  getBatch(runKey: string, index: number): Promise<BatchRecord | undefined>;
  putBatch(batch: BatchRecord): Promise<void>;
  /** Runs fn holding the run's lock (a Web Lock in IndexedDbResumeStore). */
  lock<T>(runKey: string, fn: () => Promise<T>, options?: LockOptions): Promise<T>;
  close(): void;
}

/** Another tab (or poster) is posting this run. code: "run_locked". */
export class RunLockedError extends Error {
  constructor(runKey: string);
  readonly code: 'run_locked';
  readonly runKey: string;
}

/** SHA-256 over the file hash, type, mode, mapping and anything else that changes the batches. */
export function runKeyOf(run: { fileHash: string; type: string; mode: string; mapping?: unknown; extra?: unknown }): Promise<string>;

// Each class merges with an interface of the same name, so the methods are declared once
// (in ResumeStore) and both classes have them.
export interface MemoryResumeStore extends ResumeStore {}
export class MemoryResumeStore implements ResumeStore {
  constructor();
}

export interface IndexedDbResumeStore extends ResumeStore {}
export class IndexedDbResumeStore implements ResumeStore {
  /** Opens (creating or upgrading) the "preflight-resume" database. */
  static open(options?: { name?: string; indexedDB?: IDBFactory; locks?: LockManager | null }): Promise<IndexedDbResumeStore>;
  constructor(db: IDBDatabase, locks: LockManager | null);
  readonly db: IDBDatabase;
}

/** IndexedDbResumeStore where IndexedDB exists, else MemoryResumeStore. */
export function openResumeStore(options?: { name?: string }): Promise<IndexedDbResumeStore | MemoryResumeStore>;
