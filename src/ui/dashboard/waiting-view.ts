import type { TFunction } from 'i18next';
import type { PeakCell, WaitFigures } from '../../domain/queue.ts';
import { WAIT_BAND_EDGES_MIN } from '../../domain/queue-terms.ts';
import { NO_VALUE } from './format.ts';

/**
 * The Waiting time page's pure parts: a wait in minutes, an hour and a weekday by name, a
 * waiting band in words, which figures are over the target, and the hours where a flexible
 * window would help most. The reader's language is passed in.
 */

const MINUTE_MS = 60_000;
/** waitPercentile answers the open bucket's lower edge, two hours, for "two hours or more". */
const OPEN_BUCKET_MS = 120 * MINUTE_MS;

/**
 * A wait in minutes with one decimal: "12.5 min", the number and its unit never split over
 * two lines (a no-break space); "120 min or more" from the open bucket; a dash for none.
 */
export function waitText(ms: number | null, t: TFunction, language: string): string {
  if (ms === null) return NO_VALUE;
  const minutes = new Intl.NumberFormat(language, { style: 'unit', unit: 'minute', unitDisplay: 'short', maximumFractionDigits: 1 }).format(ms / MINUTE_MS).replace(/ /g, '\u00a0');
  return ms >= OPEN_BUCKET_MS ? t('dashboard.waiting.orMore', { value: minutes }) : minutes;
}

/** Whether a 90th percentile is over the network's target (in minutes). */
export const overTarget = (p90Ms: number | null, targetMinutes: number): boolean => p90Ms !== null && p90Ms > targetMinutes * MINUTE_MS;

/** The share of the waited tickets called within the target, 0–1; null when none waited. */
export const withinShare = (figures: WaitFigures): number | null => (figures.waited === 0 ? null : figures.withinTarget / figures.waited);

/** An hour of the day as a span: "09:00–10:00". */
export const hourLabel = (hour: number): string => `${String(hour).padStart(2, '0')}:00–${String((hour + 1) % 24).padStart(2, '0')}:00`;

/** A weekday, 1 (Monday) to 7 (Sunday), by its name in the reader's language, capitalised as it heads a row: "Monday", "Lunes". */
export function weekdayName(weekday: number, language: string): string {
  // 5 January 2026 was a Monday; read in UTC so no zone moves it.
  const name = new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, 0, 4 + weekday));
  return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
}

/** A waiting band in words: "under 5 min", "5–10 min", "30 min or more" (domain/queue.ts waitBandOf). */
export function bandLabel(band: number, t: TFunction, language: string): string {
  const n = (value: number) => new Intl.NumberFormat(language).format(value);
  if (band === 0) return t('dashboard.waiting.band.under', { to: n(WAIT_BAND_EDGES_MIN[0]) });
  if (band >= WAIT_BAND_EDGES_MIN.length) return t('dashboard.waiting.band.over', { from: n(WAIT_BAND_EDGES_MIN[WAIT_BAND_EDGES_MIN.length - 1]!) });
  return t('dashboard.waiting.band.between', { from: n(WAIT_BAND_EDGES_MIN[band - 1]!), to: n(WAIT_BAND_EDGES_MIN[band]!) });
}

/** How many hours the peak view names for a flexible window. */
export const FLEXIBLE_HOURS = 3;

/** The hours over the target with the longest 90th percentile first: where a flexible window would help most. */
export function flexibleHours(peak: readonly PeakCell[], count = FLEXIBLE_HOURS): PeakCell[] {
  return peak
    .filter((cell) => cell.overTarget && cell.p90Ms !== null)
    .sort((a, b) => b.p90Ms! - a.p90Ms! || b.ticketsPerHour - a.ticketsPerHour || a.weekday - b.weekday || a.hour - b.hour)
    .slice(0, count);
}

/** The peak view's rows: every hour with tickets on any weekday, in order, each with its weekdays' cells. */
export function peakRows(peak: readonly PeakCell[]): { hour: number; cells: Map<number, PeakCell> }[] {
  const hours = new Map<number, Map<number, PeakCell>>();
  for (const cell of peak) {
    const row = hours.get(cell.hour) ?? new Map<number, PeakCell>();
    row.set(cell.weekday, cell);
    hours.set(cell.hour, row);
  }
  return [...hours].sort(([a], [b]) => a - b).map(([hour, cells]) => ({ hour, cells }));
}

/** The weekdays the peak view has a column for: those with tickets, Monday first. */
export const peakWeekdays = (peak: readonly PeakCell[]): number[] => [...new Set(peak.map((cell) => cell.weekday))].sort((a, b) => a - b);
