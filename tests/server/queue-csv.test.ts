import { describe, expect, it } from 'vitest';
import { TIME_UNREADABLE } from '../../src/domain/queue-csv.ts';
import { readQueueCsv } from '../../src/server/queue-csv.ts';

const SHANGHAI = 'Asia/Shanghai';

describe("reading a queue system's export", () => {
  it('given columns in any order and case, extra columns and blank lines, then each line with an event is read under its line number, `type` taken for `event`', () => {
    const text = [
      'Counter,Time,Customer,TYPE,Ticket,Service',
      '3,2026-11-23 09:06:00,Mr. Wong,Called,A023,',
      '',
      ',1795395600000,,issued,A023,deposits',
      '  ,  ,  ,  ,  ,  ',
      'W03,2026-11-23T09:11:00+08:00,,ended,A023,',
    ].join('\r\n');
    expect(readQueueCsv(text, SHANGHAI)).toEqual({
      ok: true,
      value: [
        { line: 2, event: { ticket: 'A023', type: 'called', at: Date.UTC(2026, 10, 23, 1, 6), counter: '3', service: null } },
        { line: 4, event: { ticket: 'A023', type: 'issued', at: 1795395600000, counter: null, service: 'deposits' } },
        { line: 6, event: { ticket: 'A023', type: 'ended', at: '2026-11-23T09:11:00+08:00', counter: 'W03', service: null } },
      ],
    });
  });

  it('given a quoted field over two lines and a line with an unreadable time, then the lines after keep their numbers and the bad one says what a time may be', () => {
    const text = 'ticket,event,time,counter,service\n"A0\n23",issued,1795395600000,,x\nA024,issued,yesterday,,\nA025,issued,2026/11/23 9:05,,\n';
    expect(readQueueCsv(text, SHANGHAI)).toEqual({
      ok: true,
      value: [
        { line: 2, event: { ticket: 'A0\n23', type: 'issued', at: 1795395600000, counter: null, service: 'x' } },
        { line: 4, problem: TIME_UNREADABLE },
        { line: 5, event: { ticket: 'A025', type: 'issued', at: Date.UTC(2026, 10, 23, 1, 5), counter: null, service: null } },
      ],
    });
  });

  it('given a line whose quotes never close, then it is refused with what to fix, under its own number, and the lines before it are read', () => {
    const lines = readQueueCsv('ticket,event,time,counter\nA1,issued,1795395600000,\n"A2,issued,1795395600000,\nA3,issued,1795395600000,\n', SHANGHAI);
    expect(lines).toEqual({
      ok: true,
      value: [
        { line: 2, event: { ticket: 'A1', type: 'issued', at: 1795395600000, counter: null, service: null } },
        { line: 3, problem: 'csv: quoted field unterminated; put a field that holds a quote, comma or line break in double quotes, and double its quotes' },
      ],
    });
  });

  it('given a tab-separated export, then it is read like a comma-separated one', () => {
    const lines = readQueueCsv('ticket\tevent\ttime\tcounter\nA023\tcalled\t1795395600000\t3\n', SHANGHAI);
    expect(lines).toEqual({ ok: true, value: [{ line: 2, event: { ticket: 'A023', type: 'called', at: 1795395600000, counter: '3', service: null } }] });
  });

  it.for([
    ['an empty export', '', 'The export is empty: its first line names the columns ticket, event, time, counter, service.'],
    ['no counter column', 'ticket,event,time,service\nA1,issued,1795395600000,x', 'The header lacks the column counter: the first line names the columns ticket, event, time, counter, service (any order; service may be left out).'],
    ['a header of other words', '票号,事件,时间\nA1,issued,1', 'The header lacks the columns ticket, event, time, counter: the first line names the columns ticket, event, time, counter, service (any order; service may be left out).'],
    ['event and type both', 'ticket,event,type,time,counter\nA1,issued,issued,1,', 'The header names the column event twice (type is taken for event); keep one.'],
  ] as const)('given %s, then the export is refused whole, naming the column', ([, text, message]) => {
    expect(readQueueCsv(text, SHANGHAI)).toEqual({ ok: false, reason: 'bad-request', message });
  });
});
