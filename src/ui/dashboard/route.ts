import * as v from 'valibot';
import { LocalDaySchema, PERIOD_KINDS, type LocalDay, type PeriodKind } from '../../domain/period.ts';

/**
 * The dashboard's address: the page in the path, the filters in the query, so any view can
 * be bookmarked, shared and reloaded: `/dashboard/tellers?period=month&branch=…`.
 * Pure: parsing and writing an address; router.ts follows the browser's history.
 */

export const PAGES = ['overview', 'tellers', 'counters', 'branches', 'complaints', 'fleet', 'day-close', 'privacy', 'enroll', 'staff', 'setup', 'accounts', 'network', 'alerts', 'webhooks', 'alert-rules', 'email', 'waiting', 'flags', 'queue', 'surveys', 'survey-results'] as const;
export type Page = (typeof PAGES)[number];

/*
 * The Alerts page lists alerts as they are now (open ones whatever their day, then the recently
 * acknowledged), but its time-to-acknowledge figure covers the header's period: it reads the
 * period, so it is not among the pages below that ignore it.
 */
/** Pages that read the period in the header; the fleet is now, a day close has its own day, the privacy desk its own days, enrollment codes are made now, the roster, the counters and lists the queue system's keys and the surveys are as they are now. */
export const usesPeriod = (page: Page): boolean => page !== 'fleet' && page !== 'day-close' && page !== 'privacy' && page !== 'enroll' && page !== 'staff' && page !== 'setup' && page !== 'accounts' && page !== 'network' && page !== 'webhooks' && page !== 'alert-rules' && page !== 'email' && page !== 'queue' && page !== 'surveys';

export const BASE_PATH = '/dashboard';

export interface DashboardRoute {
  page: Page;
  period: PeriodKind;
  /** The days of a custom period, as typed; checked when the report is asked for. */
  from: LocalDay | null;
  to: LocalDay | null;
  /** Null: every branch the viewer may see (or of the region). */
  branchId: string | null;
  /** Null: every region the viewer may see; else that region's branches (head office, a regional manager). */
  regionId: string | null;
  /** The day of a day close; null for today in the branch's zone. */
  day: LocalDay | null;
}

/** A month is what a manager looks at first: the service programme checks branches monthly (seed 001). */
export const DEFAULT_PERIOD: PeriodKind = 'month';

const isPage = (value: string): value is Page => (PAGES as readonly string[]).includes(value);
const isPeriod = (value: string): value is PeriodKind => (PERIOD_KINDS as readonly string[]).includes(value);
const dayOrNull = (value: string | null): LocalDay | null => (value !== null && v.is(LocalDaySchema, value) ? value : null);

/** Reads an address; anything unknown falls back to the overview of this month. */
export function parseRoute(pathname: string, search: string): DashboardRoute {
  const rest = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length).replace(/^\/+|\/+$/g, '') : '';
  const params = new URLSearchParams(search);
  const period = params.get('period') ?? '';
  return {
    page: isPage(rest) ? rest : 'overview',
    period: isPeriod(period) ? period : DEFAULT_PERIOD,
    from: dayOrNull(params.get('from')),
    to: dayOrNull(params.get('to')),
    branchId: params.get('branch') || null,
    regionId: params.get('region') || null,
    day: dayOrNull(params.get('day')),
  };
}

/**
 * Writes an address with the filters that differ from the defaults. The period stays in the
 * address on pages that ignore it (fleet, day close), so going back to a report keeps it.
 */
export function routeUrl(route: DashboardRoute): string {
  const params = new URLSearchParams();
  if (route.period !== DEFAULT_PERIOD) params.set('period', route.period);
  if (route.period === 'custom') {
    if (route.from) params.set('from', route.from);
    if (route.to) params.set('to', route.to);
  }
  if (route.regionId) params.set('region', route.regionId);
  if (route.branchId) params.set('branch', route.branchId);
  if (route.page === 'day-close' && route.day) params.set('day', route.day);
  const query = params.toString();
  const path = route.page === 'overview' ? BASE_PATH : `${BASE_PATH}/${route.page}`;
  return query ? `${path}?${query}` : path;
}
