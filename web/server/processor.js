// processor.js — runs a started import in the background: the upload is fed to the Wasm
// engine one slice at a time, and each slice's outcome is committed in ONE transaction —
// the records it creates or changes, its error-report rows, the counters and `errors` —
// so a crash never leaves half a row, and every row ends up either a record or in the
// error report (total_jobs = records written + failed_jobs; validate mode writes nothing).
//
// Restart: the slice size is stored when the import starts and the engine is
// deterministic, so a resumed import re-feeds the committed slices (discarding what they
// produce — it is already in the database) to rebuild the engine's state, duplicate-key
// check included, and carries on from the first uncommitted slice.
//
// Rows the engine accepts can still fail here: in update mode a row whose uuid names no
// record of the type is a server-side failure, "The selected uuid is invalid.", reported
// like the engine's failures (an `errors` entry and a row in the error report, in line
// order).
import { randomUUID } from 'node:crypto';

import { neutralisedRow, parseCsv, recordLine, splitRecords } from './csv.js';
import { STATUS } from './resource.js';

const MAX_ERRORS = 25;
// ignoreBOM keeps the error CSV's byte-order mark (the default decoder would drop it).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class Processor {
  /**
   * @param {object} deps
   * @param {import('./store.js').Store} deps.store
   * @param {any} deps.pf the engine module
   * @param {Map<string, {singular: string, key: string}>} deps.types
   * @param {object} deps.engineOptions options every session gets (laravel, today)
   * @param {ReturnType<import('./laravel.js').messagesFor>} deps.messages
   * @param {number} deps.delayMs pause between slices (tests slow processing down with it)
   * @param {(line: string) => void} deps.log
   */
  constructor({ store, pf, types, engineOptions, messages, delayMs, log }) {
    Object.assign(this, { store, pf, types, engineOptions, messages, delayMs, log });
    /** @type {Map<string, Promise<void>>} */
    this.running = new Map();
    this.stopping = false;
    /** @type {Set<() => void>} */
    this.wakers = new Set();
  }

  /** Picks up the imports a previous run left in 'processing'. */
  resumeAll() {
    for (const uuid of this.store.processingImports()) this.start(uuid);
  }

  /** Processes an import in the background (no-op when it already runs). */
  start(uuid) {
    if (this.stopping || this.running.has(uuid)) return;
    const run = this.run(uuid)
      .catch((e) => this.failUnexpectedly(uuid, e))
      .finally(() => this.running.delete(uuid));
    this.running.set(uuid, run);
  }

  /** Stops at the next slice boundary; unfinished imports resume on the next start. */
  async close() {
    this.stopping = true;
    for (const wake of this.wakers) wake();
    await Promise.all(this.running.values());
  }

  /** Waits between slices; close() cuts the wait short. */
  pause() {
    if (this.delayMs <= 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.delayMs);
      this.wakers.add(done);
    });
  }

  async run(uuid) {
    await new Promise((resolve) => setImmediate(resolve)); // let the start request answer first
    if (this.stopping) return;
    const imp = this.store.getImport(uuid);
    if (!imp || imp.status !== STATUS.processing) return;
    const session = this.pf.openSession(imp.type, {
      ...this.engineOptions,
      mode: imp.mode,
      fileName: imp.file_name,
      mapping: { headers: [JSON.parse(imp.mapping)] },
      errorCsv: true,
      batches: true,
      // One row per batch in update mode: each row's line is then known, for the report
      // of a row the server cannot apply. Elsewhere lines are not needed.
      batchRows: imp.mode === 'update' ? 1 : 100,
    });
    try {
      const slices = Math.ceil(imp.file_size / imp.slice_bytes);
      const read = (i) => this.store.readUpload(uuid, i * imp.slice_bytes, imp.slice_bytes);
      let slice = 0;
      for (; slice < imp.slices_done && !this.stopping; slice++) {
        if (slice < slices) session.feed(read(slice));
        session.takeErrorCsv();
        while (session.nextBatch());
      }
      if (slice > 0) this.log(`import ${uuid}: resumed after ${slice} committed slices`);
      while (!this.stopping) {
        const finishing = slice >= slices;
        let failure = null;
        try {
          if (finishing) session.finish();
          else session.feed(read(slice));
        } catch (e) {
          if (!(e instanceof this.pf.PreflightError)) throw e;
          failure = e;
        }
        this.commitSlice(uuid, slice, this.collect(session, uuid), { finished: finishing || failure !== null, failure, session });
        slice++;
        if (finishing || failure) return;
        await this.pause();
      }
    } finally {
      session.close();
    }
  }

  /** What the engine produced since the last call. */
  collect(session, uuid) {
    const cleanRows = [];
    for (let b; (b = session.nextBatch()); ) {
      const [fields, ...rows] = parseCsv(decoder.decode(b.csv));
      const contiguous = b.lastLine - b.firstLine + 1 === b.rows;
      rows.forEach((cells, i) => {
        cleanRows.push({
          line: b.rows === 1 || contiguous ? b.firstLine + i : null,
          values: Object.fromEntries(fields.map((f, j) => [f, cells[j] ?? ''])),
        });
      });
    }
    const progress = session.progress();
    const imp = this.store.getImport(uuid);
    let engineErrors = null;
    if (progress.rowsFailed > imp.engine_failed && JSON.parse(imp.engine_errors).length < MAX_ERRORS) {
      const summary = session.summary();
      engineErrors = summary.errors.map((entry, i) => ({ line: summary.preflight.error_lines[i].line, entry }));
    }
    return {
      errorCsv: decoder.decode(session.takeErrorCsv()),
      cleanRows,
      engineFailed: progress.rowsFailed,
      engineErrors,
    };
  }

  /** Commits one slice's outcome atomically. */
  commitSlice(uuid, slice, output, { finished, failure, session }) {
    const now = Date.now();
    this.store.transaction(() => {
      const imp = this.store.getImport(uuid);
      const reportRows = [];
      let report = this.store.errorReportOf(uuid);
      for (const record of splitRecords(output.errorCsv)) {
        if (!report) {
          // The engine's first record is the report's header row (BOM included).
          report = this.createReport(imp, record, now);
          continue;
        }
        reportRows.push({ line: recordLine(record), content: record });
      }
      const serverErrors = JSON.parse(imp.server_errors);
      let serverFailed = 0;
      for (const row of output.cleanRows) {
        const problem = this.applyRow(imp, row, now);
        if (!problem) continue;
        serverFailed++;
        report ??= this.createReport(imp, this.headerRecord(imp), now);
        reportRows.push({ line: row.line ?? 0, content: this.errorRecord(imp, row, problem) });
        if (serverErrors.length < MAX_ERRORS) serverErrors.push({ line: row.line ?? 0, entry: this.errorEntry(imp, row, problem) });
      }
      if (report) this.store.addErrorRows(report.uuid, reportRows, now);

      const changes = {
        clean_done: imp.clean_done + output.cleanRows.length,
        engine_failed: output.engineFailed,
        server_failed: imp.server_failed + serverFailed,
        server_errors: JSON.stringify(serverErrors),
        slices_done: slice + 1,
        updated_at: now,
      };
      if (output.engineErrors) changes.engine_errors = JSON.stringify(output.engineErrors);
      if (finished) {
        Object.assign(changes, this.finalState(imp, changes, failure, session));
        changes.finished_at = now;
        this.store.addHistory(uuid, changes.status, now, changes.failure_message ?? null);
      }
      this.store.updateProgress(uuid, changes);
    });
    if (finished) this.log(`import ${uuid}: ${failure ? `failed: ${failure.message}` : 'completed'}`);
  }

  /** Status and totals once the engine is done (or has given up on the file). */
  finalState(imp, changes, failure, session) {
    const processed = changes.clean_done + changes.engine_failed;
    if (failure) return { status: STATUS.failed, failure_message: failure.message, total_jobs: Math.max(imp.total_jobs, processed) };
    const summary = session.summary();
    if (summary.total_jobs !== processed) {
      this.log(`import ${imp.uuid}: engine counted ${summary.total_jobs} rows, the server processed ${processed}`);
    }
    return { status: STATUS.completed, total_jobs: processed };
  }

  /**
   * Writes one clean row as the import's mode says. Returns the messages by field when the
   * server cannot apply it, else null.
   */
  applyRow(imp, row, now) {
    if (imp.mode === 'validate') return null;
    const { key } = this.types.get(imp.type);
    const fields = Object.fromEntries(
      Object.entries(row.values).filter(([f]) => f !== key).map(([f, v]) => [f, v === '' ? null : v]),
    );
    if (imp.mode === 'store') {
      this.store.insertRecord({ type: imp.type, uuid: randomUUID(), fields, importUuid: imp.uuid, line: row.line, now });
      return null;
    }
    const record = this.store.findRecord(imp.type, String(row.values[key] ?? '').toLowerCase());
    if (!record) return { [key]: [this.messages.exists(key)] };
    this.store.updateRecord({ record, fields, importUuid: imp.uuid, line: row.line, now });
    return null;
  }

  createReport(imp, header, now) {
    const uuid = randomUUID();
    const filename = `${imp.file_name.replace(/\.[^.]*$/, '')}-errors.csv`;
    this.store.createErrorReport({ uuid, importUuid: imp.uuid, filename, header, now });
    return this.store.errorReport(uuid);
  }

  /** The report's header row, when the server must write it itself (never expected). */
  headerRecord(imp) {
    return `\ufeff${neutralisedRow(['line', ...JSON.parse(imp.headers), 'errors'])}`;
  }

  /**
   * A server-side failure as an error-report row: the line, the row's cells in the file's
   * column order (the mapped values; columns not mapped are left blank, as the clean row
   * the engine handed over holds only mapped fields), and the messages.
   */
  errorRecord(imp, row, problem) {
    const fieldOfHeader = new Map(Object.entries(JSON.parse(imp.mapping)).map(([field, header]) => [header, field]));
    const cells = JSON.parse(imp.headers).map((h) => (fieldOfHeader.has(h) ? row.values[fieldOfHeader.get(h)] ?? '' : ''));
    return neutralisedRow([String(row.line ?? ''), ...cells, Object.values(problem).flat().join('\n')]);
  }

  /** A server-side failure as an `errors` entry: {<singular>: record, errors: {...}}. */
  errorEntry(imp, row, problem) {
    const { singular } = this.types.get(imp.type);
    return Object.fromEntries([[singular, row.values], ['errors', problem]]);
  }

  failUnexpectedly(uuid, error) {
    this.log(`import ${uuid}: processing stopped by an internal error: ${error.stack ?? error}`);
    if (this.stopping) return; // shutting down: the import resumes on the next start
    try {
      const now = Date.now();
      this.store.transaction(() => {
        this.store.updateProgress(uuid, { status: STATUS.failed, failure_message: `Internal error: ${error.message}`, updated_at: now, finished_at: now });
        this.store.addHistory(uuid, STATUS.failed, now, `Internal error: ${error.message}`);
      });
    } catch (e) {
      this.log(`import ${uuid}: could not record the failure: ${e.message}`);
    }
  }
}
