import Papa from 'papaparse';
import { brokenQuotes, csvColumnsOf, csvLineOf, EMPTY_EXPORT, isBlankRow, type CsvColumns, type CsvLine, type CsvRefusal } from '../domain/queue-csv.ts';
import { err, ok, type Result } from '../domain/result.ts';

/**
 * Reads a queue system's export (domain/queue-csv.ts says what its lines mean): its lines
 * with events, numbered as a text editor numbers them (the header is line 1, a quoted field
 * may span lines, blank lines are skipped but counted). Comma-, tab-, semicolon- or
 * pipe-separated, as the parser finds it. Refused whole when the header is wrong.
 */
export function readQueueCsv(text: string, timeZone: string): Result<CsvLine[], CsvRefusal> {
  const lines: CsvLine[] = [];
  let columns: CsvColumns | null = null;
  let refusal: string | null = null;
  // The parser says where each row ends; counting the line breaks up to there numbers the rows.
  let at = 0;
  let lineNo = 1;
  const advanceTo = (end: number) => {
    for (; at < end; at++) if (text.charCodeAt(at) === 10) lineNo++;
  };
  Papa.parse<string[]>(text, {
    skipEmptyLines: true,
    delimitersToGuess: [',', '\t', ';', '|'],
    step: (row, parser) => {
      // Blank lines before the row were skipped by the parser: the row starts after them.
      while (at < row.meta.cursor && (text[at] === '\n' || text[at] === '\r')) advanceTo(at + 1);
      const line = lineNo;
      advanceTo(row.meta.cursor);
      if (columns === null) {
        const header = csvColumnsOf(row.data);
        if (!header.ok) {
          refusal = header.message;
          parser.abort();
        } else columns = header.value;
        return;
      }
      if (isBlankRow(row.data)) return;
      const broken = row.errors.find((e) => e.type === 'Quotes');
      lines.push(broken ? { line, problem: brokenQuotes(broken.message) } : csvLineOf(line, row.data, columns, timeZone));
    },
  });
  if (refusal !== null) return err('bad-request', refusal);
  if (columns === null) return err('bad-request', EMPTY_EXPORT);
  return ok(lines);
}
