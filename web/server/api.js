// api.js — the import API's endpoints (shared/seeds/*.txt, shared/spec/import-types.md §0):
//
//   POST /api/v1/import                 create from a CSV (multipart: type, mode, file)
//   POST /api/v1/import/map/{uuid}      map headers: {"headers": [{field: csv header}]}
//   POST /api/v1/import/start/{uuid}    start processing in the background
//   GET  /api/v1/import/{uuid}          read one import
//   GET  /api/v1/import                 list: include, filter[...], sort, per_page, page
//   GET  /file/{uuid}/download          the error report (the error_report.download_url)
//
// Handlers get a context from server.js (auth, rate limit, faults and idempotency are done
// by then) and return a Response. Work that changes the database goes through ctx.act(),
// which runs it in one transaction together with the idempotency record.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';

import { countRows, readHeaders } from './engine.js';
import { dict } from './form.js';
import { HttpError, jsonResponse } from './http-util.js';
import { modelNotFound, ValidationErrors } from './laravel.js';
import { paginate } from './pagination.js';
import { renderImport, STATUS } from './resource.js';

const MODES = ['store', 'update', 'validate'];
const FILE_EXTENSIONS = ['csv', 'txt', 'tsv'];
const STARTED = new Set([STATUS.processing, STATUS.completed, STATUS.failed]);
const ALLOWED_FILTERS = ['uuid', 'types', 'exclude_types', 'modes', 'statuses', 'date_from', 'date_to', 'initiated_by'];
const ALLOWED_SORTS = ['created_at', 'updated_at'];
const ALLOWED_INCLUDES = ['initiatedBy'];

/**
 * The routes, bound to the server's parts.
 * @param {object} app see server.js
 */
export function apiRoutes(app) {
  const render = (row, ctx, options = {}) => renderImport(row, {
    report: app.store.errorReportOf(row.uuid), account: app.account, baseUrl: ctx.baseUrl, ...options,
  });
  const findImport = (uuid) => app.store.getImport(uuid) ?? throwNotFound('Import', uuid);

  return [
    { method: 'GET', pattern: '/api/v1/import', handler: (ctx) => listImports(app, ctx, render) },
    { method: 'POST', pattern: '/api/v1/import', body: 'upload', handler: (ctx) => createImport(app, ctx, render) },
    { method: 'GET', pattern: '/api/v1/import/{uuid}', handler: (ctx) => jsonResponse(200, render(findImport(ctx.params.uuid), ctx)) },
    { method: 'POST', pattern: '/api/v1/import/map/{uuid}', body: 'small', handler: (ctx) => mapImport(app, ctx, render, findImport) },
    { method: 'POST', pattern: '/api/v1/import/start/{uuid}', body: 'small', handler: (ctx) => startImport(app, ctx, render, findImport) },
    { method: 'GET', pattern: '/file/{uuid}/download', handler: (ctx) => downloadReport(app, ctx) },
  ];
}

function throwNotFound(model, id) {
  throw modelNotFound(model, id);
}

const present = (v) => v !== undefined && v !== null && v !== '';

// ───────────────────────────── create ─────────────────────────────

async function createImport(app, ctx, render) {
  const { type, mode } = ctx.input;
  const file = ctx.files.get('file');
  const m = app.messages;
  const errors = new ValidationErrors();
  if (!present(type)) errors.add('type', m.required('type'));
  else if (typeof type !== 'string' || !app.types.has(type)) errors.add('type', m.in('type'));
  if (!present(mode)) errors.add('mode', m.required('mode'));
  else if (typeof mode !== 'string' || !MODES.includes(mode)) errors.add('mode', m.in('mode'));
  else if (mode === 'update' && app.types.get(type)?.key === '') errors.add('mode', m.in('mode')); // no key: nothing to update
  if (!file) {
    errors.add('file', present(ctx.input.file) ? m.file('file') : m.required('file'));
  } else {
    const ext = /\.([^.]+)$/.exec(file.filename)?.[1]?.toLowerCase();
    if (ext && !FILE_EXTENSIONS.includes(ext)) errors.add('file', m.mimes('file', FILE_EXTENSIONS));
  }
  errors.throwIfAny();

  const fileName = uploadName(file.filename);
  const { headers, error } = await readHeaders(app.pf, {
    type, fileName, size: file.data.length, sliceBytes: app.sliceBytes,
    readSlice: (at, length) => file.data.subarray(at, at + length), engineOptions: app.engineOptions,
  });
  if (error) throw new ValidationErrors().add('file', error.message).toError();

  const uuid = randomUUID();
  return ctx.act(() => {
    app.store.createImport({
      uuid, type, mode, status: STATUS.uploaded, fileName, content: file.data, headers,
      accountUuid: app.account.uuid, now: Date.now(),
    });
    return jsonResponse(200, render(app.store.getImport(uuid), ctx));
  });
}

/** The uploaded file's name without any path, for messages and the report's name. */
function uploadName(filename) {
  const name = basename(String(filename).replace(/\\/g, '/')).replace(/[\0-\x1f\x7f]/g, '').slice(0, 200);
  return name || 'input.csv';
}

// ───────────────────────────── map ─────────────────────────────

async function mapImport(app, ctx, render, findImport) {
  const imp = findImport(ctx.params.uuid);
  const mapping = readMapping(ctx.input, imp, app);
  if (STARTED.has(imp.status)) return sameMappingOrConflict(imp, mapping, ctx, render);

  const { rows, error } = await countRows(app.pf, {
    type: imp.type, mode: imp.mode, mapping, fileName: imp.file_name, size: imp.file_size,
    sliceBytes: app.sliceBytes, readSlice: (at, length) => app.store.readUpload(imp.uuid, at, length),
    engineOptions: app.engineOptions,
  });
  if (error) throw mappingError(error, ctx.input.headers, app);

  return ctx.act(() => {
    const current = findImport(imp.uuid); // the count took a while: it may have started meanwhile
    if (STARTED.has(current.status)) return sameMappingOrConflict(current, mapping, ctx, render);
    app.store.setMapping(imp.uuid, mapping, rows, STATUS.mapped, Date.now());
    return jsonResponse(200, render(app.store.getImport(imp.uuid), ctx));
  });
}

/** Once started, a map call with the same mapping is a no-op; another mapping conflicts. */
function sameMappingOrConflict(imp, mapping, ctx, render) {
  if (canonicalMapping(JSON.parse(imp.mapping)) === canonicalMapping(mapping)) return jsonResponse(200, render(imp, ctx));
  throw new HttpError(409, { message: `The import has already been started (status: ${imp.status}); its mapping can no longer change.` });
}

function canonicalMapping(mapping) {
  return JSON.stringify(Object.entries(mapping).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The map body's `headers` → {field: csv header}. Accepts the seeds' form
 * {"headers": [{"first_name": "fname"}]}, a plain object {"headers": {...}}, and the same
 * as form fields (headers[0][first_name]=fname). Errors are keyed by the path of the bad
 * value, as Laravel keys wildcard rules ("headers.0.bogus").
 */
function readMapping(input, imp, app) {
  const m = app.messages;
  const errors = new ValidationErrors();
  const headers = input.headers;
  const entries = [];
  if (!present(headers)) {
    errors.add('headers', m.required('headers'));
  } else if (typeof headers !== 'object') {
    errors.add('headers', m.array('headers'));
  } else {
    const list = Array.isArray(headers) ? headers : isIndexed(headers) ? Object.values(headers) : null;
    if (list) {
      list.forEach((item, i) => {
        if (item && typeof item === 'object' && !Array.isArray(item)) {
          for (const [field, header] of Object.entries(item)) entries.push([`headers.${i}.${field}`, field, header]);
        } else {
          errors.add(`headers.${i}`, m.array(`headers.${i}`));
        }
      });
    } else {
      for (const [field, header] of Object.entries(headers)) entries.push([`headers.${field}`, field, header]);
    }
    if (entries.length === 0 && errors.empty) errors.add('headers', m.required('headers'));
  }
  const fields = app.types.get(imp.type).fields;
  const fileHeaders = new Set(JSON.parse(imp.headers));
  const mapping = dict();
  for (const [path, field, header] of entries) {
    if (!fields.has(field)) errors.add(path, m.in(path));
    else if (typeof header !== 'string') errors.add(path, m.string(path));
    else if (!fileHeaders.has(header)) errors.add(path, m.in(path));
    else mapping[field] = header;
  }
  errors.throwIfAny();
  return Object.fromEntries(Object.entries(mapping));
}

/** {"0": {...}, "1": {...}}: a list sent as form fields. */
function isIndexed(object) {
  const keys = Object.keys(object);
  return keys.length > 0 && keys.every((k) => /^\d+$/.test(k)) && Object.values(object).every((v) => v && typeof v === 'object');
}

/** The engine's verdict on a mapping, as a 422 keyed like the request. */
function mappingError(error, headersInput, app) {
  const field = /required field "([^"]+)"/.exec(error.message)?.[1];
  const key = field ? (Array.isArray(headersInput) || isIndexed(headersInput ?? {}) ? `headers.0.${field}` : `headers.${field}`) : 'headers';
  const message = error.code === 'missing_required_field' && field ? app.messages.required(key) : error.message;
  return new ValidationErrors().add(key, message).toError();
}

// ───────────────────────────── start ─────────────────────────────

function startImport(app, ctx, render, findImport) {
  const imp = findImport(ctx.params.uuid);
  if (imp.status === STATUS.uploaded) {
    throw new HttpError(409, { message: 'The import must be mapped before it can be started.' });
  }
  if (STARTED.has(imp.status)) return jsonResponse(200, render(imp, ctx)); // already started: a no-op
  const response = ctx.act(() => {
    app.store.start(imp.uuid, STATUS.processing, app.sliceBytes, Date.now());
    return jsonResponse(200, render(app.store.getImport(imp.uuid), ctx));
  });
  app.processor.start(imp.uuid);
  return response;
}

// ───────────────────────────── list ─────────────────────────────

function listImports(app, ctx, render) {
  const q = ctx.query;
  const includes = splitList(q.get('include') ?? '');
  const badIncludes = includes.filter((i) => !ALLOWED_INCLUDES.includes(i));
  if (badIncludes.length) {
    throw new HttpError(400, { message: `Requested include(s) \`${badIncludes.join(', ')}\` are not allowed. Allowed include(s) are \`${ALLOWED_INCLUDES.join(', ')}\`.` });
  }
  const filters = new Map();
  for (const [name, value] of q) {
    const m = /^filter\[([^\]]*)\]$/.exec(name);
    if (m) filters.set(m[1], value);
  }
  const badFilters = [...filters.keys()].filter((f) => !ALLOWED_FILTERS.includes(f));
  if (badFilters.length) {
    throw new HttpError(400, { message: `Requested filter(s) \`${badFilters.join(', ')}\` are not allowed. Allowed filter(s) are \`${ALLOWED_FILTERS.join(', ')}\`.` });
  }
  const sorts = splitList(q.get('sort') ?? 'created_at');
  const badSorts = sorts.filter((s) => !ALLOWED_SORTS.includes(s.replace(/^-/, '')));
  if (badSorts.length) {
    throw new HttpError(400, { message: `Requested sort(s) \`${badSorts.join(', ')}\` is not allowed. Allowed sort(s) are \`${ALLOWED_SORTS.join(', ')}\`.` });
  }
  const perPage = readPerPage(q.get('per_page'), app.messages);
  const page = /^\d+$/.test(q.get('page') ?? '') && Number(q.get('page')) >= 1 ? Number(q.get('page')) : 1;

  const { where, params } = filterClauses(filters, app.messages);
  const orderBy = [...(sorts.length ? sorts : ['created_at']).map((s) => (s.startsWith('-') ? `${s.slice(1)} DESC` : `${s} ASC`)),
    sorts[0]?.startsWith('-') ? 'id DESC' : 'id ASC'].join(', ');
  const { total, rows } = app.store.listImports({ where, params, orderBy, limit: perPage, offset: (page - 1) * perPage });
  const data = rows.map((row) => render(row, ctx, { index: true, includeAccount: includes.includes('initiatedBy') }));
  return jsonResponse(200, paginate({ data, total, page, perPage, path: `${ctx.baseUrl}/api/v1/import`, query: q }));
}

function splitList(value) {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function readPerPage(value, m) {
  if (value === null || value === '') return 15;
  const errors = new ValidationErrors();
  if (!/^-?\d+$/.test(value)) errors.add('per_page', m.integer('per_page'));
  else if (Number(value) < 1) errors.add('per_page', m.minNumeric('per_page', 1));
  else if (Number(value) > 500) errors.add('per_page', m.maxNumeric('per_page', 500));
  errors.throwIfAny();
  return Number(value);
}

/** filter[...] → SQL conditions with bound parameters (values never enter the SQL text). */
function filterClauses(filters, m) {
  const where = [];
  const params = [];
  const listFilter = (name, column, negate = false) => {
    if (!filters.has(name)) return;
    const values = splitList(filters.get(name));
    if (values.length === 0) return;
    where.push(`${column} ${negate ? 'NOT IN' : 'IN'} (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  listFilter('uuid', 'uuid');
  listFilter('types', 'type');
  listFilter('exclude_types', 'type', true);
  listFilter('modes', 'mode');
  listFilter('statuses', 'status');
  listFilter('initiated_by', 'account_uuid');
  const errors = new ValidationErrors();
  for (const [name, op, dayEnd] of [['date_from', '>=', false], ['date_to', '<=', true]]) {
    if (!filters.has(name) || filters.get(name) === '') continue;
    const at = dayStart(filters.get(name));
    if (at === null) {
      errors.add(`filter.${name}`, `The filter.${name} field must be a valid date.`);
      continue;
    }
    where.push(`created_at ${op} ?`);
    params.push(dayEnd ? at + 86_400_000 - 1 : at);
  }
  errors.throwIfAny();
  return { where, params };
}

/** "2025-12-24" → that day's first millisecond, UTC; null when not a real Y-m-d date. */
function dayStart(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const at = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(at).toISOString().slice(0, 10) === value ? at : null;
}

// ───────────────────────────── download ─────────────────────────────

function downloadReport(app, ctx) {
  const report = app.store.errorReport(ctx.params.uuid) ?? throwNotFound('File', ctx.params.uuid);
  const ascii = report.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(report.filename)}`,
      'cache-control': 'no-store',
    },
    body: app.store.errorReportBytes(report.uuid),
  };
}
