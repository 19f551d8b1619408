// resume-store.js — where the batch poster writes the state of every batch, before and
// after each API call, so a reload or a crashed tab resumes a run without re-posting the
// batches that finished.
//
// A run is keyed by runKeyOf({fileHash, type, mode, mapping, …}): the same file (by its
// SHA-256, computed in slices by hashFile), imported the same way, is the same run. The
// engine's batches are deterministic, so picking the file again rebuilds identical batches;
// the poster checks each one's hash against the stored one and sends only what is left.
//
// Two implementations with one interface:
// - IndexedDbResumeStore (browsers and workers): database "preflight-resume", object stores
//   "runs" (key runKey) and "batches" (key [runKey, index]); a Web Lock per run
//   (navigator.locks) keeps two tabs from posting the same run at once.
// - MemoryResumeStore (Node tests, or a page that wants no persistence): the same, in
//   memory, with an in-process lock.
//
// What is stored: identities, hashes, counts, line ranges, states, import uuids, attempt
// counts and the last error's message — never the API token and never row data.
//
// Locking policy: by default lock() fails at once with a RunLockedError (code
// "run_locked") when another tab holds the run, so the page can say "this import is being
// resumed in another tab"; with {wait: true} it waits for the other tab to finish (or for
// the signal to abort).
import { canonicalJson, sha256Hex } from './hash.js';

export { hashFile } from './hash.js';

/** Another tab (or poster) is already posting this run. */
export class RunLockedError extends Error {
  /** @param {string} runKey */
  constructor(runKey) {
    super('This import is already being posted in another tab or window. Wait for it to finish, or close that tab, then resume here.');
    this.name = 'RunLockedError';
    this.code = 'run_locked';
    this.runKey = runKey;
  }
}

/**
 * The key of a run: SHA-256 over the file's hash, the import type and mode, the mapping and
 * anything else that changes the batches (engine version, batch size options).
 * @param {{fileHash: string, type: string, mode: string, mapping?: unknown, extra?: unknown}} run
 * @returns {Promise<string>} 64 hex characters
 */
export async function runKeyOf({ fileHash, type, mode, mapping = null, extra = null }) {
  if (!/^[0-9a-f]{64}$/.test(fileHash ?? '')) throw new TypeError('runKeyOf: fileHash must be a SHA-256 in hex (see hashFile)');
  if (!type || !mode) throw new TypeError('runKeyOf: type and mode are required');
  const mappingHash = await sha256Hex(canonicalJson(mapping));
  return sha256Hex(`preflight-run/1\n${fileHash}\n${type}\n${mode}\n${mappingHash}\n${canonicalJson(extra)}`);
}

const lockName = (runKey) => `preflight-run-${runKey}`;

/**
 * @template T
 * @param {string} runKey
 * @param {(() => Promise<T>)} fn
 * @param {{wait?: boolean, signal?: AbortSignal}} options
 * @param {Map<string, Promise<void>>} held
 * @returns {Promise<T>}
 */
async function inProcessLock(runKey, fn, { wait = false, signal } = {}, held) {
  for (;;) {
    signal?.throwIfAborted();
    const current = held.get(runKey);
    if (!current) break;
    if (!wait) throw new RunLockedError(runKey);
    await new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      current.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
  let release = () => {};
  held.set(runKey, new Promise((resolve) => { release = resolve; }));
  try {
    return await fn();
  } finally {
    held.delete(runKey);
    release();
  }
}

/** The store's interface, in memory. Values are copied in and out, as IndexedDB does. */
export class MemoryResumeStore {
  constructor() {
    /** @type {Map<string, object>} */
    this.runs = new Map();
    /** @type {Map<string, Map<number, object>>} */
    this.batches = new Map();
    /** @type {Map<string, Promise<void>>} */
    this.locks = new Map();
  }

  async getRun(runKey) {
    const run = this.runs.get(runKey);
    return run ? structuredClone(run) : undefined;
  }

  async putRun(run) {
    if (!run?.runKey) throw new TypeError('putRun: runKey is required');
    this.runs.set(run.runKey, structuredClone(run));
  }

  async listRuns() {
    return [...this.runs.values()].map((r) => structuredClone(r));
  }

  async deleteRun(runKey) {
    this.runs.delete(runKey);
    this.batches.delete(runKey);
  }

  async getBatches(runKey) {
    const map = this.batches.get(runKey);
    return map ? [...map.values()].sort((a, b) => a.index - b.index).map((b) => structuredClone(b)) : [];
  }

  async getBatch(runKey, index) {
    const b = this.batches.get(runKey)?.get(index);
    return b ? structuredClone(b) : undefined;
  }

  async putBatch(batch) {
    if (!batch?.runKey || !Number.isInteger(batch.index)) throw new TypeError('putBatch: runKey and index are required');
    let map = this.batches.get(batch.runKey);
    if (!map) this.batches.set(batch.runKey, (map = new Map()));
    map.set(batch.index, structuredClone(batch));
  }

  /**
   * Runs `fn` holding the run's lock (in this process only).
   * @template T
   * @param {string} runKey
   * @param {() => Promise<T>} fn
   * @param {{wait?: boolean, signal?: AbortSignal}} [options]
   * @returns {Promise<T>}
   */
  lock(runKey, fn, options = {}) {
    return inProcessLock(runKey, fn, options, this.locks);
  }

  close() {}
}

/** Promise of an IDBRequest's result. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Promise of a transaction's completion. */
function committed(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new DOMException('The transaction was aborted.', 'AbortError'));
  });
}

/** The store's interface on IndexedDB, with a Web Lock per run. */
export class IndexedDbResumeStore {
  /**
   * Opens (creating or upgrading) the database.
   * @param {{name?: string, indexedDB?: IDBFactory, locks?: LockManager|null}} [options]
   * @returns {Promise<IndexedDbResumeStore>}
   */
  static async open({ name = 'preflight-resume', indexedDB = globalThis.indexedDB, locks = globalThis.navigator?.locks ?? null } = {}) {
    if (!indexedDB) throw new Error('IndexedDB is not available here; use MemoryResumeStore');
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('runs')) db.createObjectStore('runs', { keyPath: 'runKey' });
      if (!db.objectStoreNames.contains('batches')) {
        const batches = db.createObjectStore('batches', { keyPath: ['runKey', 'index'] });
        batches.createIndex('byRun', 'runKey');
      }
    };
    const db = await done(request);
    return new IndexedDbResumeStore(db, locks);
  }

  /**
   * @param {IDBDatabase} db
   * @param {LockManager|null} locks
   */
  constructor(db, locks) {
    this.db = db;
    this.locks = locks;
    /** Fallback when the Web Locks API is missing: one tab only. */
    this.localLocks = new Map();
    // Another tab upgrading the database: let it, this connection is closed.
    db.onversionchange = () => db.close();
  }

  async #read(storeName, fn) {
    const tx = this.db.transaction(storeName, 'readonly');
    const result = await done(fn(tx.objectStore(storeName)));
    return result;
  }

  async #write(storeNames, fn) {
    const tx = this.db.transaction(storeNames, 'readwrite');
    fn(tx);
    await committed(tx);
  }

  getRun(runKey) {
    return this.#read('runs', (s) => s.get(runKey));
  }

  putRun(run) {
    if (!run?.runKey) throw new TypeError('putRun: runKey is required');
    return this.#write('runs', (tx) => tx.objectStore('runs').put(run));
  }

  listRuns() {
    return this.#read('runs', (s) => s.getAll());
  }

  deleteRun(runKey) {
    return this.#write(['runs', 'batches'], (tx) => {
      tx.objectStore('runs').delete(runKey);
      tx.objectStore('batches').delete(IDBKeyRange.bound([runKey, -Infinity], [runKey, Infinity]));
    });
  }

  async getBatches(runKey) {
    const all = await this.#read('batches', (s) => s.index('byRun').getAll(runKey));
    return all.sort((a, b) => a.index - b.index);
  }

  getBatch(runKey, index) {
    return this.#read('batches', (s) => s.get([runKey, index]));
  }

  putBatch(batch) {
    if (!batch?.runKey || !Number.isInteger(batch.index)) throw new TypeError('putBatch: runKey and index are required');
    return this.#write('batches', (tx) => tx.objectStore('batches').put(batch));
  }

  /**
   * Runs `fn` holding the run's Web Lock, shared by every tab of the origin.
   * @template T
   * @param {string} runKey
   * @param {() => Promise<T>} fn
   * @param {{wait?: boolean, signal?: AbortSignal}} [options]
   * @returns {Promise<T>}
   */
  async lock(runKey, fn, { wait = false, signal } = {}) {
    if (!this.locks) return inProcessLock(runKey, fn, { wait, signal }, this.localLocks);
    signal?.throwIfAborted();
    // The Web Locks API refuses `signal` together with ifAvailable: pass only one.
    /** @type {LockOptions} */
    const options = wait ? { mode: 'exclusive', ...(signal ? { signal } : {}) } : { mode: 'exclusive', ifAvailable: true };
    return this.locks.request(lockName(runKey), options, async (lock) => {
      if (!lock) throw new RunLockedError(runKey);
      return fn();
    });
  }

  close() {
    this.db.close();
  }
}

/**
 * The persistent store where there is IndexedDB, else the in-memory one.
 * @param {{name?: string}} [options]
 * @returns {Promise<IndexedDbResumeStore|MemoryResumeStore>}
 */
export async function openResumeStore(options = {}) {
  if (globalThis.indexedDB) return IndexedDbResumeStore.open(options);
  return new MemoryResumeStore();
}
