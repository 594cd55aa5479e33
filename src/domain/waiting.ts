import type { LocalDay } from './period.ts';
import { WAIT_BUCKET_EDGES_MIN, WAIT_BUCKETS, waitPercentile, type PeakCell, type WaitFigures, type WaitRow } from './queue.ts';

/**
 * The waiting-time figures of the dashboard (GET /api/reports/waiting), from the sums of the
 * waiting roll-ups (wait_days, wait_hours): pure, so the report only sums in SQL and both
 * databases hand the same integers to the same arithmetic here.
 */

/** What a group of waiting roll-up rows adds up to. */
export interface WaitSums {
  tickets: number;
  waited: number;
  /** Waits counted by bucket (WAIT_BUCKET_EDGES_MIN), WAIT_BUCKETS of them. */
  buckets: number[];
  served: number;
  serviceMs: number;
}

export const emptyWaitSums = (): WaitSums => ({ tickets: 0, waited: 0, buckets: new Array<number>(WAIT_BUCKETS).fill(0), served: 0, serviceMs: 0 });

/** Adds `more` into `into`. */
export function addWaitSums(into: WaitSums, more: WaitSums): void {
  into.tickets += more.tickets;
  into.waited += more.waited;
  for (let i = 0; i < WAIT_BUCKETS; i++) into.buckets[i]! += more.buckets[i] ?? 0;
  into.served += more.served;
  into.serviceMs += more.serviceMs;
}

/**
 * How many of the waits were within the target: those in the buckets whose upper edge is at
 * most `targetMinutes`. The roll-ups keep buckets, not waits, so a target that falls between
 * two edges is judged at the edge below it: a target of 11 minutes counts the waits under 10,
 * since the bucket from 10 to 12 minutes holds waits of 11½ as well as of 10½. A target of two
 * hours or more counts every wait under two hours (the last bucket has no upper edge).
 */
export function withinTargetOf(buckets: readonly number[], targetMinutes: number): number {
  let within = 0;
  for (let i = 0; i < WAIT_BUCKET_EDGES_MIN.length && WAIT_BUCKET_EDGES_MIN[i]! <= targetMinutes; i++) within += buckets[i] ?? 0;
  return within;
}

/** The figures of one group: its tickets, median and 90th percentile wait, waits within target and mean service time. */
export function waitFiguresOf(sums: WaitSums, targetMinutes: number): WaitFigures {
  return {
    tickets: sums.tickets,
    waited: sums.waited,
    medianMs: waitPercentile(sums.buckets, 0.5),
    p90Ms: waitPercentile(sums.buckets, 0.9),
    withinTarget: withinTargetOf(sums.buckets, targetMinutes),
    meanServiceMs: sums.served > 0 ? Math.round(sums.serviceMs / sums.served) : null,
  };
}

export const waitRowOf = (key: string, sums: WaitSums, targetMinutes: number): WaitRow => ({ key, ...waitFiguresOf(sums, targetMinutes) });

/** The weekday of a calendar day, 1 (Monday) to 7 (Sunday): the day is the branch's own, so no zone is involved. */
export function weekdayOf(day: LocalDay): number {
  const sunday0 = new Date(`${day}T00:00:00Z`).getUTCDay();
  return sunday0 === 0 ? 7 : sunday0;
}

/** One hour of one day in the scope, summed over its branches: what the peak-hours view is made of. */
export interface DayHourSums extends WaitSums {
  day: LocalDay;
  hour: number;
  /** Counters that served tickets issued in that hour, summed over the branches. */
  counters: number;
}

/**
 * The peak-hours view: for each weekday and hour that had tickets, the tickets issued in that
 * hour per day of that weekday that had tickets at all (a Monday without a ticket is a
 * closed Monday, not a quiet one), the counters serving them on the same days on average,
 * and the 90th percentile wait, over the target or not. Sorted by weekday, then hour.
 */
export function peakCellsOf(rows: readonly DayHourSums[], targetMinutes: number): PeakCell[] {
  const openDays = new Map<number, Set<LocalDay>>();
  const cells = new Map<number, { weekday: number; hour: number; tickets: number; counters: number; buckets: number[] }>();
  for (const row of rows) {
    if (row.tickets === 0) continue;
    const weekday = weekdayOf(row.day);
    let days = openDays.get(weekday);
    if (!days) openDays.set(weekday, (days = new Set()));
    days.add(row.day);
    const key = weekday * 24 + row.hour;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { weekday, hour: row.hour, tickets: 0, counters: 0, buckets: new Array<number>(WAIT_BUCKETS).fill(0) }));
    cell.tickets += row.tickets;
    cell.counters += row.counters;
    for (let i = 0; i < WAIT_BUCKETS; i++) cell.buckets[i]! += row.buckets[i] ?? 0;
  }
  return [...cells.keys()]
    .sort((a, b) => a - b)
    .map((key) => {
      const cell = cells.get(key)!;
      const days = openDays.get(cell.weekday)!.size;
      const p90Ms = waitPercentile(cell.buckets, 0.9);
      return {
        weekday: cell.weekday,
        hour: cell.hour,
        ticketsPerHour: cell.tickets / days,
        countersOpen: cell.counters / days,
        p90Ms,
        overTarget: p90Ms !== null && p90Ms > targetMinutes * 60_000,
      };
    });
}
