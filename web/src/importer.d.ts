// importer.d.ts — the public API of web/src/importer.js, <preflight-importer> (hand-written;
// keep in step). Usage and theming: web/src/importer/README.md.

import type { MappingSpec, PreflightOptions } from './preflight.js';
import type { Progress as PostingProgress, Reconciliation } from './batch-poster.js';

export type { Reconciliation };

export type ImportMode = 'validate' | 'store' | 'update';
export type ImporterStep = 'choose' | 'map' | 'validate' | 'review' | 'import' | 'history';

/** `mapped`: the user confirmed the mapping (step 2 → 3). */
export interface MappedDetail {
  type: string;
  mode: ImportMode;
  /** The map endpoint's body: {"headers": [{field: csv header}], "constants"?: {field: value}}. */
  mapping: MappingSpec;
  constants: Record<string, string>;
  /** The file's headers, as the engine names them. */
  headers: string[];
}

/** `validated`: every row was checked (in the worker; nothing was sent). */
export interface ValidatedDetail {
  type: string;
  mode: ImportMode;
  /** The engine's summary: the import resource's shape plus `preflight` (see the CLI). */
  summary: any;
  /** The error report (failed rows with line numbers and messages), or null. */
  errorReport: File | null;
}

/** `imported`: a posting run ended (complete, or paused/halted and resumable). */
export interface ImportedDetail {
  type: string;
  mode: 'store' | 'update';
  complete: boolean;
  /** Why the run stopped early (e.g. "retry_budget_exhausted"), or null. */
  halted: string | null;
  reconciliation: Reconciliation | null;
  /** Batch and row counts (BatchPoster's progress). */
  counts: Omit<PostingProgress, 'runKey' | 'halted' | 'done'>;
  /** The engine's error report with the server's failures merged in, or null. */
  errorReport: Blob | null;
  /** The resume store's key of this run. */
  runKey: string;
}

/** `error`: something failed; the message is also shown (as text) in the element. */
export interface ErrorDetail {
  step: ImporterStep;
  /** A PreflightError code (bad_mapping, empty_file, …), an ApiError name, or another code. */
  code: string;
  message: string;
  error: unknown;
}

export interface PreflightImporterEventMap extends HTMLElementEventMap {
  mapped: CustomEvent<MappedDetail>;
  validated: CustomEvent<ValidatedDetail>;
  imported: CustomEvent<ImportedDetail>;
  error: CustomEvent<ErrorDetail>;
}

/** The words shown (importer/strings.js DEFAULT_STRINGS); {name} placeholders. */
export type ImporterStrings = Partial<Record<keyof typeof DEFAULT_STRINGS | string, string>>;

export declare const DEFAULT_STRINGS: Readonly<Record<string, string>>;

/**
 * <preflight-importer>: choose → map → validate → review → import (store/update), plus
 * history. Registered on import of web/src/importer.js.
 *
 * Attributes (reflected by the properties of the same meaning): `api-base`, `type`,
 * `mode`, `batch-size`, `laravel`, `strings` (JSON).
 *
 * CSS custom properties: --pfi-font, --pfi-font-size, --pfi-color, --pfi-muted, --pfi-bg,
 * --pfi-surface, --pfi-border, --pfi-accent, --pfi-accent-text, --pfi-focus, --pfi-danger,
 * --pfi-warning, --pfi-success, --pfi-radius, --pfi-table-height, --pfi-row-height,
 * --pfi-column-width.
 */
export declare class PreflightImporter extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The API's base URL ("https://api.plannrcrm.com"); attribute `api-base`. */
  apiBase: string;
  /** The bearer token. Property only: never reflected to an attribute, never stored. */
  token: string | null;
  /** The X-PLANNR-ACCOUNT-UUID value. Property only, like the token. */
  account: string | null;
  /** A fixed import type (no picker); null shows a picker. Attribute `type`. */
  type: string | null;
  /** A fixed mode (no choice); null lets the user choose. Attribute `mode`. */
  mode: ImportMode | null;
  /** Rows per batch posted to the API; null: the engine's default (1000). Attribute `batch-size`. */
  batchSize: number | null;
  /** Laravel's message wording, "9" or "10"; null: the engine's default. Attribute `laravel`. */
  laravel: '9' | '10' | null;
  /** Overrides of the words shown; the attribute takes the same as JSON. */
  strings: ImporterStrings | null;
  /** Where the worker and the engine come from (createPreflight's options); set before connecting. */
  engineOptions: PreflightOptions;
  /** The step shown. */
  readonly step: ImporterStep;
  /** Back to the first step (the type and mode stay). */
  reset(): void;
  /** Stops the worker and any validation or posting in progress. */
  destroy(): void;

  addEventListener<K extends keyof PreflightImporterEventMap>(type: K, listener: (this: PreflightImporter, ev: PreflightImporterEventMap[K]) => any, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof PreflightImporterEventMap>(type: K, listener: (this: PreflightImporter, ev: PreflightImporterEventMap[K]) => any, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'preflight-importer': PreflightImporter;
  }
}
