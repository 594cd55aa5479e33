import { expect, it } from 'vitest';
import type { Viewer } from '../../../src/domain/access.ts';
import { FLAGS_PAGE_SIZE, type FlaggedRating } from '../../../src/domain/queue.ts';
import { flagsReport } from '../../../src/server/reports/index.ts';
import { dashboardActor } from '../../../src/server/services/audit.ts';
import { excludeRating, includeRating } from '../../../src/server/services/rating-exclusions.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, managerOf, push, ratingAt, type GivenBranch } from './given.ts';
import { givenQueueSystem, settleMatcher, ticketEvents } from './queue-given.ts';

const t = (day: number, hour: number, minute = 0, second = 0) => Date.UTC(2026, 10, day, hour, minute, second);
const PERIOD = { from: '2026-11-23', to: '2026-11-23' };
const as = (viewer: Viewer) => ({ viewer, actor: dashboardActor(viewer, '127.0.0.1') });
const MANAGER_A = as(managerOf(BRANCH_A));

describeEachDatabase('the flags report', (kind) => {
  const database = useTestDatabase(kind);
  const db = () => database.current.db;

  it('given a burst at one window and a rating with no ticket at another, then both are listed newest first with what the server saw, and an exclusion with who and why', async () => {
    const [a, b] = (await givenNetwork(db())) as [GivenBranch, GivenBranch];
    const post = await givenQueueSystem(db(), a);
    // Window 1 served one ticket, 09:00–09:10 local; the rating at 09:40 belongs to none.
    await post(ticketEvents('A001', { issued: t(23, 7, 55), called: t(23, 8), started: t(23, 8), ended: t(23, 8, 10), counter: '1' }));
    const rated = ratingAt(a, t(23, 8, 11), { score: 'very-satisfied' });
    const lonely = ratingAt(a, t(23, 8, 40), { score: 'dissatisfied' });
    await push(db(), a.counters[0], [rated, lonely]);
    const burst = [0, 10, 25].map((s) => ratingAt(a, t(23, 9, 0, s), { counter: 1, teller: 1, score: 'very-satisfied' }));
    await push(db(), a.counters[1], burst);
    // Branch B's burst is outside A's scope.
    await push(db(), b.counters[0], [0, 5, 10].map((s) => ratingAt(b, t(23, 3, 0, s))));
    await settleMatcher(db());
    expect((await excludeRating(db(), MANAGER_A, burst[1]!.id, 'Three taps in 25 seconds', SERVER_NOW)).ok).toBe(true);
    await settleMatcher(db());

    const report = await flagsReport(db(), [BRANCH_A], PERIOD);

    expect(report.period).toEqual(PERIOD);
    expect(report.more).toBe(false);
    // Window 2 is mapped too and served no ticket that day: its burst had no ticket either.
    const burstEvidence = { 'no-ticket': { previous: null, next: null }, burst: { ratings: 3, firstAt: t(23, 9), lastAt: t(23, 9, 0, 25), shortestGapMs: 10_000 } };
    // Each named as the branch's setup and roster name it: Window 1 and Teller 11 (1001), Window 2 and Teller 12 (1002).
    const names = (r: typeof lonely) => {
      const counter = a.counterIds.indexOf(r.counterId);
      const teller = a.tellerIds.indexOf(r.tellerId);
      return { branchName: 'Harbour Road', counterName: `Window ${counter + 1}`, tellerName: `Teller 1${teller + 1}`, tellerStaffNumber: `100${teller + 1}` };
    };
    const row = (r: typeof lonely, fields: Partial<FlaggedRating>): FlaggedRating => ({
      ratingId: r.id,
      branchId: BRANCH_A,
      counterId: r.counterId,
      tellerId: r.tellerId,
      ...names(r),
      score: r.score,
      createdAt: r.createdAt,
      correctedAt: r.createdAt,
      day: '2026-11-23',
      kinds: [],
      evidence: {},
      excluded: null,
      ...fields,
    });
    expect(report.rows).toEqual([
      row(burst[2]!, { kinds: ['no-ticket', 'burst'], evidence: burstEvidence }),
      row(burst[1]!, { kinds: ['no-ticket', 'burst'], evidence: burstEvidence, excluded: { reason: 'Three taps in 25 seconds', by: 'Staff branch-manager', at: SERVER_NOW } }),
      row(burst[0]!, { kinds: ['no-ticket', 'burst'], evidence: burstEvidence }),
      row(lonely, { kinds: ['no-ticket'], evidence: { 'no-ticket': { previous: { ticket: 'A001', startedAt: t(23, 8), endedAt: t(23, 8, 10), ratedBy: rated.id }, next: null } } }),
    ]);
    expect(report.rows.map((r) => [r.counterName, r.tellerName])).toEqual([['Window 2', 'Teller 12'], ['Window 2', 'Teller 12'], ['Window 2', 'Teller 12'], ['Window 1', 'Teller 11']]);
    const everywhere = await flagsReport(db(), 'all', PERIOD);
    expect(everywhere.rows.map((r) => r.branchId)).toEqual([BRANCH_A, BRANCH_A, BRANCH_A, BRANCH_A, BRANCH_B, BRANCH_B, BRANCH_B]);
    // Head office's list names every branch's places and people itself: Nanjing Road's by its own.
    expect(everywhere.rows.slice(4).map((r) => [r.branchName, r.counterName, r.tellerName, r.tellerStaffNumber])).toEqual(Array(3).fill(['Nanjing Road', 'Window 1', 'Teller 21', '2001']));
    expect((await flagsReport(db(), [BRANCH_A], { from: '2026-11-24', to: '2026-11-30' })).rows).toEqual([]);
  });

  it('given an excluded rating the rules no longer flag, then it is still listed, with no flag and its exclusion; once included, it is gone', async () => {
    const [a] = (await givenNetwork(db())) as [GivenBranch, GivenBranch];
    const post = await givenQueueSystem(db(), a);
    await post(ticketEvents('A001', { issued: t(23, 7, 55), called: t(23, 8), started: t(23, 8), ended: t(23, 8, 10), counter: '1' }));
    const lonely = ratingAt(a, t(23, 8, 40), { score: 'dissatisfied' });
    // Rated while A001 was served: never flagged.
    const never = ratingAt(a, t(23, 8, 5), { score: 'neutral' });
    await push(db(), a.counters[0], [never, lonely]);
    await settleMatcher(db());
    expect((await flagsReport(db(), [BRANCH_A], PERIOD)).rows.map((r) => [r.ratingId, r.kinds])).toEqual([[lonely.id, ['no-ticket']]]);
    for (const rating of [lonely, never]) expect((await excludeRating(db(), MANAGER_A, rating.id, 'A test tap', SERVER_NOW)).ok).toBe(true);
    // The queue system's export brings a ticket that ended at 09:39 after all: the rule no longer
    // flags the rating of 09:40, though as an excluded rating it takes no ticket.
    await post(ticketEvents('A002', { issued: t(23, 8, 20), called: t(23, 8, 30), started: t(23, 8, 30), ended: t(23, 8, 39), counter: '1' }));
    await settleMatcher(db());

    const excluded = { reason: 'A test tap', by: 'Staff branch-manager', at: SERVER_NOW };
    expect((await flagsReport(db(), [BRANCH_A], PERIOD)).rows).toEqual([
      expect.objectContaining({ ratingId: lonely.id, kinds: [], evidence: {}, correctedAt: lonely.createdAt, day: '2026-11-23', excluded }),
      // Listed for its exclusion alone, it is named all the same.
      expect.objectContaining({ ratingId: never.id, kinds: [], evidence: {}, counterId: a.counterIds[0], branchName: 'Harbour Road', counterName: 'Window 1', tellerName: 'Teller 11', excluded }),
    ]);

    expect((await includeRating(db(), MANAGER_A, never.id, 'Genuine after all', SERVER_NOW)).ok).toBe(true);
    await settleMatcher(db());
    expect((await flagsReport(db(), [BRANCH_A], PERIOD)).rows.map((r) => r.ratingId)).toEqual([lonely.id]);
  });

  it('given a rating with no teller signed in (one from before tellers signed in), then its branch and counter are named and its teller stays null, flagged or kept out', async () => {
    const [a] = (await givenNetwork(db())) as [GivenBranch, GivenBranch];
    const burst = [0, 5, 10].map((s) => ratingAt(a, t(23, 9, 0, s), { counter: 1 }));
    await push(db(), a.counters[1], burst);
    await db().updateTable('ratings').set({ teller_id: null }).where('id', '=', burst[0]!.id).execute();
    await settleMatcher(db());
    const nobody = { branchName: 'Harbour Road', counterName: 'Window 2', tellerId: null, tellerName: null, tellerStaffNumber: null };

    expect((await flagsReport(db(), [BRANCH_A], PERIOD)).rows.at(-1)).toEqual(expect.objectContaining({ ratingId: burst[0]!.id, kinds: ['burst'], ...nobody }));

    // Kept out, and its flag gone (as when the rules no longer flag it): listed by its exclusion, still with no teller.
    expect((await excludeRating(db(), MANAGER_A, burst[0]!.id, 'A test tap', SERVER_NOW)).ok).toBe(true);
    await db().deleteFrom('rating_flags').execute();
    expect((await flagsReport(db(), [BRANCH_A], PERIOD)).rows).toEqual([expect.objectContaining({ ratingId: burst[0]!.id, kinds: [], ...nobody })]);
  });

  it(`given more than ${FLAGS_PAGE_SIZE} flagged ratings, then the newest ${FLAGS_PAGE_SIZE} are listed and more is true`, async () => {
    const [a] = (await givenNetwork(db())) as [GivenBranch, GivenBranch];
    // A stuck tablet: a tap every 10 seconds for 35 minutes, every one in a burst.
    const taps = Array.from({ length: FLAGS_PAGE_SIZE + 10 }, (_, i) => ratingAt(a, t(23, 9) + i * 10_000, { score: 'very-satisfied' }));
    for (let i = 0; i < taps.length; i += 200) await push(db(), a.counters[0], taps.slice(i, i + 200));
    await settleMatcher(db());

    const report = await flagsReport(db(), [BRANCH_A], PERIOD);

    expect(report.more).toBe(true);
    expect(report.rows.map((r) => r.ratingId)).toEqual(taps.slice(-FLAGS_PAGE_SIZE).reverse().map((r) => r.id));
    expect(report.rows[0]!.evidence.burst).toEqual({ ratings: taps.length, firstAt: t(23, 9), lastAt: t(23, 9) + (taps.length - 1) * 10_000, shortestGapMs: 10_000 });
    expect(report.rows.at(-1)!.createdAt).toBe(t(23, 9) + 10 * 10_000);
  });
});
