import { expect, it } from 'vitest';
import { HEAD_OFFICE_VIEWER } from './given.ts';
import type { FacesResult, RecommendResult, SurveysReport, TextResult } from '../../../src/domain/survey-reports.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { overviewReport, surveysReport } from '../../../src/server/reports/index.ts';
import { SURVEY_ID } from '../../builders/survey.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork, push, ratingAt, type GivenBranch } from './given.ts';
import { givenSurvey, SURVEY_PERIOD } from './survey-given.ts';

const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour);
const scores = (vs: number, s: number, n: number, d: number) => ({ 'very-satisfied': vs, satisfied: s, neutral: n, dissatisfied: d });
const counts = (given: Record<number, number>) => Array.from({ length: 11 }, (_, i) => given[i] ?? 0);

describeEachDatabase('the surveys report', (kind) => {
  const database = useTestDatabase(kind);
  const db = () => database.current.db;

  /** Both branches, the survey, and counter ratings: Harbour Road very satisfied and dissatisfied, Nanjing Road satisfied. */
  async function given() {
    const [a, b] = (await givenNetwork(db())) as [GivenBranch, GivenBranch];
    await push(db(), a.counters[0], [ratingAt(a, at(23, 9), { score: 'very-satisfied' }), ratingAt(a, at(23, 10), { score: 'dissatisfied' })]);
    await push(db(), b.counters[0], [ratingAt(b, at(24, 3), { score: 'satisfied' })]);
    await givenSurvey(db());
    return { a, b };
  }
  const report = async (selection: 'all' | string[], extra = {}, viewer = HEAD_OFFICE_VIEWER, range = SURVEY_PERIOD) => {
    const answer = await surveysReport(db(), selection, range, SERVER_NOW, viewer, extra);
    if (!answer.ok) throw new Error(answer.message);
    return answer.value;
  };

  it('given two versions answered at two branches on both channels, then every question, branch and channel counts exactly, beside the counter ratings', async () => {
    await given();
    const { surveys, survey } = await report('all');
    expect(surveys).toEqual([{ id: SURVEY_ID, name: 'Autumn service survey', startsOn: '2026-11-20', endsOn: '2026-12-31', channels: ['lobby', 'phone'] }]);
    expect(survey!.total).toEqual({ responses: 5, faces: scores(1, 2, 1, 1), satisfaction: 3 / 5, recommend: counts({ 3: 1, 8: 1, 9: 2, 10: 1 }), recommendScore: 40 });

    const [service, recommend, better, comment, visit] = survey!.questions;
    // The current wording; the question version 2 dropped comes last, in version 1's.
    expect(survey!.questions.map((q) => [q.id, q.type, q.current, q.answered])).toEqual([
      ['service', 'faces', true, 5],
      ['recommend', 'recommend', true, 5],
      ['better', 'multiple', true, 3],
      ['comment', 'text', true, 3],
      ['visit', 'single', false, 2],
    ]);
    expect(service!.prompt.en).toBe('How were we today?');
    expect(visit!.prompt.es).toBe('¿A qué vino?');
    expect((service as FacesResult).counts).toEqual(scores(1, 2, 1, 1));
    expect((service as FacesResult).satisfaction).toBe(0.6);
    expect(recommend as RecommendResult).toMatchObject({ counts: counts({ 3: 1, 8: 1, 9: 2, 10: 1 }), recommendScore: 40, promoters: 3, passives: 1, detractors: 1 });
    // Several choices: shares of the 3 who answered, adding up to more than one.
    expect(better).toMatchObject({ options: [{ id: 'wait', count: 2, share: 2 / 3 }, { id: 'staff', count: 1, share: 1 / 3 }, { id: 'hours', count: 1, share: 1 / 3 }] });
    expect(visit).toMatchObject({ options: [{ id: 'cash', count: 1, share: 0.5 }, { id: 'account', count: 1, share: 0.5 }] });
    // Head office reads how many comments there were, not the words (docs/privacy.md).
    expect(comment).toMatchObject({ comments: [], hidden: 3 });

    // Each branch beside its counter ratings, as the overview computes them for it.
    expect(survey!.byBranch.map((r) => [r.name, r.responses, r.satisfaction, r.recommendScore, r.counterRatings, r.counterSatisfaction])).toEqual([
      ['Harbour Road', 3, 2 / 3, 67, 2, 0.5],
      ['Nanjing Road', 2, 0.5, 0, 1, 1],
    ]);
    for (const [selection, value] of [['all', survey!.counterSatisfaction], [[BRANCH_A], survey!.byBranch[0]!.counterSatisfaction], [[BRANCH_B], survey!.byBranch[1]!.counterSatisfaction]] as const) {
      const overview = await overviewReport(db(), selection as 'all' | string[], SURVEY_PERIOD);
      expect(value).toBe(overview.figures.find((f) => f.id === 'satisfaction')!.value);
    }
    expect(survey!.byChannel.map((r) => [r.channel, r.responses, r.satisfaction, r.recommendScore])).toEqual([
      ['lobby', 3, 2 / 3, 33],
      ['phone', 2, 0.5, 50],
    ]);
  });

  it('given a period, a channel and a branch, then only those responses count; a branch manager reads their own branch comments, newest first', async () => {
    await given();
    // The 21st alone: the response before the period.
    expect((await report('all', {}, HEAD_OFFICE_VIEWER, { from: '2026-11-21', to: '2026-11-21' })).survey!.total).toMatchObject({ responses: 1, recommendScore: -100 });
    const phone = (await report('all', { channel: 'phone' })).survey!;
    expect(phone.total).toMatchObject({ responses: 2, recommendScore: 50 });
    expect(phone.byChannel.map((r) => r.channel)).toEqual(['phone']);
    expect((await report([BRANCH_B])).survey!.byBranch.map((r) => [r.name, r.responses])).toEqual([['Nanjing Road', 2]]);

    const manager = { staffNumber: '1103', name: 'Staff branch-manager', role: 'branch-manager' as const, branchId: BRANCH_A, mustChangePassword: false };
    const own = (await report([BRANCH_A], {}, manager)).survey!;
    const comment = own.questions.find((q) => q.id === 'comment') as TextResult;
    expect(comment.comments).toEqual([
      { text: 'More staff at noon', day: '2026-11-24', branchId: BRANCH_A, branchName: 'Harbour Road', channel: 'phone', language: 'es' },
      { text: 'Quick and kind', day: '2026-11-23', branchId: BRANCH_A, branchName: 'Harbour Road', channel: 'lobby', language: 'en' },
    ]);
    expect(comment.hidden).toBe(0);
  });

  it('given the route, then a branch manager sees only their branch and its words (audited), a wrong survey is 404, and a bad channel 400', async () => {
    const { a } = await given();
    await givenHeadOfficeAccount(database.current);
    const manager = (await findTeller(db(), a.staff['branch-manager']))!;
    await givenRosterAccount(database.current, manager);
    const server = await startTestServer({ db: db(), now: () => SERVER_NOW });
    const cookies = { hq: await signedIn(server, 'HQ1'), bm: await signedIn(server, manager.staffNumber) };
    const ask = (who: keyof typeof cookies, query: string) => callDashboard(server, 'GET', `/api/reports/surveys?from=${SURVEY_PERIOD.from}&to=${SURVEY_PERIOD.to}${query}`, { cookie: cookies[who] });

    const own = await ask('bm', '');
    expect(own.status).toBe(200);
    const body = own.body as SurveysReport;
    expect(body.survey!.total.responses).toBe(3);
    expect(body.survey!.byBranch.map((r) => r.branchId)).toEqual([BRANCH_A]);
    expect((body.survey!.questions.find((q) => q.id === 'comment') as TextResult).comments.map((c) => c.text)).toEqual(['More staff at noon', 'Quick and kind']);
    expect(await ask('bm', `&branchId=${BRANCH_B}`)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const audit = await db().selectFrom('audit_log').select(['action', 'actor', 'detail']).where('action', '=', 'survey-text-view').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: manager.staffNumber });
    expect(JSON.parse(audit[0]!.detail)).toEqual({ survey: SURVEY_ID, comments: 2 });

    expect(await ask('hq', `&survey=${SURVEY_ID}&channel=lobby`)).toMatchObject({ status: 200, body: { survey: { channel: 'lobby', total: { responses: 3 } } } });
    expect(await ask('hq', '&survey=0190a0b0-0000-7000-8000-0000000000ff')).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await ask('hq', '&channel=fax')).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    expect(await ask('hq', '&colour=red')).toMatchObject({ status: 400 });
  });
});
