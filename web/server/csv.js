// csv.js — the little CSV the server needs around the engine's output.
//
// The engine writes both CSVs the server reads: batches (canonical headers, RFC 4180,
// CRLF, cells quoted only when needed) and the error report (every cell quoted and
// neutralised, UTF-8 with BOM, CRLF). So this reads RFC 4180 exactly and nothing looser,
// and writes error rows the way the engine's csv_writer does (core/include/preflight/
// csv_writer.h), so rows the server adds (a record that update mode cannot find) read
// the same as the engine's.

const BOM = '\ufeff';

/**
 * Parses RFC 4180 text into rows of cells. A final line end is optional.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let i = text.startsWith(BOM) ? 1 : 0;
  let quoted = false;
  let fieldStart = true;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
      fieldStart = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      fieldStart = true;
    } else {
      cell += c;
      fieldStart = false;
    }
  }
  if (quoted) throw new Error('parseCsv: the text ends inside a quoted cell');
  if (!fieldStart || row.length > 0 || cell !== '') {
    row.push(cell);
    rows.push(row);
  }
  return rows;
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

/** True when a spreadsheet could run the cell as a formula (first character only). */
export function isFormulaTrigger(cell) {
  return cell.length > 0 && '=+-@\t\r\n\0'.includes(cell[0]);
}

/** One neutralised cell: always quoted, a leading apostrophe before a formula trigger. */
export function neutralisedCell(cell) {
  const text = isFormulaTrigger(cell) ? `'${cell}` : cell;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A neutralised row with a CRLF, as the engine's error CSV writes it. */
export function neutralisedRow(cells) {
  return `${cells.map(neutralisedCell).join(',')}\r\n`;
}
