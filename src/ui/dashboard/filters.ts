import * as v from 'valibot';
import { HEAD_OFFICE, managesBranchManagers } from '../../domain/access.ts';
import { DayRangeSchema, localDayOf, MAX_RANGE_DAYS, daysInRange, periodRange, type DayRange, type LocalDay } from '../../domain/period.ts';
import type { BranchRef, Me, RegionRef, ReportQuery } from '../../domain/reports.ts';
import type { DashboardRoute, Page } from './route.ts';

/**
 * What the filters in the address mean for one viewer: which branch, which zone's "today",
 * which days. Pure; the clock and the viewer's zone are passed in.
 */

/** The branch the reports cover: head office and a regional manager pick one or all (null); a branch manager sees theirs. */
export function branchOf(route: DashboardRoute, me: Me): BranchRef | null {
  if (!managesBranchManagers(me) && me.branches.length === 1) return me.branches[0]!;
  return me.branches.find((b) => b.id === route.branchId) ?? null;
}

/** Head office and a regional manager compare branches; a branch manager has one. */
export const seesAllBranches = (me: Me): boolean => managesBranchManagers(me);

/** Pages for head office alone: the privacy desk (customers' requests, the audit log), the network's surveys. */
const HEAD_OFFICE_PAGES: readonly Page[] = ['privacy', 'surveys'];
/** Pages above a branch: the branches side by side (head office every branch, a regional manager their region's). */
const ABOVE_BRANCH_PAGES: readonly Page[] = ['branches', 'network', 'webhooks'];

/** Whether the viewer's role opens a page: the server answers 403 anyway; the nav does not offer it. */
export const mayOpen = (page: Page, me: Me): boolean => {
  if (HEAD_OFFICE_PAGES.includes(page)) return me.role === HEAD_OFFICE;
  if (ABOVE_BRANCH_PAGES.includes(page)) return managesBranchManagers(me);
  return true;
};

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

/**
 * The region the reports cover: one the viewer may see (head office any, a regional manager
 * their own), else null (all of them). A branch chosen narrows it further.
 */
export function regionOf(route: DashboardRoute, me: Me): RegionRef | null {
  return me.regions?.find((r) => r.id === route.regionId) ?? null;
}

/** The branches offered in the branch filter: the region's when one is chosen. */
export const branchesOf = (me: Me, region: RegionRef | null): BranchRef[] => (region ? me.branches.filter((b) => b.regionId === region.id) : me.branches);

/** The query of a report over the chosen period and branch, or else the chosen region. */
export const reportQuery = (range: DayRange, branch: BranchRef | null, region: RegionRef | null = null): ReportQuery =>
  branch ? { ...range, branchId: branch.id } : region ? { ...range, regionId: region.id } : { ...range };

/** A custom period starts where the chosen one was: switching to "custom" keeps the days on screen. */
export function customFrom(route: DashboardRoute, today: LocalDay): DayRange {
  const current = rangeOf(route, today);
  return current.ok ? current.range : periodRange('month', today);
}
