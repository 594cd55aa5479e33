import * as v from 'valibot';
import type { CaseEvent } from '../../domain/case.ts';
import { addDays, daysInRange, localDayOf, LocalDaySchema, type LocalDay } from '../../domain/period.ts';
import { BLANKED_TEXT, CustomerQuerySchema, RETENTION_FIELDS, type CustomerQuery, type Retention } from '../../domain/privacy.ts';

/**
 * The privacy desk's rules on the dashboard's side, pure: a customer's query checked with the
 * server's own schema before it is sent, the audit log's days, and how a record reads.
 */

/** How head office finds a customer: by what the customer can tell them. */
export const QUERY_KINDS = ['reference', 'phone', 'email'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** Why a query is not sent, as keys `dashboard.privacy.problem.<problem>`. */
export const QUERY_PROBLEMS = ['empty', 'reference-short', 'phone-digits', 'email-format', 'too-long'] as const;
export type QueryProblem = (typeof QUERY_PROBLEMS)[number];

const SHAPE_PROBLEM: Record<QueryKind, QueryProblem> = { reference: 'reference-short', phone: 'phone-digits', email: 'email-format' };

/**
 * What the user typed, as the query the server takes (trimmed, an e-mail in lower case), or
 * why it is not one: CustomerQuerySchema decides, the same schema the server parses with.
 */
export function customerQueryOf(by: QueryKind, typed: string): { ok: true; query: CustomerQuery } | { ok: false; problem: QueryProblem } {
  if (typed.trim() === '') return { ok: false, problem: 'empty' };
  const parsed = v.safeParse(CustomerQuerySchema, { [by]: typed });
  if (parsed.success) return { ok: true, query: parsed.output };
  return { ok: false, problem: parsed.issues.some((issue) => issue.type === 'max_length') ? 'too-long' : SHAPE_PROBLEM[by] };
}

/** The audit log opens on the last 30 days. */
export const AUDIT_DEFAULT_DAYS = 30;
/** The server answers whole days; a year at most is asked for at once (AuditQuerySchema's contract). */
export const AUDIT_MAX_DAYS = 366;

/**
 * The audit log's days are UTC days (the server reads them so): today in UTC holds this very
 * instant whatever the viewer's zone, so the act just done is always in the default period.
 */
export function defaultAuditDays(now: number): { from: LocalDay; to: LocalDay } {
  const to = localDayOf(now, 'UTC');
  return { from: addDays(to, -(AUDIT_DEFAULT_DAYS - 1)), to };
}

export type AuditDaysProblem = 'incomplete' | 'reversed' | 'too-long';

/** Why the days typed cannot be asked for, or null. */
export function auditDaysProblem(from: string, to: string): AuditDaysProblem | null {
  if (!v.is(LocalDaySchema, from) || !v.is(LocalDaySchema, to)) return 'incomplete';
  if (from > to) return 'reversed';
  return daysInRange(from, to) > AUDIT_MAX_DAYS ? 'too-long' : null;
}

/** Whether a text is one that retention or an erasure replaced. */
export const isBlanked = (text: string): boolean => text === BLANKED_TEXT;

/** The words of a case's step, where the customer's may be: null for a step without any. */
export function wordsOf(event: CaseEvent): string | null {
  if (event.type === 'opened') return event.summary;
  return 'text' in event && event.text !== '' ? event.text : null;
}

/** The retention periods in the order a reader takes them: the customer's data, the log, then the tablets; the compiler asks for every one. */
const RETENTION_RANK: Record<keyof Retention, number> = { contactDays: 0, entryTextDays: 1, closedCaseDays: 2, auditDays: 3, tabletClosedCaseDays: 4, quarantineDays: 5 };
export const RETENTION_ORDER: readonly (keyof Retention)[] = [...RETENTION_FIELDS].sort((a, b) => RETENTION_RANK[a] - RETENTION_RANK[b]);

const INSTANT_KEYS = new Set(['at', 'from', 'to']);
const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** How many items of a list the screen shows of an audit row's detail; the CSV and JSON keep them all. */
const SCREEN_ITEMS = 3;

/**
 * An audit row's detail as one compact line: `entries: [id, id]; cases: []`. Its counts and
 * record ids only (the server never puts words in it); instants as ISO text. For the screen
 * (`brief`), a record id is cut to its last eight characters and a long list to its first
 * three and how many more (a purge may list hundreds); the CSV and JSON keep everything.
 */
export function compactDetail(detail: Record<string, unknown>, { brief = false }: { brief?: boolean } = {}): string {
  const value = (item: unknown, key: string): string => {
    if (Array.isArray(item)) {
      const shown = brief ? item.slice(0, SCREEN_ITEMS) : item;
      const more = item.length - shown.length;
      return `[${[...shown.map((each) => value(each, '')), ...(more > 0 ? [`+${more}`] : [])].join(', ')}]`;
    }
    if (item !== null && typeof item === 'object') return `{${compactDetail(item as Record<string, unknown>, { brief })}}`;
    if (typeof item === 'number' && INSTANT_KEYS.has(key) && item > 1e11) {
      const iso = new Date(item).toISOString();
      return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
    }
    if (brief && typeof item === 'string' && RECORD_ID.test(item)) return `…${shortId(item)}`;
    return String(item);
  };
  return Object.entries(detail)
    .map(([key, item]) => `${key}: ${value(item, key)}`)
    .join('; ');
}

/**
 * A record id as a person quotes it: its last eight characters. Ids are UUIDv7, whose first
 * characters are the time they were made (the same for records of the same minute); the last
 * are random.
 */
export const shortId = (id: string): string => id.slice(-8);
