import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { QueueEventSchema } from '../../src/domain/queue.ts';
import { csvTimeOf, describeCsvIssues, localTimeToEpoch } from '../../src/domain/queue-csv.ts';

const SHANGHAI = 'Asia/Shanghai';

describe("the export's words", () => {
  it("given the export's words for the fields, then a refusal names its columns: event and time, not type and at", () => {
    const parsed = v.safeParse(QueueEventSchema, { ticket: 'A1', type: 'served', at: 5, counter: '3' });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(describeCsvIssues(parsed.issues)).toBe('event: must be issued, called, started or ended; time: Invalid value: Expected >=946684800000 but received 5');
  });
});

describe("a local time in the branch's zone", () => {
  it.for([
    ['2026-11-23 09:15:02', SHANGHAI, Date.UTC(2026, 10, 23, 1, 15, 2)],
    ['2026-11-23 00:05', SHANGHAI, Date.UTC(2026, 10, 22, 16, 5)],
    ['2026-11-23T09:15:02.5', SHANGHAI, Date.UTC(2026, 10, 23, 1, 15, 2, 500)],
    ['2026/1/5 7:00', SHANGHAI, Date.UTC(2026, 0, 4, 23, 0)],
    ['2026-07-01 12:00', 'Europe/Madrid', Date.UTC(2026, 6, 1, 10, 0)],
    ['2026-12-01 12:00', 'Europe/Madrid', Date.UTC(2026, 11, 1, 11, 0)],
    // Spring forward: 02:30 does not exist in Madrid that night; it is read as the instant after the gap.
    ['2026-03-29 02:30', 'Europe/Madrid', Date.UTC(2026, 2, 29, 1, 30)],
    // Fall back: 02:30 comes twice; the first.
    ['2026-10-25 02:30', 'Europe/Madrid', Date.UTC(2026, 9, 25, 0, 30)],
    ['2026-10-25 03:30', 'Europe/Madrid', Date.UTC(2026, 9, 25, 2, 30)],
    ['2026-02-30 09:00', SHANGHAI, null],
    ['2026-11-23 24:00', SHANGHAI, null],
    ['2026-11-23', SHANGHAI, null],
    ['9:15', SHANGHAI, null],
    ['1795395600000', SHANGHAI, 1795395600000],
    ['2026-11-23T09:15:02+08:00', SHANGHAI, '2026-11-23T09:15:02+08:00'],
    ['2026-11-23T01:15:02Z', SHANGHAI, '2026-11-23T01:15:02Z'],
  ] as const)('given "%s" in %s, then it is %s', ([cell, zone, expected]) => {
    expect(csvTimeOf(cell, zone)).toBe(expected);
  });

  it('given every half hour of a year in Madrid, then its wall time read back is an instant that shows that wall time', () => {
    const format = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Madrid', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 30 * 60_000) {
      const wall = format.format(t);
      const [day, time] = wall.split(' ') as [string, string];
      const [year, month, date] = day.split('-').map(Number) as [number, number, number];
      const [hour, minute] = time.split(':').map(Number) as [number, number];
      const back = localTimeToEpoch({ year, month, day: date, hour, minute, second: 0, ms: 0 }, 'Europe/Madrid');
      expect(format.format(back!)).toBe(wall);
    }
  });
});
