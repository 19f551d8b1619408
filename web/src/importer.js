// importer.js — <preflight-importer>: the whole import, from a file to imported records,
// in one custom element any web CRM can drop into a page. No framework; its styles stay in
// its shadow root (themeable through --pfi-* custom properties, see importer/styles.js).
//
//   <script type="module" src="/web/src/importer.js"></script>
//   <preflight-importer api-base="https://api.example.com" type="clients"></preflight-importer>
//   <script type="module">
//     const el = document.querySelector('preflight-importer');
//     el.token = '…';          // secrets are properties only: never attributes, never stored
//     el.account = '…';        // X-PLANNR-ACCOUNT-UUID
//     el.addEventListener('imported', (e) => console.log(e.detail.reconciliation));
//   </script>
//
// Attributes (and the matching properties): api-base (apiBase), type, mode, batch-size
// (batchSize), laravel, strings (JSON; or the `strings` property, an object). Properties
// only: token, account, engineOptions ({workerUrl, moduleUrl, wasmUrl} for createPreflight).
//
// Steps: choose → map → validate → review → import (store/update), plus history. Events
// (CustomEvent, bubbling and composed): `mapped` {type, mode, mapping, constants, headers},
// `validated` {type, mode, summary, errorReport}, `imported` {type, mode, complete,
// reconciliation, counts, errorReport, runKey}, `error` {step, code, message, error}.
//
// The file is checked in a web worker (web/src/preflight.js); in validate mode nothing is
// sent anywhere. Posting goes through web/src/batch-poster.js (retries, idempotency,
// resume after a reload). Everything shown from a file, the engine or a server is text.

import { createPreflight } from './preflight.js';
import { renderChoose, acceptableFile } from './importer/choose.js';
import { h, clear, focusHeading, uid } from './importer/dom.js';
import { FailedRows } from './importer/failed-rows.js';
import { renderHistory } from './importer/history.js';
import { renderImport, ImportRunner, listInterruptedRuns } from './importer/import-step.js';
import { mappingProblems, renderMap } from './importer/map.js';
import { recallMapping, rememberMapping } from './importer/mapping-memory.js';
import { createClassifier } from './importer/messages.js';
import { renderReview } from './importer/review.js';
import { headerOfField, mappingBody } from './importer/schema.js';
import { mergeStrings, translator } from './importer/strings.js';
import { styleSheet } from './importer/styles.js';
import { renderValidate } from './importer/validate.js';

export { DEFAULT_STRINGS } from './importer/strings.js';

const STEPS = ['choose', 'map', 'validate', 'review', 'import'];
const STEP_LABELS = { choose: 'stepChoose', map: 'stepMap', validate: 'stepValidate', review: 'stepReview', import: 'stepImport', history: 'stepHistory' };
const MODES = ['validate', 'store', 'update'];

/**
 * @typedef {object} StepContext what every step's render function gets
 * @property {(key: string, params?: object) => string} t
 * @property {string|undefined} locale
 * @property {ImporterState} state
 * @property {object[]|null} types the engine's import types (types())
 * @property {{fixedType: string|null, fixedMode: string|null, batchSize: number|null, laravel: string|null}} config
 * @property {(name: string) => object|null} typeDef
 * @property {(step: string) => void} go
 * @property {() => void} back from the history to the step before it
 * @property {() => void} reset
 * @property {() => boolean} canMap
 * @property {(type: string) => void} setType
 * @property {(mode: string) => void} setMode
 * @property {(file: File) => void} setFile
 * @property {(key: 'encoding'|'delimiter'|'hasHeader', value: unknown) => void} setOverride
 * @property {() => void} mappingChanged
 * @property {() => Promise<void>} confirmMapping
 * @property {() => void} cancelValidation
 * @property {(text: string) => void} announce
 * @property {(name: string, detail: object) => void} emit
 * @property {(step: string, error: unknown) => void} fail
 * @property {() => {baseUrl: string, token: () => string|null, account: () => string|null}|null} api
 * @property {() => Promise<import('./preflight.js').PreflightEngine>} engine
 * @property {(run: object, file: File) => Promise<void>} resumeRun
 * @property {(run: object) => Promise<void>} discardRun
 */

/**
 * @typedef {object} ImporterState
 * @property {string|null} type
 * @property {string} mode
 * @property {File|null} file
 * @property {{encoding: string|null, delimiter: string|null, hasHeader: boolean|null}} overrides
 * @property {Map<string, string>} fieldOfHeader
 * @property {Record<string, string>} constants
 */

function freshState(type, mode) {
  return {
    type,
    mode,
    file: null,
    overrides: { encoding: null, delimiter: null, hasHeader: null },
    suggestion: null,
    suggesting: false,
    suggestError: null,
    suggestSeq: 0,
    fieldOfHeader: new Map(),
    constants: {},
    remembered: null,
    rememberedDismissed: false,
    rememberedApplied: false,
    mappingVersion: 0,
    validating: null,
    validation: null,
    validatedVersion: -1,
    failedRows: null,
    resume: null,
    importRunner: null,
  };
}

export class PreflightImporter extends HTMLElement {
  static get observedAttributes() {
    return ['api-base', 'type', 'mode', 'batch-size', 'laravel', 'strings'];
  }

  #token = null;
  #account = null;
  #stringsProp = null;
  #engine = null;
  #enginePromise = null;
  #types = null;
  #step = 'choose';
  #beforeHistory = 'choose';
  #view = null;
  #built = false;
  #root;
  #nav;
  #main;
  #live;
  #alert;
  #title;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.adoptedStyleSheets = [styleSheet()];
    /** @type {ImporterState} */
    this.state = freshState(null, 'validate');
    /** Options for createPreflight(): {workerUrl, moduleUrl, wasmUrl}. */
    this.engineOptions = {};
  }

  // ───────────────────────── attributes and properties ─────────────────────────

  /** The API's base URL ("https://api.plannrcrm.com"); relative URLs resolve against the page. */
  get apiBase() {
    return this.getAttribute('api-base') ?? '';
  }

  set apiBase(value) {
    if (value) this.setAttribute('api-base', value);
    else this.removeAttribute('api-base');
  }

  /** The bearer token. A property only: it is never reflected to an attribute or stored. */
  get token() {
    return this.#token;
  }

  set token(value) {
    this.#token = value ? String(value) : null;
    this.#connectionChanged();
  }

  /** The X-PLANNR-ACCOUNT-UUID value (property only, like the token). */
  get account() {
    return this.#account;
  }

  set account(value) {
    this.#account = value ? String(value) : null;
    this.#connectionChanged();
  }

  get type() {
    return this.getAttribute('type');
  }

  set type(value) {
    if (value) this.setAttribute('type', value);
    else this.removeAttribute('type');
  }

  get mode() {
    const m = this.getAttribute('mode');
    return MODES.includes(m) ? m : null;
  }

  set mode(value) {
    if (value) this.setAttribute('mode', value);
    else this.removeAttribute('mode');
  }

  /** Rows per batch posted to the API (the engine's default when unset). */
  get batchSize() {
    const n = Number.parseInt(this.getAttribute('batch-size') ?? '', 10);
    return Number.isInteger(n) && n > 0 ? n : null;
  }

  set batchSize(value) {
    if (value) this.setAttribute('batch-size', String(value));
    else this.removeAttribute('batch-size');
  }

  /** Laravel's message wording: "9" or "10" (the engine's default when unset). */
  get laravel() {
    const v = this.getAttribute('laravel');
    return v === '9' || v === '10' ? v : null;
  }

  set laravel(value) {
    if (value) this.setAttribute('laravel', String(value));
    else this.removeAttribute('laravel');
  }

  /** Overrides of the words shown (see importer/strings.js); the attribute takes JSON. */
  get strings() {
    return this.#stringsProp ?? this.#attrStrings();
  }

  set strings(value) {
    this.#stringsProp = value && typeof value === 'object' ? { ...value } : null;
    if (this.#built) this.#rebuild();
  }

  /** The step shown: choose, map, validate, review, import or history. */
  get step() {
    return this.#step;
  }

  #attrStrings() {
    const text = this.getAttribute('strings');
    if (!text) return null;
    try {
      const parsed = JSON.parse(text);
      return parsed && typeof parsed === 'object' ? parsed : null;
    } catch {
      return null;
    }
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.#built || oldValue === newValue) return;
    if (name === 'type' && newValue) this.#setType(newValue);
    else if (name === 'mode' && MODES.includes(newValue)) this.#setMode(newValue);
    else if (name === 'strings') this.#rebuild();
    else if (name === 'api-base') this.#connectionChanged();
  }

  connectedCallback() {
    if (this.#built) return;
    this.#built = true;
    this.state = freshState(this.type, this.mode ?? 'validate');
    this.#rebuild();
    this.#loadEngine();
    this.#checkInterrupted();
  }

  disconnectedCallback() {
    // Keep the engine while the element may come back (moved in the DOM); a host that
    // removes it for good can call destroy().
  }

  /** Stops the worker and any running work. */
  destroy() {
    this.state.validating?.controller.abort();
    this.state.importRunner?.stop();
    this.#engine?.terminate();
    this.#engine = null;
    this.#enginePromise = null;
  }

  /** Back to the first step with nothing chosen (the type and mode stay). */
  reset() {
    this.state.validating?.controller.abort();
    this.state.importRunner?.stop();
    const { type, mode } = this.state;
    this.state = freshState(this.type ?? type, this.mode ?? mode);
    this.#checkInterrupted();
    this.#go('choose');
  }

  // ───────────────────────── the frame ─────────────────────────

  get #t() {
    return translator(mergeStrings(this.strings));
  }

  #rebuild() {
    const t = this.#t;
    clear(this.#root);
    this.#title = h('h2', { id: uid('title'), text: t('title') });
    this.#nav = h('nav', { class: 'steps', attrs: { 'aria-label': t('stepsLabel') } });
    this.#main = h('div', { class: 'main' });
    this.#live = h('div', { class: 'sr-only', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' } });
    this.#alert = h('div', { class: 'alerts', attrs: { role: 'alert' } });
    this.#root.append(h('div', { class: 'app', attrs: { role: 'region', 'aria-labelledby': this.#title.id } },
      h('div', { class: 'header' }, this.#title), this.#nav, this.#alert, this.#main, this.#live));
    this.#renderStep(false);
  }

  #renderNav() {
    const t = this.#t;
    const ol = h('ol');
    const steps = this.state.mode === 'validate' ? STEPS.filter((s) => s !== 'import') : STEPS;
    const busy = this.#busy();
    steps.forEach((step, i) => {
      const current = step === this.#step;
      const reachable = !busy && this.#reachable(step);
      const done = !current && this.#stepDone(step);
      ol.append(h('li', {}, h('button', {
        type: 'button',
        class: done ? 'done' : '',
        disabled: !current && !reachable,
        attrs: { 'aria-current': current ? 'step' : null, 'data-step': step },
        on: { click: () => current || this.#go(step) },
      }, t(STEP_LABELS[step]), h('span', { class: 'sr-only', text: ` ${current ? t('stepCurrent') : done ? t('stepDone') : ''} ${t('stepOf', { n: i + 1, total: steps.length })}` }))));
    });
    ol.append(h('li', { class: 'history' }, h('button', {
      type: 'button',
      disabled: busy,
      attrs: { 'aria-current': this.#step === 'history' ? 'page' : null, 'data-step': 'history' },
      on: { click: () => this.#step === 'history' || this.#go('history') },
    }, t('stepHistory'))));
    // Rebuilt on every change (progress included): keep the focus on the same step's button.
    const focusedStep = this.#nav.contains(this.#root.activeElement) ? this.#root.activeElement?.dataset?.step : null;
    this.#nav.replaceChildren(ol);
    if (focusedStep) {
      const again = ol.querySelector(`button[data-step="${focusedStep}"]`);
      if (again && !again.disabled) again.focus();
    }
  }

  #busy() {
    return Boolean((this.state.validating && !this.state.validating.error) || this.state.importRunner?.running);
  }

  #reachable(step) {
    const s = this.state;
    switch (step) {
      case 'choose': return true;
      case 'map': return this.#canMap();
      case 'validate': return false; // started from the map step
      case 'review': return Boolean(s.validation) && s.validatedVersion === s.mappingVersion;
      case 'import': return s.mode !== 'validate' && Boolean(s.importRunner) && s.validatedVersion === s.mappingVersion;
      default: return true;
    }
  }

  #stepDone(step) {
    const order = STEPS.indexOf(step);
    const current = STEPS.indexOf(this.#step);
    return order >= 0 && current >= 0 && order < current;
  }

  #canMap() {
    const s = this.state;
    return Boolean(s.type && s.file && s.suggestion && !s.suggesting && !s.suggestError && this.#types);
  }

  /** The context a step renders with. */
  #context() {
    return {
      t: this.#t,
      locale: this.lang || document.documentElement.lang || undefined,
      state: this.state,
      types: this.#types,
      config: { fixedType: this.type, fixedMode: this.mode, batchSize: this.#batchRows(), laravel: this.laravel },
      typeDef: (name) => this.#types?.find((x) => x.type === name) ?? null,
      go: (step) => this.#go(step),
      back: () => this.#go(this.#beforeHistory === 'validate' ? 'choose' : this.#beforeHistory),
      reset: () => this.reset(),
      canMap: () => this.#canMap(),
      setType: (type) => this.#setType(type),
      setMode: (mode) => this.#setMode(mode),
      setFile: (file) => this.#setFile(file),
      setOverride: (key, value) => this.#setOverride(key, value),
      mappingChanged: () => {
        this.state.mappingVersion++;
        this.#renderNav();
      },
      confirmMapping: () => this.#confirmMapping(),
      cancelValidation: () => this.state.validating?.controller.abort(),
      announce: (text) => this.#announce(text),
      emit: (name, detail) => this.#emit(name, detail),
      fail: (step, error) => this.#fail(step, error),
      api: () => this.#apiConfig(),
      engine: () => this.#loadEngine(),
      resumeRun: (run, file) => this.#resumeRun(run, file),
      discardRun: (run) => this.#discardRun(run),
    };
  }

  #renderStep(moveFocus) {
    this.#view?.dispose?.();
    this.#view = null;
    this.#renderNav();
    const ctx = this.#context();
    const t = this.#t;
    let view;
    if (!this.#types && this.#step !== 'history') {
      const failed = this.#engineError;
      view = {
        el: h('section', { class: 'step' }, failed
          ? h('div', { class: 'notice danger', attrs: { role: 'alert' } }, h('p', { class: 'title', text: t('errorHeading') }), h('p', { text: t('engineFailed', { message: failed.message }) }))
          : h('p', { class: 'busy', attrs: { role: 'status' }, text: t('engineLoading') })),
      };
    } else {
      switch (this.#step) {
        case 'choose': view = renderChoose(ctx); break;
        case 'map': view = renderMap(ctx); break;
        case 'validate': view = renderValidate(ctx); break;
        case 'review': view = renderReview(ctx); break;
        case 'import': view = renderImport(ctx); break;
        case 'history': view = renderHistory(ctx); break;
        default: view = renderChoose(ctx);
      }
    }
    this.#view = view;
    this.#main.replaceChildren(view.el);
    if (moveFocus && view.focus) focusHeading(view.focus);
  }

  /** Re-renders parts of the current step that depend on changed state. */
  #refresh() {
    this.#renderNav();
    this.#view?.update?.();
  }

  #go(step) {
    this.#clearAlert();
    if (step === 'history' && this.#step !== 'history') this.#beforeHistory = this.#step;
    if (step === 'validate') {
      this.#step = 'validate';
      this.#renderStep(true);
      this.#runValidation();
      return;
    }
    this.#step = step;
    this.#renderStep(true);
  }

  #announce(text) {
    this.#live.textContent = '';
    // A new text node each time, so the same words are announced again.
    requestAnimationFrame(() => {
      this.#live.textContent = text;
    });
  }

  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /** Shows an error (as text) and emits `error`. */
  #fail(step, error) {
    const t = this.#t;
    const message = error?.message ?? String(error);
    this.#alert.replaceChildren(h('div', { class: 'error-box' },
      h('p', { class: 'title', text: t('errorHeading') }),
      h('p', { text: message }),
      h('button', { type: 'button', text: t('dismiss'), on: { click: () => this.#clearAlert() } })));
    this.#emit('error', { step, code: error?.code ?? error?.name ?? 'error', message, error });
  }

  #clearAlert() {
    this.#alert?.replaceChildren();
  }

  // ───────────────────────── engine ─────────────────────────

  #engineError = null;

  #loadEngine() {
    this.#enginePromise ??= (async () => {
      try {
        const engine = await createPreflight(this.engineOptions);
        this.#engine = engine;
        this.#types = await engine.types();
        const s = this.state;
        if (!s.type || !this.#types.some((x) => x.type === s.type)) {
          if (s.type && this.type) throw Object.assign(new Error(`unknown import type "${s.type}"`), { code: 'unknown_type' });
          s.type = (this.#types.find((x) => x.type === 'clients') ?? this.#types[0])?.type ?? null;
        }
        this.#renderStep(false);
        return engine;
      } catch (error) {
        this.#engineError = error;
        this.#enginePromise = null;
        this.#renderStep(false);
        this.#fail('choose', error);
        throw error;
      }
    })();
    return this.#enginePromise;
  }

  // ───────────────────────── step 1: type, mode, file, detection ─────────────────────────

  #setType(type) {
    if (type === this.state.type) return;
    this.state.type = type;
    const def = this.#types?.find((x) => x.type === type);
    if (this.state.mode === 'update' && def && !def.key) this.state.mode = 'validate';
    this.#invalidateFrom('suggest');
    if (this.state.file) this.#suggest();
    else if (this.#step === 'choose') this.#renderStep(false);
  }

  #setMode(mode) {
    if (mode === this.state.mode || !MODES.includes(mode)) return;
    this.state.mode = mode;
    this.state.mappingVersion++;
    this.state.validation = null;
    this.state.failedRows = null;
    this.state.importRunner = null;
    this.#refresh();
  }

  #setFile(file) {
    const t = this.#t;
    if (!acceptableFile(file)) {
      this.#fail('choose', Object.assign(new Error(t('fileWrongKind', { name: file.name })), { code: 'invalid_file' }));
      return;
    }
    this.#clearAlert();
    this.state.file = file;
    this.state.overrides = { encoding: null, delimiter: null, hasHeader: null };
    this.#invalidateFrom('suggest');
    this.#suggest();
  }

  #setOverride(key, value) {
    this.state.overrides[key] = value;
    this.#invalidateFrom('suggest');
    this.#suggest();
  }

  /** Forgets what was derived from the file (suggestion, mapping, validation). */
  #invalidateFrom(stage) {
    const s = this.state;
    if (stage === 'suggest') {
      s.suggestion = null;
      s.suggestError = null;
      s.fieldOfHeader = new Map();
      s.constants = {};
      s.remembered = null;
      s.rememberedDismissed = false;
      s.rememberedApplied = false;
    }
    s.mappingVersion++;
    s.validation = null;
    s.failedRows = null;
    s.importRunner = null;
  }

  #engineOverrides() {
    const o = this.state.overrides;
    const out = {};
    if (o.encoding) out.encoding = o.encoding;
    if (o.delimiter) out.delimiter = o.delimiter;
    if (o.hasHeader !== null) out.hasHeader = o.hasHeader;
    if (this.laravel) out.laravel = this.laravel;
    return out;
  }

  async #suggest() {
    const s = this.state;
    const seq = ++s.suggestSeq;
    s.suggesting = true;
    this.#refresh();
    try {
      const engine = await this.#loadEngine();
      const result = await engine.suggest(s.file, { type: s.type, mode: s.mode, ...this.#engineOverrides() });
      if (seq !== s.suggestSeq) return;
      s.suggestion = result;
      s.fieldOfHeader = new Map(result.headers.map((header) => [header, '']));
      for (const [field, header] of headerOfField(result.mapping)) if (s.fieldOfHeader.has(header)) s.fieldOfHeader.set(header, field);
      s.mappingVersion++;
      const remembered = await recallMapping(s.type, result.headers);
      if (seq !== s.suggestSeq) return;
      if (remembered && Object.keys(remembered.mapping).length) {
        s.remembered = { mapping: new Map(Object.entries(remembered.mapping).map(([f, header]) => [header, f])), savedAt: remembered.savedAt };
      }
    } catch (error) {
      if (seq !== s.suggestSeq) return;
      s.suggestError = error;
      this.#emit('error', { step: 'choose', code: error?.code ?? 'error', message: error?.message ?? String(error), error });
    } finally {
      if (seq === s.suggestSeq) {
        s.suggesting = false;
        this.#refresh();
      }
    }
  }

  // ───────────────────────── step 2 → 3 ─────────────────────────

  #mappingBody() {
    const constants = {};
    for (const [k, v] of Object.entries(this.state.constants)) if (v !== '') constants[k] = v;
    return mappingBody(this.state.fieldOfHeader, constants);
  }

  async #confirmMapping() {
    const s = this.state;
    const ctx = this.#context();
    const { missing, duplicates } = mappingProblems(ctx);
    if (missing.length || duplicates.length) return;
    const body = this.#mappingBody();
    await rememberMapping(s.type, s.suggestion.headers, body.headers[0]);
    this.#emit('mapped', { type: s.type, mode: s.mode, mapping: body, constants: body.constants ?? {}, headers: [...s.suggestion.headers] });
    this.#go('validate');
  }

  #validateOptions() {
    const s = this.state;
    const body = this.#mappingBody();
    const options = {
      type: s.type,
      mode: s.mode,
      mapping: { headers: body.headers },
      ...this.#engineOverrides(),
      batches: true, // in validate mode too: the preview shows the first clean records (they stay here)
    };
    if (body.constants) options.constants = body.constants;
    const batchRows = this.#batchRows();
    if (batchRows) options.batchRows = batchRows;
    return options;
  }

  /** Rows per batch: a resumed run's (its batches must come out the same), else the attribute's. */
  #batchRows() {
    return this.state.resumeBatchRows ?? this.batchSize ?? null;
  }

  async #runValidation({ thenImport = false } = {}) {
    const s = this.state;
    const t = this.#t;
    const controller = new AbortController();
    s.validating = { controller, progress: null, error: null };
    s.validation = null;
    s.failedRows = null;
    s.importRunner = null;
    const version = s.mappingVersion;
    this.#refresh();
    let job;
    try {
      const engine = await this.#loadEngine();
      job = engine.validate(s.file, {
        ...this.#validateOptions(),
        signal: controller.signal,
        onProgress: (p) => {
          if (s.validating?.controller !== controller) return;
          s.validating.progress = p;
          if (this.#step === 'validate') this.#view?.update?.();
        },
      });
      const result = await job;
      if (s.validating?.controller !== controller) return;
      s.validation = { summary: result.summary, errorReport: result.errorReport, batches: () => result.batches(), batchCount: result.batchCount, stats: result.stats };
      s.validatedVersion = version;
      s.validating = null;
      this.#emit('validated', { type: s.type, mode: s.mode, summary: result.summary, errorReport: result.errorReport });
      this.#indexFailedRows();
      if (s.mode !== 'validate') {
        s.importRunner = new ImportRunner(this.#context(), { resume: thenImport ? s.resume : null });
        s.importRunner.listeners.add(() => this.#renderNav());
      }
      this.#go(thenImport ? 'import' : 'review');
      if (thenImport) s.importRunner.start();
    } catch (error) {
      if (s.validating?.controller !== controller) return;
      if (error?.name === 'AbortError') {
        s.validating = null;
        this.#go('map');
        this.#announce(t('cancelled'));
        this.#alert.replaceChildren(h('p', { class: 'notice', text: t('cancelled') }));
        return;
      }
      s.validating.error = error;
      this.#refresh();
      this.#fail('validate', error);
    }
  }

  /** Reads the error report into the table's index (in the background). */
  async #indexFailedRows() {
    const s = this.state;
    const report = s.validation?.errorReport;
    if (!report) return;
    const def = this.#types.find((x) => x.type === s.type);
    const fieldOfHeader = new Map([...s.fieldOfHeader].filter(([, f]) => f));
    const validation = s.validation;
    try {
      const rows = await FailedRows.load(report, { classifier: createClassifier(def, s.mode, fieldOfHeader), fieldOfHeader });
      if (s.validation !== validation) return;
      s.failedRows = rows;
      if (this.#step === 'review') this.#view?.update?.();
    } catch (error) {
      this.#fail('review', error);
    }
  }

  // ───────────────────────── import, resume ─────────────────────────

  /** {baseUrl, token, account} when the host gave what the API needs, else null. */
  #apiConfig() {
    const base = this.apiBase;
    if (!base || !this.#token) return null;
    let baseUrl;
    try {
      baseUrl = new URL(base, document.baseURI).href;
    } catch {
      return null;
    }
    return { baseUrl, token: () => this.#token, account: () => this.#account };
  }

  #connectionChanged() {
    if (!this.#built) return;
    if (this.#step === 'history' || this.#step === 'import') this.#view?.update?.();
    this.#checkInterrupted();
  }

  /** Looks for an import that a reload (or a crash) interrupted, and offers to resume it. */
  async #checkInterrupted() {
    const api = this.#apiConfig();
    if (!api || this.state.file) return;
    try {
      const runs = await listInterruptedRuns();
      const run = runs.find((r) => !this.type || r.settings.type === this.type) ?? null;
      if (this.state.file) return;
      this.state.resume = run;
      if (this.#step === 'choose') this.#refresh();
    } catch {
      // no IndexedDB (private mode): nothing to resume
    }
  }

  /** The interrupted run's file was chosen again: check it, rebuild its batches, post the rest. */
  async #resumeRun(run, file) {
    const t = this.#t;
    const s = this.state;
    s.file = file;
    try {
      const { hashFile } = await import('./resume-store.js');
      const hash = await hashFile(file);
      if (hash !== run.fileHash) {
        // Another file: a new import (the interrupted one stays on offer).
        this.#fail('choose', Object.assign(new Error(t('resumeWrongFile')), { code: 'resume_wrong_file' }));
        this.#setFile(file);
        return;
      }
      const st = run.settings;
      s.type = st.type;
      s.mode = st.mode;
      s.overrides = { encoding: st.overrides?.encoding ?? null, delimiter: st.overrides?.delimiter ?? null, hasHeader: st.overrides?.hasHeader ?? null };
      s.resumeBatchRows = st.batchRows ?? null;
      const engine = await this.#loadEngine();
      s.suggestion = await engine.suggest(file, { type: s.type, mode: s.mode, ...this.#engineOverrides() });
      s.fieldOfHeader = new Map(s.suggestion.headers.map((header) => [header, '']));
      for (const [field, header] of headerOfField(st.mapping)) if (s.fieldOfHeader.has(header)) s.fieldOfHeader.set(header, field);
      s.constants = { ...(st.mapping?.constants ?? {}) };
      s.mappingVersion++;
      this.#step = 'validate';
      this.#renderStep(true);
      await this.#runValidation({ thenImport: true });
    } catch (error) {
      this.#fail('choose', error);
    }
  }

  async #discardRun(run) {
    const { forgetRun } = await import('./importer/import-step.js');
    await forgetRun(run);
    this.state.resume = null;
    this.#refresh();
    this.#view?.focus && focusHeading(this.#view.focus);
  }
}

if (!customElements.get('preflight-importer')) customElements.define('preflight-importer', PreflightImporter);
