/**
 * CSV for every table of the dashboard (issue #7), as spreadsheets open it:
 * - RFC 4180: fields joined by commas, lines by CRLF; a field with a comma, a quote or a line
 *   break is quoted, its quotes doubled.
 * - A UTF-8 byte-order mark first: without it Excel reads the file in the system's code page
 *   and Chinese names and topics come out as mojibake.
 * - Formula injection (OWASP "CSV Injection"): a text cell beginning with = + - @ (or a tab or
 *   carriage return, which some spreadsheets skip before reading a formula) would be run as a
 *   formula. Such text comes from customers and staff (a case summary, a device label), so it
 *   is prefixed with ' and shown as text. Numbers are ours and left alone, so −3 stays a number.
 */

/** A cell: text, a number, or nothing (an empty field). */
export type CsvValue = string | number | null | undefined;

/** One column: its header in the reader's language and how to read a row's cell. */
export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

const BOM = '\uFEFF';
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** The whole file: BOM, the header line, one line per row, CRLF after each. */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const lines = [columns.map((column) => field(column.header)), ...rows.map((row) => columns.map((column) => field(column.value(row))))];
  return BOM + lines.map((cells) => cells.join(',') + '\r\n').join('');
}

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
