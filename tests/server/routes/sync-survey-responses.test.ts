import { expect, it } from 'vitest';
import { referenceCode } from '../../../src/domain/opinion.ts';
import { PROTOCOL_VERSION, type PushResponse, type PushResult } from '../../../src/domain/wire.ts';
import { contentHash } from '../../../src/server/content-hash.ts';
import { countOpinions } from '../../../src/server/repositories/opinions.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { anOpinion, BRANCH_ID } from '../../builders/rating.ts';
import { aQuestionnaire, aSurveyResponse, SURVEY_ID } from '../../builders/survey.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callApi, givenBranchWithCounter, givenEnrolledDevice, givenEnrolledLobby, givenStoredSurvey, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

// A lobby tablet's survey answers arrive by push like its opinions: each checked against the
// survey and version it names, stored once with one answer row per answer (per option of a
// multiple choice), and answered as every pushed record is (decision 0017).

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const PHONE_SURVEY = '0190a0b0-0000-7000-8000-0000000000f2';
const HARBOUR_SURVEY = '0190a0b0-0000-7000-8000-0000000000f3';
const NO_SURVEY = '0190a0b0-0000-7000-8000-0000000000f4';

describeEachDatabase('POST /api/sync/push: survey responses from lobby tablets', (kind) => {
  const database = useTestDatabase(kind);

  /** The builders' branch, its lobby tablet, and the builders' survey running there on lobby tablets through November. */
  async function given(survey: Parameters<typeof givenStoredSurvey>[1] = {}) {
    await givenBranchWithCounter(database.current);
    await givenStoredSurvey(database.current, survey);
    const lobby = await givenEnrolledLobby(database.current);
    const server = await startTestServer({ db: database.current.db });
    const push = async (records: unknown[], token = lobby.token): Promise<PushResult[]> => {
      const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records } });
      expect(answer.status).toBe(200);
      return (answer.body as PushResponse).results;
    };
    return { lobby, server, push };
  }

  const responses = () =>
    database.current.db
      .selectFrom('survey_responses')
      .select(['id', 'survey_id', 'version', 'branch_id', 'channel', 'device_id', 'counter_id', 'teller_id', 'visited_at', 'code_id', 'language', 'answers', 'created_at', 'received_at', 'day', 'content_hash'])
      .orderBy('seq')
      .execute();
  const answerRows = (responseId: string) =>
    database.current.db
      .selectFrom('survey_answers')
      .select(['survey_id', 'question_id', 'type', 'score', 'value', 'option_id', 'text'])
      .where('response_id', '=', responseId)
      .orderBy('question_id')
      .orderBy('option_id')
      .execute();
  const accepted = (...records: { id: string }[]): PushResult[] => records.map(({ id }) => ({ id, status: 'accepted' }));

  it('given a batch of responses beside an opinion, when it is sent twice, then both times each is accepted and stored once, with one answer row per answer and per option chosen', async () => {
    const { lobby, push } = await given();
    const first = aSurveyResponse();
    const second = aSurveyResponse({
      language: 'zh-Hans',
      answers: [
        { type: 'faces', questionId: 'service', score: 'dissatisfied' },
        { type: 'recommend', questionId: 'recommend', value: 3 },
        { type: 'single', questionId: 'visit', optionId: 'cash' },
        { type: 'text', questionId: 'comment', text: '等候太久' },
      ],
    });
    const opinion = anOpinion({ referenceCode: referenceCode(lobby.referencePrefix, 1) });
    const batch = [first, opinion, second];

    expect(await push(batch)).toEqual(accepted(...batch));
    expect(await push(batch)).toEqual(accepted(...batch));

    expect(await responses()).toEqual(
      [first, second].map((r) => ({
        id: r.id,
        survey_id: SURVEY_ID,
        version: 1,
        branch_id: BRANCH_ID,
        channel: 'lobby',
        device_id: lobby.deviceId,
        counter_id: null,
        teller_id: null,
        visited_at: null,
        code_id: null,
        language: r.language,
        answers: JSON.stringify(r.answers),
        created_at: expect.anything(),
        received_at: expect.anything(),
        day: '2026-11-23',
        content_hash: contentHash(r),
      })),
    );
    const rows = (await responses()).map((r) => [Number(r.created_at), Number(r.received_at)]);
    expect(rows).toEqual([first, second].map((r) => [r.createdAt, SERVER_NOW]));
    const row = { survey_id: SURVEY_ID, score: null, value: null, option_id: null, text: null };
    expect(await answerRows(first.id)).toEqual([
      { ...row, question_id: 'better', type: 'multiple', option_id: 'staff' },
      { ...row, question_id: 'better', type: 'multiple', option_id: 'wait' },
      { ...row, question_id: 'recommend', type: 'recommend', value: 9 },
      { ...row, question_id: 'service', type: 'faces', score: 'satisfied' },
    ]);
    expect(await answerRows(second.id)).toEqual([
      { ...row, question_id: 'comment', type: 'text', text: '等候太久' },
      { ...row, question_id: 'recommend', type: 'recommend', value: 3 },
      { ...row, question_id: 'service', type: 'faces', score: 'dissatisfied' },
      { ...row, question_id: 'visit', type: 'single', option_id: 'cash' },
    ]);
    expect(await countOpinions(database.current.db)).toBe(1);
  });

  it('given responses naming no survey, no such version, a phone-only survey, a survey of other branches or answers that do not fit, then each is rejected as unknown-survey, saying why, and only the good one is stored', async () => {
    const { push } = await given();
    await addBranch(database.current.db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    await givenStoredSurvey(database.current, { id: PHONE_SURVEY, channels: ['phone'] });
    await givenStoredSurvey(database.current, { id: HARBOUR_SURVEY, branchIds: [OTHER_BRANCH_ID], channels: ['lobby', 'phone'] });
    const good = aSurveyResponse();
    const bad: [ReturnType<typeof aSurveyResponse>, string][] = [
      [aSurveyResponse({ surveyId: NO_SURVEY }), `surveyId: ${NO_SURVEY} is not a survey of this server; a lobby tablet answers only the surveys its configuration lists, so sync its configuration`],
      [aSurveyResponse({ version: 2 }), `version: survey ${SURVEY_ID} has no version 2 (its current version is 1); answer the version the tablet's configuration carries`],
      [
        aSurveyResponse({ surveyId: PHONE_SURVEY }),
        `surveyId: survey ${PHONE_SURVEY} is not answered on lobby tablets (its channels: phone); to ask it there, head office changes its schedule (PUT /api/manage/surveys/${PHONE_SURVEY})`,
      ],
      [
        aSurveyResponse({ surveyId: HARBOUR_SURVEY }),
        `surveyId: survey ${HARBOUR_SURVEY} does not run at branch ${BRANCH_ID}; to ask it there, head office changes its schedule (PUT /api/manage/surveys/${HARBOUR_SURVEY})`,
      ],
      [
        aSurveyResponse({ answers: [{ type: 'recommend', questionId: 'recommend', value: 10 }] }),
        `answers: they do not fit version 1 of survey ${SURVEY_ID}: question service is required and not answered; ` +
          'answer each question of that version at most once, in its type and with its options, and every required one',
      ],
      [
        aSurveyResponse({
          answers: [
            { type: 'faces', questionId: 'service', score: 'neutral' },
            { type: 'recommend', questionId: 'recommend', value: 7 },
            { type: 'multiple', questionId: 'better', optionIds: ['wait', 'parking'] },
          ],
        }),
        `answers: they do not fit version 1 of survey ${SURVEY_ID}: question better names an option it does not have; ` +
          'answer each question of that version at most once, in its type and with its options, and every required one',
      ],
    ];

    const results = await push([...bad.map(([r]) => r), good]);

    expect(results).toEqual([...bad.map(([r, message]) => ({ id: r.id, status: 'rejected', reason: 'unknown-survey', message })), ...accepted(good)]);
    expect((await responses()).map((r) => r.id)).toEqual([good.id]);
    const answers = await database.current.db.selectFrom('survey_answers').select('response_id').execute();
    expect(new Set(answers.map((a) => a.response_id))).toEqual(new Set([good.id]));
  });

  it('given a response from a counter tablet, or for another branch, then it is rejected as the other kinds are and nothing is stored', async () => {
    const { push } = await given();
    const counter = await givenEnrolledDevice(database.current);
    const fromCounter = aSurveyResponse();
    const elsewhere = aSurveyResponse({ branchId: OTHER_BRANCH_ID });

    expect(await push([fromCounter], counter.token)).toEqual([
      {
        id: fromCounter.id,
        status: 'rejected',
        reason: 'wrong-device-mode',
        message:
          'kind: this device is enrolled as a counter tablet, and survey responses come only from lobby tablets; enroll one with `npm run admin -- code:create --lobby --branch <branchId>`',
      },
    ]);
    expect(await push([elsewhere])).toEqual([
      { id: elsewhere.id, status: 'rejected', reason: 'wrong-branch', message: `branchId: this device is enrolled at branch ${BRANCH_ID}, not ${OTHER_BRANCH_ID}` },
    ]);
    expect(await responses()).toEqual([]);
  });

  it('given a response given after the survey ended (a tablet offline with its older configuration), then it is kept, counted by its day at the branch', async () => {
    const { push } = await given();
    await database.current.db.updateTable('branches').set({ time_zone: 'Asia/Shanghai' }).where('id', '=', BRANCH_ID).execute();
    // 30 November, 20:00 UTC: 1 December in Shanghai, the day after the survey's last.
    const late = aSurveyResponse({ createdAt: Date.UTC(2026, 10, 30, 20, 0) });

    expect(await push([late])).toEqual(accepted(late));
    expect((await responses()).map((r) => [r.id, r.day])).toEqual([[late.id, '2026-12-01']]);
  });

  it('given a response stored, when its tablet sends other answers under its id or another tablet sends it, then they are told changed-resend and id-taken, and the first stays as it was', async () => {
    const { lobby, push } = await given();
    const other = await givenEnrolledLobby(database.current);
    const mine = aSurveyResponse();
    const changed = { ...aSurveyResponse({ answers: [{ type: 'faces', questionId: 'service', score: 'neutral' }, { type: 'recommend', questionId: 'recommend', value: 0 }] }), id: mine.id };
    await push([mine]);

    expect(await push([changed])).toEqual([
      { id: mine.id, status: 'conflict', reason: 'changed-resend', message: `id: this device sent another survey response under ${mine.id} before, and the server keeps that one; this one differs and was not stored` },
    ]);
    expect(await push([mine], other.token)).toEqual([
      { id: mine.id, status: 'conflict', reason: 'id-taken', message: `id: ${mine.id} is held by the server for another device's survey response; send this survey response again under a new id` },
    ]);
    // Two records under one id in one push: the first is stored (its answers once), the second judged against it.
    const twice = aSurveyResponse();
    const renamed = { ...changed, id: twice.id };
    expect(await push([twice, renamed, twice])).toEqual([
      ...accepted(twice),
      { id: twice.id, status: 'conflict', reason: 'changed-resend', message: `id: this push carries two different survey responses under ${twice.id}; the server keeps the first, and this one was not stored` },
      ...accepted(twice),
    ]);

    expect((await responses()).map((r) => [r.id, r.device_id, r.content_hash])).toEqual([
      [mine.id, lobby.deviceId, contentHash(mine)],
      [twice.id, lobby.deviceId, contentHash(twice)],
    ]);
    expect(await answerRows(mine.id)).toHaveLength(4);
    expect(await answerRows(twice.id)).toHaveLength(4);
  });

  it('given a questionnaire worded anew, then a response to the older version is still kept, as that version', async () => {
    const reworded = aQuestionnaire();
    const { push } = await given({ versions: [aQuestionnaire(), { ...reworded, questions: reworded.questions.slice(0, 2) }] });
    const older = aSurveyResponse({ version: 1 });
    const current = aSurveyResponse({ version: 2, answers: older.answers.slice(0, 2) });

    expect(await push([older, current])).toEqual(accepted(older, current));
    expect((await responses()).map((r) => r.version)).toEqual([1, 2]);
  });
});
