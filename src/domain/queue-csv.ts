import * as v from 'valibot';
import { QUEUE_CSV_COLUMNS } from './queue.ts';
import { err, ok, type Result } from './result.ts';

// The queue system's daily export, as CSV: a header row naming the columns (any order, any
// case, other columns ignored), then one event per line. Its lines are read (server/queue-csv.ts
// splits them) into the same plain objects a post carries, so that each is checked by the
// very same QueueEventSchema and stored by the same code as a posted event
// (services/queue-events.ts). Pure: the caller passes the cells and the branch's time zone.

/** The columns an export must have; `service` may be left out. `type` is taken for `event`. */
export const REQUIRED_CSV_COLUMNS = ['ticket', 'event', 'time', 'counter'] as const satisfies readonly (typeof QUEUE_CSV_COLUMNS)[number][];

type Column = (typeof QUEUE_CSV_COLUMNS)[number];
const ALIASES: Readonly<Record<string, Column>> = { type: 'event' };

/** One line of the export with an event: as a post would send it, or why it cannot be one. */
export type CsvLine = { line: number; event: CsvEvent } | { line: number; problem: string };
/** A line's cells under a post's field names; QueueEventSchema checks them. */
export type CsvEvent = { ticket: string; type: string; at: number | string; counter: string | null; service: string | null };

export type CsvRefusal = 'bad-request';

export const TIME_UNREADABLE =
  "time: must be epoch milliseconds, an ISO 8601 time with its zone (2026-12-07T09:15:02+08:00) or the branch's local time (2026-12-07 09:15:02)";

/** The refusal of an export without even a header. */
export const EMPTY_EXPORT = `The export is empty: its first line names the columns ${QUEUE_CSV_COLUMNS.join(', ')}.`;

/** A line whose quotes do not close: CSV's one way to be broken. */
export const brokenQuotes = (parserMessage: string) =>
  `csv: ${parserMessage.toLowerCase()}; put a field that holds a quote, comma or line break in double quotes, and double its quotes`;

/** Which cell holds each column, read from the header row. */
export type CsvColumns = Partial<Record<Column, number>>;

/**
 * The columns of a header row; refused when it lacks a required one or names one twice:
 * every line would be wrong the same way, so the export is refused whole.
 */
export function csvColumnsOf(cells: readonly string[]): Result<CsvColumns, CsvRefusal> {
  const columns: CsvColumns = {};
  for (const [i, cell] of cells.entries()) {
    const name = cell.trim().toLowerCase();
    const column = (QUEUE_CSV_COLUMNS as readonly string[]).includes(name) ? (name as Column) : ALIASES[name];
    if (column === undefined) continue;
    if (columns[column] !== undefined) return err('bad-request', `The header names the column ${column} twice${column === 'event' ? ' (type is taken for event)' : ''}; keep one.`);
    columns[column] = i;
  }
  const missing = REQUIRED_CSV_COLUMNS.filter((c) => columns[c] === undefined);
  if (missing.length > 0) {
    return err(
      'bad-request',
      `The header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: the first line names the columns ${QUEUE_CSV_COLUMNS.join(', ')} (any order; service may be left out).`,
    );
  }
  return ok(columns);
}

/** Whether a row holds nothing but blanks: skipped, as a blank line is. */
export const isBlankRow = (cells: readonly string[]): boolean => cells.every((cell) => cell.trim() === '');

/** A line's cells as a post's event; its time read in the branch's zone, or why it cannot be read. */
export function csvLineOf(line: number, cells: readonly string[], columns: CsvColumns, timeZone: string): CsvLine {
  const cell = (column: Column): string => {
    const i = columns[column];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const at = csvTimeOf(cell('time'), timeZone);
  if (at === null) return { line, problem: TIME_UNREADABLE };
  const counter = cell('counter');
  const service = cell('service');
  return { line, event: { ticket: cell('ticket'), type: cell('event').toLowerCase(), at, counter: counter || null, service: service || null } };
}

const EPOCH_MS = /^\d{1,16}$/;
const WITH_ZONE = /(Z|[+-]\d{2}:\d{2})$/i;
const LOCAL_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/**
 * A `time` cell as QueueTimeSchema reads it: epoch milliseconds as a number, an ISO time with
 * its zone as the text (the schema checks it), a local time such as 2026-12-07 09:15:02 (or
 * 2026/12/07 9:15) as the instant it is in the branch's zone; null when it is none of these.
 */
export function csvTimeOf(cell: string, timeZone: string): number | string | null {
  if (EPOCH_MS.test(cell)) return Number(cell);
  if (WITH_ZONE.test(cell)) return cell;
  const m = LOCAL_TIME.exec(cell);
  if (!m) return null;
  const [, year, month, day, hour, minute, second = '0', ms = '0'] = m;
  return localTimeToEpoch({ year: +year!, month: +month!, day: +day!, hour: +hour!, minute: +minute!, second: +second, ms: +ms.padEnd(3, '0') }, timeZone);
}

export type LocalTime = { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number };

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    zoneFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds (Shanghai: +8 h). */
function zoneOffsetAt(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(epochMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time of a zone is: 2026-12-07 09:15 in Asia/Shanghai is 01:15 UTC.
 * The zone's offset is read at a first guess and again at the answer, so a time next to a
 * daylight-saving change gets the offset in force then; a time the change skips (02:30 on a
 * spring-forward night) lands after the gap, and one it repeats on the earlier of the two.
 * Null for a date or time that does not exist (February 30th, 25:00).
 */
export function localTimeToEpoch(local: LocalTime, timeZone: string): number | null {
  const { year, month, day, hour, minute, second, ms } = local;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second) return null;
  const guess = wall - zoneOffsetAt(wall, timeZone);
  const offset = zoneOffsetAt(guess, timeZone);
  const instant = wall - offset;
  // In a repeated hour the wall time shows twice, an hour apart: the earlier one is meant.
  const earlier = instant - 3_600_000;
  const earlierOffset = zoneOffsetAt(earlier, timeZone);
  return earlierOffset !== offset && earlier + earlierOffset === wall ? earlier : instant;
}

/** The export's words for a post's fields: a line's `event` and `time` cells are a post's `type` and `at`. */
const CSV_FIELD: Readonly<Record<string, string>> = { type: 'event', at: 'time' };

/** Like wire.ts describeIssues, naming the export's columns: "event: must be issued, called, started or ended". */
export function describeCsvIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      if (!path) return issue.message;
      const [first = '', ...rest] = path.split('.');
      return `${[CSV_FIELD[first] ?? first, ...rest].join('.')}: ${issue.message}`;
    })
    .join('; ');
}
