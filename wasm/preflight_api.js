// preflight_api.js — the public JavaScript surface of the Wasm module (linked with --pre-js,
// so it runs inside the module factory).
//
//   import createPreflight from './preflight.js';
//   const pf = await createPreflight();              // in Node: createPreflight({ wasmBinary })
//   const s = pf.openSession('clients', { mode: 'store', batches: true });
//   try {
//     for (const chunk of chunks) s.feed(chunk);     // Uint8Array / ArrayBuffer, any size
//     s.finish();
//   } catch (e) { if (!(e instanceof pf.PreflightError)) throw e; /* e.code, e.message */ }
//   const summary = s.summary();                     // the CLI's summary JSON, parsed
//   const csv = s.takeErrorCsv();                    // Uint8Array, byte-exact
//   for (let b; (b = s.nextBatch()); ) post(b.csv);  // {index, rows, firstLine, lastLine, csv}
//   s.close();                                       // frees the Wasm-side session
//
// Every failure arrives as a PreflightError whose `code` is the core's errc name
// ("unknown_type", "invalid_argument", "bad_mapping", "empty_file", …) and whose message
// names what was wrong. No C++ exception exists in this module: the raw Embind methods
// (names starting with "_") return a status {code, message}, checked here.
//
// A failing feed()/finish() is import-level (unusable file, unmapped required field): the
// summary then has status "failed" and is still readable, as are the error CSV and batches
// produced before the failure, exactly as the CLI prints them.

/** An import-level failure, or a malformed argument. */
class PreflightError extends Error {
  /**
   * @param {string} code the core's error code name, e.g. "bad_mapping"
   * @param {string} message what was wrong, naming the file, line, column or field
   */
  constructor(code, message) {
    super(message);
    this.name = 'PreflightError';
    this.code = code;
  }
}

/** Bytes fed to the engine per Embind call at most: bounds the Wasm heap whatever the caller
 * passes, and 1 MiB calls run faster than one giant call (V8 optimises a Wasm function
 * between calls). */
var PREFLIGHT_MAX_FEED = 1 << 20;

function preflightCheck(status) {
  if (status.code !== 'ok') throw new PreflightError(status.code, status.message);
}

function preflightBytes(data, what) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new PreflightError('invalid_argument', what + ' must be a Uint8Array, an ArrayBuffer or a typed array view');
}

/** Extra schemas: JSON strings, or {name, json} (name is used in messages). */
function preflightSchemas(schemas) {
  if (schemas === undefined || schemas === null) return [];
  if (!Array.isArray(schemas)) throw new PreflightError('invalid_argument', 'schemas must be an array of JSON strings or {name, json} objects');
  return schemas.map(function (s, i) {
    if (typeof s === 'string') return { name: 'schemas[' + i + ']', json: s };
    if (s && typeof s.json === 'string') return { name: typeof s.name === 'string' ? s.name : 'schemas[' + i + ']', json: s.json };
    throw new PreflightError('invalid_argument', 'schemas[' + i + '] must be a JSON string or {name, json}');
  });
}

/** One import being checked. Create it with Module.openSession(); call close() when done. */
class PreflightSession {
  constructor(raw) {
    this._raw = raw;
  }

  _live() {
    if (!this._raw) throw new PreflightError('invalid_state', 'the session is closed');
    return this._raw;
  }

  /**
   * Feeds the next bytes of the file (any chunk size; the engine streams).
   * @param {Uint8Array|ArrayBuffer|ArrayBufferView} data
   */
  feed(data) {
    var raw = this._live();
    var bytes = preflightBytes(data, 'feed()');
    var at = 0;
    do {
      var piece = bytes.subarray(at, Math.min(bytes.length, at + PREFLIGHT_MAX_FEED));
      // One call per piece: C++ copies it into a reused heap buffer (TypedArray.set).
      preflightCheck(raw._feedBytes(piece));
      at += piece.length;
    } while (at < bytes.length);
  }

  /** No more bytes: flushes the last row and batch, completes the summary. */
  finish() {
    preflightCheck(this._live()._finish());
  }

  /** The summary (complete after finish()), in the import resource's shape. */
  summary() {
    return JSON.parse(this.summaryJson(0));
  }

  /** The summary as JSON text, as the CLI prints it (indent 2) or compact (0). */
  summaryJson(indent) {
    return this._live()._summaryJson(indent === undefined ? 2 : indent);
  }

  /** Mapping suggestions for every header (once the header and sample rows are in). */
  suggestions() {
    return JSON.parse(this._live()._suggestionsJson());
  }

  /** {names, original, warnings, samples}: the file's headers and first rows. */
  headers() {
    return JSON.parse(this._live()._headersJson());
  }

  /** {bytesRead, rowsRead, rowsFailed, headerReady, mappingReady, finished}. */
  progress() {
    return JSON.parse(this._live()._progressJson());
  }

  /** The error CSV produced since the last call (UTF-8 with BOM), as bytes. */
  takeErrorCsv() {
    return this._live()._takeErrorCsv();
  }

  /** The next complete batch of clean rows, or null: {index, rows, firstLine, lastLine, csv}. */
  nextBatch() {
    return this._live()._nextBatch();
  }

  /** Frees the Wasm-side session. Safe to call twice. */
  close() {
    if (this._raw) {
      this._raw.delete();
      this._raw = null;
    }
  }
}

Module['PreflightError'] = PreflightError;
Module['PreflightSession'] = PreflightSession;

/**
 * Opens an import: `type` (clients, plans, …), options (an object or its JSON text; see
 * core/include/preflight/options.h) and extra or replacement schemas.
 * @returns {PreflightSession}
 */
Module['openSession'] = function (type, options, schemas) {
  if (typeof type !== 'string') throw new PreflightError('invalid_argument', 'the import type must be a string');
  var json = options === undefined || options === null ? '{}' : typeof options === 'string' ? options : JSON.stringify(options);
  var list = preflightSchemas(schemas);
  var raw = new Module['_Session']();
  var status = raw._open(type, json, list);
  if (status.code !== 'ok') {
    raw.delete();
    throw new PreflightError(status.code, status.message);
  }
  return new PreflightSession(raw);
};

/** The import types and their fields as JSON text (built-in plus `schemas`). */
Module['typesJson'] = function (schemas) {
  var out = Module['_typesJson'](preflightSchemas(schemas));
  preflightCheck(out);
  return out.json;
};

/** The import types and their fields (parsed). */
Module['types'] = function (schemas) {
  return JSON.parse(Module['typesJson'](schemas));
};

/** The engine's version, as in every summary. */
Module['engineVersion'] = function () {
  return Module['_engineVersion']();
};
