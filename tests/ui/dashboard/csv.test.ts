import { describe, expect, it } from 'vitest';
import { toCsv, type CsvColumn } from '../../../src/ui/dashboard/csv.ts';

type Row = { name: string | null; count: number | null };
const COLUMNS: CsvColumn<Row>[] = [
  { header: 'Name', value: (row) => row.name },
  { header: 'Count', value: (row) => row.count },
];
const BOM = '\uFEFF';
const csvOf = (...rows: Row[]) => toCsv(rows, COLUMNS);

describe('toCsv', () => {
  it('given rows, then a BOM, the header line and one CRLF-ended line per row', () => {
    expect(csvOf({ name: 'Mei Chen', count: 412 }, { name: 'Li Wei', count: 0 })).toBe(`${BOM}Name,Count\r\nMei Chen,412\r\nLi Wei,0\r\n`);
  });

  it('given no rows, then the header line alone', () => {
    expect(csvOf()).toBe(`${BOM}Name,Count\r\n`);
  });

  it('given the BOM, then it is the three bytes Excel looks for, so Chinese opens as UTF-8', () => {
    const bytes = new TextEncoder().encode(csvOf({ name: '陳美玲', count: 1 }));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe('Name,Count\r\n陳美玲,1\r\n');
  });

  it.each([
    ['a comma', 'Window 3, north', '"Window 3, north"'],
    ['a quote', 'the "fast" window', '"the ""fast"" window"'],
    ['a line feed', 'first line\nsecond line', '"first line\nsecond line"'],
    ['a carriage return and line feed', 'one\r\ntwo', '"one\r\ntwo"'],
    ['only a quote', '"', '""""'],
    ['Chinese with a full-width comma', '排队太久，只开一个窗口', '排队太久，只开一个窗口'],
    ['Chinese with an ASCII comma', '排隊太久,只開一個窗口', '"排隊太久,只開一個窗口"'],
    ['spaces around', '  padded  ', '  padded  '],
  ])('given a cell with %s, then RFC 4180 quotes it only when it must', (_, value, cell) => {
    expect(csvOf({ name: value, count: 1 })).toBe(`${BOM}Name,Count\r\n${cell},1\r\n`);
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+', '+1 555 0100', "'+1 555 0100"],
    ['-', '-2+3', "'-2+3"],
    ['@', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['a tab', '\t=1+1', "'\t=1+1"],
    ['a carriage return', '\r=1+1', `"'\r=1+1"`],
  ])('given text starting with %s, then it is prefixed with a quote mark, so a spreadsheet shows it instead of running it', (_, value, cell) => {
    expect(csvOf({ name: value, count: 1 })).toBe(`${BOM}Name,Count\r\n${cell},1\r\n`);
  });

  it('given a formula sign inside the text, then the text is left alone', () => {
    expect(csvOf({ name: 'a=b', count: 1 })).toBe(`${BOM}Name,Count\r\na=b,1\r\n`);
  });

  it('given numbers, then they stay numbers: a negative clock offset is not neutralized', () => {
    expect(csvOf({ name: 'Tablet', count: -250 }, { name: 'Share', count: 0.8421 })).toBe(`${BOM}Name,Count\r\nTablet,-250\r\nShare,0.8421\r\n`);
  });

  it('given nothing to show (null, undefined, NaN), then an empty field', () => {
    expect(csvOf({ name: null, count: null }, { name: 'x', count: Number.NaN })).toBe(`${BOM}Name,Count\r\n,\r\nx,\r\n`);
  });

  it('given headers that need quoting or neutralizing, then they get the same care', () => {
    const columns: CsvColumn<Row>[] = [
      { header: 'Satisfaction, %', value: () => 1 },
      { header: '=cmd', value: () => 2 },
    ];
    expect(toCsv([{ name: null, count: null }], columns)).toBe(`${BOM}"Satisfaction, %",'=cmd\r\n1,2\r\n`);
  });
});
