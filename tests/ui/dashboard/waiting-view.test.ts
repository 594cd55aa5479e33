import { describe, expect, it } from 'vitest';
import type { PeakCell } from '../../../src/domain/queue.ts';
import { csvCharsetOf } from '../../../src/ui/dashboard/api.ts';
import { evidenceText } from '../../../src/ui/dashboard/flag-view.ts';
import { addDashboardLocales } from '../../../src/ui/dashboard/locales.ts';
import { createI18n } from '../../../src/ui/i18n.ts';
import { bandLabel, flexibleHours, hourLabel, overTarget, waitText, weekdayName } from '../../../src/ui/dashboard/waiting-view.ts';

const i18n = createI18n('en');
addDashboardLocales(i18n);
const t = i18n.t.bind(i18n);
const MINUTE = 60_000;
const cell = (weekday: number, hour: number, p90Minutes: number | null, overTarget: boolean, ticketsPerHour = 10): PeakCell => ({ weekday, hour, ticketsPerHour, countersOpen: 2, p90Ms: p90Minutes === null ? null : p90Minutes * MINUTE, overTarget });

describe('the waiting figures in words', () => {
  it.each([
    [null, '–'],
    [90_000, '1.5\u00a0min'],
    [12 * MINUTE, '12\u00a0min'],
    [120 * MINUTE, '120\u00a0min or more'],
  ])('given a wait of %s ms, then it reads %s', (ms, text) => {
    expect(waitText(ms, t, 'en')).toBe(text);
  });

  it.each([
    [0, 'under 5 min'],
    [1, '5–10 min'],
    [4, '20–30 min'],
    [5, '30 min or more'],
  ])('given waiting band %i, then it is named %s', (band, text) => {
    expect(bandLabel(band, t, 'en')).toBe(text);
  });

  it('given hours and weekdays, then they read as spans and names in the reader\'s language', () => {
    expect([hourLabel(0), hourLabel(9), hourLabel(23)]).toEqual(['00:00–01:00', '09:00–10:00', '23:00–00:00']);
    expect([1, 5, 7].map((d) => weekdayName(d, 'en'))).toEqual(['Monday', 'Friday', 'Sunday']);
    expect(weekdayName(1, 'es')).toBe('Lunes');
    expect(weekdayName(7, 'zh-Hans')).toBe('星期日');
  });

  it('given a 90th percentile at the target, then it is within it; a second over, over it', () => {
    expect(overTarget(15 * MINUTE, 15)).toBe(false);
    expect(overTarget(15 * MINUTE + 1000, 15)).toBe(true);
    expect(overTarget(null, 15)).toBe(false);
  });

  it('given the peak cells, then a flexible window is suggested for the three over the target with the longest 90th percentile, busier first on a tie', () => {
    const peak = [cell(1, 9, 40, true), cell(1, 10, 14, false), cell(2, 11, 25, true), cell(3, 12, 25, true, 30), cell(5, 16, 18, true), cell(6, 10, 60, false)];
    expect(flexibleHours(peak).map((c) => [c.weekday, c.hour])).toEqual([
      [1, 9],
      [3, 12],
      [2, 11],
    ]);
    expect(flexibleHours([cell(1, 9, 14, false)])).toEqual([]);
  });
});

describe('a flag\'s evidence in words', () => {
  const zone = 'Europe/Madrid';
  const at = (hour: number, minute: number, second = 0) => Date.UTC(2026, 10, 23, hour - 1, minute, second);
  it.each([
    [{ previous: null, next: { ticket: 'A032', startedAt: at(10, 9) } }, 'No ticket was being served: no ticket had ended at this counter before it; A032 started at 10:09.'],
    [{ previous: { ticket: 'A031', startedAt: at(9, 55), endedAt: at(10, 2), ratedBy: 'r1' }, next: null }, 'No ticket was being served: A031 ended at 10:02 and was rated already; no ticket started after it.'],
    [{ previous: { ticket: 'A031', startedAt: at(9, 40), endedAt: at(9, 50), ratedBy: null }, next: { ticket: 'A032', startedAt: at(10, 9) } }, 'No ticket was being served: A031 ended at 09:50, too long before; A032 started at 10:09.'],
  ])('given no ticket at the counter (%#), then it names the tickets around it on the branch\'s clock', (seen, text) => {
    expect(evidenceText('no-ticket', { 'no-ticket': seen }, t, 'en', zone)).toBe(text);
  });

  it('given a burst and a run, then they say how many, how fast and how common the score is', () => {
    expect(evidenceText('burst', { burst: { ratings: 3, firstAt: at(10, 0), lastAt: at(10, 0, 58), shortestGapMs: 12_000 } }, t, 'en', zone)).toBe('3 ratings in 58 sec at this counter (10:00–10:00), the closest 12 sec apart.');
    expect(evidenceText('same-score-run', { 'same-score-run': { score: 'very-satisfied', length: 14, share: 0.61, firstAt: at(9, 0), lastAt: at(11, 30) } }, t, 'en', zone)).toBe(
      '14 “Very satisfied” in a row (09:00–11:30); that score is 61% of the day\'s ratings.',
    );
    expect(evidenceText('burst', {}, t, 'en', zone)).toBe('More ratings at this counter than customers could be served.');
  });
});

describe('the charset of a queue export', () => {
  it('given UTF-8 bytes, then UTF-8; given GB18030 bytes, then GB18030', () => {
    expect(csvCharsetOf(new TextEncoder().encode('ticket,event\nA001,issued,对公业务'))).toBe('utf-8');
    expect(csvCharsetOf(new Uint8Array([0x41, 0x2c, 0xb6, 0xd4, 0xb9, 0xab]))).toBe('gb18030');
  });
});
