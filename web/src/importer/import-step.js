// import-step.js — step 5 (store / update): posts the clean batches through the batch
// poster (web/src/batch-poster.js: create → map → start → poll, retries, idempotency keys,
// a resume store in IndexedDB with a Web Lock per run), shows the progress, and ends with
// the reconciliation (accepted, failed here, failed on the server) and the error reports.
//
// Surviving a reload: the poster keeps every batch's state in IndexedDB (never rows or the
// token). What it needs to rebuild the same batches — the type, mode, mapping (with any
// constant values) and the reading overrides — is kept here in localStorage under
// "preflight-importer:run:v1:<runKey>", and removed when the run completes or is
// discarded. After a reload the choose step offers the run; picking the same file (checked
// by its SHA-256) validates it again and posts only the batches not yet finished.

import { ImportApiClient } from '../api-client.js';
import { BatchPoster } from '../batch-poster.js';
import { hashFile, openResumeStore, runKeyOf } from '../resume-store.js';
import { h, uid } from './dom.js';
import { formatNumber } from './strings.js';

const SETTINGS_PREFIX = 'preflight-importer:run:v1:';
const ANNOUNCE_EVERY_MS = 5000;

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

function saveSettings(runKey, settings) {
  try {
    storage()?.setItem(SETTINGS_PREFIX + runKey, JSON.stringify(settings));
  } catch {
    // no storage: the run can still finish, it just cannot be offered after a reload
  }
}

function loadSettings(runKey) {
  try {
    return JSON.parse(storage()?.getItem(SETTINGS_PREFIX + runKey) ?? 'null');
  } catch {
    return null;
  }
}

function dropSettings(runKey) {
  try {
    storage()?.removeItem(SETTINGS_PREFIX + runKey);
  } catch {
    // ignore
  }
}

let storePromise = null;
function resumeStore() {
  storePromise ??= openResumeStore().catch((e) => {
    storePromise = null;
    throw e;
  });
  return storePromise;
}

/**
 * The runs a reload (or a crash) left unfinished that this element can resume: the poster's
 * record plus the settings kept here, and how many rows were already sent.
 * @returns {Promise<Array<object>>}
 */
export async function listInterruptedRuns() {
  const store = await resumeStore();
  const runs = await store.listRuns();
  const out = [];
  for (const run of runs) {
    if (run.status === 'complete') continue;
    const settings = loadSettings(run.runKey);
    if (!settings) continue;
    const batches = await store.getBatches(run.runKey);
    const sentRows = batches.filter((b) => b.state === 'finished').reduce((n, b) => n + (b.rows ?? 0), 0);
    out.push({ ...run, settings, sentRows, totalRows: settings.cleanRows ?? null });
  }
  return out.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0));
}

/** Forgets an interrupted run (its batch states and its settings). */
export async function forgetRun(run) {
  const store = await resumeStore();
  await store.deleteRun(run.runKey);
  dropSettings(run.runKey);
}

/** Saves a Blob under a file name, through a temporary link. */
function saveBlob(blob, name, root) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, attrs: { download: name }, class: 'sr-only' });
  root.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Drives one posting run; the import view listens to it. */
export class ImportRunner {
  /**
   * @param {import('../importer.js').StepContext} ctx
   * @param {{resume?: object|null}} [options]
   */
  constructor(ctx, { resume = null } = {}) {
    this.ctx = ctx;
    this.state = ctx.state;
    this.resume = resume;
    this.running = false;
    this.phase = 'ready'; // ready | hashing | posting | paused | done | failed
    this.progress = null;
    this.result = null;
    this.error = null;
    this.runKey = resume?.runKey ?? null;
    this.client = null;
    this.controller = null;
    /** @type {Set<() => void>} */
    this.listeners = new Set();
  }

  changed() {
    for (const fn of this.listeners) fn();
  }

  /** Starts (or resumes) posting. */
  async start() {
    if (this.running) return;
    const { ctx, state } = this;
    const t = ctx.t;
    const api = ctx.api();
    if (!api) {
      this.error = Object.assign(new Error(t('importNeedsConnection')), { code: 'no_connection' });
      this.phase = 'failed';
      this.changed();
      ctx.fail('import', this.error);
      return;
    }
    this.running = true;
    this.error = null;
    this.result = null;
    this.phase = 'hashing';
    this.controller = new AbortController();
    const { signal } = this.controller;
    this.changed();
    try {
      const validation = state.validation;
      const engine = await ctx.engine();
      this.client = new ImportApiClient({ baseUrl: api.baseUrl, token: api.token, accountUuid: api.account });
      const store = await resumeStore();
      const fileHash = await hashFile(state.file, { signal });
      const body = mappingOf(state);
      const run = {
        fileHash,
        type: state.type,
        mode: state.mode,
        mapping: body,
        extra: { engine: engine.version, batchRows: ctx.config.batchSize ?? null, overrides: state.overrides },
        fileName: state.file.name,
        fileSize: state.file.size,
      };
      this.runKey ??= await runKeyOf(run);
      saveSettings(this.runKey, {
        type: state.type, mode: state.mode, mapping: body, overrides: state.overrides, batchRows: ctx.config.batchSize ?? null,
        fileName: state.file.name, fileSize: state.file.size,
        cleanRows: validation.summary.preflight?.clean_rows ?? null, savedAt: Date.now(),
      });
      this.phase = 'posting';
      this.changed();
      const poster = new BatchPoster({
        client: this.client,
        store,
        run: { ...run, runKey: this.runKey },
        onProgress: (p) => {
          this.progress = p;
          this.changed();
        },
      });
      this.result = await poster.run(validation.batches(), { signal, summary: validation.summary, localErrorReport: validation.errorReport });
      this.phase = this.result.complete ? 'done' : 'paused';
      if (this.result.complete) {
        dropSettings(this.runKey);
        state.resume = null;
      }
      this.running = false;
      this.changed();
      ctx.emit('imported', {
        type: state.type, mode: state.mode, complete: this.result.complete, halted: this.result.halted,
        reconciliation: this.result.reconciliation, counts: this.result.counts, errorReport: this.result.errorReport,
        runKey: this.runKey,
      });
    } catch (error) {
      this.running = false;
      if (signal.aborted) {
        this.phase = 'paused';
        this.changed();
        return;
      }
      this.phase = 'failed';
      this.error = error?.code === 'run_locked' ? Object.assign(new Error(t('resumeLocked')), { code: 'run_locked', cause: error }) : error;
      this.changed();
      ctx.fail('import', this.error);
    }
  }

  /** Pauses: batches in flight stop at their next step; the run can be resumed. */
  stop() {
    this.controller?.abort(new DOMException('paused', 'AbortError'));
  }

  /** Downloads one batch's error report from the server (with the token). */
  async downloadServerReport(batch, root) {
    const imp = await this.client.get(batch.uuid);
    const text = await this.client.downloadErrorReport(imp);
    const name = imp.error_report?.filename ?? `${batch.fileName.replace(/\.csv$/, '')}-errors.csv`;
    saveBlob(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }), name, root);
  }
}

function mappingOf(state) {
  const pairs = {};
  for (const [header, field] of state.fieldOfHeader) if (field) pairs[field] = header;
  const constants = {};
  for (const [k, v] of Object.entries(state.constants)) if (v !== '') constants[k] = v;
  return Object.keys(constants).length ? { headers: [pairs], constants } : { headers: [pairs] };
}

/**
 * @param {import('../importer.js').StepContext} ctx
 */
export function renderImport(ctx) {
  const { t, state } = ctx;
  const runner = state.importRunner;
  const n = (x) => formatNumber(x ?? 0, ctx.locale);
  const heading = h('h3', { id: uid('h'), text: t('importHeading') });
  const summary = state.validation?.summary;
  const cleanRows = summary?.preflight?.clean_rows ?? 0;
  const batchTotal = summary?.preflight?.batches?.count ?? null;

  const bar = h('progress', { max: 100, value: 0, id: uid('bar') });
  const percent = h('span', { class: 'percent' });
  const rows = h('span', { class: 'rows' });
  const batches = h('span', { class: 'batches' });
  const live = h('p', { class: 'sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
  const status = h('div', { class: 'import-status' });
  const outcome = h('div', { class: 'outcome' });
  const pause = h('button', { type: 'button', text: t('importPause'), on: { click: () => runner.stop() } });
  const resume = h('button', { type: 'button', class: 'primary', text: t('importResumeButton'), on: { click: () => runner.start() } });
  let lastAnnounce = 0;
  let outcomeShown = null;

  const update = () => {
    const p = runner?.progress;
    const sent = (p?.rowsFinished ?? 0);
    const pct = runner?.phase === 'done' ? 100 : cleanRows > 0 ? Math.min(99, Math.floor((sent / cleanRows) * 100)) : 0;
    bar.value = pct;
    bar.setAttribute('aria-valuetext', t('progressPercent', { percent: pct }));
    percent.textContent = t('progressPercent', { percent: pct });
    rows.textContent = t('importProgress', { sent: n(sent), total: n(cleanRows) });
    batches.textContent = batchTotal ? t('importBatches', { done: n(p?.finished ?? 0), total: n(batchTotal) }) : '';
    const now = Date.now();
    if (runner?.running && now - lastAnnounce > ANNOUNCE_EVERY_MS) {
      lastAnnounce = now;
      live.textContent = t('importAnnounce', { percent: pct });
    }
    pause.hidden = !runner?.running;
    resume.hidden = runner?.running || runner?.phase === 'done' || !runner;
    resume.textContent = runner?.phase === 'ready' ? t('stepImport') : t('importResumeButton');
    el.setAttribute('aria-busy', runner?.running ? 'true' : 'false');
    status.replaceChildren();
    if (runner?.phase === 'failed' && runner.error) {
      status.append(h('div', { class: 'notice danger', attrs: { role: 'alert' } },
        h('p', { class: 'title', text: t('importFailed', { message: runner.error.message }) })));
    } else if (runner?.phase === 'paused' && runner.result?.halted) {
      status.append(h('div', { class: 'notice warning' }, h('p', { class: 'title', text: t('importFailed', { message: runner.result.halted }) })));
    } else if (runner?.phase === 'done') {
      if (!outcomeShown) live.textContent = t('importDone');
      status.append(h('p', { class: 'notice success', attrs: { role: 'status' } }, h('span', { class: 'title', text: t('importDone') })));
    }
    if (runner?.result && outcomeShown !== runner.result) {
      outcomeShown = runner.result;
      renderOutcome(ctx, runner, outcome);
    }
  };

  const el = h('section', { class: 'step step-import', attrs: { 'aria-labelledby': heading.id } },
    heading,
    h('p', { text: t('importIntro') }),
    h('div', { class: 'progress' },
      h('label', { attrs: { for: bar.id }, text: t('progressLabel') }),
      bar,
      h('div', { class: 'numbers' }, percent, rows, batches)),
    live,
    status,
    h('div', { class: 'actions' }, pause, resume,
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', text: t('startOver'), on: { click: () => ctx.reset() } })),
    outcome);
  const listener = () => update();
  runner?.listeners.add(listener);
  update();
  // Arriving here from the review step starts the run.
  if (runner && runner.phase === 'ready' && !runner.running) runner.start();
  return {
    el,
    focus: heading,
    update,
    dispose: () => runner?.listeners.delete(listener),
  };
}

/** The reconciliation, the problems, and the error reports. */
function renderOutcome(ctx, runner, box) {
  const { t } = ctx;
  const n = (x) => formatNumber(x ?? 0, ctx.locale);
  const r = runner.result;
  const rec = r.reconciliation;
  box.replaceChildren();
  if (rec) {
    box.append(h('h4', { text: t('reconciliationHeading') }),
      h('dl', { class: 'reconciliation' },
        h('dt', { text: t('recTotal') }), h('dd', { dataset: { k: 'rowsInFile' }, text: n(rec.rowsInFile) }),
        h('dt', { text: t('recAccepted') }), h('dd', { dataset: { k: 'rowsAccepted' }, text: n(rec.rowsAccepted) }),
        h('dt', { text: t('recFailedLocal') }), h('dd', { dataset: { k: 'rowsFailedLocally' }, text: n(rec.rowsFailedLocally) }),
        h('dt', { text: t('recFailedServer') }), h('dd', { dataset: { k: 'rowsFailedOnServer' }, text: n(rec.rowsFailedOnServer) }),
        ...(rec.rowsNotSent ? [h('dt', { text: t('recNotSent') }), h('dd', { dataset: { k: 'rowsNotSent' }, text: n(rec.rowsNotSent) })] : []),
        ...(rec.rowsUnprocessedOnServer ? [h('dt', { text: t('recUnprocessed') }), h('dd', { dataset: { k: 'rowsUnprocessedOnServer' }, text: n(rec.rowsUnprocessedOnServer) })] : [])));
    const problems = [...(rec.problems ?? []), ...(r.problems ?? [])];
    if (problems.length) box.append(h('div', { class: 'notice warning' }, h('ul', {}, problems.map((p) => h('li', { text: p })))));
  }
  const downloads = h('ul', { class: 'server-reports' });
  if (r.errorReport) {
    const name = `${(ctx.state.file?.name ?? 'import').replace(/\.[^.]+$/, '')}-all-errors.csv`;
    downloads.append(h('li', {}, h('button', {
      type: 'button', class: 'link', text: t('serverMergedReport'),
      on: { click: () => saveBlob(r.errorReport, name, box) },
    })));
  }
  for (const batch of r.batches ?? []) {
    if (!batch.server?.has_error_report || !batch.uuid) continue;
    downloads.append(h('li', {}, h('button', {
      type: 'button', class: 'link server-report', text: t('serverReportLink', { name: batch.fileName }),
      on: {
        click: async () => {
          try {
            await runner.downloadServerReport(batch, box);
          } catch (error) {
            ctx.fail('import', error);
          }
        },
      },
    })));
  }
  if (downloads.children.length) box.append(h('h4', { text: t('serverReports') }), downloads);
}
