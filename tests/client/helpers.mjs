// helpers.mjs — shared by the client tests (tests/client/*.test.mjs): the real reference
// server on loopback (in-process, startServer, a temporary SQLite file), the project's API
// client pointed at it, batches built by the real Wasm engine (tests/wasm/harness.mjs loads
// the browser build under Node), generated client files with known good and bad rows, and
// direct reads of the server's SQLite database to count what was imported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { ImportApiClient } from '../../web/src/api-client.js';
import { startServer } from '../../web/server/main.js';
import { loadPreflight, TODAY } from '../wasm/harness.mjs';

export { TODAY };
export const TOKEN = 'client-test-token-0123456789';

/** A fresh temporary directory and its cleanup. */
export function tempDir(prefix = 'preflight-client-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The reference server, in-process, on a free loopback port with its own database.
 * @param {object} [options] startServer options (faults, processDelayMs, rateLimit, …)
 */
export async function startApi(options = {}) {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'server.sqlite');
  const server = await startServer({ port: 0, db: dbPath, token: TOKEN, today: TODAY, ...options });
  let reader = null;
  let closed = false;
  const api = {
    url: server.url,
    token: TOKEN,
    account: server.account,
    dbPath,
    server,
    /** A read-only connection to the server's database (WAL: reads while it writes). */
    db() {
      reader ??= new Database(dbPath, { readonly: true, fileMustExist: true });
      return reader;
    },
    /** Changes the injected faults through the admin endpoint, as a test harness would. */
    async setFaults(faults) {
      const res = await fetch(`${server.url}/__admin/faults`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
      if (!res.ok) throw new Error(`setting faults failed: ${res.status} ${await res.text()}`);
      return res.json();
    },
    async faultCounts() {
      const res = await fetch(`${server.url}/__admin/faults`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return (await res.json()).counts;
    },
    async close() {
      if (closed) return;
      closed = true;
      reader?.close();
      await server.close();
      tmp.cleanup();
    },
  };
  return api;
}

/** The project's client for a test server. */
export function clientFor(api, options = {}) {
  return new ImportApiClient({ baseUrl: api.url, token: api.token, accountUuid: api.account.uuid, timeoutMs: 10_000, ...options });
}

/**
 * Runs a file through the Wasm engine as the browser library does and collects its
 * batches (as Blobs, like web/src/preflight.js hands them out), summary and error CSV.
 * @param {string|Uint8Array} content
 * @param {{type: string, mode: string, mapping?: object, batchRows?: number, fileName?: string, today?: string}} options
 */
export async function buildBatches(content, { type, mode, mapping, batchRows = 20, fileName = 'input.csv', today = TODAY }) {
  const pf = await loadPreflight();
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const session = pf.openSession(type, { mode, mapping, batches: true, batchRows, errorCsv: true, today, fileName });
  const batches = [];
  const errorParts = [];
  try {
    for (let at = 0; at < bytes.length; at += 4096) {
      session.feed(bytes.subarray(at, at + 4096));
      errorParts.push(session.takeErrorCsv());
      for (let b; (b = session.nextBatch());) batches.push(b);
    }
    session.finish();
    errorParts.push(session.takeErrorCsv());
    for (let b; (b = session.nextBatch());) batches.push(b);
    const errorBytes = Buffer.concat(errorParts.map((p) => Buffer.from(p)));
    return {
      batches: batches.map((b) => ({
        index: b.index, rows: b.rows, firstLine: b.firstLine, lastLine: b.lastLine, bytes: b.csv.length,
        blob: new Blob([b.csv], { type: 'text/csv' }),
      })),
      summary: session.summary(),
      errorCsv: errorBytes.length ? errorBytes.toString('utf8') : null,
    };
  } finally {
    session.close();
  }
}

export const CLIENT_HEADERS = ['First Name', 'Last Name', 'Email', 'Send Welcome Email', 'Date of Birth'];
export const CLIENT_MAPPING = {
  headers: [{ first_name: 'First Name', last_name: 'Last Name', email: 'Email', send_welcome_email: 'Send Welcome Email', date_of_birth: 'Date of Birth' }],
};

const csvCell = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * A clients file with known good and bad rows. Every `badEvery`-th row has an invalid
 * email (the engine rejects it); every `multilineEvery`-th good row has a line break in a
 * quoted cell; rows listed in `serverBad` get a date of birth that only a server with an
 * earlier "today" rejects. Emails are unique: row N is rowN-<tag>@example.com.
 * @returns {{text: string, good: Map<string, number>, bad: Map<string, number>, rows: number}}
 *   good/bad: email → the physical line the row starts on
 */
export function generateClients(count, { badEvery = 7, multilineEvery = 0, serverBad = new Set(), tag = 't', lineEnd = '\r\n' } = {}) {
  const lines = [CLIENT_HEADERS.join(',')];
  let line = 2;
  const good = new Map();
  const bad = new Map();
  const serverRejected = new Map();
  for (let n = 1; n <= count; n++) {
    const isBad = badEvery > 0 && n % badEvery === 0;
    const email = isBad ? `row${n}-${tag}-at-example.com` : `row${n}-${tag}@example.com`;
    const multiline = !isBad && multilineEvery > 0 && n % multilineEvery === 0;
    const last = multiline ? `Smith${lineEnd}Jr ${n}` : `Smith ${n}`;
    const dob = serverBad.has(n) ? '2010-05-05' : '1980-01-02';
    const cells = [`First ${n}`, last, email, n % 2 ? 'yes' : 'no', dob];
    lines.push(cells.map(csvCell).join(','));
    (isBad ? bad : good).set(email, line);
    if (!isBad && serverBad.has(n)) serverRejected.set(email, line);
    line += multiline ? 2 : 1;
  }
  return { text: lines.join(lineEnd) + lineEnd, good, bad, serverRejected, rows: count };
}

/** email → how many client records the server holds with it. */
export function recordCountsByEmail(db, type = 'clients') {
  const rows = db.prepare("SELECT json_extract(fields, '$.email') AS email, count(*) AS n FROM records WHERE type = ? GROUP BY email").all(type);
  return new Map(rows.map((r) => [r.email, r.n]));
}

/** file name → how many imports (and how many started ones) the server holds with it. */
export function importsByFileName(db) {
  const rows = db.prepare(`SELECT file_name AS name, count(*) AS n,
      sum(CASE WHEN status IN ('processing', 'completed', 'failed') THEN 1 ELSE 0 END) AS started
    FROM imports GROUP BY file_name`).all();
  return new Map(rows.map((r) => [r.name, { n: r.n, started: r.started }]));
}

/**
 * Asserts the import made every good row exactly once and no bad row: returns a list of
 * problems (empty when all is well), so a failure names the rows.
 */
export function importProblems(db, { good, bad }) {
  const counts = recordCountsByEmail(db);
  const problems = [];
  for (const email of good.keys()) if ((counts.get(email) ?? 0) !== 1) problems.push(`${email}: ${counts.get(email) ?? 0} records`);
  for (const email of bad.keys()) if (counts.has(email)) problems.push(`${email} (a bad row): ${counts.get(email)} records`);
  const expected = new Set([...good.keys(), ...bad.keys()]);
  for (const [email, n] of counts) if (!expected.has(email)) problems.push(`unexpected record ${email} ×${n}`);
  return problems;
}

/** Fast retry settings for tests (no real waiting between attempts). */
export const FAST = {
  retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 10, budget: 1000 },
  poll: { initialMs: 20, maxMs: 200 },
  rateLimit: false,
};
