import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/period.ts';
import { DEFAULT_WAIT_TARGET_MINUTES, type QueueEvent, type WaitingReport } from '../../../src/domain/queue.ts';
import { SCORES, type Rating } from '../../../src/domain/rating.ts';
import { seededRandom } from '../../../src/server/demo/random.ts';
import { flagsReport, waitingReport } from '../../../src/server/reports/index.ts';
import { dashboardActor } from '../../../src/server/services/audit.ts';
import { excludeRating } from '../../../src/server/services/rating-exclusions.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { createTestDatabase, describeEachDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, managerOf, push, ratingAt, type GivenBranch } from './given.ts';
import { givenQueueSystem, settleMatcher, ticketEvents, type TicketPlan } from './queue-given.ts';

const t = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);
const MIN = 60_000;
const PERIOD = { from: '2026-11-23', to: '2026-11-30' };
const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';

/** Figures of a group with nothing waited: no median, no percentile, no service time. */
const noWaits = { medianMs: null, p90Ms: null, withinTarget: 0, meanServiceMs: null };
const noScores = { 'very-satisfied': 0, satisfied: 0, neutral: 0, dissatisfied: 0 };

/**
 * Two Mondays at Harbour Road (Madrid, UTC+1; times below are UTC). On the 23rd, from 09:00
 * local: A001 waits 3 min for window 1 and is served 5; A002 waits 12 for window 2, served 8;
 * A003 waits 25 for window 1, served 5; A004 leaves without being called; at 10:05 A005 waits
 * 1 min for window 2, served 10. Each of the first three is rated a minute after it ends. On
 * the 30th at 10:00, three tickets wait 2 min each for window 1, served 4. Nanjing Road
 * (Shanghai, UTC+8) has one ticket on the 23rd at 10:00 local: 20 min at its window 1, served 10.
 */
async function givenTwoMondays(db: TestDatabase['db']): Promise<[GivenBranch, GivenBranch]> {
  const [a, b] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
  const postA = await givenQueueSystem(db, a);
  const postB = await givenQueueSystem(db, b);
  const served = (issued: number, wait: number, service: number, counter: '1' | '2'): TicketPlan => ({ issued, called: issued + wait * MIN, started: issued + wait * MIN, ended: issued + (wait + service) * MIN, counter });
  await postA([
    ...ticketEvents('A001', served(t(23, 8, 0), 3, 5, '1')),
    ...ticketEvents('A002', served(t(23, 8, 10), 12, 8, '2')),
    ...ticketEvents('A003', served(t(23, 8, 20), 25, 5, '1')),
    ...ticketEvents('A004', { issued: t(23, 8, 30) }),
    ...ticketEvents('A005', served(t(23, 9, 5), 1, 10, '2')),
    ...ticketEvents('A001', served(t(30, 9, 0), 2, 4, '1')),
    ...ticketEvents('A002', served(t(30, 9, 10), 2, 4, '1')),
    ...ticketEvents('A003', served(t(30, 9, 20), 2, 4, '1')),
  ]);
  await postB(ticketEvents('B001', served(t(23, 2, 0), 20, 10, '1')));
  await push(db, a.counters[0], [ratingAt(a, t(23, 8, 9), { score: 'very-satisfied' }), ratingAt(a, t(23, 8, 51), { score: 'satisfied' })]);
  await push(db, a.counters[1], [ratingAt(a, t(23, 8, 31), { counter: 1, teller: 1, score: 'dissatisfied' })]);
  await settleMatcher(db);
  return [a, b];
}

describeEachDatabase('the waiting report', (kind) => {
  const database = useTestDatabase(kind);
  const db = () => database.current.db;

  it('given two Mondays of known tickets at one branch, then its figures, counters, hours, weekday, waiting bands and peak hours are those of its tickets', async () => {
    const [a] = await givenTwoMondays(db());
    const [c1, c2] = a.counterIds;

    const report = await waitingReport(db(), [BRANCH_A], PERIOD, 15);

    expect(report).toEqual<WaitingReport>({
      period: PERIOD,
      targetMinutes: 15,
      // Waits 1, 2, 2, 2, 3, 12 and 25 min (A004 never called): the median interpolated in the
      // 2–3 min bucket, the 90th percentile in 25–30; six within 15 min; 40 min of service over 7.
      total: { tickets: 8, waited: 7, medianMs: 170_000, p90Ms: 1_590_000, withinTarget: 6, meanServiceMs: 342_857 },
      byBranch: [],
      byCounter: [
        // A ticket never called counts at no counter.
        { key: '', name: null, tickets: 1, waited: 0, ...noWaits },
        { key: c1, name: 'Window 1', tickets: 5, waited: 5, medianMs: 170_000, p90Ms: 1_650_000, withinTarget: 4, meanServiceMs: 264_000 },
        { key: c2, name: 'Window 2', tickets: 2, waited: 2, medianMs: 120_000, p90Ms: 816_000, withinTarget: 2, meanServiceMs: 540_000 },
      ],
      byHour: [
        { key: '9', tickets: 4, waited: 3, medianMs: 780_000, p90Ms: 1_710_000, withinTarget: 2, meanServiceMs: 360_000 },
        { key: '10', tickets: 4, waited: 4, medianMs: 140_000, p90Ms: 172_000, withinTarget: 4, meanServiceMs: 330_000 },
      ],
      byWeekday: [{ key: '1', tickets: 8, waited: 7, medianMs: 170_000, p90Ms: 1_590_000, withinTarget: 6, meanServiceMs: 342_857 }],
      byBand: [
        { band: 0, counts: { ...noScores, 'very-satisfied': 1 } },
        { band: 1, counts: noScores },
        { band: 2, counts: { ...noScores, dissatisfied: 1 } },
        { band: 3, counts: noScores },
        { band: 4, counts: { ...noScores, satisfied: 1 } },
        { band: 5, counts: noScores },
      ],
      // Two Mondays had tickets: 09:00 had 4 on one of them (2 an hour), at 2 windows on that
      // day (1 a day), its 90th percentile over 15 min; 10:00 had 1 and 3, at one window each day.
      peak: [
        { weekday: 1, hour: 9, ticketsPerHour: 2, countersOpen: 1, p90Ms: 1_710_000, overTarget: true },
        { weekday: 1, hour: 10, ticketsPerHour: 2, countersOpen: 1, p90Ms: 172_000, overTarget: false },
      ],
      hasQueueData: true,
    });
  });

  it('given a lower target, then fewer waits are within it and the hours over it are those whose 90th percentile passes it', async () => {
    await givenTwoMondays(db());
    const report = await waitingReport(db(), [BRANCH_A], PERIOD, 2);
    // Within 2 min: the wait of 1 min only (the bucket 2–3 min ends after the target).
    expect(report.total.withinTarget).toBe(1);
    expect(report.peak.map((cell) => [cell.hour, cell.overTarget])).toEqual([[9, true], [10, true]]);
  });

  it('given every branch, then each branch has its row, the scope is the sum of both, and no counter rows', async () => {
    await givenTwoMondays(db());
    const report = await waitingReport(db(), 'all', PERIOD, DEFAULT_WAIT_TARGET_MINUTES);
    expect(report.byBranch.map((row) => [row.key, row.tickets, row.waited])).toEqual([
      [BRANCH_A, 8, 7],
      [BRANCH_B, 1, 1],
    ]);
    expect(report.byBranch.map((row) => row.name)).toEqual(['Harbour Road', 'Nanjing Road']);
    expect(report.byBranch[1]).toEqual({ key: BRANCH_B, name: 'Nanjing Road', tickets: 1, waited: 1, medianMs: 1_350_000, p90Ms: 1_470_000, withinTarget: 0, meanServiceMs: 600_000 });
    expect(report.byCounter).toEqual([]);
    expect([report.total.tickets, report.total.waited, report.total.withinTarget]).toEqual([9, 8, 6]);
    // Nanjing Road's ticket was issued at 10:00 in Shanghai.
    expect(report.byHour.map((row) => [row.key, row.tickets])).toEqual([
      ['9', 4],
      ['10', 5],
    ]);
  });

  it('given a period without tickets, then the report says there is no queue data, with every band at zero', async () => {
    await givenTwoMondays(db());
    const report = await waitingReport(db(), 'all', { from: '2026-11-24', to: '2026-11-29' }, 15);
    expect(report).toEqual<WaitingReport>({
      period: { from: '2026-11-24', to: '2026-11-29' },
      targetMinutes: 15,
      total: { tickets: 0, waited: 0, ...noWaits },
      byBranch: [],
      byCounter: [],
      byHour: [],
      byWeekday: [],
      byBand: Array.from({ length: 6 }, (_, band) => ({ band, counts: noScores })),
      peak: [],
      hasQueueData: false,
    });
    expect((await waitingReport(db(), [], PERIOD, 15)).hasQueueData).toBe(false);
  });

  it('given an excluded rating, when the matcher has run, then its waiting band no longer counts it', async () => {
    const [a] = await givenTwoMondays(db());
    const dissatisfied = await db().selectFrom('ratings').select('id').where('score', '=', 'dissatisfied').executeTakeFirstOrThrow();
    const manager = managerOf(BRANCH_A);
    expect((await excludeRating(db(), { viewer: manager, actor: dashboardActor(manager, '127.0.0.1') }, dissatisfied.id, 'A colleague tapped it', SERVER_NOW)).ok).toBe(true);
    await settleMatcher(db());
    const report = await waitingReport(db(), [a.id], PERIOD, 15);
    expect(report.byBand[2]).toEqual({ band: 2, counts: noScores });
    // The ticket itself still waited as long.
    expect(report.total).toMatchObject({ tickets: 8, waited: 7 });
  });

  it('given a regional manager of one region and head office, when they ask for the waiting report over HTTP, then each sees their scope: the region only, or every branch', async () => {
    await givenTwoMondays(db());
    must(await addRegion(db(), { id: NORTH, name: 'North' }, SERVER_NOW));
    must(await moveBranchToRegion(db(), BRANCH_A, NORTH));
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, NORTH);
    const server = await startTestServer({ db: db(), now: () => SERVER_NOW });
    const cookies = { hq: await signedIn(server, 'HQ1'), rm: await signedIn(server, 'RM1') };
    const ask = async (who: keyof typeof cookies, query: string) => callDashboard(server, 'GET', `/api/reports/waiting?from=${PERIOD.from}&to=${PERIOD.to}${query}`, { cookie: cookies[who] });

    const region = await ask('rm', '');
    expect(region.status).toBe(200);
    expect((region.body as WaitingReport).total).toMatchObject({ tickets: 8, waited: 7 });
    expect((region.body as WaitingReport).byCounter).toHaveLength(3);
    expect(await ask('rm', `&regionId=${NORTH}`)).toMatchObject({ status: 200, body: { total: { tickets: 8 } } });
    expect(await ask('rm', `&branchId=${BRANCH_B}`)).toMatchObject({ status: 403, body: { code: 'forbidden', message: `RM1 manages the region North; branch ${BRANCH_B} is not in it.` } });

    const everything = await ask('hq', '');
    expect(everything).toMatchObject({ status: 200, body: { targetMinutes: DEFAULT_WAIT_TARGET_MINUTES, total: { tickets: 9 } } });
    expect((everything.body as WaitingReport).byBranch.map((row) => row.key)).toEqual([BRANCH_A, BRANCH_B]);
    expect(await ask('hq', `&regionId=${NORTH}`)).toMatchObject({ status: 200, body: { total: { tickets: 8 } } });

    // The network's target, set on Manage › Regions & branches, is the one the report judges by.
    expect(await callDashboard(server, 'PUT', '/api/manage/settings', { cookie: cookies.hq, body: { waitTargetMinutes: 2 } })).toMatchObject({ status: 200, body: { waitTargetMinutes: 2 } });
    expect(await ask('hq', `&branchId=${BRANCH_A}`)).toMatchObject({ status: 200, body: { targetMinutes: 2, total: { withinTarget: 1 } } });
  });
});

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

// ---- One generated history, on SQLite and on PostgreSQL at once ----------------------------

/** A history of tickets and ratings at both branches over a week, from one seed: the same every run. */
function generatedHistory(branches: readonly GivenBranch[]) {
  const random = seededRandom(2027);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events = new Map<string, QueueEvent[]>();
  const ratings = new Map<string, { counter: 0 | 1; records: Rating[] }[]>();
  for (const [b, branch] of branches.entries()) {
    const offsetHours = b === 0 ? 1 : 8;
    const branchEvents: QueueEvent[] = [];
    const branchRatings: { counter: 0 | 1; records: Rating[] }[] = [{ counter: 0, records: [] }, { counter: 1, records: [] }];
    for (let day = 0; day < 7; day++) {
      const date = addDays('2026-11-20', day);
      const opens = Date.parse(`${date}T09:00:00Z`) - offsetHours * 3_600_000;
      const free = [opens, opens];
      for (let n = 0; n < 30; n++) {
        const ticket = `${pick(['A', 'B', 'C'])}${String(n).padStart(3, '0')}`;
        const issued = opens + Math.floor(random() * 7 * 3_600_000);
        const counter = random() < 0.5 ? 0 : 1;
        const left = random() < 0.08;
        const called = Math.max(issued, free[counter]!) + Math.floor(random() * 40 * MIN);
        const service = Math.floor((2 + random() * 12) * MIN);
        const open = random() < 0.05;
        const plan: TicketPlan = left ? { issued } : { issued, called, started: called, ...(open ? {} : { ended: called + service }), counter: counter === 0 ? '1' : '2', service: pick(['deposits', 'loans', 'forex']) };
        branchEvents.push(...ticketEvents(ticket, plan));
        if (!left) free[counter] = called + service;
        if (!left && !open && random() < 0.7) {
          const lag = random() < 0.1 ? 10 * MIN : Math.floor(random() * 3 * MIN);
          branchRatings[counter]!.records.push(ratingAt(branch, called + service + lag, { counter: counter as 0 | 1, teller: pick([0, 1] as const), score: pick(SCORES) }));
        }
      }
      // A burst at window 2 each day: three taps within half a minute, flagged whatever the tickets.
      const burstAt = opens + 3 * 3_600_000;
      for (let i = 0; i < 3; i++) branchRatings[1]!.records.push(ratingAt(branch, burstAt + i * 10_000, { counter: 1, score: 'very-satisfied' }));
    }
    events.set(branch.id, branchEvents);
    ratings.set(branch.id, branchRatings);
  }
  return { events, ratings };
}

const suite = TEST_POSTGRES_URL ? describe : describe.skip;
suite(TEST_POSTGRES_URL ? 'waiting and flags on SQLite and PostgreSQL' : 'waiting and flags on SQLite and PostgreSQL (skipped: TEST_POSTGRES_URL not set)', () => {
  let sqlite: TestDatabase;
  let postgres: TestDatabase;
  const week = { from: '2026-11-20', to: '2026-11-26' };

  beforeAll(async () => {
    [sqlite, postgres] = [await createTestDatabase('sqlite'), await createTestDatabase('postgres')];
    const networks = [await givenNetwork(sqlite.db), await givenNetwork(postgres.db)];
    // The records are made once: the same ids, times and scores go to both databases.
    const history = generatedHistory(networks[0]!);
    for (const [i, database] of [sqlite, postgres].entries()) {
      for (const branch of networks[i]!) {
        await (await givenQueueSystem(database.db, branch))(history.events.get(branch.id)!);
        for (const { counter, records } of history.ratings.get(branch.id)!) {
          for (let start = 0; start < records.length; start += 200) await push(database.db, branch.counters[counter], records.slice(start, start + 200));
        }
        // The same two ratings of each branch kept out on both.
        const manager = managerOf(branch.id);
        for (const record of history.ratings.get(branch.id)![0]!.records.slice(0, 2)) {
          must(await excludeRating(database.db, { viewer: manager, actor: dashboardActor(manager, '127.0.0.1') }, record.id, 'Checked on camera', SERVER_NOW));
        }
      }
      await settleMatcher(database.db);
    }
  }, 180_000);
  afterAll(async () => {
    await sqlite?.destroy();
    await postgres?.destroy();
  });

  const waiting = (selection: 'all' | string[], target: number) => async (db: TestDatabase['db']) => {
    const report = await waitingReport(db, selection, week, target);
    // Worth comparing: many tickets, waits on both sides of the target, ratings in several bands.
    expect(report.total.tickets).toBeGreaterThan(100);
    expect(report.total.withinTarget).toBeGreaterThan(0);
    expect(report.total.withinTarget).toBeLessThan(report.total.waited);
    expect(report.byBand.filter((band) => Object.values(band.counts).some((n) => n > 0)).length).toBeGreaterThan(2);
    return report;
  };
  const flags = (selection: 'all' | string[]) => async (db: TestDatabase['db']) => {
    const report = await flagsReport(db, selection, week);
    expect(new Set(report.rows.flatMap((row) => row.kinds))).toEqual(new Set(['no-ticket', 'burst']));
    expect(report.rows.filter((row) => row.excluded !== null).length).toBeGreaterThanOrEqual(2);
    return report;
  };

  it.each([
    ['the waiting report of every branch', waiting('all', 15)],
    ['the waiting report of one branch, by counter', waiting([BRANCH_B], 12)],
    ['the flags of every branch', flags('all')],
    ['the flags of one branch', flags([BRANCH_A])],
  ])('given the same tickets and ratings, then %s is identical on both', async (_, report) => {
    const onSqlite = await report(sqlite.db);
    expect(await report(postgres.db)).toEqual(onSqlite);
  });
});
