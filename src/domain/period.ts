import * as v from 'valibot';

/**
 * Days and periods of the reports. A report day is the branch's own calendar day
 * in its time zone, written `YYYY-MM-DD`: "today" at a branch in Madrid is not today in
 * Shanghai, and a rating at 23:30 local time belongs to the day the customer was served.
 * Pure: the caller passes `now`; Intl does the time-zone arithmetic.
 */
export type LocalDay = string;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** A calendar day `YYYY-MM-DD` that exists (no 2026-02-30). */
export const LocalDaySchema = v.pipe(
  v.string(),
  v.regex(DAY, 'must be a day written YYYY-MM-DD'),
  v.check((day) => isRealDay(day), 'is not a day of the calendar'),
);

function isRealDay(day: string): boolean {
  const m = DAY.exec(day);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === day;
}

/** True when the name is an IANA time zone this runtime knows (Europe/Madrid, Asia/Shanghai, UTC). */
export function isTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = v.pipe(v.string(), v.check(isTimeZone, 'must be an IANA time zone such as Europe/Madrid or Asia/Shanghai'));

// Formatting a date in a zone costs microseconds, and ingest days thousands of records a
// second; every zone's offset is a whole number of quarter hours, so the day is cached by
// quarter hour (an offset never changes inside one).
const QUARTER_HOUR = 900_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const dayCache = new Map<string, LocalDay>();
const DAY_CACHE_MAX = 4096;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA writes dates as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The calendar day at `epochMs` in `timeZone`. */
export function localDayOf(epochMs: number, timeZone: string): LocalDay {
  const key = `${timeZone}|${Math.floor(epochMs / QUARTER_HOUR)}`;
  const cached = dayCache.get(key);
  if (cached !== undefined) return cached;
  const day = formatterFor(timeZone).format(epochMs);
  if (dayCache.size >= DAY_CACHE_MAX) dayCache.delete(dayCache.keys().next().value!);
  dayCache.set(key, day);
  return day;
}

const toUtcMs = (day: LocalDay): number => Date.parse(`${day}T00:00:00Z`);
const fromUtcMs = (ms: number): LocalDay => new Date(ms).toISOString().slice(0, 10);

/** The day `n` days after `day` (before, when negative). */
export const addDays = (day: LocalDay, n: number): LocalDay => fromUtcMs(toUtcMs(day) + n * MS_PER_DAY);

/** How many days from `from` to `to`, both counted: 1 for a single day. */
export const daysInRange = (from: LocalDay, to: LocalDay): number => Math.round((toUtcMs(to) - toUtcMs(from)) / MS_PER_DAY) + 1;

/** Every day from `from` to `to`, both included. */
export function eachDay(from: LocalDay, to: LocalDay): LocalDay[] {
  const days: LocalDay[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The instant the day begins in `timeZone`. A day can begin at 01:00 where clocks jump at
 * midnight, so it is the first instant whose local day is `day`, found from the UTC
 * midnight by the zone's offsets on either side.
 */
export function startOfLocalDay(day: LocalDay, timeZone: string): number {
  const utcMidnight = toUtcMs(day);
  // Offsets lie within ±14 h: try every quarter hour from 14 h before to 14 h after.
  let start = utcMidnight - 14 * 3_600_000;
  while (localDayOf(start, timeZone) < day) start += QUARTER_HOUR;
  // Back off to the exact instant inside the last quarter hour: offsets are quarter hours,
  // so the boundary is on one; nothing to refine.
  return start;
}

/** The periods the dashboard offers; `custom` takes its own days. */
export const PERIOD_KINDS = ['today', 'week', 'month', 'quarter', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export type DayRange = { from: LocalDay; to: LocalDay };

/** The longest range a report covers: two years, for a year-on-year look. */
export const MAX_RANGE_DAYS = 731;

/**
 * The days of a period that ends today: today; this week from Monday; this month from the
 * 1st; this quarter from January, April, July or October 1st. A `custom` range is given.
 */
export function periodRange(kind: Exclude<PeriodKind, 'custom'>, today: LocalDay): DayRange {
  const [year, month] = today.split('-').map(Number) as [number, number];
  switch (kind) {
    case 'today':
      return { from: today, to: today };
    case 'week': {
      const weekday = new Date(toUtcMs(today)).getUTCDay(); // 0 is Sunday
      return { from: addDays(today, -((weekday + 6) % 7)), to: today };
    }
    case 'month':
      return { from: `${today.slice(0, 7)}-01`, to: today };
    case 'quarter': {
      const first = Math.floor((month - 1) / 3) * 3 + 1;
      return { from: `${year}-${String(first).padStart(2, '0')}-01`, to: today };
    }
  }
}

/** A range as a report takes it: real days, `from` not after `to`, at most MAX_RANGE_DAYS. */
export const DayRangeSchema = v.pipe(
  v.object({ from: LocalDaySchema, to: LocalDaySchema }),
  v.check((r) => r.from <= r.to, 'from: must not be after to'),
  v.check((r) => daysInRange(r.from, r.to) <= MAX_RANGE_DAYS, `must cover at most ${MAX_RANGE_DAYS} days`),
);

/** How a trend groups days: by day up to a quarter, by month beyond. */
export type TrendBucket = 'day' | 'month';
export const trendBucketOf = (range: DayRange): TrendBucket => (daysInRange(range.from, range.to) <= 92 ? 'day' : 'month');

/** The bucket a day falls in: the day itself, or its `YYYY-MM`. */
export const bucketOf = (day: LocalDay, bucket: TrendBucket): string => (bucket === 'day' ? day : day.slice(0, 7));

/** Every bucket of a range in order, so a trend shows empty days as zero rather than skipping them. */
export function bucketsOf(range: DayRange, bucket: TrendBucket): string[] {
  const seen = new Set<string>();
  for (const day of eachDay(range.from, range.to)) seen.add(bucketOf(day, bucket));
  return [...seen];
}
