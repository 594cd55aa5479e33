import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachDay } from '../../../src/domain/period.ts';
import type { KnownDevice } from '../../../src/server/repositories/devices.ts';
import { branchesReport, complaintsReport, countersReport, dayReport, overviewReport, tellersReport } from '../../../src/server/reports/index.ts';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../../helpers/db.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, HEAD_OFFICE_VIEWER, historyArb, historyPushes, managerOf, pushHistory, REPORT_NOW, rollupsOf, type GivenBranch, type HistoryPush } from './given.ts';

// The figures computed on SQLite and on PostgreSQL are identical on the same data (decision 0009).
// One generated history (fixed seed: the same records every run) of both branches over five
// days, pushed into a SQLite file and a PostgreSQL database through ingest, then every report
// read from both. Needs both databases at once, so it is not a describeEachDatabase suite.
const suite = TEST_POSTGRES_URL ? describe : describe.skip;
const title = TEST_POSTGRES_URL ? 'figures on SQLite and PostgreSQL' : 'figures on SQLite and PostgreSQL (skipped: TEST_POSTGRES_URL not set)';

/** The same pushes, from the tablets of another database's network (device ids differ; records do not). */
function onNetwork(pushes: readonly HistoryPush[], from: readonly GivenBranch[], to: readonly GivenBranch[]): HistoryPush[] {
  const devices = new Map<string, KnownDevice>();
  from.forEach((branch, i) => {
    devices.set(branch.counters[0].id, to[i]!.counters[0]);
    devices.set(branch.counters[1].id, to[i]!.counters[1]);
    devices.set(branch.lobby.id, to[i]!.lobby);
  });
  return pushes.map(({ device, records }) => ({ device: devices.get(device.id)!, records }));
}

suite(title, () => {
  let sqlite: TestDatabase;
  let postgres: TestDatabase;
  let records = 0;

  beforeAll(async () => {
    [sqlite, postgres] = [await createTestDatabase('sqlite'), await createTestDatabase('postgres')];
    const [steps] = fc.sample(historyArb({ minLength: 400, maxLength: 400 }), { seed: 2026, numRuns: 1 });
    const onSqlite = await givenNetwork(sqlite.db);
    const onPostgres = await givenNetwork(postgres.db);
    const pushes = historyPushes(steps!, onSqlite);
    records = pushes.reduce((n, p) => n + p.records.length, 0);
    await pushHistory(sqlite.db, pushes);
    await pushHistory(postgres.db, onNetwork(pushes, onSqlite, onPostgres));
  }, 120_000);
  afterAll(async () => {
    await sqlite?.destroy();
    await postgres?.destroy();
  });

  it('given a few hundred records of both branches over five days, then the roll-ups and the case projection are identical', async () => {
    expect(records).toBeGreaterThan(400);
    const [onSqlite, onPostgres] = [await rollupsOf(sqlite.db), await rollupsOf(postgres.db)];
    // The history is worth comparing: ratings on every day, cases in several states.
    expect(onSqlite.ratingBranchDays.length).toBeGreaterThanOrEqual(10);
    expect(new Set(onSqlite.complaintCases.map((c) => c.status)).size).toBeGreaterThanOrEqual(3);
    expect(onPostgres).toEqual(onSqlite);
  });

  const days = { from: '2026-11-19', to: '2026-11-26' };
  const months = { from: '2026-06-01', to: '2026-12-31' };
  it.each([
    ['the overview of every branch by day', (db: TestDatabase['db']) => overviewReport(db, 'all', days)],
    ['the overview of one branch by month', (db: TestDatabase['db']) => overviewReport(db, [BRANCH_B], months)],
    ['the tellers', (db: TestDatabase['db']) => tellersReport(db, 'all', days)],
    ['the counters by month', (db: TestDatabase['db']) => countersReport(db, [BRANCH_A], months)],
    ['the branches side by side', (db: TestDatabase['db']) => branchesReport(db, 'all', days, REPORT_NOW)],
    ['the complaints, as head office reads them', (db: TestDatabase['db']) => complaintsReport(db, 'all', days, REPORT_NOW, HEAD_OFFICE_VIEWER)],
    ['the complaints of one branch, as its manager reads them', (db: TestDatabase['db']) => complaintsReport(db, [BRANCH_A], days, REPORT_NOW, managerOf(BRANCH_A))],
    ['every day report of both branches', (db: TestDatabase['db']) => Promise.all([BRANCH_A, BRANCH_B].flatMap((branchId) => eachDay(days.from, days.to).map((day) => dayReport(db, branchId, day, REPORT_NOW))))],
  ])('given the same records, then %s is identical on both', async (_, report) => {
    const onSqlite = await report(sqlite.db);
    expect(await report(postgres.db)).toEqual(onSqlite);
  });
});
