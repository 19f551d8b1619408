// resource.js — an import as the API shows it (shared/seeds/*.txt): the same fields with the
// same JSON types as the seeds' examples. The index route leaves out `headers` and
// `mapping` ("not visible on index route") and shows `account` only when asked with
// include=initiatedBy.
//
// Relations the seeds show as class-name strings ("App\\Http\\Resources\\FirmResource")
// stay strings here: the contract is the examples' field names and types, and this server
// has no firms, tags or folders to expand.
import { isoTime } from './http-util.js';

/**
 * The statuses an import moves through. "processing" is the seeds' value; "completed" and
 * "failed" are the engine summary's (core/include/preflight/report.h); "uploaded" (before
 * the map call) and "mapped" (before start) are this server's names for the two states
 * the API documents ("must be mapped before it can be started").
 */
export const STATUS = Object.freeze({
  uploaded: 'uploaded',
  mapped: 'mapped',
  processing: 'processing',
  completed: 'completed',
  failed: 'failed',
});

const MAX_ERRORS = 25;
const R = 'App\\Http\\Resources\\';

/** How far an import has got: processed rows, percent, rows left. */
export function importProgress(row) {
  const processed = row.clean_done + row.engine_failed;
  const total = row.total_jobs;
  if (row.status === STATUS.completed) return { processed, percent: 100, remaining: 0 };
  const percent = total > 0 ? Math.min(100, Math.floor((processed * 100) / total)) : 0;
  return { processed, percent, remaining: Math.max(0, total - processed) };
}

/** The resource's mapping (CSV header → field), in the file's column order. */
export function resourceMapping(row) {
  if (!row.mapping) return {};
  const fieldOfHeader = new Map(Object.entries(JSON.parse(row.mapping)).map(([field, header]) => [header, field]));
  const headers = JSON.parse(row.headers).filter((h) => fieldOfHeader.has(h));
  return Object.fromEntries(headers.map((h) => [h, fieldOfHeader.get(h)]));
}

/** The first 25 failed rows, the engine's and the server's merged in line order. */
export function importErrors(row) {
  const all = [...JSON.parse(row.engine_errors), ...JSON.parse(row.server_errors)];
  all.sort((a, b) => a.line - b.line);
  return all.slice(0, MAX_ERRORS).map((e) => e.entry);
}

/**
 * The account that started imports (the bearer token's user), in the seeds' shape.
 * @param {{uuid: string, first_name: string, last_name: string, email: string, created_at: number}} account
 */
export function renderAccount(account) {
  const at = isoTime(account.created_at);
  const day = at.slice(0, 10);
  const name = `${account.first_name} ${account.last_name}`;
  return {
    uuid: account.uuid,
    created_at: at,
    updated_at: at,
    type: 'employee',
    role: 'admin',
    first_name: account.first_name,
    last_name: account.last_name,
    name,
    email: account.email,
    photo_url: `https://eu.ui-avatars.com/api/?name=${encodeURIComponent(name.toLowerCase()).replace(/%20/g, '+')}`,
    firm: `${R}FirmResource`,
    primary_phone_number: `${R}ContactDetailResource`,
    primary_email: `${R}ContactDetailResource`,
    current_time_entry: `${R}TimeEntryResource`,
    assigned_adviser: `${R}AccountResource`,
    assigned_administrator: `${R}AccountResource`,
    assigned_paraplanner: `${R}AccountResource`,
    introduced_by: `${R}AccountResource`,
    groups: `${R}GroupResource`,
    tags: `${R}TagResource`,
    owners: `${R}AccountResource`,
    first_contact_date: at,
    next_review_date: at,
    previous_review_date: at,
    anniversary_review_date: at,
    with_login: true,
    has_joint_account: false,
    can_be_deleted: 'false',
    joint_account_circle: `${R}CircleResource`,
    circles: `${R}CircleResource`,
    ownership_percentage: 100,
    inactive_at: day,
    last_interaction_at: at.slice(0, 19).replace('T', ' '),
    custom_fields: `${R}CustomFieldValueResource`,
    external_references: `${R}ExternalReferenceResource`,
  };
}

/** The error report file object; its download_url is served by this server. */
export function renderErrorReport(report, row, { account, baseUrl }) {
  const created = isoTime(report.created_at);
  const updated = isoTime(report.updated_at);
  return {
    uuid: report.uuid,
    created_at: created,
    original_created_at: created,
    updated_at: updated,
    uploaded_at: created,
    status: 'uploaded',
    filename: report.filename,
    name: report.filename.replace(/\.csv$/, ''),
    extension: 'csv',
    type: 'text/csv',
    size: String(report.size),
    path: `${account.first_name} ${account.last_name}/Imports/${report.filename}`,
    last_modified: updated,
    progress: String(importProgress(row).percent),
    download_url: `${baseUrl}/file/${report.uuid}/download`,
    folder_name: 'Imports',
    folder: `${R}FolderResource`,
    documentable_type: 'import',
    documentable: 'Object',
    navigator: { model_type: 'import', model_uuid: row.uuid },
    firm: `${R}FirmResource`,
    account: `${R}MinimalAccountResource`,
    tags: `${R}TagResource`,
  };
}

/**
 * An import as the API returns it.
 * @param {import('./store.js').ImportRow} row
 * @param {{report: object|undefined, account: object, baseUrl: string, index?: boolean, includeAccount?: boolean}} options
 */
export function renderImport(row, { report, account, baseUrl, index = false, includeAccount = true }) {
  const progress = importProgress(row);
  const failedJobs = row.engine_failed + row.server_failed;
  const out = {
    uuid: row.uuid,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    type: row.type,
    mode: row.mode,
  };
  if (!index) {
    out.headers = JSON.parse(row.headers);
    out.mapping = resourceMapping(row);
  }
  Object.assign(out, {
    status: row.status,
    total_jobs: row.total_jobs,
    progress: progress.percent,
    jobs_remaining: progress.remaining,
    failed_jobs: failedJobs,
    error_report: report && failedJobs > 0 ? renderErrorReport(report, row, { account, baseUrl }) : null,
    errors: importErrors(row),
  });
  if (includeAccount) out.account = renderAccount(account);
  return out;
}
