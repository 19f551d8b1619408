// helpers.mjs — shared by the reference server's tests: a real server on loopback (in
// process, or as a child process through the CLI), a temporary SQLite file, small clients
// for each endpoint, and a retrying request helper that leans on Idempotency-Key.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';

import { startServer } from '../../web/server/main.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = join(repoRoot, 'tests/fixtures');
export const TOKEN = 'test-token-0123456789';
export const TODAY = '2026-01-15';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'preflight-server-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Starts the server in-process on a free port with a temporary database.
 * `close()` stops it; `cleanup()` stops it and deletes the database.
 * @param {object} [options] startServer options
 */
export async function startTestServer(options = {}) {
  const tmp = options.db ? null : tempDir();
  const db = options.db ?? join(tmp.dir, 'server.sqlite');
  const server = await startServer({ port: 0, db, token: TOKEN, today: TODAY, ...options });
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await server.close();
    }
  };
  return {
    ...server,
    db,
    close,
    cleanup: async () => {
      await close();
      tmp?.cleanup();
    },
  };
}

/**
 * One request; answers {status, headers, text, json}.
 * @param {{url: string}} server
 * @param {string} method
 * @param {string} path
 * @param {{json?: unknown, body?: BodyInit, headers?: Record<string, string>, token?: string|null}} [init]
 */
export async function api(server, method, path, init = {}) {
  const headers = { accept: 'application/json', ...(init.headers ?? {}) };
  const token = init.token === undefined ? TOKEN : init.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(server.url + path, { method, headers, body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (a CSV download, an empty body)
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The create call's multipart form. */
export function importForm({ type, mode, data, fileName = 'import.csv' }) {
  const form = new FormData();
  if (type !== undefined) form.append('type', type);
  if (mode !== undefined) form.append('mode', mode);
  if (data !== undefined) form.append('file', new Blob([data], { type: 'text/csv' }), fileName);
  return form;
}

/** A fixture's bytes and its mapping (the one its expected summary shows, as the map body). */
export function fixture(type, name) {
  const base = join(fixturesDir, type, name);
  const csvPath = ['.csv', '.txt', '.tsv'].map((ext) => base + ext).find((p) => {
    try {
      readFileSync(p);
      return true;
    } catch {
      return false;
    }
  });
  const summary = JSON.parse(readFileSync(`${base}.summary.json`, 'utf8'));
  const mapping = Object.fromEntries(Object.entries(summary.mapping).map(([header, field]) => [field, header]));
  let errorsCsv = null;
  try {
    errorsCsv = readFileSync(`${base}.errors.csv`);
  } catch {
    // no failures expected
  }
  return { data: readFileSync(csvPath), summary, mapping, errorsCsv, fileName: csvPath.split('/').pop() };
}

/** Creates an import; returns the response (asserting nothing). */
export function createImport(server, { type, mode, data, fileName, headers }) {
  return api(server, 'POST', '/api/v1/import', { body: importForm({ type, mode, data, fileName }), headers });
}

export function mapImport(server, uuid, mapping, headers) {
  return api(server, 'POST', `/api/v1/import/map/${uuid}`, { json: { headers: [mapping] }, headers });
}

export function startImport(server, uuid, headers) {
  return api(server, 'POST', `/api/v1/import/start/${uuid}`, { headers });
}

/** Polls GET until the status is one of `statuses`; returns the resource. */
export async function waitForStatus(server, uuid, statuses = ['completed', 'failed'], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, json } = await api(server, 'GET', `/api/v1/import/${uuid}`);
    if (status !== 200) throw new Error(`GET import ${uuid}: ${status} ${JSON.stringify(json)}`);
    if (statuses.includes(json.status)) return json;
    if (Date.now() > deadline) throw new Error(`import ${uuid} still "${json.status}" after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** create → map → start → wait; returns {uuid, created, mapped, done}. Throws on an unexpected status. */
export async function runImport(server, { type, mode, data, fileName, mapping }) {
  const created = await createImport(server, { type, mode, data, fileName });
  if (created.status !== 200) throw new Error(`create: ${created.status} ${created.text}`);
  const { uuid } = created.json;
  const mapped = await mapImport(server, uuid, mapping);
  if (mapped.status !== 200) throw new Error(`map: ${mapped.status} ${mapped.text}`);
  const started = await startImport(server, uuid);
  if (started.status !== 200) throw new Error(`start: ${started.status} ${started.text}`);
  const done = await waitForStatus(server, uuid);
  return { uuid, created: created.json, mapped: mapped.json, done };
}

/** Opens the server's SQLite file read-only, as a test inspects it. */
export function openDb(path) {
  return new Database(path, { readonly: true, fileMustExist: true });
}

/** A clients CSV with `rows` rows; every `badEvery`-th row has an invalid send_welcome_email. */
export function clientsCsv(rows, { badEvery = 10, prefix = 'Client' } = {}) {
  const lines = ['first_name,last_name,email,send_welcome_email'];
  for (let i = 1; i <= rows; i++) {
    lines.push(`${prefix}${i},Surname${i},${prefix.toLowerCase()}${i}@example.com,${badEvery && i % badEvery === 0 ? 'maybe' : 'yes'}`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

export const CLIENTS_MAPPING = Object.freeze({
  first_name: 'first_name', last_name: 'last_name', email: 'email', send_welcome_email: 'send_welcome_email',
});

/** Servers started by spawnServer: a failing test never leaves one running. */
const children = new Set();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));

/**
 * Runs the CLI (node web/server/main.js …) as a child process and waits for its start-up
 * lines (up to "database: …", so the token line is in `output`). `stop(signal)` resolves
 * with the exit code and signal.
 * @param {string[]} args
 */
export async function spawnServer(args) {
  const child = spawn(process.execPath, [join(repoRoot, 'web/server/main.js'), ...args], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const output = [];
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  const lines = createInterface({ input: child.stdout });
  let listening = null;
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${stderr}`));
    }, 20_000);
    lines.on('line', (line) => {
      output.push(line);
      listening ??= /^preflight-server listening on (http:\/\/\S+)$/.exec(line)?.[1] ?? null;
      if (listening && line.startsWith('database: ')) {
        clearTimeout(timer);
        resolveUrl(listening);
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${stderr}`));
    });
  });
  return {
    url,
    child,
    output,
    stderr: () => stderr,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A request retried the way a careful client retries: on network errors (including a
 * connection dropped after the server acted), 409 (the same key still in flight), 429 and
 * 5xx, honouring Retry-After, with capped exponential backoff and full jitter. The same
 * Idempotency-Key goes with every attempt, so a retried POST acts at most once.
 * @param {() => Promise<Response>} attempt makes one request (a fresh body each time)
 * @param {{attempts?: number, baseMs?: number, capMs?: number}} [policy]
 * @returns {Promise<{response: Response, attempts: number, failures: string[]}>}
 */
export async function requestWithRetries(attempt, { attempts = 10, baseMs = 10, capMs = 200 } = {}) {
  const failures = [];
  for (let n = 1; ; n++) {
    let retryAfterMs = 0;
    try {
      const response = await attempt();
      const retriable = response.status === 409 || response.status === 429 || response.status >= 500;
      if (!retriable) return { response, attempts: n, failures };
      failures.push(String(response.status));
      retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000;
      await response.arrayBuffer(); // release the connection
    } catch (e) {
      failures.push(e.cause?.code ?? e.message);
    }
    if (n >= attempts) throw new Error(`gave up after ${n} attempts: ${failures.join(', ')}`);
    const jitter = Math.random() * Math.min(capMs, baseMs * 2 ** n);
    await sleep(Math.max(retryAfterMs, jitter));
  }
}

/** A random Idempotency-Key. */
export const newKey = () => randomUUID();
