import { describe, expect, it } from 'vitest';
import { WAIT_BUCKETS, waitBucketOf } from '../../src/domain/queue.ts';
import { emptyWaitSums, peakCellsOf, waitFiguresOf, weekdayOf, withinTargetOf, type DayHourSums } from '../../src/domain/waiting.ts';

const MIN = 60_000;

/** Waits counted in buckets, as the roll-ups keep them. */
function bucketsOf(waitsMinutes: readonly number[]): number[] {
  const buckets = new Array<number>(WAIT_BUCKETS).fill(0);
  for (const minutes of waitsMinutes) buckets[waitBucketOf(minutes * MIN)]! += 1;
  return buckets;
}

describe('waits within the target', () => {
  it.each<[string, number[], number, number]>([
    ['a target on a bucket edge counts the waits under it', [4.5, 9.9, 10, 14.9], 10, 2],
    ['a target between two edges is judged at the edge below: 10½ min is not within 11', [9.5, 10.5, 11.5], 11, 1],
    ['the next edge up counts the whole bucket', [9.5, 10.5, 11.5], 12, 3],
    ['a wait of exactly the target is not within it (buckets hold [lower, upper))', [14], 14, 0],
    ['a target of three hours counts every wait under two hours', [119, 120, 200], 180, 1],
    ['a target of one minute counts waits under a minute', [0, 0.5, 1], 1, 2],
    ['no waits, none within', [], 15, 0],
  ])('given %s', (_, waits, target, within) => {
    expect(withinTargetOf(bucketsOf(waits), target)).toBe(within);
  });
});

describe('the figures of a group', () => {
  it('given no tickets, then no median, no percentile and no service time', () => {
    expect(waitFiguresOf(emptyWaitSums(), 15)).toEqual({ tickets: 0, waited: 0, medianMs: null, p90Ms: null, withinTarget: 0, meanServiceMs: null });
  });

  it('given tickets, then the median and 90th percentile come from the buckets and the service time is the mean of those served', () => {
    const sums = { tickets: 5, waited: 4, buckets: bucketsOf([1, 3, 12, 25]), served: 3, serviceMs: 20 * MIN };
    expect(waitFiguresOf(sums, 15)).toEqual({ tickets: 5, waited: 4, medianMs: 4 * MIN, p90Ms: 28 * MIN, withinTarget: 3, meanServiceMs: 400_000 });
  });
});

describe('the weekday of a day', () => {
  it.each([
    ['2026-11-23', 1],
    ['2026-11-28', 6],
    ['2026-11-29', 7],
    ['2024-02-29', 4],
    ['2027-01-01', 5],
  ])('given %s, then it is weekday %i (Monday 1)', (day, weekday) => {
    expect(weekdayOf(day)).toBe(weekday);
  });
});

describe('the peak hours', () => {
  const hour = (day: string, h: number, tickets: number, counters: number, waits: number[]): DayHourSums => ({
    day,
    hour: h,
    counters,
    tickets,
    waited: waits.length,
    buckets: bucketsOf(waits),
    served: 0,
    serviceMs: 0,
  });

  it('given three Mondays of which one had no tickets, then each hour is averaged over the two open Mondays, and a cell is over the target by its 90th percentile', () => {
    const cells = peakCellsOf(
      [
        hour('2026-11-16', 9, 6, 2, [1, 2, 3, 4, 5, 6]),
        hour('2026-11-16', 12, 10, 3, [20, 22, 24, 26, 28, 30, 32, 34, 36, 38]),
        hour('2026-11-30', 9, 2, 1, [2, 2]),
        // The 23rd was a holiday: a row with nothing in it does not open the day.
        hour('2026-11-23', 9, 0, 0, []),
        hour('2026-11-24', 9, 4, 2, [5, 5, 5, 5]),
      ],
      15,
    );
    expect(cells).toEqual([
      { weekday: 1, hour: 9, ticketsPerHour: 4, countersOpen: 1.5, p90Ms: expect.any(Number), overTarget: false },
      { weekday: 1, hour: 12, ticketsPerHour: 5, countersOpen: 1.5, p90Ms: expect.any(Number), overTarget: true },
      { weekday: 2, hour: 9, ticketsPerHour: 4, countersOpen: 2, p90Ms: expect.any(Number), overTarget: false },
    ]);
    expect(cells[1]!.p90Ms).toBeGreaterThan(15 * MIN);
  });
});
