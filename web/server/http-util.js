// http-util.js — the small vocabulary every part of the server speaks: a response value,
// an error that carries its own response, and reading a request body under a size limit.
//
// Handlers return a Response value instead of writing to `res` themselves, so the pipeline
// (server.js) can store it for an idempotent replay, add CORS and rate-limit headers, or
// drop the connection after the work is done (fault injection) in one place.

/**
 * @typedef {object} Response
 * @property {number} status
 * @property {Record<string, string>} headers lower-case names
 * @property {Buffer} body
 */

/** An error that is answered with its own status and JSON body (Laravel's shape). */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {object} body the JSON body, at least {message}
   * @param {Record<string, string>} [headers]
   */
  constructor(status, body, headers = {}) {
    super(body.message);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }

  /** @returns {Response} */
  toResponse() {
    return jsonResponse(this.status, this.body, this.headers);
  }
}

/**
 * @param {number} status
 * @param {unknown} body serialised with JSON.stringify
 * @param {Record<string, string>} [headers]
 * @returns {Response}
 */
export function jsonResponse(status, body, headers = {}) {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** A body that is not the size it claims, or is larger than the route allows: 413. */
export function tooLarge(limit) {
  return new HttpError(413, {
    message: `Content Too Large: the request body is larger than this route's limit of ${limit} bytes.`,
  }, { connection: 'close' });
}

/**
 * Reads the whole body, refusing more than `limit` bytes (a declared Content-Length over
 * the limit is refused before a byte is read).
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer>}
 */
export async function readBody(req, limit) {
  checkDeclaredLength(req, limit);
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/**
 * Refuses a request whose Content-Length already says it is too large.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 */
export function checkDeclaredLength(req, limit) {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType) {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Milliseconds as the API's timestamps: "2025-12-24T11:02:58+00:00". */
export function isoTime(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** Resolves after `ms` milliseconds (0: after the current I/O callbacks). */
export function sleep(ms) {
  return new Promise((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
}
