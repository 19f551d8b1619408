// contract.mjs — the import resource's fields and JSON types, copied from the response
// examples in shared/seeds/ (the newest example of each object: the list route's, Dec 2025).
// Two deliberate differences, documented in web/server/README.md: `errors` is an array
// (the docs call it "Array of failed imports"; the example shows a schema-like object),
// and `error_report` is null until a row has failed.
import assert from 'node:assert/strict';

export const IMPORT_FIELDS = {
  uuid: 'string', created_at: 'string', updated_at: 'string', type: 'string', mode: 'string',
  headers: 'array', mapping: 'object', status: 'string', total_jobs: 'integer', progress: 'integer',
  jobs_remaining: 'integer', failed_jobs: 'integer', error_report: 'object|null', errors: 'array', account: 'object',
};

/** The index route leaves these out ("not visible on index route"). */
export const INDEX_OMITS = ['headers', 'mapping'];

export const ERROR_REPORT_FIELDS = {
  firm: 'string', name: 'string', path: 'string', size: 'string', tags: 'string', type: 'string', uuid: 'string',
  folder: 'string', status: 'string', account: 'string', filename: 'string', progress: 'string', extension: 'string',
  navigator: 'object', created_at: 'string', updated_at: 'string', folder_name: 'string', uploaded_at: 'string',
  documentable: 'string', download_url: 'string', last_modified: 'string', documentable_type: 'string',
  original_created_at: 'string',
};

export const NAVIGATOR_FIELDS = { model_type: 'string', model_uuid: 'string' };

export const ACCOUNT_FIELDS = {
  firm: 'string', name: 'string', role: 'string', tags: 'string', type: 'string', uuid: 'string', email: 'string',
  groups: 'string', owners: 'string', circles: 'string', last_name: 'string', photo_url: 'string', created_at: 'string',
  first_name: 'string', updated_at: 'string', with_login: 'boolean', inactive_at: 'string', custom_fields: 'string',
  introduced_by: 'string', primary_email: 'string', can_be_deleted: 'string', assigned_adviser: 'string',
  next_review_date: 'string', has_joint_account: 'boolean', current_time_entry: 'string', first_contact_date: 'string',
  external_references: 'string', last_interaction_at: 'string', assigned_paraplanner: 'string',
  joint_account_circle: 'string', ownership_percentage: 'integer', previous_review_date: 'string',
  primary_phone_number: 'string', assigned_administrator: 'string', anniversary_review_date: 'string',
};

/** Laravel's ISO 8601 timestamps: 2025-12-24T11:02:58+00:00. */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

function jsonType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

/** Asserts `object` has exactly the fields of `spec`, each of its type. */
export function assertShape(object, spec, what) {
  assert.deepEqual(Object.keys(object).sort(), Object.keys(spec).sort(), `${what}: field names`);
  for (const [key, type] of Object.entries(spec)) {
    assert.ok(type.split('|').includes(jsonType(object[key])), `${what}.${key} is ${jsonType(object[key])}, expected ${type}`);
  }
}

/** An import from show/create/map/start (index: true for the list route's items). */
export function assertImportShape(resource, { index = false, account = true } = {}) {
  const spec = { ...IMPORT_FIELDS };
  if (index) INDEX_OMITS.forEach((k) => delete spec[k]);
  if (!account) delete spec.account;
  assertShape(resource, spec, 'import');
  assert.match(resource.created_at, TIMESTAMP);
  assert.match(resource.updated_at, TIMESTAMP);
  if (resource.error_report) {
    assertShape(resource.error_report, ERROR_REPORT_FIELDS, 'error_report');
    assertShape(resource.error_report.navigator, NAVIGATOR_FIELDS, 'error_report.navigator');
  }
  if (account) assertShape(resource.account, ACCOUNT_FIELDS, 'account');
}
