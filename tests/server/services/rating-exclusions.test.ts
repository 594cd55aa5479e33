import { expect, it } from 'vitest';
import { REGIONAL_MANAGER, type Viewer } from '../../../src/domain/access.ts';
import { countersReport, overviewReport, tellersReport } from '../../../src/server/reports/index.ts';
import { dashboardActor, readAudit } from '../../../src/server/services/audit.ts';
import { excludeRating, includeRating } from '../../../src/server/services/rating-exclusions.ts';
import { editBranch } from '../../../src/server/services/branches.ts';
import { rebuildRollups } from '../../../src/server/services/report-rollups.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, HEAD_OFFICE_VIEWER, managerOf, push, ratingAt, rollupsOf, type GivenBranch } from '../reports/given.ts';

const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);
const DAYS = { from: '2026-11-20', to: '2026-11-26' };
const NOW = SERVER_NOW + 3_600_000;
const REASON = 'Tapped by the teller between customers (seen on camera)';

const as = (viewer: Viewer) => ({ viewer, actor: dashboardActor(viewer, '127.0.0.1') });
const MANAGER_A = as(managerOf(BRANCH_A));

describeEachDatabase('rating exclusions', (kind) => {
  const database = useTestDatabase(kind);
  const db = () => database.current.db;

  /** Branch A's ratings over two days at both counters, by both tellers; answers the branches. */
  async function givenRatings(): Promise<GivenBranch[]> {
    const branches = await givenNetwork(db());
    const a = branches[0]!;
    await push(db(), a.counters[0], [
      ratingAt(a, at(23, 9), { score: 'very-satisfied', reasons: ['speed'] }),
      ratingAt(a, at(23, 9, 30), { teller: 1, score: 'satisfied' }),
      ratingAt(a, at(24, 10), { score: 'neutral', reasons: ['attitude'] }),
    ]);
    await push(db(), a.counters[1], [ratingAt(a, at(23, 11), { counter: 1, teller: 1, score: 'very-satisfied' })]);
    return branches;
  }

  /** Everything the exclusion may change in the reports of branch A, and the roll-ups themselves. */
  const figures = async () => ({
    tellers: await tellersReport(db(), [BRANCH_A], DAYS),
    counters: await countersReport(db(), [BRANCH_A], DAYS),
    overview: await overviewReport(db(), [BRANCH_A], DAYS),
    rollups: await rollupsOf(db()),
  });

  const ratingRow = (id: string) => db().selectFrom('ratings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('given a teller’s dissatisfied rating with reasons, when the branch manager excludes it, then every figure is as if it had never come, the rating row is untouched, its days are marked and the audit says who and why', async () => {
    const [a] = await givenRatings();
    const without = await figures();
    const suspect = ratingAt(a!, at(23, 9, 31), { score: 'dissatisfied', reasons: ['attitude', 'waiting-time'] });
    await push(db(), a!.counters[0], [suspect]);
    const withIt = await figures();
    const row = await ratingRow(suspect.id);
    const teller = (f: typeof withIt) => f.tellers.rows.find((r) => r.id === a!.tellerIds[0])!;
    expect(teller(withIt).ratings).toBe(teller(without).ratings + 1);
    await db().deleteFrom('match_dirty').execute();

    const excluded = await excludeRating(db(), MANAGER_A, suspect.id, REASON, NOW);

    expect(excluded).toEqual({ ok: true, value: { reason: REASON, by: 'Staff branch-manager', at: NOW } });
    expect(await figures()).toEqual(without);
    expect(await ratingRow(suspect.id)).toEqual(row);
    expect(await db().selectFrom('rating_exclusions').selectAll().execute()).toEqual([
      { rating_id: suspect.id, branch_id: BRANCH_A, day: '2026-11-23', reason: REASON, excluded_by: '1103', excluded_name: 'Staff branch-manager', excluded_at: NOW },
    ]);
    expect(await db().selectFrom('match_dirty').select(['branch_id', 'day']).execute()).toEqual([{ branch_id: BRANCH_A, day: '2026-11-23' }]);
    const audit = await readAudit(db(), { from: 0, to: NOW + 1, limit: 10 });
    expect(audit.map((r) => ({ action: r.action, actor: r.actor, role: r.role, verified: r.verified, branchId: r.branchId, subject: r.subject, detail: r.detail }))).toEqual([
      {
        action: 'rating-exclude',
        actor: '1103',
        role: 'branch-manager',
        verified: 'dashboard-session',
        branchId: BRANCH_A,
        subject: suspect.id,
        detail: { reason: REASON, day: '2026-11-23', counterId: a!.counterIds[0], tellerId: a!.tellerIds[0], score: 'dissatisfied' },
      },
    ]);
  });

  it('given an excluded rating, when the branch manager includes it back, then every figure is exactly what it was with it, and the audit says who put it back and why', async () => {
    const [a] = await givenRatings();
    const suspect = ratingAt(a!, at(24, 10, 1), { score: 'dissatisfied', reasons: ['attitude'] });
    await push(db(), a!.counters[0], [suspect]);
    const withIt = await figures();
    expect((await excludeRating(db(), MANAGER_A, suspect.id, REASON, NOW)).ok).toBe(true);
    expect(await figures()).not.toEqual(withIt);

    const included = await includeRating(db(), MANAGER_A, suspect.id, 'The camera shows a customer after all', NOW + 60_000);

    expect(included).toEqual({ ok: true, value: null });
    expect(await figures()).toEqual(withIt);
    expect(await db().selectFrom('rating_exclusions').selectAll().execute()).toEqual([]);
    const audit = await readAudit(db(), { from: 0, to: NOW + 120_000, limit: 10 });
    expect(audit.map((r) => [r.action, r.actor, r.subject, r.detail.reason])).toEqual([
      ['rating-exclude', '1103', suspect.id, REASON],
      ['rating-include', '1103', suspect.id, 'The camera shows a customer after all'],
    ]);
    expect(audit[1]!.detail).toMatchObject({ excludedBy: '1103', excludedAt: NOW });
  });

  it('given the only rating of a teller at a counter, when it is excluded, then no row of zeros is left: the roll-ups are what a rebuild makes', async () => {
    const [a] = await givenRatings();
    const only = ratingAt(a!, at(25, 12), { counter: 1, teller: 0, score: 'neutral', reasons: ['speed'] });
    await push(db(), a!.counters[1], [only]);
    expect((await excludeRating(db(), MANAGER_A, only.id, REASON, NOW)).ok).toBe(true);
    const afterExclusion = await rollupsOf(db());
    expect(afterExclusion.ratingDays.filter((r) => r.day === '2026-11-25')).toEqual([]);
    expect(afterExclusion.ratingBranchDays.filter((r) => r.day === '2026-11-25')).toEqual([]);
    expect(afterExclusion.ratingReasonDays.filter((r) => r.day === '2026-11-25')).toEqual([]);
    expect((await tellersReport(db(), [BRANCH_A], { from: '2026-11-25', to: '2026-11-25' })).rows).toEqual([]);
  });

  it('given excluded ratings, when the roll-ups are rebuilt, then they stay out; once included, a rebuild counts them again', async () => {
    const [a] = await givenRatings();
    const suspects = [ratingAt(a!, at(23, 9, 40), { score: 'dissatisfied', reasons: ['attitude'] }), ratingAt(a!, at(24, 10, 5), { teller: 1, score: 'very-satisfied' })];
    await push(db(), a!.counters[0], suspects);
    const withThem = await figures();
    for (const suspect of suspects) expect((await excludeRating(db(), MANAGER_A, suspect.id, REASON, NOW)).ok).toBe(true);
    const excluded = await figures();

    expect(await rebuildRollups(db())).toEqual({ ok: true, value: { branches: 2 } });
    expect(await figures()).toEqual(excluded);

    for (const suspect of suspects) expect((await includeRating(db(), MANAGER_A, suspect.id, 'Checked: genuine', NOW)).ok).toBe(true);
    expect(await figures()).toEqual(withThem);
    expect(await rebuildRollups(db(), BRANCH_A)).toEqual({ ok: true, value: { branches: 1 } });
    expect(await figures()).toEqual(withThem);
  });

  it('given an excluded rating late in the evening, when its branch moves to Shanghai, then the rebuild moves the exclusion to the rating’s new day and keeps it out; put back, it counts on that day', async () => {
    const [a] = await givenRatings();
    // 21:00 in Madrid on the 23rd is 05:00 on the 24th in Shanghai.
    const late = ratingAt(a!, at(23, 20), { score: 'dissatisfied', reasons: ['attitude'] });
    await push(db(), a!.counters[0], [late]);
    expect((await excludeRating(db(), MANAGER_A, late.id, REASON, NOW)).ok).toBe(true);

    expect(await editBranch(db(), BRANCH_A, { timeZone: 'Asia/Shanghai' })).toMatchObject({ ok: true });

    const exclusionDay = async () => (await db().selectFrom('rating_exclusions').select('day').where('rating_id', '=', late.id).executeTakeFirstOrThrow()).day;
    expect(await exclusionDay()).toBe('2026-11-24');
    const excluded = await figures();
    expect(excluded.rollups.ratingBranchDays.find((r) => r.branch_id === BRANCH_A && r.day === '2026-11-24')).toMatchObject({ dissatisfied: 0 });
    expect((await includeRating(db(), MANAGER_A, late.id, 'Checked: genuine', NOW)).ok).toBe(true);
    const included = await figures();
    expect(included.rollups.ratingBranchDays.find((r) => r.branch_id === BRANCH_A && r.day === '2026-11-24')).toMatchObject({ dissatisfied: 1 });
    expect(await rebuildRollups(db(), BRANCH_A)).toEqual({ ok: true, value: { branches: 1 } });
    expect(await figures()).toEqual(included);
  });

  it('given a tablet whose clock was seven hours behind, when its rating is excluded, then both its own day and the day of its corrected time are marked for the matcher', async () => {
    const [a] = await givenRatings();
    // 20:00 in Madrid by the tablet's clock; 03:00 the next day by the server's.
    const late = ratingAt(a!, at(23, 19));
    await push(db(), a!.counters[0], [late]);
    await db().updateTable('ratings').set({ clock_offset_ms: 7 * 3_600_000 }).where('id', '=', late.id).execute();
    await db().deleteFrom('match_dirty').execute();

    expect((await excludeRating(db(), MANAGER_A, late.id, REASON, NOW)).ok).toBe(true);

    const marked = await db().selectFrom('match_dirty').select(['branch_id', 'day']).orderBy('day').execute();
    expect(marked).toEqual([
      { branch_id: BRANCH_A, day: '2026-11-23' },
      { branch_id: BRANCH_A, day: '2026-11-24' },
    ]);
  });

  it('given a rating excluded already, when it is excluded again, then 409 and nothing changes; given one that counts, when it is included, then 409', async () => {
    const [a] = await givenRatings();
    const suspect = ratingAt(a!, at(23, 9, 45), { score: 'dissatisfied' });
    const fine = ratingAt(a!, at(23, 9, 50));
    await push(db(), a!.counters[0], [suspect, fine]);
    expect((await excludeRating(db(), MANAGER_A, suspect.id, REASON, NOW)).ok).toBe(true);
    const before = await figures();

    expect(await excludeRating(db(), MANAGER_A, suspect.id, 'Another reason', NOW + 1)).toEqual({
      ok: false,
      reason: 'conflict',
      message: `Rating ${suspect.id} was kept out of the assessment already, by Staff branch-manager at ${new Date(NOW).toISOString()}; put it back first to give another reason.`,
    });
    expect(await includeRating(db(), MANAGER_A, fine.id, 'Nothing to put back', NOW + 1)).toEqual({
      ok: false,
      reason: 'conflict',
      message: `Rating ${fine.id} is not kept out of the assessment: it counts already.`,
    });
    expect(await figures()).toEqual(before);
    expect((await readAudit(db(), { from: 0, to: NOW + 2, limit: 10 })).map((r) => r.action)).toEqual(['rating-exclude']);
  });

  it('given anyone but the manager of the rating’s branch, then they may neither exclude nor include it, and nothing changes', async () => {
    const [a] = await givenRatings();
    const suspect = ratingAt(a!, at(23, 9, 55), { score: 'dissatisfied' });
    await push(db(), a!.counters[0], [suspect]);
    const before = await figures();
    const regional: Viewer = { staffNumber: 'RM1', name: 'Marta Vidal', role: REGIONAL_MANAGER, branchId: null, region: { id: '0190a0b0-0000-7000-8000-0000000000e1', name: 'North', branchIds: [BRANCH_A] }, mustChangePassword: false };
    const rosterOf = (role: Viewer['role'], staffNumber: string): Viewer => ({ staffNumber, name: staffNumber, role, branchId: BRANCH_A, mustChangePassword: false });
    const refusals: [Viewer, string][] = [
      [rosterOf('teller', '1001'), 'forbidden'],
      [rosterOf('lobby-staff', '1101'), 'forbidden'],
      [rosterOf('complaint-manager', '1102'), 'forbidden'],
      [regional, 'forbidden'],
      [HEAD_OFFICE_VIEWER, 'forbidden'],
      [managerOf(BRANCH_B), 'not-found'],
    ];
    for (const [viewer, reason] of refusals) {
      expect(await excludeRating(db(), as(viewer), suspect.id, REASON, NOW), viewer.role).toMatchObject({ ok: false, reason });
      expect(await includeRating(db(), as(viewer), suspect.id, REASON, NOW), viewer.role).toMatchObject({ ok: false, reason });
    }
    expect(await excludeRating(db(), as(rosterOf('teller', '1001')), suspect.id, REASON, NOW)).toEqual({
      ok: false,
      reason: 'forbidden',
      message: "Only the branch manager of the rating's branch may keep a rating out of the assessment; 1001 is signed in as teller.",
    });
    expect(await excludeRating(db(), as(managerOf(BRANCH_B)), suspect.id, REASON, NOW)).toEqual({
      ok: false,
      reason: 'not-found',
      message: `No rating of branch ${BRANCH_B} has the id ${suspect.id}; the Flags page lists its flagged and excluded ratings.`,
    });
    const unknown = '019ab000-0000-7000-8000-0000000000ff';
    expect(await excludeRating(db(), MANAGER_A, unknown, REASON, NOW)).toMatchObject({ ok: false, reason: 'not-found' });
    expect(await figures()).toEqual(before);
    expect(await db().selectFrom('rating_exclusions').selectAll().execute()).toEqual([]);
    expect(await readAudit(db(), { from: 0, to: NOW + 1, limit: 10 })).toEqual([]);
  });
});
