import { expect, it } from 'vitest';
import { emptyScores, figure } from '../../../src/domain/metrics.ts';
import { dayReport } from '../../../src/server/reports/index.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, CASES, caseEventAt, givenTwoBusyDays, push, REPORT_NOW } from './given.ts';

const scores = (vs: number, s: number, n: number, d: number) => ({ 'very-satisfied': vs, satisfied: s, neutral: n, dissatisfied: d });

describeEachDatabase('day report', (kind) => {
  const database = useTestDatabase(kind);

  it('given a busy day at Harbour Road, then it lists ratings by counter and by teller, entries, and the cases opened, replied and overdue at its end', async () => {
    const [a] = await givenTwoBusyDays(database.current.db);
    const report = await dayReport(database.current.db, BRANCH_A, '2026-11-23', REPORT_NOW);
    expect(report).toEqual({
      branch: { id: BRANCH_A, name: 'Harbour Road', timeZone: 'Europe/Madrid', regionId: null },
      day: '2026-11-23',
      figures: [figure('satisfaction', 2, 4), figure('complaint-rate', 1, 4), figure('follow-up-rate', 1, 1)],
      scores: scores(1, 1, 1, 1),
      byCounter: [
        { id: a!.counterIds[0], name: 'Window 1', ratings: 2, scores: scores(1, 1, 0, 0), satisfaction: 1 },
        { id: a!.counterIds[1], name: 'Window 2', ratings: 2, scores: scores(0, 0, 1, 1), satisfaction: 0 },
      ],
      byTeller: [
        { id: a!.tellerIds[0], name: 'Teller 11', staffNumber: '1001', ratings: 2, scores: scores(1, 1, 0, 0), satisfaction: 1 },
        { id: a!.tellerIds[1], name: 'Teller 12', staffNumber: '1002', ratings: 2, scores: scores(0, 0, 1, 1), satisfaction: 0 },
      ],
      opinions: { complaint: 1, suggestion: 0, praise: 0, question: 0 },
      // The case of the 22nd was past its deadline (09:00 UTC on the 23rd) when the day ended.
      cases: { opened: 1, replied: 1, overdue: 1, signedOff: 0 },
    });
  });

  it('given the day after in Shanghai, then a window without ratings is listed empty and the escalated case is overdue at its end', async () => {
    const [, b] = await givenTwoBusyDays(database.current.db);
    const report = await dayReport(database.current.db, BRANCH_B, '2026-11-24', REPORT_NOW);
    expect(report?.byCounter).toEqual([
      { id: b!.counterIds[0], name: 'Window 1', ratings: 1, scores: scores(0, 0, 0, 1), satisfaction: 0 },
      { id: b!.counterIds[1], name: 'Window 2', ratings: 0, scores: emptyScores(), satisfaction: null },
    ]);
    expect(report?.cases).toEqual({ opened: 0, replied: 0, overdue: 1, signedOff: 0 });
  });

  it('given today, before a case falls due, then it is not yet overdue', async () => {
    await givenTwoBusyDays(database.current.db);
    // 08:30 UTC on the 23rd: the case of the 22nd falls due at 09:00.
    const early = await dayReport(database.current.db, BRANCH_A, '2026-11-23', Date.UTC(2026, 10, 23, 8, 30));
    expect(early?.cases.overdue).toBe(0);
    const late = await dayReport(database.current.db, BRANCH_A, '2026-11-23', Date.UTC(2026, 10, 23, 9, 30));
    expect(late?.cases.overdue).toBe(1);
  });

  it('given a case signed off the day after its reply, then each counts on its own day', async () => {
    const [a] = await givenTwoBusyDays(database.current.db);
    await push(database.current.db, a!.lobby, [caseEventAt(a!, 'signed-off', CASES.replied, Date.UTC(2026, 10, 24, 16))]);
    expect((await dayReport(database.current.db, BRANCH_A, '2026-11-23', REPORT_NOW))?.cases).toMatchObject({ replied: 1, signedOff: 0 });
    expect((await dayReport(database.current.db, BRANCH_A, '2026-11-24', REPORT_NOW))?.cases).toMatchObject({ replied: 0, signedOff: 1 });
  });

  it('given an unknown branch, then there is no report', async () => {
    expect(await dayReport(database.current.db, '0190a0b0-0000-7000-8000-0000000000ff', '2026-11-23', REPORT_NOW)).toBeUndefined();
  });
});
