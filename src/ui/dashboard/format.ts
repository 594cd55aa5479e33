import type { LocalDay } from '../../domain/period.ts';

/**
 * Numbers, shares, days and times in the reader's language, through Intl: "84.2 %" in
 * Spanish, "23 nov 2026", "5 分钟前". A missing value is a dash, never 0 or NaN.
 */

export const NO_VALUE = '–';

export const count = (n: number, language: string): string => new Intl.NumberFormat(language).format(n);

/** A share 0–1 as a percentage with one decimal at most: 0.842 → "84.2%". */
export const percent = (value: number | null, language: string): string =>
  value === null ? NO_VALUE : new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(value);

// Report days are calendar days, not instants: formatted in UTC so no zone moves them.
const dayDate = (day: string): Date => new Date(`${day.length === 7 ? `${day}-01` : day}T00:00:00Z`);

/** A report day: "23 Nov 2026". */
export const dayLabel = (day: LocalDay, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(dayDate(day));

/** A trend bucket, short for an axis: "23 Nov" for a day, "Nov 2026" for a month. */
export const bucketLabel = (bucket: string, language: string): string =>
  new Intl.DateTimeFormat(language, bucket.length === 7 ? { month: 'short', year: 'numeric', timeZone: 'UTC' } : { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(dayDate(bucket));

/** A range of days: "1 – 23 Nov 2026". */
export const rangeLabel = (from: LocalDay, to: LocalDay, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).formatRange(dayDate(from), dayDate(to));

/** An instant in the reader's zone: "23 Nov 2026, 14:05". */
export const dateTime = (at: number, language: string, timeZone?: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);

/** An instant with its zone named, for a time read far from where it was shown: "Dec 8, 2026, 5:57 AM GMT+1". */
export const zonedDateTime = (at: number, language: string, timeZone: string): string =>
  new Intl.DateTimeFormat(language, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(at);

/** An instant, short, for a narrow column: "11/30/26, 10:08 AM". */
export const shortDateTime = (at: number, language: string): string =>
  new Intl.DateTimeFormat(language, { dateStyle: 'short', timeStyle: 'short' }).format(at);

/** "5 minutes ago", "in 3 hours", "2 days ago": the largest unit that is at least 1. */
export function relative(at: number, now: number, language: string): string {
  const seconds = Math.round((at - now) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 48 * 3600) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86_400), 'day');
}

/** Bytes in the largest fitting unit: "12.3 MB", "1.9 GB". */
export function bytes(n: number, language: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(language, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

/** A signed duration, for a device clock's offset from the server: "+1.2 s", "−3 min". */
export function offset(ms: number, language: string): string {
  const seconds = ms / 1000;
  const [value, unit] = Math.abs(seconds) < 90 ? [seconds, 'second'] : Math.abs(seconds) < 5400 ? [seconds / 60, 'minute'] : [seconds / 3600, 'hour'];
  return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'short', signDisplay: 'exceptZero', maximumFractionDigits: 1 }).format(value);
}
