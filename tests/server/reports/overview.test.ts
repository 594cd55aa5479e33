import { expect, it } from 'vitest';
import { emptyScores, emptyTally, figure } from '../../../src/domain/metrics.ts';
import { overviewReport } from '../../../src/server/reports/index.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenTwoBusyDays, NETWORK } from './given.ts';

const TWO_DAYS = { from: '2026-11-23', to: '2026-11-24' };
const refs = NETWORK.map(({ id, name, timeZone }) => ({ id, name, timeZone, regionId: null }));

describeEachDatabase('overview report', (kind) => {
  const database = useTestDatabase(kind);

  it('given two busy days in two branches, when head office reads both days, then the three figures rest on every branch, each rating in its branch day', async () => {
    await givenTwoBusyDays(database.current.db);
    const report = await overviewReport(database.current.db, 'all', TWO_DAYS);
    expect(report).toEqual({
      period: { ...TWO_DAYS, bucket: 'day' },
      branches: refs,
      // 8 ratings: A's six of the 23rd and 24th, B's two (its 00:30 rating is the 24th's).
      scores: { 'very-satisfied': 1, satisfied: 4, neutral: 1, dissatisfied: 2 },
      cases: { opened: 3, replied: 1, followedUp: 1, atFault: 1, notAtFault: 1, escalated: 1, signedOff: 0 },
      figures: [figure('satisfaction', 5, 8), figure('complaint-rate', 3, 8), figure('follow-up-rate', 1, 1)],
      opinions: { complaint: 1, suggestion: 1, praise: 1, question: 0 },
      trend: [
        { bucket: '2026-11-23', ratings: 5, satisfied: 3, complaints: 2 },
        { bucket: '2026-11-24', ratings: 3, satisfied: 2, complaints: 1 },
      ],
      // The two days before, from the same roll-ups: one rating and one case then.
      previous: { from: '2026-11-21', to: '2026-11-22', figures: [figure('satisfaction', 1, 1), figure('complaint-rate', 1, 1), figure('follow-up-rate', 0, 0)] },
    });
    expect(report.figures.map((f) => [f.id, f.value, f.met])).toEqual([
      ['satisfaction', 0.625, false],
      ['complaint-rate', 0.375, false],
      ['follow-up-rate', 1, true],
    ]);
  });

  it('given two busy days, when head office reads the second day, then each figure comes with the same figure over the day before, from the same roll-ups', async () => {
    await givenTwoBusyDays(database.current.db);
    const report = await overviewReport(database.current.db, 'all', { from: '2026-11-24', to: '2026-11-24' });
    expect(report.figures.slice(0, 2)).toEqual([figure('satisfaction', 2, 3), figure('complaint-rate', 1, 3)]);
    expect(report.previous.from).toBe('2026-11-23');
    expect(report.previous.to).toBe('2026-11-23');
    expect(report.previous.figures.slice(0, 2)).toEqual([figure('satisfaction', 3, 5), figure('complaint-rate', 2, 5)]);
    // A branch of its own: only its day before counts.
    const b = await overviewReport(database.current.db, [BRANCH_B], { from: '2026-11-24', to: '2026-11-24' });
    expect(b.previous.figures.slice(0, 2)).toEqual([figure('satisfaction', 1, 1), figure('complaint-rate', 1, 1)]);
  });

  it('given two busy days, when one branch is selected, then only its records count', async () => {
    await givenTwoBusyDays(database.current.db);
    const report = await overviewReport(database.current.db, [BRANCH_B], TWO_DAYS);
    expect(report).toMatchObject({
      branches: [refs[1]],
      scores: { 'very-satisfied': 0, satisfied: 1, neutral: 0, dissatisfied: 1 },
      cases: { opened: 1, atFault: 1, escalated: 1, replied: 0 },
      opinions: { complaint: 0, suggestion: 1, praise: 0, question: 0 },
      trend: [
        { bucket: '2026-11-23', ratings: 1, satisfied: 1, complaints: 1 },
        { bucket: '2026-11-24', ratings: 1, satisfied: 0, complaints: 0 },
      ],
    });
  });

  it('given a period longer than a quarter, then the trend is by month, every month listed, empty ones as zero', async () => {
    await givenTwoBusyDays(database.current.db);
    const report = await overviewReport(database.current.db, [BRANCH_A], { from: '2026-09-01', to: '2026-12-31' });
    expect(report.period.bucket).toBe('month');
    expect(report.trend).toEqual([
      { bucket: '2026-09', ratings: 0, satisfied: 0, complaints: 0 },
      { bucket: '2026-10', ratings: 0, satisfied: 0, complaints: 0 },
      { bucket: '2026-11', ratings: 7, satisfied: 5, complaints: 3 },
      { bucket: '2026-12', ratings: 0, satisfied: 0, complaints: 0 },
    ]);
  });

  it.each([
    ['no branch selected', [] as string[]],
    ['an unknown branch', ['0190a0b0-0000-7000-8000-0000000000ff']],
  ])('given %s, then the overview is empty and its figures judge nothing', async (_, selection) => {
    await givenTwoBusyDays(database.current.db);
    const report = await overviewReport(database.current.db, selection, TWO_DAYS);
    expect(report).toMatchObject({ branches: [], scores: emptyScores(), cases: emptyTally(), opinions: { complaint: 0, suggestion: 0, praise: 0, question: 0 } });
    expect(report.figures.map((f) => f.met)).toEqual([null, null, null]);
    expect(report.trend.map((p) => p.ratings)).toEqual([0, 0]);
  });
});
