// report-csv.d.ts — the public API of web/src/report-csv.js (hand-written; keep in step).

export const BOM: '\ufeff';

export interface CsvRecord {
  cells: string[];
  /** The physical line (1-based) the record starts on. */
  line: number;
  /** Physical lines it spans. */
  lines: number;
}

export function parseCsvRecords(text: string): CsvRecord[];
export function isFormulaTrigger(cell: string): boolean;
export function neutralisedCell(cell: string): string;
export function unneutralised(cell: string): string;
export function neutralisedRow(cells: Array<string | number | null | undefined>): string;
/** Appends a column: `header` on the first record, an empty cell on every other. */
export function appendColumn(text: string, header: string): string;
/** BOM + header + rows, every cell quoted and neutralised, CRLF. */
export function writeErrorCsv(header: string[], rows: string[][]): string;
