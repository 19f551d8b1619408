// csv.js — the little CSV the server needs around the engine's output.
//
// The engine writes both CSVs the server reads: batches (canonical headers, RFC 4180,
// CRLF, cells quoted only when needed) and the error report (every cell quoted and
// neutralised, UTF-8 with BOM, CRLF). So this reads RFC 4180 exactly and nothing looser,
// and writes error rows the way the engine's csv_writer does (core/include/preflight/
// csv_writer.h), so rows the server adds (a record that update mode cannot find) read
// the same as the engine's. Parsing and neutralising are the browser library's
// (web/src/report-csv.js), so the two sides write error rows one way.

import { parseCsvRecords } from '../src/report-csv.js';

export { isFormulaTrigger, neutralisedCell, neutralisedRow } from '../src/report-csv.js';

/**
 * Parses RFC 4180 text into rows of cells. A final line end is optional.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  return parseCsvRecords(text).map((record) => record.cells);
}

/**
 * Splits CSV text into its records without unquoting them: each record's raw text with
 * its line end. For the engine's error CSV, whose chunks always end on a record boundary.
 * @param {string} text
 * @returns {string[]}
 */
export function splitRecords(text) {
  const records = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted; // "" inside a quoted cell toggles twice: no change
    else if (!quoted && c === '\n') {
      records.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  return records;
}

/** The first cell of an error CSV record, as a number: the record's line. */
export function recordLine(record) {
  const m = /^\ufeff?"'?(\d+)"/.exec(record);
  return m ? Number(m[1]) : 0;
}
