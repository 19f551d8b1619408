// report-csv.js — the little CSV the batch poster needs around the engine's output:
// reading batches and error reports (RFC 4180, as the engine and the reference server write
// them), tagging a batch with its identity column, and writing the merged error report the
// way the engine's error CSV is written (tests/fixtures/*/*.errors.csv): UTF-8 with a BOM,
// CRLF, every cell quoted, a cell that starts with = + - @ tab CR LF or NUL prefixed with
// an apostrophe so a spreadsheet never runs it, messages joined with "\n".

export const BOM = '\ufeff';
const TRIGGERS = '=+-@\t\r\n\0';

/**
 * @typedef {object} CsvRecord
 * @property {string[]} cells
 * @property {number} line the physical line (1-based) the record starts on
 * @property {number} lines how many physical lines it spans
 */

/**
 * Parses RFC 4180 text (a leading BOM is skipped; CRLF, LF or CR line ends) into records with
 * the physical line each starts on, counting line breaks inside quoted cells.
 * @param {string} text
 * @returns {CsvRecord[]}
 */
export function parseCsvRecords(text) {
  const records = [];
  let cells = [];
  let cell = '';
  let quoted = false;
  let fieldStart = true;
  let line = 1;
  let recordLine = 1;
  let i = text.startsWith(BOM) ? 1 : 0;
  const endRecord = () => {
    cells.push(cell);
    records.push({ cells, line: recordLine, lines: line - recordLine + 1 });
    cells = [];
    cell = '';
    fieldStart = true;
  };
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
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        cell += c;
      }
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      fieldStart = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += c;
      fieldStart = false;
    }
  }
  if (quoted) throw new Error('CSV text ends inside a quoted cell');
  if (!fieldStart || cells.length > 0 || cell !== '') endRecord();
  return records;
}

/** True when a spreadsheet could run the cell as a formula (first character only). */
export function isFormulaTrigger(cell) {
  return cell.length > 0 && TRIGGERS.includes(cell[0]);
}

/** One neutralised cell: an apostrophe before a formula trigger, always quoted. */
export function neutralisedCell(cell) {
  const text = isFormulaTrigger(cell) ? `'${cell}` : cell;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Undoes neutralisedCell's apostrophe (the quoting is already gone after parsing). */
export function unneutralised(cell) {
  return cell.length > 1 && cell[0] === "'" && TRIGGERS.includes(cell[1]) ? cell.slice(1) : cell;
}

/** A neutralised row with its CRLF. */
export function neutralisedRow(cells) {
  return `${cells.map((c) => neutralisedCell(String(c ?? ''))).join(',')}\r\n`;
}

/**
 * Appends one column to CSV text: `header` on the first record, an empty cell on every other.
 * Quote-aware, so a line break inside a quoted cell is left alone; each record keeps its own
 * line end (CRLF, LF or CR) and a final record without one stays without.
 * @param {string} text
 * @param {string} header a plain name (no quote, comma or line break)
 * @returns {string}
 */
export function appendColumn(text, header) {
  if (/[",\r\n]/.test(header)) throw new Error(`appendColumn: "${header}" would need quoting`);
  let out = '';
  let from = 0;
  let quoted = false;
  let first = true;
  let afterLastEnd = 0; // index just after the last record's line end
  for (let i = text.startsWith(BOM) ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted; // "" inside a quoted cell toggles twice: no change
    else if (!quoted && (c === '\r' || c === '\n')) {
      out += text.slice(from, i) + (first ? `,${header}` : ',');
      first = false;
      from = i;
      if (c === '\r' && text[i + 1] === '\n') i++;
      afterLastEnd = i + 1;
    }
  }
  out += text.slice(from);
  if (afterLastEnd < text.length || first) out += first ? `,${header}` : ','; // a last record without a line end
  return out;
}

/**
 * Writes an error CSV: BOM, the header row, then the rows, all neutralised, CRLF.
 * @param {string[]} header
 * @param {string[][]} rows
 * @returns {string}
 */
export function writeErrorCsv(header, rows) {
  return BOM + neutralisedRow(header) + rows.map(neutralisedRow).join('');
}
