// form.js — a request's input as Laravel sees it: JSON, urlencoded and multipart bodies all
// become one nested value, with PHP's bracket names (`headers[0][email]=Email`) turned into
// nested objects, the last value winning for a repeated name.
//
// Every object here has a null prototype: names are user text, and "__proto__" or
// "constructor" must be plain keys, never a path into Object.prototype.

import { HttpError, mediaType, readBody } from './http-util.js';
import { MultipartError, readMultipart } from './multipart.js';

/** A new object with no prototype. */
export function dict() {
  return Object.create(null);
}

/**
 * "headers[0][email]" → ["headers", "0", "email"]; "a[]" → ["a", ""] (append).
 * A name that is not bracket-shaped is one segment, as PHP keeps it.
 * @param {string} name
 */
export function nameSegments(name) {
  const open = name.indexOf('[');
  if (open <= 0) return [name];
  const segments = [name.slice(0, open)];
  const rest = name.slice(open);
  const re = /\[([^\]]*)\]/y;
  let at = 0;
  for (let m; (m = re.exec(rest)); at = re.lastIndex) segments.push(m[1]);
  return at === rest.length ? segments : [name];
}

/**
 * Sets `value` at the path `name` describes inside `target`.
 * @param {object} target a dict()
 * @param {string} name
 * @param {unknown} value
 */
export function setByName(target, name, value) {
  const segments = nameSegments(name);
  let node = target;
  for (let i = 0; i < segments.length; i++) {
    let key = segments[i];
    if (key === '') key = String(Object.keys(node).length); // "a[]": append
    if (i === segments.length - 1) {
      node[key] = value;
    } else {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = dict();
      node = node[key];
    }
  }
}

/**
 * A JSON value with every object re-made with a null prototype (JSON.parse makes
 * "__proto__" an own key already; this keeps it one when the value is copied around).
 */
function nullProto(value) {
  if (Array.isArray(value)) return value.map(nullProto);
  if (value && typeof value === 'object') {
    const out = dict();
    for (const [k, v] of Object.entries(value)) out[k] = nullProto(v);
    return out;
  }
  return value;
}

/**
 * @typedef {object} RequestInput
 * @property {object} input the nested fields (dict)
 * @property {Map<string, import('./multipart.js').UploadedFile>} files by field name
 * @property {string} kind 'json' | 'form' | 'multipart' | 'empty'
 */

/**
 * Reads and parses a request body by its Content-Type.
 * @param {import('node:http').IncomingMessage} req
 * @param {{maxBodyBytes: number, maxFileBytes: number}} limits
 * @returns {Promise<RequestInput>}
 */
export async function readInput(req, limits) {
  const type = mediaType(req.headers['content-type']);
  if (type === 'multipart/form-data') {
    let parsed;
    try {
      parsed = await readMultipart(req, limits);
    } catch (e) {
      if (e instanceof MultipartError) throw new HttpError(400, { message: `Malformed multipart/form-data body: ${e.message}` });
      throw e;
    }
    const input = dict();
    for (const [name, value] of parsed.fields) setByName(input, name, value);
    return { input, files: new Map(parsed.files), kind: 'multipart' };
  }
  const body = await readBody(req, limits.maxBodyBytes);
  if (body.length === 0) return { input: dict(), files: new Map(), kind: 'empty' };
  if (type === 'application/json' || type.endsWith('+json')) {
    let value;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw new HttpError(400, { message: `The request body is not valid JSON: ${e.message}` });
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new HttpError(400, { message: 'The request body must be a JSON object.' });
    }
    return { input: nullProto(value), files: new Map(), kind: 'json' };
  }
  if (type === 'application/x-www-form-urlencoded') {
    const input = dict();
    for (const [name, value] of new URLSearchParams(body.toString('utf8'))) setByName(input, name, value);
    return { input, files: new Map(), kind: 'form' };
  }
  throw new HttpError(415, {
    message: `Unsupported Content-Type "${type || '(none)'}": send application/json, application/x-www-form-urlencoded or multipart/form-data.`,
  });
}

/**
 * A canonical text of the input, for comparing two requests: keys sorted, files by name,
 * type and SHA-256 of their bytes. Two uploads of the same form with different multipart
 * boundaries give the same text.
 * @param {RequestInput} parsed
 * @param {(data: Buffer) => string} hash
 */
export function canonicalInput(parsed, hash) {
  const files = [...parsed.files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, f]) => [name, f.filename, hash(f.data)]);
  return JSON.stringify([sortedValue(parsed.input), files]);
}

function sortedValue(value) {
  if (Array.isArray(value)) return value.map(sortedValue);
  if (value && typeof value === 'object') {
    return Object.keys(value).sort().map((k) => [k, sortedValue(value[k])]);
  }
  return value;
}
