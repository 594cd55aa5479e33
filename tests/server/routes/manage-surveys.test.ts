import { expect, it } from 'vitest';
import * as v from 'valibot';
import { DeviceConfigSchema } from '../../../src/domain/config-schema.ts';
import type { SurveyListResponse, SurveySummary } from '../../../src/domain/manage-surveys.ts';
import type { Questionnaire } from '../../../src/domain/survey.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { addRegion } from '../../../src/server/services/regions.ts';
import { visitCodeSecret, visitKeyOf } from '../../../src/server/services/visit-keys.ts';
import { aQuestionnaire } from '../../builders/survey.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, routesOf, signedIn } from '../dashboard.ts';
import { callApi, givenEnrolledDevice, givenEnrolledLobby, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const MADRID = '0190a0b0-0000-7000-8000-00000000a000';
const SHANGHAI = '0190a0b0-0000-7000-8000-00000000b000';
const MADRID_COUNTER = '0190a0b0-0000-7000-8000-00000000ac01';
const SHANGHAI_COUNTER = '0190a0b0-0000-7000-8000-00000000bc01';
const REGION = '0190a0b0-0000-7000-8000-0000000000d1';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';

// 20:00 UTC on 23 November: 21:00 on the 23rd in Madrid, already 04:00 on the 24th in Shanghai.
const NOW = SERVER_NOW + 10 * 3_600_000;

const schedule = (overrides: Partial<SurveySummary['schedule']> = {}): SurveySummary['schedule'] => ({
  startsOn: '2026-11-20',
  endsOn: '2026-12-31',
  branchIds: [MADRID],
  channels: ['lobby', 'phone'],
  ...overrides,
});

/** The same questionnaire with every object's keys in the reverse order: the same wording. */
const reordered = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(reordered) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, x]) => [k, reordered(x)])) : value;

const reworded = (): Questionnaire => {
  const q = aQuestionnaire();
  q.questions[0] = { ...q.questions[0]!, prompt: { ...q.questions[0]!.prompt, en: 'How did we serve you today?' } };
  return q;
};

describeEachDatabase('surveys on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  /** Madrid and Shanghai, a counter tablet at each and a lobby tablet at Madrid; head office HQ1; a regional manager RM1. */
  async function given() {
    const { db } = database.current;
    for (const [id, name, timeZone, counterId] of [[MADRID, 'Gran Vía', 'Europe/Madrid', MADRID_COUNTER], [SHANGHAI, 'Nanjing Road', 'Asia/Shanghai', SHANGHAI_COUNTER]] as const) {
      expect(await addBranch(db, { id, name, timeZone, defaultLanguage: 'en' }, SERVER_NOW)).toMatchObject({ ok: true });
      expect(await addCounter(db, { id: counterId, branchId: id, name: 'Window 1' }, SERVER_NOW)).toMatchObject({ ok: true });
    }
    expect(await addRegion(db, { id: REGION, name: 'North' }, SERVER_NOW)).toMatchObject({ ok: true });
    const tablets = {
      lobby: await givenEnrolledLobby(database.current, MADRID),
      counter: await givenEnrolledDevice(database.current, MADRID_COUNTER),
      shanghaiCounter: await givenEnrolledDevice(database.current, SHANGHAI_COUNTER),
    };
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, REGION);
    const server = await startTestServer({ db, now: () => NOW });
    const cookies = { hq: await signedIn(server, 'HQ1'), rm: await signedIn(server, 'RM1') };
    const call = (method: 'GET' | 'POST' | 'PUT', path: string, as: keyof typeof cookies = 'hq', body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    const configOf = async (tablet: keyof typeof tablets) => v.parse(DeviceConfigSchema, (await callApi(server, 'GET', '/api/sync/config', { token: tablets[tablet].token })).body);
    const versions = async () => Promise.all([MADRID, SHANGHAI].map(async (id) => (await findBranch(db, id))!.configVersion));
    const stored = async () => ({
      surveys: (await db.selectFrom('surveys').select(['id', 'current_version']).execute()).length,
      versions: (await db.selectFrom('survey_versions').select(['survey_id', 'version']).orderBy('version').execute()).map((r) => r.version),
    });
    const audit = async () => (await readAudit(db, { from: 0, to: NOW + 1, limit: 100 })).filter((r) => r.action.startsWith('survey-'));
    return { db, server, call, configOf, versions, stored, audit, tablets };
  }

  it("given head office, when it creates, rewords and reschedules a survey, then the list shows it, a new wording alone is a new version, each act is audited, and the branches' tablets pull it: the lobby with its questions, the counter with its visit key", async () => {
    const { db, server, call, configOf, versions, stored, audit, tablets } = await given();
    expect(routesOf(server.app).filter((r) => r.startsWith('/api/manage/surveys', r.indexOf(' ') + 1))).toEqual(
      expect.arrayContaining(['GET /api/manage/surveys', 'POST /api/manage/surveys', 'POST /api/manage/surveys/:surveyId/end', 'PUT /api/manage/surveys/:surveyId']),
    );
    const [madrid, shanghai] = await versions();

    const created = await call('POST', '/api/manage/surveys', 'hq', { name: '  Winter 2026  ', questionnaire: aQuestionnaire(), schedule: schedule() });
    expect(created.status).toBe(201);
    const survey = (created.body as { survey: SurveySummary }).survey;
    expect(survey).toEqual({
      id: expect.any(String),
      name: 'Winter 2026',
      currentVersion: 1,
      schedule: schedule(),
      questionnaire: aQuestionnaire(),
      versions: 1,
      responses: 0,
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(await versions()).toEqual([madrid! + 1, shanghai]);
    expect(((await call('GET', '/api/manage/surveys')).body as SurveyListResponse).surveys).toEqual([survey]);

    const lobby = await configOf('lobby');
    expect(lobby).toMatchObject({ version: madrid! + 1, visitKey: null });
    expect(lobby.surveys).toEqual([{ id: survey.id, version: 1, startsOn: '2026-11-20', endsOn: '2026-12-31', channels: ['lobby', 'phone'], questionnaire: aQuestionnaire() }]);
    const counter = await configOf('counter');
    expect(counter.surveys).toEqual([{ id: survey.id, version: 1, startsOn: '2026-11-20', endsOn: '2026-12-31', channels: ['lobby', 'phone'], questionnaire: null }]);
    expect(counter.visitKey).toBe(visitKeyOf(await visitCodeSecret(db), tablets.counter.deviceId));
    expect(await configOf('shanghaiCounter')).toMatchObject({ surveys: [], visitKey: null });

    // The same wording, its keys in another order: no new version, nothing to pull, nothing audited.
    const same = await call('PUT', `/api/manage/surveys/${survey.id}`, 'hq', { questionnaire: reordered(aQuestionnaire()) });
    expect(same).toMatchObject({ status: 200, body: { survey: { currentVersion: 1, versions: 1 } } });
    expect(await stored()).toEqual({ surveys: 1, versions: [1] });
    expect(await versions()).toEqual([madrid! + 1, shanghai]);

    const changed = await call('PUT', `/api/manage/surveys/${survey.id}`, 'hq', { questionnaire: reworded(), name: 'Winter 2026 (2)' });
    expect(changed).toMatchObject({ status: 200, body: { survey: { name: 'Winter 2026 (2)', currentVersion: 2, versions: 2, questionnaire: reworded() } } });
    expect(await stored()).toEqual({ surveys: 1, versions: [1, 2] });
    expect((await configOf('lobby')).surveys).toEqual([expect.objectContaining({ version: 2, questionnaire: reworded() })]);

    // Moved to Shanghai, on the phone alone: both branches pull, the key goes with the survey.
    const moved = await call('PUT', `/api/manage/surveys/${survey.id}`, 'hq', { schedule: schedule({ branchIds: [SHANGHAI], channels: ['phone'] }) });
    expect(moved).toMatchObject({ status: 200, body: { survey: { currentVersion: 2, schedule: { branchIds: [SHANGHAI], channels: ['phone'] } } } });
    expect(await versions()).toEqual([madrid! + 3, shanghai! + 1]);
    expect(await configOf('counter')).toMatchObject({ surveys: [], visitKey: null });
    expect(await configOf('lobby')).toMatchObject({ surveys: [], visitKey: null });
    const there = await configOf('shanghaiCounter');
    expect(there.surveys).toEqual([{ id: survey.id, version: 2, startsOn: '2026-11-20', endsOn: '2026-12-31', channels: ['phone'], questionnaire: null }]);
    expect(there.visitKey).toBe(visitKeyOf(await visitCodeSecret(db), tablets.shanghaiCounter.deviceId));
    expect(there.visitKey).not.toBe(counter.visitKey);

    expect((await audit()).map((r) => [r.action, r.actor, r.verified, r.subject, r.detail])).toEqual([
      ['survey-add', 'HQ1', 'dashboard-session', survey.id, { version: 1, schedule: schedule() }],
      ['survey-edit', 'HQ1', 'dashboard-session', survey.id, { fields: ['name', 'questionnaire'], version: 2, versionFrom: 1 }],
      ['survey-edit', 'HQ1', 'dashboard-session', survey.id, { fields: ['schedule'], version: 2, scheduleFrom: schedule(), scheduleTo: schedule({ branchIds: [SHANGHAI], channels: ['phone'] }) }],
    ]);
  });

  it('given a schedule naming an unknown branch, a bad body, an unknown survey or an account other than head office, then 400, 404 or 403 with the reason, and nothing is stored', async () => {
    const { call, versions, stored, audit } = await given();
    const before = await versions();

    expect(await call('POST', '/api/manage/surveys', 'hq', { name: 'Winter', questionnaire: aQuestionnaire(), schedule: schedule({ branchIds: [MADRID, UNKNOWN_ID] }) })).toMatchObject({
      status: 400,
      body: { code: 'bad-request', message: `schedule.branchIds: no branch has the id ${UNKNOWN_ID}.` },
    });
    expect(await call('POST', '/api/manage/surveys', 'hq', { name: ' ', questionnaire: aQuestionnaire(), schedule: schedule({ endsOn: '2026-11-01' }) })).toMatchObject({
      status: 400,
      body: { code: 'bad-request', message: 'name: must not be empty; schedule: endsOn is before startsOn' },
    });
    expect(await stored()).toEqual({ surveys: 0, versions: [] });

    const survey = ((await call('POST', '/api/manage/surveys', 'hq', { name: 'Winter', questionnaire: aQuestionnaire(), schedule: schedule() })).body as { survey: SurveySummary }).survey;
    expect(await call('PUT', `/api/manage/surveys/${survey.id}`, 'hq', { schedule: schedule({ branchIds: [UNKNOWN_ID] }) })).toMatchObject({
      status: 400,
      body: { message: `schedule.branchIds: no branch has the id ${UNKNOWN_ID}.` },
    });
    expect(await call('PUT', `/api/manage/surveys/${survey.id}`, 'hq', {})).toMatchObject({ status: 400, body: { message: 'nothing to change: give a name, a questionnaire or a schedule' } });
    expect(await call('PUT', `/api/manage/surveys/${UNKNOWN_ID}`, 'hq', { name: 'Spring' })).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('POST', `/api/manage/surveys/${UNKNOWN_ID}/end`, 'hq')).toMatchObject({ status: 404, body: { code: 'not-found' } });

    const refused = [
      await call('GET', '/api/manage/surveys', 'rm'),
      await call('POST', '/api/manage/surveys', 'rm', { name: 'Mine', questionnaire: aQuestionnaire(), schedule: schedule() }),
      await call('PUT', `/api/manage/surveys/${survey.id}`, 'rm', { questionnaire: reworded() }),
      await call('POST', `/api/manage/surveys/${survey.id}/end`, 'rm'),
    ];
    expect(refused.map((r) => [r.status, (r.body as { code: string }).code])).toEqual(refused.map(() => [403, 'forbidden']));

    expect(await stored()).toEqual({ surveys: 1, versions: [1] });
    expect(((await call('GET', '/api/manage/surveys')).body as SurveyListResponse).surveys).toEqual([survey]);
    expect(await versions()).toEqual([before[0]! + 1, before[1]]);
    expect((await audit()).map((r) => r.action)).toEqual(['survey-add']);
  });

  it('given a running survey and one not yet started, when head office ends them, then neither runs from today in any branch, even where the day is already tomorrow, the tablets pull that, and each end is audited', async () => {
    const { call, configOf, versions, audit } = await given();
    const create = async (name: string, plan: SurveySummary['schedule']) =>
      ((await call('POST', '/api/manage/surveys', 'hq', { name, questionnaire: aQuestionnaire(), schedule: plan })).body as { survey: SurveySummary }).survey;
    const running = await create('Running', schedule({ startsOn: '2026-11-01', branchIds: null, channels: ['lobby', 'phone'] }));
    const later = await create('Later', schedule({ startsOn: '2026-12-10', endsOn: '2026-12-20', branchIds: [SHANGHAI], channels: ['phone'] }));
    expect((await configOf('shanghaiCounter')).surveys.map((s) => s.id).sort()).toEqual([running.id, later.id].sort());
    const before = await versions();

    // Today is the 23rd in Madrid and the 24th in Shanghai: the last day is the 22nd, everywhere.
    const ended = await call('POST', `/api/manage/surveys/${running.id}/end`, 'hq');
    expect(ended).toMatchObject({ status: 200, body: { survey: { currentVersion: 1, schedule: { ...running.schedule, endsOn: '2026-11-22' } } } });
    expect(await versions()).toEqual([before[0]! + 1, before[1]! + 1]);
    // Shanghai alone is in its scope, and its today is the 24th.
    expect(await call('POST', `/api/manage/surveys/${later.id}/end`, 'hq')).toMatchObject({
      status: 200,
      body: { survey: { schedule: { ...later.schedule, startsOn: '2026-11-23', endsOn: '2026-11-23' } } },
    });
    expect(await versions()).toEqual([before[0]! + 1, before[1]! + 2]);
    // Ending again changes nothing, and is recorded all the same.
    expect(await call('POST', `/api/manage/surveys/${running.id}/end`, 'hq')).toMatchObject({ status: 200, body: { survey: { schedule: { endsOn: '2026-11-22' } } } });
    expect(await versions()).toEqual([before[0]! + 1, before[1]! + 2]);

    for (const tablet of ['lobby', 'counter', 'shanghaiCounter'] as const) expect(await configOf(tablet)).toMatchObject({ surveys: [], visitKey: null });
    expect((await audit()).filter((r) => r.action === 'survey-end').map((r) => [r.subject, r.actor, r.detail])).toEqual([
      [running.id, 'HQ1', { endsOnFrom: '2026-12-31', endsOn: '2026-11-22' }],
      [later.id, 'HQ1', { endsOnFrom: '2026-12-20', endsOn: '2026-11-23', startsOnFrom: '2026-12-10', startsOn: '2026-11-23' }],
      [running.id, 'HQ1', { endsOnFrom: '2026-11-22', endsOn: '2026-11-22' }],
    ]);
  });
});
