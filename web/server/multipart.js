// multipart.js — a streaming multipart/form-data parser (RFC 7578 / RFC 2046 §5.1) with
// bounded buffering, and a reader that collects a request's fields and files under limits.
//
// The parser holds at most one header block (maxHeaderBytes) or one delimiter's length of
// body bytes between writes: part content is handed on as it arrives, so memory is bounded
// by what the consumer keeps, and the reader below refuses to keep more than its limits.
// Part content is binary-safe: only the exact delimiter CRLF "--" boundary ends a part, so a
// CSV full of CRLFs, quotes, NULs or the boundary's own prefix passes through unchanged.

import { checkDeclaredLength, HttpError, tooLarge } from './http-util.js';

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const DASHES = Buffer.from('--');

/** A malformed body; answered with 400 and this message. */
export class MultipartError extends Error {
  constructor(message) {
    super(message);
    this.name = 'MultipartError';
  }
}

/**
 * Splits a header value into its value and parameters: `form-data; name="a"; filename*=UTF-8''b`.
 * Quoted strings may hold `;` and `\"`; a backslash escapes only `"` and `\` (browsers send
 * Windows paths' backslashes unescaped). `name*` parameters (RFC 8187) are decoded and win
 * over the plain ones.
 * @param {string} header
 * @returns {{value: string, params: Map<string, string>}}
 */
export function parseHeaderParams(header) {
  const params = new Map();
  const extended = new Map();
  let i = header.indexOf(';');
  const value = (i < 0 ? header : header.slice(0, i)).trim().toLowerCase();
  while (i >= 0 && i < header.length) {
    i++; // past ';'
    while (header[i] === ' ' || header[i] === '\t') i++;
    const eq = header.indexOf('=', i);
    const semi = header.indexOf(';', i);
    if (eq < 0 || (semi >= 0 && semi < eq)) {
      i = semi; // a parameter without a value: skip it
      continue;
    }
    const name = header.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let text;
    if (header[i] === '"') {
      text = '';
      i++;
      for (; i < header.length && header[i] !== '"'; i++) {
        if (header[i] === '\\' && (header[i + 1] === '"' || header[i + 1] === '\\')) i++;
        text += header[i];
      }
      if (i >= header.length) throw new MultipartError(`Unterminated quoted parameter "${name}" in the header "${header}".`);
      i = header.indexOf(';', i + 1);
    } else {
      const end = header.indexOf(';', i);
      text = (end < 0 ? header.slice(i) : header.slice(i, end)).trim();
      i = end;
    }
    if (name.endsWith('*')) extended.set(name.slice(0, -1), decodeExtendedValue(text, name));
    else params.set(name, text);
  }
  for (const [name, text] of extended) params.set(name, text);
  return { value, params };
}

/** RFC 8187: charset'language'percent-encoded-octets (UTF-8 or ISO-8859-1). */
function decodeExtendedValue(text, name) {
  const match = /^([^']*)'[^']*'(.*)$/.exec(text);
  if (!match) throw new MultipartError(`The parameter "${name}" is not in charset'language'value form.`);
  const bytes = [];
  const encoded = match[2];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '%' && /^[0-9a-fA-F]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i) & 0xff);
    }
  }
  const charset = match[1].toLowerCase();
  if (charset === 'iso-8859-1') return Buffer.from(bytes).toString('latin1');
  if (charset !== 'utf-8') throw new MultipartError(`The parameter "${name}" uses the unsupported charset "${match[1]}".`);
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The boundary of a multipart/form-data Content-Type.
 * @param {string|undefined} contentType
 */
export function boundaryOf(contentType) {
  const { value, params } = parseHeaderParams(contentType ?? '');
  if (value !== 'multipart/form-data') throw new MultipartError(`Expected a multipart/form-data body, got "${value}".`);
  const boundary = params.get('boundary');
  if (!boundary) throw new MultipartError('The multipart/form-data Content-Type has no boundary parameter.');
  if (boundary.length > 70) throw new MultipartError('The multipart boundary is longer than 70 characters (RFC 2046).');
  return boundary;
}

/**
 * @typedef {object} PartInfo
 * @property {string} name the form field name
 * @property {string|null} filename null for a plain field
 * @property {string} contentType
 * @property {Map<string, string>} headers lower-case names
 */

/**
 * Parses a multipart body fed in chunks of any size. Callbacks:
 * onPart(info) when a part's headers are read, onData(buffer) for its content (in order,
 * possibly many times), onPartEnd() after its last byte.
 */
export class MultipartParser {
  /**
   * @param {string} boundary
   * @param {{onPart: (info: PartInfo) => void, onData: (data: Buffer) => void, onPartEnd: () => void,
   *          maxHeaderBytes?: number, maxParts?: number}} handlers
   */
  constructor(boundary, handlers) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
    this.handlers = handlers;
    this.maxHeaderBytes = handlers.maxHeaderBytes ?? 16 * 1024;
    this.maxParts = handlers.maxParts ?? 100;
    this.parts = 0;
    // The body's first delimiter has no CRLF before it; pretending there was one lets a
    // single delimiter search find every boundary.
    this.buffer = Buffer.from(CRLF);
    this.state = 'preamble';
  }

  /** @param {Buffer} chunk */
  write(chunk) {
    if (this.state === 'done') return; // the epilogue is ignored
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.step());
  }

  /** The body has ended; throws when it ended inside a part. */
  end() {
    if (this.state !== 'done') {
      throw new MultipartError(
        this.parts === 0 && this.state === 'preamble'
          ? 'The multipart body has no part: its boundary never appears.'
          : 'The multipart body ended before its closing boundary.',
      );
    }
  }

  /** Takes one step; false when more input is needed. */
  step() {
    switch (this.state) {
      case 'preamble': return this.skipPreamble();
      case 'boundary': return this.readBoundaryLine();
      case 'headers': return this.readHeaders();
      case 'body': return this.readBody();
      default: return false;
    }
  }

  skipPreamble() {
    const at = this.buffer.indexOf(this.delimiter);
    if (at < 0) {
      this.keepTail(this.delimiter.length - 1);
      return false;
    }
    this.buffer = this.buffer.subarray(at + this.delimiter.length);
    this.state = 'boundary';
    return true;
  }

  /** After a delimiter: "--" closes the body; otherwise optional blanks, then CRLF. */
  readBoundaryLine() {
    if (this.buffer.length < 2) return false;
    if (this.buffer.subarray(0, 2).equals(DASHES)) {
      this.state = 'done';
      this.buffer = Buffer.alloc(0);
      return false;
    }
    const eol = this.buffer.indexOf(CRLF);
    if (eol < 0) {
      if (this.buffer.length > 256) throw new MultipartError('A multipart boundary line is not followed by CRLF.');
      return false;
    }
    for (let i = 0; i < eol; i++) {
      if (this.buffer[i] !== 0x20 && this.buffer[i] !== 0x09) {
        throw new MultipartError('A multipart boundary is followed by text on its own line.');
      }
    }
    this.buffer = this.buffer.subarray(eol + 2);
    this.state = 'headers';
    return true;
  }

  readHeaders() {
    let headerText;
    if (this.buffer.length >= 2 && this.buffer[0] === 0x0d && this.buffer[1] === 0x0a) {
      headerText = ''; // a part without headers
      this.buffer = this.buffer.subarray(2);
    } else {
      const end = this.buffer.indexOf(HEADER_END);
      if (end < 0) {
        if (this.buffer.length > this.maxHeaderBytes) {
          throw new MultipartError(`A multipart part's headers are longer than ${this.maxHeaderBytes} bytes.`);
        }
        return false;
      }
      if (end > this.maxHeaderBytes) {
        throw new MultipartError(`A multipart part's headers are longer than ${this.maxHeaderBytes} bytes.`);
      }
      headerText = this.buffer.subarray(0, end).toString('utf8');
      this.buffer = this.buffer.subarray(end + HEADER_END.length);
    }
    if (++this.parts > this.maxParts) throw new MultipartError(`The multipart body has more than ${this.maxParts} parts.`);
    this.handlers.onPart(partInfo(headerText));
    this.state = 'body';
    return true;
  }

  readBody() {
    const at = this.buffer.indexOf(this.delimiter);
    if (at < 0) {
      // Everything except a possible delimiter prefix at the end is content.
      const safe = this.buffer.length - (this.delimiter.length - 1);
      if (safe > 0) {
        this.handlers.onData(this.buffer.subarray(0, safe));
        this.buffer = this.buffer.subarray(safe);
      }
      return false;
    }
    if (at > 0) this.handlers.onData(this.buffer.subarray(0, at));
    this.handlers.onPartEnd();
    this.buffer = this.buffer.subarray(at + this.delimiter.length);
    this.state = 'boundary';
    return true;
  }

  keepTail(n) {
    if (this.buffer.length > n) this.buffer = Buffer.from(this.buffer.subarray(this.buffer.length - n));
  }
}

/** A part's headers → its field name, file name and type. */
function partInfo(headerText) {
  const headers = new Map();
  let last = null;
  for (const line of headerText.split('\r\n')) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      headers.set(last, `${headers.get(last)} ${line.trim()}`); // obsolete line folding
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartError(`A multipart part has a malformed header line: "${line.slice(0, 80)}".`);
    last = line.slice(0, colon).trim().toLowerCase();
    headers.set(last, line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition');
  if (!disposition) throw new MultipartError('A multipart part has no Content-Disposition header.');
  const { value, params } = parseHeaderParams(disposition);
  if (value !== 'form-data') throw new MultipartError(`A multipart part's Content-Disposition is "${value}", not form-data.`);
  const name = params.get('name');
  if (name === undefined) throw new MultipartError('A multipart part has no name parameter in its Content-Disposition.');
  return {
    name,
    filename: params.has('filename') ? params.get('filename') : null,
    contentType: headers.get('content-type') ?? (params.has('filename') ? 'application/octet-stream' : 'text/plain'),
    headers,
  };
}

/**
 * @typedef {object} UploadedFile
 * @property {string} filename
 * @property {string} contentType
 * @property {Buffer} data
 */

/**
 * Reads a multipart request: plain fields as text (each at most `maxFieldBytes`), files as
 * bytes (each at most `maxFileBytes`, all of them together at most `maxBodyBytes`).
 * Over a limit → 413; malformed → MultipartError (400).
 * @param {import('node:http').IncomingMessage} req
 * @param {{maxBodyBytes: number, maxFileBytes: number, maxFieldBytes?: number, maxParts?: number}} limits
 * @returns {Promise<{fields: Array<[string, string]>, files: Array<[string, UploadedFile]>}>}
 */
export async function readMultipart(req, limits) {
  checkDeclaredLength(req, limits.maxBodyBytes);
  const boundary = boundaryOf(req.headers['content-type']);
  const maxFieldBytes = limits.maxFieldBytes ?? 64 * 1024;
  const fields = [];
  const files = [];
  /** @type {{info: PartInfo, chunks: Buffer[], size: number}|null} */
  let current = null;
  const parser = new MultipartParser(boundary, {
    maxParts: limits.maxParts,
    onPart(info) {
      current = { info, chunks: [], size: 0 };
    },
    onData(data) {
      current.size += data.length;
      if (current.info.filename === null && current.size > maxFieldBytes) {
        throw new HttpError(413, { message: `Content Too Large: the form field "${current.info.name}" is longer than ${maxFieldBytes} bytes.` }, { connection: 'close' });
      }
      if (current.info.filename !== null && current.size > limits.maxFileBytes) {
        throw new HttpError(413, { message: `Content Too Large: the file "${current.info.filename}" is larger than the limit of ${limits.maxFileBytes} bytes.` }, { connection: 'close' });
      }
      current.chunks.push(data);
    },
    onPartEnd() {
      const data = Buffer.concat(current.chunks, current.size);
      const { info } = current;
      if (info.filename === null) fields.push([info.name, data.toString('utf8')]);
      else files.push([info.name, { filename: info.filename, contentType: info.contentType, data }]);
      current = null;
    },
  });
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes);
    parser.write(chunk);
  }
  parser.end();
  return { fields, files };
}
