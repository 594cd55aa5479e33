import { expect, it } from 'vitest';
import { figure } from '../../../src/domain/metrics.ts';
import { DEFAULT_TOPICS } from '../../../src/domain/topic.ts';
import { branchesReport, complaintsReport } from '../../../src/server/reports/index.ts';
import { setCaseDeadlines } from '../../../src/server/services/settings.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, CASES, givenTwoBusyDays, HEAD_OFFICE_VIEWER, managerOf, REPORT_NOW } from './given.ts';

const TWO_DAYS = { from: '2026-11-23', to: '2026-11-24' };
const HOUR = 3_600_000;
const labelsOf = (id: string) => DEFAULT_TOPICS.find((t) => t.id === id)!.labels;
const t = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);

describeEachDatabase('complaints and branches reports', (kind) => {
  const database = useTestDatabase(kind);

  it('given two busy days, then the analysis counts the cases opened in the period by channel and topic, and lists every case still waiting, overdue first, with the text of the escalated one only for head office', async () => {
    await givenTwoBusyDays(database.current.db);
    const report = await complaintsReport(database.current.db, 'all', TWO_DAYS, REPORT_NOW, HEAD_OFFICE_VIEWER);
    expect(report).toEqual({
      period: { ...TWO_DAYS, bucket: 'day' },
      cases: { opened: 3, replied: 1, followedUp: 1, atFault: 1, notAtFault: 1, escalated: 1, signedOff: 0 },
      byChannel: [
        { channel: 'in-person', count: 1 },
        { channel: 'opinion-box', count: 1 },
        { channel: 'letter', count: 0 },
        { channel: 'phone', count: 1 },
        { channel: 'hotline', count: 0 },
      ],
      // The escalated case has the topic of the suggestion it came from.
      byTopic: [
        { topicId: null, labels: null, count: 1 },
        { topicId: 'fees', labels: labelsOf('fees'), count: 1 },
        { topicId: 'staff', labels: labelsOf('staff'), count: 1 },
      ],
      opinionsByKind: [
        { kind: 'complaint', count: 1 },
        { kind: 'suggestion', count: 1 },
        { kind: 'praise', count: 1 },
        { kind: 'question', count: 0 },
      ],
      atFaultShare: 0.5,
      open: [
        // Opened before the period, and still waiting: the work at hand, whenever it came in.
        { id: CASES.forgotten, branchId: BRANCH_A, branchName: 'Harbour Road', channel: 'in-person', topicId: 'waiting', topicLabels: labelsOf('waiting'), summary: null, summaryHidden: true, status: 'open', openedAt: t(22, 9), dueAt: t(23, 9), overdue: true, escalated: false, tabletOnlySteps: 0 },
        { id: CASES.escalated, branchId: BRANCH_B, branchName: 'Nanjing Road', channel: 'opinion-box', topicId: 'staff', topicLabels: labelsOf('staff'), summary: 'Charged twice for a transfer', summaryHidden: false, status: 'escalated', openedAt: t(23, 14), dueAt: t(24, 14), overdue: true, escalated: true, tabletOnlySteps: 0 },
        { id: CASES.handedOn, branchId: BRANCH_A, branchName: 'Harbour Road', channel: 'phone', topicId: null, topicLabels: null, summary: null, summaryHidden: true, status: 'open', openedAt: t(24, 8), dueAt: t(27, 8), overdue: false, escalated: false, tabletOnlySteps: 1 },
      ],
      openCount: 3,
      overdueCount: 2,
      // The nine steps of the three cases opened in the period; the phone case's handing on was made offline.
      steps: { server: 8, tablet: 1 },
    });
  });

  it('given the network gives 96 hours to reply, then fewer cases are overdue', async () => {
    await givenTwoBusyDays(database.current.db);
    expect(await setCaseDeadlines(database.current.db, { replyWithinHours: 96, notOnSpotWithinHours: 120 }, SERVER_NOW)).toMatchObject({ ok: true });
    const report = await complaintsReport(database.current.db, [BRANCH_A], TWO_DAYS, REPORT_NOW, managerOf(BRANCH_A));
    expect(report.open.map((c) => [c.id, c.dueAt, c.overdue])).toEqual([
      [CASES.forgotten, t(22, 9) + 96 * HOUR, false],
      [CASES.handedOn, t(24, 8) + 120 * HOUR, false],
    ]);
    expect([report.openCount, report.overdueCount]).toEqual([2, 0]);
  });

  it('given two busy days, then head office sees each branch beside the other, with its open and overdue cases now', async () => {
    await givenTwoBusyDays(database.current.db);
    const report = await branchesReport(database.current.db, 'all', TWO_DAYS, REPORT_NOW);
    expect(report).toEqual({
      period: { ...TWO_DAYS, bucket: 'day' },
      rows: [
        {
          branchId: BRANCH_A,
          name: 'Harbour Road',
          ratings: 6,
          scores: { 'very-satisfied': 1, satisfied: 3, neutral: 1, dissatisfied: 1 },
          figures: [figure('satisfaction', 4, 6), figure('complaint-rate', 2, 6), figure('follow-up-rate', 1, 1)],
          cases: { opened: 2, replied: 1, followedUp: 1, atFault: 0, notAtFault: 1, escalated: 0, signedOff: 0 },
          openCases: 2,
          overdueCases: 1,
        },
        {
          branchId: BRANCH_B,
          name: 'Nanjing Road',
          ratings: 2,
          scores: { 'very-satisfied': 0, satisfied: 1, neutral: 0, dissatisfied: 1 },
          figures: [figure('satisfaction', 1, 2), figure('complaint-rate', 1, 2), figure('follow-up-rate', 0, 0)],
          cases: { opened: 1, replied: 0, followedUp: 0, atFault: 1, notAtFault: 0, escalated: 1, signedOff: 0 },
          openCases: 1,
          overdueCases: 1,
        },
      ],
    });
  });

  it('given a period in which nothing happened, then every branch still has its row, with zeros and its open cases', async () => {
    await givenTwoBusyDays(database.current.db);
    const report = await branchesReport(database.current.db, 'all', { from: '2026-12-01', to: '2026-12-07' }, REPORT_NOW);
    expect(report.rows.map((r) => [r.name, r.ratings, r.cases.opened, r.openCases, r.figures.map((f) => f.value)])).toEqual([
      ['Harbour Road', 0, 0, 2, [null, null, null]],
      ['Nanjing Road', 0, 0, 1, [null, null, null]],
    ]);
  });
});
