import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvField, neutralizeFormulas, toCsv, type CsvColumn, type CsvValue } from '../../../src/ui/dashboard/csv.ts';

type Row = { name: string | null; count: number | null };
const COLUMNS: CsvColumn<Row>[] = [
  { header: 'Name', value: (row) => row.name },
  { header: 'Count', value: (row) => row.count },
];
const BOM = '\uFEFF';
const csvOf = (...rows: Row[]) => toCsv(rows, COLUMNS);

describe('toCsv', () => {
  it('given rows, then a BOM, the header line and one CRLF-ended line per row, text quoted and numbers not', () => {
    expect(csvOf({ name: 'Mei Chen', count: 412 }, { name: 'Li Wei', count: 0 })).toBe(`${BOM}"Name","Count"\r\n"Mei Chen",412\r\n"Li Wei",0\r\n`);
  });

  it('given no rows, then the header line alone', () => {
    expect(csvOf()).toBe(`${BOM}"Name","Count"\r\n`);
  });

  it('given the BOM, then it is the three bytes Excel looks for, so Chinese opens as UTF-8', () => {
    const bytes = new TextEncoder().encode(csvOf({ name: '陳美玲', count: 1 }));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe('"Name","Count"\r\n"陳美玲",1\r\n');
  });

  it('given headers that hold a separator or a formula sign, then they get the same care as cells', () => {
    const columns: CsvColumn<Row>[] = [
      { header: 'Satisfaction, %', value: () => 1 },
      { header: '=cmd', value: () => 2 },
    ];
    expect(toCsv([{ name: null, count: null }], columns)).toBe(`${BOM}"Satisfaction, %","'=cmd"\r\n1,2\r\n`);
  });
});

describe('csvField', () => {
  it.each<[string, CsvValue, string]>([
    // Text is always quoted; quotes inside are doubled.
    ['plain text', 'Mei Chen', '"Mei Chen"'],
    ['empty text', '', '""'],
    ['a comma', 'Window 3, north', '"Window 3, north"'],
    ['a quote', 'the "fast" window', '"the ""fast"" window"'],
    ['only a quote', '"', '""""'],
    ['a line feed', 'first line\nsecond line', '"first line\nsecond line"'],
    ['Chinese with a full-width comma', '排队太久，只开一个窗口', '"排队太久，只开一个窗口"'],
    ['spaces around', '  padded  ', '"  padded  "'],
    // Numbers stay numbers; nothing to show is an empty field.
    ['a whole number', 412, '412'],
    ['a negative clock offset', -250, '-250'],
    ['a share', 0.8421, '0.8421'],
    ['zero', 0, '0'],
    ['NaN', Number.NaN, ''],
    ['Infinity', Number.POSITIVE_INFINITY, ''],
    ['null', null, ''],
    ['undefined', undefined, ''],
  ])('given %s, then %j is written as %s', (_, value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it.each<[string, string, string]>([
    // At the start of the text: what a spreadsheet splitting on commas would run.
    ['=', '=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+', '+34 611 222 333', `"'+34 611 222 333"`],
    ['-', '-2+3', `"'-2+3"`],
    ['@', '@SUM(A1:A2)', `"'@SUM(A1:A2)"`],
    ['a tab', '\t=1+1', `"'\t'=1+1"`],
    ['a carriage return', '\r=1+1', `"'\r'=1+1"`],
    ['spaces then =', '  =1+2', `"  '=1+2"`],
    // After a semicolon: Excel in Spanish splits the file there.
    ['; then =', 'abc;=1+2', `"abc;'=1+2"`],
    ['; space then =', 'abc; =1+2', `"abc; '=1+2"`],
    ['; then a quote then =', 'abc;"=1+2', `"abc;""'=1+2"`],
    ['; then @ then ; again', 'a;@x;b', `"a;'@x;b"`],
    ['; then + and -', 'x;+1;-1', `"x;'+1;'-1"`],
    // After a comma: a cell of its own for a parser that ignores our quotes.
    [', then -', 'Window 3, -2 °C', `"Window 3, '-2 °C"`],
    [', then =', 'a,=cmd', `"a,'=cmd"`],
    // After a line break: a row of its own for a parser that loses track of the quotes.
    ['a line feed then =', 'first\n=1+2', `"first\n'=1+2"`],
    ['CRLF then @', 'first\r\n@x', `"first\r\n'@x"`],
    // After a tab: a cell of its own for a tab-separated import.
    ['tabs', 'a\t\t=1', `"a\t'\t'=1"`],
  ])('given text with %s where a cell may start, then a quote mark goes before the sign: %j is written %s', (_, value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it.each(['a=b', 'a - b', '1+1', 'user@example.org', 'x;y', "'=already text", '排隊-窗口'])('given %j, with the sign where no cell starts, then only the quotes are added', (value) => {
    expect(csvField(value)).toBe(`"${value}"`);
  });
});

/**
 * The file as spreadsheets split it, read by a real CSV parser (Papa Parse): on commas, as
 * written; on semicolons, as Excel does in Spanish; on tabs; each with the quotes honoured, and
 * ignored (a naive split). Whatever the split, no cell may begin with a formula sign (spaces
 * and quotes before it skipped), unless it is one of our own numbers.
 */
const SPLITS = [',', ';', '\t'].flatMap((delimiter) => [
  { delimiter, quoteChar: '"' },
  // A quote character that never occurs: the file split on the delimiter and line breaks alone.
  { delimiter, quoteChar: '\u0001' },
]);
const FORMULA_CELL = /^[ "]*[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function cellsAsSpreadsheetsSplit(csv: string): { split: string; cell: string }[] {
  return SPLITS.flatMap(({ delimiter, quoteChar }) => {
    const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { delimiter, quoteChar, newline: '\r\n', skipEmptyLines: false });
    // A naive split also breaks at a line feed inside a field, as a line-by-line reader does.
    const rows = quoteChar === '"' ? parsed.data : parsed.data.flatMap((row) => row.join(delimiter).split(/\r\n|\n|\r/).map((line) => line.split(delimiter)));
    return rows.flat().map((cell) => ({ split: `${JSON.stringify(delimiter)} ${quoteChar === '"' ? 'quoted' : 'naive'}`, cell }));
  });
}

const runsAsFormula = ({ cell }: { cell: string }) => FORMULA_CELL.test(cell) && !NUMBER.test(cell.trim());

type Hostile = { name: string; count: number; note: string; offset: number };
const HOSTILE_COLUMNS: CsvColumn<Hostile>[] = [
  { header: 'Name', value: (row) => row.name },
  { header: 'Count', value: (row) => row.count },
  { header: 'Note; =header', value: (row) => row.note },
  { header: 'Offset', value: (row) => row.offset },
];
// A line that starts with a number leaves the first quote of a split on semicolons where the
// text put it, not at the line's start: the quoted parser then reads each field on its own.
const NUMBER_FIRST: CsvColumn<Hostile>[] = [HOSTILE_COLUMNS[1]!, HOSTILE_COLUMNS[0]!, HOSTILE_COLUMNS[2]!, HOSTILE_COLUMNS[3]!];

const ATTACKS = [
  'abc;=1+2',
  'abc; =HYPERLINK("http://evil.example";"click")',
  'abc,=1+2',
  '=1+2',
  ' @SUM(A1)',
  '-2+3',
  '+34 611 222 333',
  '\t=1',
  '\r=1',
  'line one\n=cmd|\' /C calc\'!A0',
  'line one\r\n+1',
  'a;"=1";b',
  '"";-1',
  'x",=1,"y',
  'x";=1;"y',
  '";\n@x',
  'tab\t=1\t-2',
  '排隊太久；=1+2',
];

describe('the file as spreadsheets split it', () => {
  it('given hostile text in every column, then no split on commas, semicolons or tabs, quoted or naive, yields a cell that starts a formula', () => {
    const rows = ATTACKS.map((note, i) => ({ name: ATTACKS[(i + 3) % ATTACKS.length]!, count: i, note, offset: -250 * i }));
    for (const columns of [HOSTILE_COLUMNS, NUMBER_FIRST]) {
      const cells = cellsAsSpreadsheetsSplit(toCsv(rows, columns));
      expect(cells.length).toBeGreaterThan(rows.length * 4);
      expect(cells.filter(runsAsFormula)).toEqual([]);
    }
  });

  it('given the same text only quoted, as RFC 4180 alone would have it, then the check finds the formulas: a split on semicolons runs them', () => {
    const quotedOnly = (text: string) => `"${text.replaceAll('"', '""')}"`;
    const csv = ATTACKS.map((note) => `${quotedOnly('Mei Chen')},1,${quotedOnly(note)},-250\r\n`).join('');
    const found = cellsAsSpreadsheetsSplit(csv).filter(runsAsFormula);
    expect(found).toContainEqual({ split: '"," quoted', cell: '=1+2' });
    expect(found).toContainEqual({ split: '";" naive', cell: '=1+2",-250' });
    expect(found).toContainEqual({ split: '"\\t" naive', cell: '=1",-250' });
  });

  it('given any text, then no split yields a cell that starts a formula (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', ' ', "'", 'a', '1', '排') });
    fc.assert(
      fc.property(fc.array(fc.record({ name: text, count: fc.nat(), note: text, offset: fc.integer({ min: -5000, max: 5000 }) }), { maxLength: 5 }), (rows) => {
        expect(cellsAsSpreadsheetsSplit(toCsv(rows, HOSTILE_COLUMNS)).filter(runsAsFormula)).toEqual([]);
        expect(cellsAsSpreadsheetsSplit(toCsv(rows, NUMBER_FIRST)).filter(runsAsFormula)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('given any text, when split on commas as written, then every row has its columns, text back with only the quote marks added and numbers as written (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', ' ', "'", 'a', '1', '排') });
    fc.assert(
      fc.property(fc.array(fc.record({ name: text, count: fc.integer(), note: text, offset: fc.integer({ min: -5000, max: 5000 }) }), { maxLength: 5 }), (rows) => {
        const parsed = Papa.parse<string[]>(toCsv(rows, HOSTILE_COLUMNS).replace(/^\uFEFF/, ''), { delimiter: ',', newline: '\r\n', skipEmptyLines: false });
        expect(parsed.errors).toEqual([]);
        // The last line ends with CRLF too, which a parser reads as one more, empty line.
        expect(parsed.data.at(-1)).toEqual(['']);
        expect(parsed.data.slice(0, -1)).toEqual([
          ['Name', 'Count', "Note; '=header", 'Offset'],
          ...rows.map((row) => [neutralizeFormulas(row.name), String(row.count), neutralizeFormulas(row.note), String(row.offset)]),
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it('given any text, then neutralizing only adds quote marks, so the reader loses nothing of it (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', ',', ';', '"', ' ', "'", 'a', '排') }), (text) => {
        expect(isTextWithMarksAdded(neutralizeFormulas(text), text)).toBe(true);
      }),
    );
  });
});

/** True when `shown` is `text` with only ' marks added. */
function isTextWithMarksAdded(shown: string, text: string): boolean {
  let at = 0;
  for (const char of shown) {
    if (at < text.length && char === text[at]) at++;
    else if (char !== "'") return false;
  }
  return at === text.length;
}
