// failed-rows.js — the error report (the engine's error CSV) as an index the review table
// can scroll and filter, however many rows failed.
//
// One pass over the Blob, a slice at a time (the page keeps responding): per failed row it
// keeps the record's raw text, its line number, and which field and rule each of its
// messages is about (small integers in typed arrays). Cells are parsed again only for the
// rows on screen. 100,000 failed rows cost their text plus a few bytes each.

import { parseRecord, readRecords } from './csv.js';
import { ROW_FIELD, splitMessages } from './messages.js';

/** The first characters the engine neutralises with a leading apostrophe (robustness §3). */
const NEUTRALISED = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\0']);

/**
 * A cell as the user wrote it: the error report prefixes "'" to cells that a spreadsheet
 * would run as a formula; the table shows the value without it.
 * @param {string} cell
 */
export function unneutralise(cell) {
  return cell.length > 1 && cell[0] === "'" && NEUTRALISED.has(cell[1]) ? cell.slice(1) : cell;
}

class GrowableU32 {
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity);
    this.length = 0;
  }

  push(value) {
    if (this.length === this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  view() {
    return this.data.subarray(0, this.length);
  }
}

/**
 * @typedef {{text: string, field: string, rule: string}} RowMessage
 * @typedef {{index: number, line: number, cells: string[], extra: string[], messages: RowMessage[],
 *   byField: Map<string, RowMessage[]>}} FailedRow
 */

export class FailedRows {
  /**
   * Reads an error report.
   * @param {Blob} blob the error CSV (from validate(): result.errorReport)
   * @param {{classifier: ReturnType<typeof import('./messages.js').createClassifier>,
   *   fieldOfHeader: Map<string, string>, signal?: AbortSignal,
   *   onProgress?: (done: number, total: number) => void}} options
   */
  static async load(blob, { classifier, fieldOfHeader, signal, onProgress }) {
    const rows = new FailedRows(classifier, fieldOfHeader);
    let readBytes = 0;
    await readRecords(blob, (records) => {
      for (const record of records) rows._add(record);
      readBytes += records.reduce((n, r) => n + r.length + 2, 0);
      onProgress?.(Math.min(readBytes, blob.size), blob.size);
    }, { signal });
    rows._finish();
    return rows;
  }

  constructor(classifier, fieldOfHeader) {
    this.classifier = classifier;
    this.fieldOfHeader = fieldOfHeader;
    /** The file's headers (the report's header row without "line" and "errors"). */
    this.headers = [];
    this.errorsColumn = -1;
    /** @type {string[]} each failed row's record, as the report has it */
    this.texts = [];
    this._lines = new GrowableU32();
    this._tagStart = new GrowableU32();
    this._tags = new GrowableU32(); // (fieldId << 16) | ruleId, one per message
    /** @type {string[]} */ this.fieldNames = [];
    /** @type {string[]} */ this.ruleNames = [];
    this._fieldIds = new Map();
    this._ruleIds = new Map();
    /** field → failed rows with a problem in it (each row once, as errors_by_field) */
    this.rowsByField = new Map();
    /** rule → messages (as errors_by_rule) */
    this.messagesByRule = new Map();
    this._cache = new Map();
    this._columnOfField = new Map();
  }

  get count() {
    return this.texts.length;
  }

  _id(map, names, name) {
    let id = map.get(name);
    if (id === undefined) {
      id = names.length;
      names.push(name);
      map.set(name, id);
    }
    return id;
  }

  _add(record) {
    if (this.errorsColumn < 0) {
      const header = parseRecord(record);
      this.errorsColumn = header.length - 1;
      this.headers = header.slice(1, this.errorsColumn);
      this.headers.forEach((h, i) => {
        const f = this.fieldOfHeader.get(h);
        if (f && !this._columnOfField.has(f)) this._columnOfField.set(f, i);
      });
      return;
    }
    const cells = parseRecord(record);
    const messages = splitMessages(cells[this.errorsColumn] ?? '');
    const tags = this.classifier.classifyRow(messages, (f) => this._valueOf(cells, f));
    this.texts.push(record);
    this._lines.push(Number.parseInt(cells[0], 10) >>> 0);
    this._tagStart.push(this._tags.length);
    const seen = new Set();
    for (const { field, rule } of tags) {
      const fid = this._id(this._fieldIds, this.fieldNames, field);
      const rid = this._id(this._ruleIds, this.ruleNames, rule);
      this._tags.push((fid << 16) | rid);
      if (!seen.has(field)) {
        seen.add(field);
        this.rowsByField.set(field, (this.rowsByField.get(field) ?? 0) + 1);
      }
      this.messagesByRule.set(rule, (this.messagesByRule.get(rule) ?? 0) + 1);
    }
  }

  _finish() {
    this._tagStart.push(this._tags.length);
    this.lines = this._lines.view();
    this.tagStart = this._tagStart.view();
    this.tags = this._tags.view();
  }

  _valueOf(cells, fieldName) {
    const column = this._columnOfField.get(fieldName);
    return column === undefined ? undefined : unneutralise(cells[column + 1] ?? '');
  }

  /** The report column (0-based among the file's headers) a field's values are in, if any. */
  columnOf(fieldName) {
    return this._columnOfField.get(fieldName);
  }

  /** The line number of failed row i. */
  line(i) {
    return this.lines[i];
  }

  /**
   * Row i, parsed (the last few hundred are cached).
   * @param {number} i
   * @returns {FailedRow}
   */
  row(i) {
    const hit = this._cache.get(i);
    if (hit) return hit;
    const cells = parseRecord(this.texts[i]);
    const messageTexts = splitMessages(cells[this.errorsColumn] ?? '');
    const messages = messageTexts.map((text, k) => {
      const tag = this.tags[this.tagStart[i] + k];
      return tag === undefined
        ? { text, field: ROW_FIELD, rule: 'other' }
        : { text, field: this.fieldNames[tag >>> 16], rule: this.ruleNames[tag & 0xffff] };
    });
    const byField = new Map();
    for (const m of messages) {
      if (!byField.has(m.field)) byField.set(m.field, []);
      byField.get(m.field).push(m);
    }
    const row = {
      index: i,
      line: this.lines[i],
      cells: this.headers.map((_, c) => unneutralise(cells[c + 1] ?? '')),
      extra: cells.slice(this.errorsColumn + 1).map(unneutralise),
      messages,
      byField,
    };
    if (this._cache.size > 400) this._cache.delete(this._cache.keys().next().value);
    this._cache.set(i, row);
    return row;
  }

  /**
   * The rows with a message about `field` and/or from `rule` (both: in one message).
   * @param {{field?: string|null, rule?: string|null}} filter
   * @returns {Uint32Array|null} row indexes, or null for "every row"
   */
  filter({ field = null, rule = null } = {}) {
    if (!field && !rule) return null;
    const fid = field ? this._fieldIds.get(field) : undefined;
    const rid = rule ? this._ruleIds.get(rule) : undefined;
    if ((field && fid === undefined) || (rule && rid === undefined)) return new Uint32Array(0);
    const out = new GrowableU32(256);
    for (let i = 0; i < this.count; i++) {
      for (let k = this.tagStart[i]; k < this.tagStart[i + 1]; k++) {
        const tag = this.tags[k];
        if ((fid === undefined || tag >>> 16 === fid) && (rid === undefined || (tag & 0xffff) === rid)) {
          out.push(i);
          break;
        }
      }
    }
    return out.view().slice();
  }
}
