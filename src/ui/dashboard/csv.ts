/**
 * CSV for every table of the dashboard, as spreadsheets open it:
 * - RFC 4180: fields joined by commas, lines by CRLF, quotes inside a field doubled. Every text
 *   field is quoted, whatever it holds; numbers are not, so a spreadsheet still reads them as
 *   numbers (and −3 stays a number).
 * - A UTF-8 byte-order mark first: without it Excel reads the file in the system's code page
 *   and Chinese names and topics come out as mojibake.
 * - Formula injection (OWASP "CSV Injection"): text from customers and staff (a case summary,
 *   a device label) that a spreadsheet reads as a formula would be run when the file is opened.
 *   A spreadsheet runs a cell whose first character is = + - or @ (some skip a tab or carriage
 *   return first). Quoting is not enough, because the file is not always split where we put
 *   the commas: Excel set to Spanish (and most of continental Europe) splits a .csv on `;`,
 *   and an import dialog may split on tabs too. Then "abc;=1+2" becomes a cell "=1+2", and a
 *   line break inside a field may start a new row. So wherever a cell could start, in any of
 *   those splits (the start of the text, or after a comma, semicolon, tab or line break, then
 *   any spaces or quotes), a formula character gets a ' before it: the spreadsheet shows the
 *   text instead of running it. The price is a ' in text such as "Window 3, -2 °C".
 */

/** A cell: text, a number, or nothing (an empty field). */
export type CsvValue = string | number | null | undefined;

/** One column: its header in the reader's language and how to read a row's cell. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

const BOM = '\uFEFF';
/** What a spreadsheet takes as the start of a formula, at the start of a cell. */
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);
/** Where a spreadsheet may start a new cell or row, splitting on commas, semicolons or tabs. */
const CELL_BREAK = new Set([',', ';', '\t', '\r', '\n']);
/** Skipped before a cell's first character: spaces (trimmed by some importers) and quotes. */
const CELL_PADDING = new Set([' ', '"']);

/** The whole file: BOM, the header line, one line per row, CRLF after each. */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const lines = [columns.map((column) => csvField(column.header)), ...rows.map((row) => columns.map((column) => csvField(column.value(row))))];
  return BOM + lines.map((cells) => cells.join(',') + '\r\n').join('');
}

/** One field as written in the file: a number as it is, text neutralized and quoted, nothing empty. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return `"${neutralizeFormulas(value).replaceAll('"', '""')}"`;
}

/** Puts a ' before every formula character that could begin a cell, however the text is split. */
export function neutralizeFormulas(text: string): string {
  let out = '';
  let atCellStart = true;
  for (const char of text) {
    if (atCellStart && FORMULA_START.has(char)) out += "'";
    out += char;
    // A tab or carriage return is both: neutralized above, and the start of the next cell.
    if (CELL_BREAK.has(char)) atCellStart = true;
    else if (!CELL_PADDING.has(char)) atCellStart = false;
  }
  return out;
}
