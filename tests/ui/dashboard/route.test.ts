import { describe, expect, it } from 'vitest';
import { branchesOf, branchOf, mayOpen, rangeOf, regionOf, reportQuery } from '../../../src/ui/dashboard/filters.ts';
import { parseRoute, routeUrl, type DashboardRoute } from '../../../src/ui/dashboard/route.ts';
import type { Me } from '../../../src/domain/reports.ts';

const BRANCH = '0190a0b0-0000-7000-8000-000000000001';
const OTHER = '0190a0b0-0000-7000-8000-0000000000b2';
const route = (overrides: Partial<DashboardRoute> = {}): DashboardRoute => ({ page: 'overview', period: 'month', from: null, to: null, branchId: null, regionId: null, day: null, ...overrides });

describe('the address of a dashboard view', () => {
  it.each([
    ['/dashboard', '', route()],
    ['/dashboard/', '', route()],
    ['/dashboard/tellers', '?period=quarter&branch=' + BRANCH, route({ page: 'tellers', period: 'quarter', branchId: BRANCH })],
    ['/dashboard/complaints', '?period=custom&from=2026-10-01&to=2026-11-23', route({ page: 'complaints', period: 'custom', from: '2026-10-01', to: '2026-11-23' })],
    ['/dashboard/day-close', '?branch=' + BRANCH + '&day=2026-11-22', route({ page: 'day-close', branchId: BRANCH, day: '2026-11-22' })],
    ['/dashboard/nowhere', '?period=decade&from=2026-02-30', route()],
    ['/dashboard/branches', '?region=' + OTHER, route({ page: 'branches', regionId: OTHER })],
    ['/dashboard/surveys', '', route({ page: 'surveys' })],
    ['/dashboard/survey-results', '?period=quarter', route({ page: 'survey-results', period: 'quarter' })],
  ])('given %s%s, then it reads as that view (anything unknown falls back)', (path, search, expected) => {
    expect(parseRoute(path, search)).toEqual(expected);
  });

  it.each([
    [route(), '/dashboard'],
    [route({ page: 'tellers', period: 'week' }), '/dashboard/tellers?period=week'],
    [route({ page: 'counters', branchId: BRANCH }), `/dashboard/counters?branch=${BRANCH}`],
    [route({ page: 'tellers', regionId: OTHER, branchId: BRANCH }), `/dashboard/tellers?region=${OTHER}&branch=${BRANCH}`],
    [route({ page: 'branches', period: 'custom', from: '2026-01-01', to: '2026-03-31' }), '/dashboard/branches?period=custom&from=2026-01-01&to=2026-03-31'],
    [route({ page: 'day-close', branchId: BRANCH, day: '2026-11-22' }), `/dashboard/day-close?branch=${BRANCH}&day=2026-11-22`],
    // A day belongs to the day close only; the period's days to a custom period only.
    [route({ page: 'fleet', day: '2026-11-22', from: '2026-01-01' }), '/dashboard/fleet'],
  ])('given a view, then its address reads back as the same view', (view, url) => {
    expect(routeUrl(view)).toBe(url);
    const [path, search = ''] = url.split('?');
    expect(routeUrl(parseRoute(path!, search ? `?${search}` : ''))).toBe(url);
  });
});

describe('the filters of a viewer', () => {
  const headOffice: Me = { staffNumber: 'HQ1', name: 'Ana Ruiz', role: 'head-office', branchId: null, canViewReports: true, mustChangePassword: false, branches: [{ id: BRANCH, name: 'Main Street', timeZone: 'Europe/Madrid' }, { id: OTHER, name: 'Harbour Road', timeZone: 'Asia/Shanghai' }] };
  const manager: Me = { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager', branchId: BRANCH, canViewReports: true, mustChangePassword: false, branches: [{ id: BRANCH, name: 'Main Street', timeZone: 'Europe/Madrid' }] };

  it('given head office, then a branch of theirs is picked, and an unknown one means all', () => {
    expect(branchOf(route({ branchId: OTHER }), headOffice)?.name).toBe('Harbour Road');
    expect(branchOf(route({ branchId: 'not-a-branch' }), headOffice)).toBeNull();
    expect(branchOf(route(), headOffice)).toBeNull();
  });

  it('given regions, then a region narrows the branches offered and the query; a branch chosen is narrower still', () => {
    const NORTH = { id: 'north', name: 'North' };
    const withRegions: Me = { ...headOffice, regions: [NORTH], branches: [{ ...headOffice.branches[0]!, regionId: NORTH.id }, { ...headOffice.branches[1]!, regionId: null }] };
    const days = { from: '2026-11-01', to: '2026-11-23' } as const;
    expect(regionOf(route({ regionId: 'north' }), withRegions)).toEqual(NORTH);
    expect(regionOf(route({ regionId: 'south' }), withRegions)).toBeNull();
    expect(branchesOf(withRegions, NORTH).map((b) => b.name)).toEqual(['Main Street']);
    expect(branchesOf(withRegions, null)).toHaveLength(2);
    expect(reportQuery(days, null, NORTH)).toEqual({ ...days, regionId: 'north' });
    expect(reportQuery(days, withRegions.branches[0]!, NORTH)).toEqual({ ...days, branchId: BRANCH });
    expect(reportQuery(days, null, null)).toEqual(days);
  });

  it('given a regional manager, then they pick among their branches as head office does', () => {
    const regional: Me = { ...headOffice, staffNumber: 'RM1', role: 'regional-manager', regions: [{ id: 'north', name: 'North' }] };
    expect(branchOf(route({ branchId: OTHER }), regional)?.name).toBe('Harbour Road');
    expect(branchOf(route(), regional)).toBeNull();
  });

  it('given the surveys, then head office alone is offered to write them, and every report role their results', () => {
    expect(mayOpen('surveys', headOffice)).toBe(true);
    expect(mayOpen('surveys', { ...headOffice, role: 'regional-manager' })).toBe(false);
    expect(mayOpen('surveys', manager)).toBe(false);
    // Their results are a report: every report role reads them, of the branches it sees.
    expect(mayOpen('survey-results', manager)).toBe(true);
    expect(mayOpen('survey-results', { ...headOffice, role: 'regional-manager' })).toBe(true);
  });

  it('given a branch manager, then their branch whatever the address says', () => {
    expect(branchOf(route({ branchId: OTHER }), manager)?.id).toBe(BRANCH);
    expect(branchOf(route(), manager)?.id).toBe(BRANCH);
  });

  it.each([
    [route({ period: 'today' }), { ok: true, range: { from: '2026-11-23', to: '2026-11-23' }, soFar: true }],
    [route({ period: 'week' }), { ok: true, range: { from: '2026-11-23', to: '2026-11-23' }, soFar: true }],
    [route({ period: 'month' }), { ok: true, range: { from: '2026-11-01', to: '2026-11-23' }, soFar: true }],
    [route({ period: 'quarter' }), { ok: true, range: { from: '2026-10-01', to: '2026-11-23' }, soFar: true }],
    [route({ period: 'custom', from: '2026-06-01', to: '2026-06-30' }), { ok: true, range: { from: '2026-06-01', to: '2026-06-30' }, soFar: false }],
    [route({ period: 'custom', from: '2026-06-01' }), { ok: false, problem: 'incomplete' }],
    [route({ period: 'custom', from: '2026-06-30', to: '2026-06-01' }), { ok: false, problem: 'reversed' }],
    [route({ period: 'custom', from: '2020-01-01', to: '2026-06-01' }), { ok: false, problem: 'too-long' }],
  ])('given a period on Monday 23 November 2026, then its days (or why not)', (view, expected) => {
    expect(rangeOf(view, '2026-11-23')).toEqual(expected);
  });
});
