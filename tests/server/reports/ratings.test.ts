import { expect, it } from 'vitest';
import { DEFAULT_REASONS } from '../../../src/domain/reason.ts';
import { countersReport, tellersReport } from '../../../src/server/reports/index.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, givenTwoBusyDays, push, ratingAt } from './given.ts';

const TWO_DAYS = { from: '2026-11-23', to: '2026-11-24' };
const labelsOf = (id: string) => DEFAULT_REASONS.find((r) => r.id === id)!.labels;
const scores = (vs: number, s: number, n: number, d: number) => ({ 'very-satisfied': vs, satisfied: s, neutral: n, dissatisfied: d });

describeEachDatabase('tellers and counters reports', (kind) => {
  const database = useTestDatabase(kind);

  it('given two busy days, then each teller has their scores, satisfaction, top reasons with the branch labels (null for one no longer listed) and a trend by day', async () => {
    const [a, b] = await givenTwoBusyDays(database.current.db);
    const report = await tellersReport(database.current.db, 'all', TWO_DAYS);
    expect(report).toEqual({
      period: { ...TWO_DAYS, bucket: 'day' },
      rows: [
        {
          id: a!.tellerIds[0],
          name: 'Teller 11',
          staffNumber: '1001',
          branchId: BRANCH_A,
          branchName: 'Harbour Road',
          ratings: 3,
          scores: scores(1, 2, 0, 0),
          satisfaction: 1,
          topReasons: [],
          trend: [
            { bucket: '2026-11-23', ratings: 2, satisfied: 2 },
            { bucket: '2026-11-24', ratings: 1, satisfied: 1 },
          ],
        },
        {
          id: a!.tellerIds[1],
          name: 'Teller 12',
          staffNumber: '1002',
          branchId: BRANCH_A,
          branchName: 'Harbour Road',
          ratings: 3,
          scores: scores(0, 1, 1, 1),
          satisfaction: 1 / 3,
          topReasons: [
            { reasonId: 'attitude', labels: labelsOf('attitude'), count: 2 },
            { reasonId: 'waiting-time', labels: labelsOf('waiting-time'), count: 1 },
          ],
          trend: [
            { bucket: '2026-11-23', ratings: 2, satisfied: 0 },
            { bucket: '2026-11-24', ratings: 1, satisfied: 1 },
          ],
        },
        {
          id: b!.tellerIds[0],
          name: 'Teller 21',
          staffNumber: '2001',
          branchId: BRANCH_B,
          branchName: 'Nanjing Road',
          ratings: 2,
          scores: scores(0, 1, 0, 1),
          satisfaction: 0.5,
          topReasons: [{ reasonId: 'no-longer-listed', labels: null, count: 1 }],
          trend: [
            { bucket: '2026-11-23', ratings: 1, satisfied: 1 },
            { bucket: '2026-11-24', ratings: 1, satisfied: 0 },
          ],
        },
      ],
    });
  });

  it('given two busy days, then each counter of the selected branch has the ratings made at it', async () => {
    const [a] = await givenTwoBusyDays(database.current.db);
    const report = await countersReport(database.current.db, [BRANCH_A], TWO_DAYS);
    expect(report.rows.map((r) => [r.id, r.name, r.staffNumber, r.branchName, r.ratings, r.scores, r.satisfaction])).toEqual([
      [a!.counterIds[0], 'Window 1', null, 'Harbour Road', 4, scores(1, 3, 0, 0), 1],
      [a!.counterIds[1], 'Window 2', null, 'Harbour Road', 2, scores(0, 0, 1, 1), 0],
    ]);
    expect(report.rows[1]!.topReasons.map((r) => [r.reasonId, r.count])).toEqual([
      ['attitude', 2],
      ['waiting-time', 1],
    ]);
  });

  it('given more than five reasons picked, then the five most picked are listed, ties by id', async () => {
    const [a] = await givenNetwork(database.current.db);
    const picks = [['speed', 'attitude', 'explanation'], ['speed', 'attitude', 'environment'], ['speed', 'waiting-time', 'professionalism']];
    await push(database.current.db, a!.counters[0], picks.map((reasons, i) => ratingAt(a!, Date.UTC(2026, 10, 23, 10, i), { score: 'dissatisfied', reasons })));
    const [row] = (await tellersReport(database.current.db, [BRANCH_A], TWO_DAYS)).rows;
    expect(row!.topReasons.map((r) => [r.reasonId, r.count])).toEqual([
      ['speed', 3],
      ['attitude', 2],
      ['environment', 1],
      ['explanation', 1],
      ['professionalism', 1],
    ]);
  });

  it('given a period with no ratings, then there are no rows', async () => {
    await givenTwoBusyDays(database.current.db);
    expect(await tellersReport(database.current.db, 'all', { from: '2026-12-01', to: '2026-12-31' })).toEqual({ period: { from: '2026-12-01', to: '2026-12-31', bucket: 'day' }, rows: [] });
  });
});
