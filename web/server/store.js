// store.js — the server's SQLite database (better-sqlite3, WAL): imports and their status
// history, the uploaded files, the error reports, the records that imports create and
// change, and idempotency keys. Everything the API shows is read from here, so a restart
// loses nothing; processing resumes from the last committed slice (processor.js).
//
// Counters on an import, and why there are several:
//   clean_done    clean rows the engine has handed over (each became a record, or a
//                 server-side failure in update mode; in validate mode nothing is written)
//   engine_failed rows the engine rejected
//   server_failed clean rows the server could not apply (update: unknown uuid)
// so processed = clean_done + engine_failed, failed_jobs = engine_failed + server_failed,
// and records written = clean_done − server_failed.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE imports (
  id              INTEGER PRIMARY KEY,
  uuid            TEXT NOT NULL UNIQUE,
  type            TEXT NOT NULL,
  mode            TEXT NOT NULL,
  status          TEXT NOT NULL,
  file_name       TEXT NOT NULL,
  file_size       INTEGER NOT NULL,
  headers         TEXT NOT NULL,              -- JSON array: the file's header names
  mapping         TEXT,                       -- JSON object field → header; NULL before the map call
  total_jobs      INTEGER NOT NULL DEFAULT 0,
  clean_done      INTEGER NOT NULL DEFAULT 0,
  engine_failed   INTEGER NOT NULL DEFAULT 0,
  server_failed   INTEGER NOT NULL DEFAULT 0,
  engine_errors   TEXT NOT NULL DEFAULT '[]', -- JSON [{line, entry}], the engine's first 25
  server_errors   TEXT NOT NULL DEFAULT '[]', -- JSON [{line, entry}], the server's first 25
  slice_bytes     INTEGER,
  slices_done     INTEGER NOT NULL DEFAULT 0, -- committed slices; the last one is finish()
  failure_message TEXT,
  account_uuid    TEXT NOT NULL,
  created_at      INTEGER NOT NULL,           -- milliseconds since the epoch, UTC
  updated_at      INTEGER NOT NULL,
  started_at      INTEGER,
  finished_at     INTEGER
);
CREATE INDEX imports_created ON imports (created_at, id);
CREATE INDEX imports_updated ON imports (updated_at, id);
CREATE INDEX imports_status ON imports (status);
CREATE TABLE import_status_history (
  id          INTEGER PRIMARY KEY,
  import_uuid TEXT NOT NULL REFERENCES imports (uuid),
  status      TEXT NOT NULL,
  at          INTEGER NOT NULL,
  note        TEXT
);
CREATE INDEX import_status_history_import ON import_status_history (import_uuid, id);
CREATE TABLE uploads (
  import_uuid TEXT PRIMARY KEY REFERENCES imports (uuid),
  content     BLOB NOT NULL
);
CREATE TABLE error_reports (
  uuid        TEXT PRIMARY KEY,
  import_uuid TEXT NOT NULL UNIQUE REFERENCES imports (uuid),
  filename    TEXT NOT NULL,
  header      TEXT NOT NULL,                  -- BOM + the header row, as the engine wrote it
  size        INTEGER NOT NULL,               -- bytes of header + rows
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE TABLE error_report_rows (
  id          INTEGER PRIMARY KEY,
  report_uuid TEXT NOT NULL REFERENCES error_reports (uuid),
  line        INTEGER NOT NULL,
  content     TEXT NOT NULL                   -- one CSV record with its CRLF
);
CREATE INDEX error_report_rows_order ON error_report_rows (report_uuid, line, id);
CREATE TABLE records (
  id                INTEGER PRIMARY KEY,
  type              TEXT NOT NULL,
  uuid              TEXT NOT NULL,
  fields            TEXT NOT NULL,            -- JSON object: field → value (null = blank)
  created_by_import TEXT NOT NULL,
  updated_by_import TEXT,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  UNIQUE (type, uuid)
);
CREATE TABLE record_events (
  id          INTEGER PRIMARY KEY,
  record_id   INTEGER NOT NULL REFERENCES records (id),
  import_uuid TEXT NOT NULL,
  action      TEXT NOT NULL,                  -- 'created' | 'updated'
  line        INTEGER,                        -- source line when known
  fields      TEXT NOT NULL,                  -- JSON: the values this import wrote
  at          INTEGER NOT NULL
);
CREATE INDEX record_events_import ON record_events (import_uuid);
CREATE TABLE idempotency_keys (
  scope        TEXT NOT NULL,                 -- whose key: a hash of the bearer token
  key          TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,                 -- method, path and canonical body
  state        TEXT NOT NULL,                 -- 'in_flight' | 'done'
  status       INTEGER,
  headers      TEXT,
  body         BLOB,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
`;

/**
 * @typedef {object} ImportRow the imports table row, JSON columns still as text
 * @property {number} id
 * @property {string} uuid
 * @property {string} type
 * @property {string} mode
 * @property {string} status
 * @property {string} file_name
 * @property {number} file_size
 * @property {string} headers
 * @property {string|null} mapping
 * @property {number} total_jobs
 * @property {number} clean_done
 * @property {number} engine_failed
 * @property {number} server_failed
 * @property {string} engine_errors
 * @property {string} server_errors
 * @property {number|null} slice_bytes
 * @property {number} slices_done
 * @property {string|null} failure_message
 * @property {string} account_uuid
 * @property {number} created_at
 * @property {number} updated_at
 */

export class Store {
  /** @param {string} path the database file (its directory is created) */
  constructor(path) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a commit survives a process crash
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.prepare();
  }

  migrate() {
    const version = this.db.pragma('user_version', { simple: true });
    if (version === SCHEMA_VERSION) return;
    if (version !== 0) throw new Error(`The database has schema version ${version}; this server knows version ${SCHEMA_VERSION}.`);
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  prepare() {
    const db = this.db;
    this.q = {
      metaGet: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      metaSet: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      importByUuid: db.prepare('SELECT * FROM imports WHERE uuid = ?'),
      insertImport: db.prepare(`INSERT INTO imports (uuid, type, mode, status, file_name, file_size, headers, account_uuid, created_at, updated_at)
        VALUES (@uuid, @type, @mode, @status, @file_name, @file_size, @headers, @account_uuid, @now, @now)`),
      insertUpload: db.prepare('INSERT INTO uploads (import_uuid, content) VALUES (?, ?)'),
      readUpload: db.prepare('SELECT substr(content, ?, ?) FROM uploads WHERE import_uuid = ?').pluck(),
      history: db.prepare('INSERT INTO import_status_history (import_uuid, status, at, note) VALUES (?, ?, ?, ?)'),
      historyOf: db.prepare('SELECT status, at, note FROM import_status_history WHERE import_uuid = ? ORDER BY id'),
      setMapping: db.prepare('UPDATE imports SET mapping = ?, total_jobs = ?, status = ?, updated_at = ? WHERE uuid = ?'),
      start: db.prepare('UPDATE imports SET status = ?, slice_bytes = ?, started_at = ?, updated_at = ? WHERE uuid = ?'),
      processingUuids: db.prepare("SELECT uuid FROM imports WHERE status = 'processing' ORDER BY id").pluck(),
      reportByImport: db.prepare('SELECT * FROM error_reports WHERE import_uuid = ?'),
      reportByUuid: db.prepare('SELECT * FROM error_reports WHERE uuid = ?'),
      insertReport: db.prepare(`INSERT INTO error_reports (uuid, import_uuid, filename, header, size, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      growReport: db.prepare('UPDATE error_reports SET size = size + ?, updated_at = ? WHERE uuid = ?'),
      insertReportRow: db.prepare('INSERT INTO error_report_rows (report_uuid, line, content) VALUES (?, ?, ?)'),
      reportRows: db.prepare('SELECT content FROM error_report_rows WHERE report_uuid = ? ORDER BY line, id').pluck(),
      recordByKey: db.prepare('SELECT * FROM records WHERE type = ? AND uuid = ?'),
      insertRecord: db.prepare(`INSERT INTO records (type, uuid, fields, created_by_import, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
      updateRecord: db.prepare('UPDATE records SET fields = ?, updated_by_import = ?, updated_at = ? WHERE id = ?'),
      recordEvent: db.prepare('INSERT INTO record_events (record_id, import_uuid, action, line, fields, at) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  close() {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction(fn) {
    return this.db.transaction(fn)();
  }

  getMeta(key) {
    return this.q.metaGet.get(key);
  }

  setMeta(key, value) {
    this.q.metaSet.run(key, value);
  }

  /** @returns {ImportRow|undefined} */
  getImport(uuid) {
    return this.q.importByUuid.get(uuid);
  }

  /** Inserts an import, its file and its first status. */
  createImport({ uuid, type, mode, status, fileName, content, headers, accountUuid, now }) {
    this.transaction(() => {
      this.q.insertImport.run({
        uuid, type, mode, status, file_name: fileName, file_size: content.length,
        headers: JSON.stringify(headers), account_uuid: accountUuid, now,
      });
      this.q.insertUpload.run(uuid, content);
      this.q.history.run(uuid, status, now, null);
    });
  }

  /** `length` bytes of an upload from `offset` (0-based), without reading the rest. */
  readUpload(uuid, offset, length) {
    return this.q.readUpload.get(offset + 1, length, uuid) ?? Buffer.alloc(0);
  }

  setMapping(uuid, mapping, totalJobs, status, now) {
    const before = this.getImport(uuid);
    this.q.setMapping.run(JSON.stringify(mapping), totalJobs, status, now, uuid);
    if (before.status !== status) this.q.history.run(uuid, status, now, null);
  }

  start(uuid, status, sliceBytes, now) {
    this.q.start.run(status, sliceBytes, now, now, uuid);
    this.q.history.run(uuid, status, now, null);
  }

  /** Sets counters and status after a slice (columns named as in the table). */
  updateProgress(uuid, changes) {
    const names = Object.keys(changes);
    const signature = names.join(',');
    this.progressStatements ??= new Map();
    let statement = this.progressStatements.get(signature);
    if (!statement) {
      // Column names come from the processor's code, never from a request.
      statement = this.db.prepare(`UPDATE imports SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE uuid = @uuid`);
      this.progressStatements.set(signature, statement);
    }
    statement.run({ ...changes, uuid });
  }

  addHistory(uuid, status, now, note = null) {
    this.q.history.run(uuid, status, now, note);
  }

  statusHistory(uuid) {
    return this.q.historyOf.all(uuid);
  }

  /** Imports left in 'processing' (a restart resumes them). */
  processingImports() {
    return this.q.processingUuids.all();
  }

  /**
   * A page of imports and the total that matches.
   * @param {{where: string[], params: unknown[], orderBy: string, limit: number, offset: number}} query
   */
  listImports({ where, params, orderBy, limit, offset }) {
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = this.db.prepare(`SELECT count(*) FROM imports ${clause}`).pluck().get(...params);
    const rows = this.db.prepare(`SELECT * FROM imports ${clause} ORDER BY ${orderBy} LIMIT ? OFFSET ?`).all(...params, limit, offset);
    return { total, rows };
  }

  errorReportOf(importUuid) {
    return this.q.reportByImport.get(importUuid);
  }

  errorReport(uuid) {
    return this.q.reportByUuid.get(uuid);
  }

  createErrorReport({ uuid, importUuid, filename, header, now }) {
    this.q.insertReport.run(uuid, importUuid, filename, header, Buffer.byteLength(header), now, now);
  }

  /** @param {string} reportUuid @param {Array<{line: number, content: string}>} rows */
  addErrorRows(reportUuid, rows, now) {
    let bytes = 0;
    for (const row of rows) {
      this.q.insertReportRow.run(reportUuid, row.line, row.content);
      bytes += Buffer.byteLength(row.content);
    }
    if (rows.length) this.q.growReport.run(bytes, now, reportUuid);
  }

  /** The whole error CSV: the header, then the rows in line order. */
  errorReportBytes(reportUuid) {
    const report = this.errorReport(reportUuid);
    const parts = [report.header, ...this.q.reportRows.all(reportUuid)];
    return Buffer.from(parts.join(''));
  }

  findRecord(type, uuid) {
    return this.q.recordByKey.get(type, uuid);
  }

  insertRecord({ type, uuid, fields, importUuid, line, now }) {
    const json = JSON.stringify(fields);
    const { lastInsertRowid } = this.q.insertRecord.run(type, uuid, json, importUuid, now, now);
    this.q.recordEvent.run(lastInsertRowid, importUuid, 'created', line, json, now);
  }

  updateRecord({ record, fields, importUuid, line, now }) {
    const merged = { ...JSON.parse(record.fields), ...fields };
    this.q.updateRecord.run(JSON.stringify(merged), importUuid, now, record.id);
    this.q.recordEvent.run(record.id, importUuid, 'updated', line, JSON.stringify(fields), now);
  }
}
