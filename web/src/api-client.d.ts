// api-client.d.ts — the public API of web/src/api-client.js (hand-written; keep in step).

export type ImportMode = 'store' | 'update' | 'validate';
/** "processing" is the seeds' value; the reference server also uses these others. */
export type ImportStatus = 'uploaded' | 'mapped' | 'processing' | 'completed' | 'failed' | (string & {});

export const IMPORT_STATUS: Readonly<{ uploaded: 'uploaded'; mapped: 'mapped'; processing: 'processing'; completed: 'completed'; failed: 'failed' }>;
export const TERMINAL_STATUSES: readonly ImportStatus[];
export const STARTED_STATUSES: readonly ImportStatus[];

/** The error report file object (a CRM document). */
export interface ErrorReportFile {
  uuid: string;
  filename: string;
  name: string;
  size: string;
  download_url: string;
  [key: string]: unknown;
}

/** One failed row: the row under the type's singular name ("client", "plan", …) plus its messages. */
export interface ImportErrorEntry {
  errors: Record<string, string[]>;
  [singular: string]: Record<string, unknown>;
}

/** An import as the API returns it (shared/seeds/*.txt). */
export interface ImportResource {
  uuid: string;
  created_at: string;
  updated_at: string;
  type: string;
  mode: ImportMode;
  /** The CSV's headers — not on the index (list) route. */
  headers?: string[];
  /** CSV header → field — not on the index (list) route. */
  mapping?: Record<string, string>;
  status: ImportStatus;
  total_jobs: number;
  progress: number;
  jobs_remaining: number;
  failed_jobs: number;
  error_report: ErrorReportFile | null;
  /** At most 25 entries. */
  errors: ImportErrorEntry[];
  /** The initiating account (on the list route only with include=initiatedBy). */
  account?: Record<string, unknown>;
}

/** Laravel's paginated collection. */
export interface Page<T> {
  data: T[];
  links: { first: string | null; last: string | null; prev: string | null; next: string | null };
  meta: {
    current_page: number;
    from: number | null;
    last_page: number;
    path: string;
    per_page: number;
    to: number | null;
    total: number;
    links?: Array<{ url: string | null; label: string; active: boolean }>;
  };
}

export interface ListQuery {
  /** e.g. "initiatedBy" */
  include?: string | string[];
  /** filter[name]=a,b — uuid, types, statuses (and the API's exclude_types, modes, date_from, date_to, initiated_by). */
  filter?: {
    uuid?: string | string[];
    types?: string | string[];
    statuses?: string | string[];
    [name: string]: string | string[] | undefined;
  };
  /** "created_at" | "updated_at", "-" prefix for descending; several allowed. */
  sort?: string | string[];
  /** Default 15, at most 500. */
  perPage?: number;
  page?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (an upload also gets size / uploadBytesPerSecond). */
  timeoutMs?: number;
  /** Sent as the Idempotency-Key header (POST only). */
  idempotencyKey?: string;
}

/** A value, or a function the client calls for it ({refresh: true} after a 401). Kept in memory only. */
export type Credential = string | ((context: { refresh: boolean }) => string | Promise<string>);

export interface ImportApiClientOptions {
  /** The API's origin (and optional path prefix), e.g. "https://api.plannrcrm.com". */
  baseUrl: string;
  token: Credential;
  /** The X-PLANNR-ACCOUNT-UUID header. */
  accountUuid?: Credential;
  fetch?: typeof fetch;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Extra upload time: timeout + size / this bytes per second (default 100 000). */
  uploadBytesPerSecond?: number;
  /** Origins besides the API's own the token may be sent to when downloading error reports. */
  downloadOrigins?: string[];
}

export class ImportApiClient {
  constructor(options: ImportApiClientOptions);
  readonly baseUrl: string;
  readonly origin: string;
  timeoutMs: number;
  /** POST /api/v1/import (multipart: type, mode, file). */
  create(input: { type: string; mode: ImportMode; file: Blob; fileName?: string }, options?: RequestOptions): Promise<ImportResource>;
  /** POST /api/v1/import/map/{uuid}: field → CSV header (sent as {"headers": [ {...} ]}). */
  map(uuid: string, headers: Record<string, string> | Array<Record<string, string>>, options?: RequestOptions): Promise<ImportResource>;
  /** POST /api/v1/import/start/{uuid}. */
  start(uuid: string, options?: RequestOptions): Promise<ImportResource>;
  /** GET /api/v1/import/{uuid}. */
  get(uuid: string, options?: RequestOptions): Promise<ImportResource>;
  /** GET /api/v1/import — one page. */
  list(query?: ListQuery, options?: RequestOptions): Promise<Page<ImportResource>>;
  /** Every page of a list query. */
  listAll(query?: ListQuery, options?: RequestOptions & { maxPages?: number }): AsyncGenerator<ImportResource, void, undefined>;
  /** The import's error report CSV (same token; only to the API's origin or downloadOrigins). */
  downloadErrorReport(source: string | Pick<ImportResource, 'error_report'>, options?: RequestOptions): Promise<string>;
}

export interface ApiErrorDetails {
  status?: number;
  method?: string;
  url?: string;
  body?: unknown;
  errors?: Record<string, string[]> | null;
  retryAfterSeconds?: number | null;
  mayHaveReachedServer?: boolean;
  mayHaveActed?: boolean;
  headers?: Headers | null;
  cause?: unknown;
}

/** Any failure of an API call. */
export class ApiError extends Error {
  constructor(message: string, details?: ApiErrorDetails);
  /** The HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** The parsed JSON body (or the text) of the response. */
  readonly body: unknown;
  /** Laravel's validation errors (422), field → messages. */
  readonly errors: Record<string, string[]> | null;
  /** The Retry-After header in seconds (429, 503, 409 in flight). */
  readonly retryAfterSeconds: number | null;
  /** False only when the request provably never left (connection refused, DNS failure). */
  readonly mayHaveReachedServer: boolean;
  /** Whether the server may have done the work (5xx, a dropped connection, a timeout). */
  readonly mayHaveActed: boolean;
  readonly headers: Headers | null;
  /** Network errors, timeouts, 408, 429, 5xx, and a 409 with Retry-After. */
  readonly retryable: boolean;
  toJSON(): Record<string, unknown>;
}
export class HttpStatusError extends ApiError {}
export class UnauthenticatedError extends HttpStatusError {}
export class ForbiddenError extends HttpStatusError {}
export class NotFoundError extends HttpStatusError {}
export class ConflictError extends HttpStatusError {}
export class PayloadTooLargeError extends HttpStatusError {}
export class ValidationError extends HttpStatusError {}
export class RateLimitError extends HttpStatusError {}
export class ServerError extends HttpStatusError {}
export class NetworkError extends ApiError {}
export class RequestTimeoutError extends NetworkError {}

/** Retry-After (delta-seconds or an HTTP-date) as seconds. */
export function parseRetryAfter(value: string | null | undefined, now?: number): number | null;
