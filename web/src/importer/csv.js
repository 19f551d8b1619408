// csv.js — reading back the CSV the engine wrote (the error report, the clean batches):
// RFC 4180, comma-separated, UTF-8 (with a BOM on the error report), quotes doubled inside
// quoted cells, records ended by CRLF (or LF), line breaks allowed inside quotes. Only for
// the engine's own output: user files are read by the engine, never here.

/**
 * Splits CSV text that arrives in pieces into whole records (their raw text, without the
 * line ending). Keeps the unfinished tail for the next piece.
 */
export class RecordSplitter {
  constructor() {
    this.carry = '';
    this.inQuotes = false;
    /** Where scanning of `carry` stopped (everything before it is inside the open record). */
    this.scanned = 0;
    this.first = true;
  }

  /**
   * @param {string} text the next piece
   * @returns {string[]} the records completed by it
   */
  push(text) {
    let buf = this.carry + text;
    if (this.first && buf.length > 0) {
      this.first = false;
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
    }
    const out = [];
    let start = 0;
    let i = this.scanned;
    let inQuotes = this.inQuotes;
    const n = buf.length;
    while (i < n) {
      if (inQuotes) {
        const q = buf.indexOf('"', i);
        if (q < 0) {
          i = n;
          break;
        }
        // A doubled quote stays inside; we cannot tell before the next char arrives.
        if (q + 1 >= n) {
          i = q;
          break;
        }
        if (buf.charCodeAt(q + 1) === 34) {
          i = q + 2;
          continue;
        }
        inQuotes = false;
        i = q + 1;
        continue;
      }
      const c = buf.charCodeAt(i);
      if (c === 34) {
        inQuotes = true;
        i++;
      } else if (c === 10 || c === 13) {
        if (c === 13 && i + 1 >= n) break; // CR at the end: wait for a possible LF
        out.push(buf.slice(start, i));
        i += c === 13 && buf.charCodeAt(i + 1) === 10 ? 2 : 1;
        start = i;
      } else {
        // Skip ahead to the next special character.
        let j = i + 1;
        while (j < n) {
          const d = buf.charCodeAt(j);
          if (d === 34 || d === 10 || d === 13) break;
          j++;
        }
        i = j;
      }
    }
    this.carry = buf.slice(start);
    this.scanned = i - start;
    this.inQuotes = inQuotes;
    return out;
  }

  /** @returns {string[]} the last record, when the text did not end with a line break */
  end() {
    const rest = this.carry;
    this.carry = '';
    this.scanned = 0;
    return rest === '' ? [] : [rest.replace(/\r$/, '')];
  }
}

/**
 * The cells of one record's raw text.
 * @param {string} record
 * @returns {string[]}
 */
export function parseRecord(record) {
  const cells = [];
  let i = 0;
  const n = record.length;
  if (n === 0) return [''];
  while (i <= n) {
    if (record.charCodeAt(i) === 34) {
      let value = '';
      i++;
      for (;;) {
        const q = record.indexOf('"', i);
        if (q < 0) {
          value += record.slice(i);
          i = n;
          break;
        }
        value += record.slice(i, q);
        if (record.charCodeAt(q + 1) === 34) {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      // Anything between the closing quote and the comma is kept (not RFC, but lossless).
      const comma = record.indexOf(',', i);
      if (comma < 0) {
        value += record.slice(i);
        cells.push(value);
        break;
      }
      value += record.slice(i, comma);
      cells.push(value);
      i = comma + 1;
      if (i === n) {
        cells.push('');
        break;
      }
    } else {
      const comma = record.indexOf(',', i);
      if (comma < 0) {
        cells.push(record.slice(i));
        break;
      }
      cells.push(record.slice(i, comma));
      i = comma + 1;
      if (i === n) {
        cells.push('');
        break;
      }
    }
  }
  return cells;
}

/**
 * Reads a Blob of CSV a slice at a time, calling `onRecords` with each group of raw
 * records, and yielding to the page between slices so it stays responsive.
 * @param {Blob} blob
 * @param {(records: string[]) => void|false} onRecords return false to stop early
 * @param {{sliceBytes?: number, signal?: AbortSignal}} [options]
 */
export async function readRecords(blob, onRecords, { sliceBytes = 1 << 20, signal } = {}) {
  const splitter = new RecordSplitter();
  const decoder = new TextDecoder('utf-8');
  for (let at = 0; at < blob.size; at += sliceBytes) {
    if (signal?.aborted) return;
    const bytes = new Uint8Array(await blob.slice(at, Math.min(blob.size, at + sliceBytes)).arrayBuffer());
    const records = splitter.push(decoder.decode(bytes, { stream: true }));
    if (records.length && onRecords(records) === false) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const tail = splitter.push(decoder.decode());
  tail.push(...splitter.end());
  if (tail.length) onRecords(tail);
}

/**
 * The first `limit` records of a CSV Blob, as cells (header first).
 * @param {Blob} blob
 * @param {number} limit
 */
export async function headRecords(blob, limit) {
  const rows = [];
  await readRecords(blob, (records) => {
    for (const r of records) {
      if (rows.length >= limit) return false;
      rows.push(parseRecord(r));
    }
    return rows.length < limit;
  }, { sliceBytes: 64 << 10 });
  return rows;
}
