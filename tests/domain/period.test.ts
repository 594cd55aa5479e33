import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketsOf,
  daysInRange,
  DayRangeSchema,
  isTimeZone,
  localDayOf,
  LocalDaySchema,
  periodRange,
  startOfLocalDay,
  trendBucketOf,
} from '../../src/domain/period.ts';

describe('report days: the branch calendar day of an instant', () => {
  // 2026-11-30 23:30 in Madrid (UTC+1) is 22:30 UTC; in Shanghai (UTC+8) it is already 12-01.
  const lateInMadrid = Date.UTC(2026, 10, 30, 22, 30);

  it.each([
    ['Europe/Madrid', '2026-11-30'],
    ['Asia/Shanghai', '2026-12-01'],
    ['America/Mexico_City', '2026-11-30'],
    ['UTC', '2026-11-30'],
    ['Pacific/Kiritimati', '2026-12-01'],
  ])('given 22:30 UTC, in %s the day is %s', (zone, day) => {
    expect(localDayOf(lateInMadrid, zone)).toBe(day);
  });

  it('given the same instant twice, then the cached answer equals the first', () => {
    expect(localDayOf(lateInMadrid + 1, 'Asia/Shanghai')).toBe(localDayOf(lateInMadrid, 'Asia/Shanghai'));
  });

  it.each([
    ['Europe/Madrid', '2026-11-30', Date.UTC(2026, 10, 29, 23, 0)],
    ['Asia/Shanghai', '2026-11-30', Date.UTC(2026, 10, 29, 16, 0)],
    ['Asia/Kathmandu', '2026-11-30', Date.UTC(2026, 10, 29, 18, 15)],
    // Clocks go forward at 00:00 in Santiago in September: the day starts at 01:00, 04:00 UTC.
    ['America/Santiago', '2026-09-06', Date.UTC(2026, 8, 6, 4, 0)],
  ])('given %s, the day %s starts at the right instant', (zone, day, start) => {
    expect(startOfLocalDay(day, zone)).toBe(start);
    expect(localDayOf(start - 1, zone)).toBe(addDays(day, -1));
  });

  it('names real zones and refuses the rest', () => {
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('report periods', () => {
  it.each([
    ['today', { from: '2026-11-30', to: '2026-11-30' }],
    ['week', { from: '2026-11-30', to: '2026-11-30' }], // a Monday
    ['month', { from: '2026-11-01', to: '2026-11-30' }],
    ['quarter', { from: '2026-10-01', to: '2026-11-30' }],
  ] as const)('given Monday 2026-11-30, "%s" covers %o', (kind, range) => {
    expect(periodRange(kind, '2026-11-30')).toEqual(range);
  });

  it('given a Sunday, the week started on the Monday before', () => {
    expect(periodRange('week', '2026-12-06')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(periodRange('quarter', '2026-03-31')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
  });

  it('counts days and crosses months and leap days', () => {
    expect(daysInRange('2026-11-30', '2026-11-30')).toBe(1);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysInRange('2026-01-01', '2026-12-31')).toBe(365);
  });

  it('groups a trend by day up to a quarter and by month beyond, empty buckets included', () => {
    expect(trendBucketOf({ from: '2026-10-01', to: '2026-12-31' })).toBe('day');
    expect(trendBucketOf({ from: '2026-01-01', to: '2026-12-31' })).toBe('month');
    expect(bucketsOf({ from: '2026-11-29', to: '2026-12-01' }, 'day')).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(bucketsOf({ from: '2026-01-15', to: '2026-03-02' }, 'month')).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it.each([
    [{ from: '2026-11-30', to: '2026-11-01' }, 'from: must not be after to'],
    [{ from: '2020-01-01', to: '2026-11-01' }, 'must cover at most 731 days'],
    [{ from: '2026-02-30', to: '2026-03-01' }, 'is not a day of the calendar'],
    [{ from: '30/11/2026', to: '2026-12-01' }, 'must be a day written YYYY-MM-DD'],
  ])('refuses the range %o: "%s"', (range, message) => {
    const parsed = v.safeParse(DayRangeSchema, range);
    expect(parsed.success).toBe(false);
    expect(parsed.issues?.map((i) => i.message)).toContain(message);
  });

  it('accepts a real day', () => {
    expect(v.is(LocalDaySchema, '2028-02-29')).toBe(true);
  });
});
