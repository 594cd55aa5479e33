import * as v from 'valibot';
import { HEAD_OFFICE } from '../../domain/access.ts';
import { DayRangeSchema, localDayOf, MAX_RANGE_DAYS, daysInRange, periodRange, type DayRange, type LocalDay } from '../../domain/period.ts';
import type { BranchRef, Me, ReportQuery } from '../../domain/reports.ts';
import type { DashboardRoute, Page } from './route.ts';

/**
 * What the filters in the address mean for one viewer: which branch, which zone's "today",
 * which days. Pure; the clock and the viewer's zone are passed in.
 */

/** The branch the reports cover: head office picks one or all (null); a branch manager sees theirs. */
export function branchOf(route: DashboardRoute, me: Me): BranchRef | null {
  if (me.role !== HEAD_OFFICE && me.branches.length === 1) return me.branches[0]!;
  return me.branches.find((b) => b.id === route.branchId) ?? null;
}

/** Head office compares branches; a branch manager has one. */
export const seesAllBranches = (me: Me): boolean => me.role === HEAD_OFFICE;

/** Pages for head office alone: the branches side by side, and the privacy desk (customers' requests, the audit log). */
const HEAD_OFFICE_PAGES: readonly Page[] = ['branches', 'privacy'];

/** Whether the viewer's role opens a page: the server answers 403 anyway; the nav does not offer it. */
export const mayOpen = (page: Page, me: Me): boolean => !HEAD_OFFICE_PAGES.includes(page) || me.role === HEAD_OFFICE;

/**
 * Today where the report's branch is: a branch in Madrid closes its day on Madrid's clock.
 * With every branch at once, the viewer's own zone decides.
 */
export function todayOf(branch: BranchRef | null, now: number, viewerZone: string): LocalDay {
  return localDayOf(now, branch?.timeZone ?? viewerZone);
}

/** Why a custom period cannot be asked for yet. */
export type RangeProblem = 'incomplete' | 'reversed' | 'too-long';

/**
 * `soFar`: the period reaches today, so its last day (and, for this week, month or quarter,
 * the period itself) is not over yet. The header says so ("1 – 6 Dec 2026, so far").
 */
export type ResolvedRange = { ok: true; range: DayRange; soFar: boolean } | { ok: false; problem: RangeProblem };

/** The days of the chosen period; a custom one as typed, once it is a range a report takes. */
export function rangeOf(route: DashboardRoute, today: LocalDay): ResolvedRange {
  if (route.period !== 'custom') return { ok: true, range: periodRange(route.period, today), soFar: true };
  const { from, to } = route;
  if (!from || !to) return { ok: false, problem: 'incomplete' };
  if (from > to) return { ok: false, problem: 'reversed' };
  if (daysInRange(from, to) > MAX_RANGE_DAYS || !v.is(DayRangeSchema, { from, to })) return { ok: false, problem: 'too-long' };
  return { ok: true, range: { from, to }, soFar: to >= today };
}

/** The query of a report over the chosen period and branch. */
export const reportQuery = (range: DayRange, branch: BranchRef | null): ReportQuery => (branch ? { ...range, branchId: branch.id } : { ...range });

/** A custom period starts where the chosen one was: switching to "custom" keeps the days on screen. */
export function customFrom(route: DashboardRoute, today: LocalDay): DayRange {
  const current = rangeOf(route, today);
  return current.ok ? current.range : periodRange('month', today);
}
