import { expect, it } from 'vitest';
import * as v from 'valibot';
import { DeviceConfigSchema, type DeviceConfig } from '../../../src/domain/config-schema.ts';
import { verifyPin } from '../../../src/domain/pin.ts';
import { DEFAULT_REASONS } from '../../../src/domain/reason.ts';
import { DEFAULT_TOPICS } from '../../../src/domain/topic.ts';
import { revokeDevice } from '../../../src/server/repositories/devices.ts';
import { deviceConfigFor } from '../../../src/server/services/device-config.ts';
import { addCounter, editBranch } from '../../../src/server/services/branches.ts';
import { addReason, editReason } from '../../../src/server/services/reasons.ts';
import { addTeller, editTeller } from '../../../src/server/services/tellers.ts';
import { setCaseDeadlines } from '../../../src/server/services/settings.ts';
import { addTopic, editTopic } from '../../../src/server/services/topics.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenCaseStaff,
  givenEnrolledDevice,
  givenEnrolledLobby,
  givenTeller,
  SERVER_NOW,
  startTestServer,
  TELLER_PIN,
  useTestDatabase,
} from '../fixtures.ts';

// A 1×1 PNG, as a data URL: the roster carries photos as they are stored.
const PHOTO = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const OTHER_TELLER_ID = '0190a0b0-0000-7000-8000-0000000000d2';
const LABELS = { 'zh-Hans': '排队', 'zh-Hant': '排隊', en: 'Queue', es: 'Cola' };

describeEachDatabase('GET /api/sync/config', (kind) => {
  const database = useTestDatabase(kind);

  // The roster's hashes as the admin CLI makes them: their cost is part of what a tablet gets.
  async function given() {
    await givenBranchWithCounter(database.current, undefined, { pinCost: 'production' });
    const device = await givenEnrolledDevice(database.current);
    const server = await startTestServer({ db: database.current.db });
    const getConfig = async (token = device.token) => callApi(server, 'GET', '/api/sync/config', { token });
    const config = async () => v.parse(DeviceConfigSchema, (await getConfig()).body);
    const pushNothing = () => callApi(server, 'POST', '/api/sync/push', { token: device.token, body: { protocol: 1, records: [] } });
    return { device, getConfig, config, pushNothing };
  }

  it('given an enrolled device, then it gets its branch, counter, settings, tellers and reasons', async () => {
    const { getConfig } = await given();
    const answer = await getConfig();
    expect(answer.status).toBe(200);
    const config = v.parse(DeviceConfigSchema, answer.body);
    expect(config).toEqual({
      version: 3,
      branch: { id: BRANCH_ID, name: 'Main Street', defaultLanguage: 'zh-Hant' },
      counter: { id: COUNTER_ID, name: 'Window 3' },
      counters: [{ id: COUNTER_ID, name: 'Window 3' }],
      ratingCooldownMs: 3000,
      speech: false,
      voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB', es: 'es-ES' },
      tellers: [{ id: TELLER_ID, staffNumber: '1001', name: 'Mei Chen', photo: null, stars: 4, pin: expect.any(Object), role: 'teller' }],
      reasons: DEFAULT_REASONS,
      topics: DEFAULT_TOPICS,
      caseDeadlines: { replyWithinHours: 24, notOnSpotWithinHours: 72 },
      tabletRetention: { closedCaseDays: 30, quarantineDays: 30 },
      // No survey is scheduled, so the counter holds none and no key to sign visit codes with.
      surveys: [],
      visitKey: null,
    } satisfies Record<keyof DeviceConfig, unknown>);
  });

  it('given a teller, then the config carries the salted hash of their PIN, which verifies, and never the PIN', async () => {
    const { getConfig } = await given();
    const answer = await getConfig();
    const [teller] = v.parse(DeviceConfigSchema, answer.body).tellers;
    expect(teller!.pin).toEqual({ salt: expect.any(String), hash: expect.any(String), iterations: 100_000 });
    expect(await verifyPin(TELLER_PIN, teller!.pin!)).toBe(true);
    expect(await verifyPin('1357', teller!.pin!)).toBe(false);
    expect(JSON.stringify(answer.body)).not.toContain(`"${TELLER_PIN}"`);
  });

  it('given tellers with photos and one deactivated, then the roster has the active ones, by staff number, photos as stored', async () => {
    const { config } = await given();
    const other = await givenTeller(database.current, { staffNumber: '0990', name: 'Ana Ruiz', stars: 5, photo: PHOTO });
    const gone = await givenTeller(database.current, { staffNumber: '2002', name: 'Left Us' });
    await editTeller(database.current.db, gone.id, { active: false });
    expect((await config()).tellers.map(({ id, name, photo, stars }) => ({ id, name, photo, stars }))).toEqual([
      { id: other.id, name: 'Ana Ruiz', photo: PHOTO, stars: 5 },
      { id: TELLER_ID, name: 'Mei Chen', photo: null, stars: 4 },
    ]);
  });

  it('given reasons added, moved and switched off, then the config lists the active ones in order with their labels', async () => {
    const { config } = await given();
    await addReason(database.current.db, { branchId: BRANCH_ID, id: 'queue', scores: ['dissatisfied'], labels: LABELS });
    await editReason(database.current.db, BRANCH_ID, 'queue', { position: 1 });
    await editReason(database.current.db, BRANCH_ID, 'attitude', { active: false });
    const reasons = (await config()).reasons;
    expect(reasons[0]).toEqual({ id: 'queue', scores: ['dissatisfied'], labels: LABELS });
    expect(reasons.map((r) => r.id)).toEqual(['queue', 'waiting-time', 'professionalism', 'speed', 'explanation', 'environment']);
  });

  it("given a branch with tellers and complaint staff, then a counter's roster holds its tellers only, and a lobby's the hashes of its staff and the tellers' names alone: no tablet carries a credential it does not check", async () => {
    const { config } = await given();
    await givenCaseStaff(database.current, { pinCost: 'production' });
    await givenTeller(database.current, { staffNumber: '0990', name: 'Ana Ruiz', photo: PHOTO });
    const lobby = await givenEnrolledLobby(database.current);
    const server = await startTestServer({ db: database.current.db });
    const counterConfig = await config();
    const lobbyAnswer = await callApi(server, 'GET', '/api/sync/config', { token: lobby.token });
    const lobbyConfig = v.parse(DeviceConfigSchema, lobbyAnswer.body);

    expect(counterConfig.tellers.map((t) => [t.staffNumber, t.role, t.pin === null, t.photo === null])).toEqual([
      ['0990', 'teller', false, false],
      ['1001', 'teller', false, true],
    ]);
    expect(lobbyConfig.tellers.map((t) => [t.staffNumber, t.role, t.pin === null, t.photo === null])).toEqual([
      ['0990', 'teller', true, true],
      ['1001', 'teller', true, true],
      ['3001', 'lobby-staff', false, true],
      ['3002', 'complaint-manager', false, true],
      ['3003', 'branch-manager', false, true],
    ]);
    // The managers' hashes cost six times a teller's to guess against.
    expect(lobbyConfig.tellers.filter((t) => t.role.endsWith('manager')).map((t) => t.pin!.iterations)).toEqual([600_000, 600_000]);
    expect(JSON.stringify(lobbyAnswer.body)).not.toContain(PHOTO);
  });

  it('given a lobby tablet, then it gets no counter of its own, every counter of the branch in name order, and the topics', async () => {
    await givenBranchWithCounter(database.current);
    for (const name of ['Window 10', 'Window 2', 'Enquiries']) await addCounter(database.current.db, { branchId: BRANCH_ID, name }, SERVER_NOW);
    const lobby = await givenEnrolledLobby(database.current);
    const server = await startTestServer({ db: database.current.db });
    const config = v.parse(DeviceConfigSchema, (await callApi(server, 'GET', '/api/sync/config', { token: lobby.token })).body);
    expect(config).toMatchObject({ counter: null, topics: DEFAULT_TOPICS, reasons: DEFAULT_REASONS });
    expect(config.counters.map((c) => c.name)).toEqual(['Enquiries', 'Window 2', 'Window 3', 'Window 10']);
    expect(config.counters.find((c) => c.name === 'Window 3')).toEqual({ id: COUNTER_ID, name: 'Window 3' });
  });

  it('given topics added, moved and switched off, then the config lists the active ones in order with their kinds and labels', async () => {
    const { config } = await given();
    await addTopic(database.current.db, { branchId: BRANCH_ID, id: 'cards', kinds: ['complaint', 'question'], labels: LABELS });
    await editTopic(database.current.db, BRANCH_ID, 'cards', { position: 1 });
    await editTopic(database.current.db, BRANCH_ID, 'fees', { active: false });
    const topics = (await config()).topics;
    expect(topics[0]).toEqual({ id: 'cards', kinds: ['complaint', 'question'], labels: LABELS });
    expect(topics.map((t) => t.id)).toEqual(['cards', 'waiting', 'staff', 'products', 'self-service', 'premises', 'other']);
  });

  it.each<[string, () => Promise<unknown>]>([
    ['a branch edit', () => editBranch(database.current.db, BRANCH_ID, { name: 'Main St.' })],
    ['speech switched on', () => editBranch(database.current.db, BRANCH_ID, { speech: true })],
    ['Cantonese chosen for 繁體中文', () => editBranch(database.current.db, BRANCH_ID, { voices: { 'zh-Hant': 'zh-HK' } })],
    ['a new counter', () => addCounter(database.current.db, { branchId: BRANCH_ID, name: 'Window 4' }, SERVER_NOW)],
    ['a new teller', () => addTeller(database.current.db, { branchId: BRANCH_ID, staffNumber: '3003', name: 'New', pin: '1111' }, SERVER_NOW)],
    ['a teller renamed', () => editTeller(database.current.db, TELLER_ID, { name: 'Mei C.' })],
    ['a new PIN', () => editTeller(database.current.db, TELLER_ID, { pin: '9999' })],
    ['a teller deactivated', () => editTeller(database.current.db, TELLER_ID, { active: false })],
    ['a new reason', () => addReason(database.current.db, { branchId: BRANCH_ID, id: 'queue', labels: LABELS })],
    ['a reason relabelled', () => editReason(database.current.db, BRANCH_ID, 'speed', { labels: { en: 'Too slow' } })],
    ['a reason switched off', () => editReason(database.current.db, BRANCH_ID, 'speed', { active: false })],
    ['a new topic', () => addTopic(database.current.db, { branchId: BRANCH_ID, id: 'cards', labels: LABELS })],
    ['a topic relabelled', () => editTopic(database.current.db, BRANCH_ID, 'fees', { labels: { en: 'Charges' } })],
    ['a topic moved', () => editTopic(database.current.db, BRANCH_ID, 'other', { position: 1 })],
    ['a topic switched off', () => editTopic(database.current.db, BRANCH_ID, 'fees', { active: false })],
    ['a new reply deadline', () => setCaseDeadlines(database.current.db, { replyWithinHours: 12 }, SERVER_NOW)],
  ])('given %s, then the next push announces version 4 and the config carries it', async (_, edit) => {
    const { config, pushNothing } = await given();
    expect(await edit()).toMatchObject({ ok: true });
    expect((await pushNothing()).body).toMatchObject({ configVersion: 4 });
    expect((await config()).version).toBe(4);
  });

  it('given the admin edits the branch, then the config carries the new settings', async () => {
    const { config } = await given();
    await editBranch(database.current.db, BRANCH_ID, { name: 'Main St.', ratingCooldownMs: 5000, defaultLanguage: 'es', speech: true });
    expect(await config()).toMatchObject({
      version: 4,
      branch: { name: 'Main St.', defaultLanguage: 'es' },
      ratingCooldownMs: 5000,
      speech: true,
    });
  });

  it('given head office changes the reply deadlines, then every branch announces a new version and its tablets get them', async () => {
    const { config, pushNothing } = await given();
    await givenBranchWithCounter(database.current, { branchId: OTHER_BRANCH_ID, counterId: OTHER_COUNTER_ID, tellerId: OTHER_TELLER_ID });
    const lobby = await givenEnrolledLobby(database.current, OTHER_BRANCH_ID);

    expect(await setCaseDeadlines(database.current.db, { replyWithinHours: 12, notOnSpotWithinHours: 48 }, SERVER_NOW)).toEqual({
      ok: true,
      value: { replyWithinHours: 12, notOnSpotWithinHours: 48 },
    });
    expect(await setCaseDeadlines(database.current.db, { notOnSpotWithinHours: 96 }, SERVER_NOW)).toMatchObject({ ok: true });

    expect((await pushNothing()).body).toMatchObject({ configVersion: 5 });
    expect(await config()).toMatchObject({ version: 5, caseDeadlines: { replyWithinHours: 12, notOnSpotWithinHours: 96 } });
    expect(await deviceConfigFor(database.current.db, { id: lobby.deviceId, mode: 'lobby', branchId: OTHER_BRANCH_ID, counterId: null }, SERVER_NOW)).toMatchObject({
      version: lobby.config.version + 2,
      caseDeadlines: { replyWithinHours: 12, notOnSpotWithinHours: 96 },
    });
  });

  it.each([
    [{ replyWithinHours: 0 }, 'replyWithinHours: must be at least 1 hour'],
    [{ notOnSpotWithinHours: 721 }, 'notOnSpotWithinHours: must be at most 720 hours (30 days)'],
    [{ replyWithinHours: 1.5 }, 'replyWithinHours: must be whole hours'],
    [{ replyWithinHours: 96 }, 'notOnSpotWithinHours: 72 hours is shorter than the reply deadline of 96 hours; a case handed on from the spot gets the longer deadline'],
    [{}, 'Nothing to change: give --reply-within-hours or --not-on-spot-within-hours (1 to 720).'],
  ])('given the deadlines %o, then they are refused with the reason and no version changes', async (changes, message) => {
    const { config } = await given();
    expect(await setCaseDeadlines(database.current.db, changes, SERVER_NOW)).toEqual({ ok: false, reason: 'invalid-input', message });
    expect(await config()).toMatchObject({ version: 3, caseDeadlines: { replyWithinHours: 24, notOnSpotWithinHours: 72 } });
  });

  it('given a revoked device, then 401 device-revoked', async () => {
    const { getConfig, device } = await given();
    await revokeDevice(database.current.db, device.deviceId, SERVER_NOW);
    expect(await getConfig()).toMatchObject({ status: 401, body: { code: 'device-revoked' } });
  });

  it('given no token, then 401 unauthorized', async () => {
    const { getConfig } = await given();
    expect(await getConfig('')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });
});
