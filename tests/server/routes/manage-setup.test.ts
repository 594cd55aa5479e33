import { expect, it } from 'vitest';
import type { BranchSetup, SetupCounter } from '../../../src/domain/manage-setup.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { deviceConfigFor } from '../../../src/server/services/device-config.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { givenBranchWithCounter, givenTeller, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

/** The device a configuration is read for here: its id matters only to a counter's visit key, while a survey runs. */
const DEVICE = '0190a0b0-0000-7000-8000-0000000000de';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const REGION_ID = '0190a0b0-0000-7000-8000-0000000000c1';
const of = (branchId: string, rest: string) => `/api/manage/branches/${branchId}/${rest}`;
const LABELS = { en: 'Door was locked', es: 'La puerta estaba cerrada', 'zh-Hans': '门锁着', 'zh-Hant': '門鎖着' };

describeEachDatabase("a branch's counters and lists on the dashboard", (kind) => {
  const database = useTestDatabase(kind);

  /** Main Street (in region North; manager 2002, complaint manager 2003), Harbour Road (manager 4003); head office HQ1; North's regional manager RM1. */
  async function given() {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const harbour = await addBranch(db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const region = await addRegion(db, { id: REGION_ID, name: 'North' }, SERVER_NOW);
    if (!region.ok) throw new Error(region.message);
    const moved = await moveBranchToRegion(db, BRANCH_ID, REGION_ID);
    if (!moved.ok) throw new Error(moved.message);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2003', name: 'Ho Yan', role: 'complaint-manager' }));
    await givenRosterAccount(database.current, await givenTeller(database.current, { branchId: OTHER_BRANCH_ID, staffNumber: '4003', name: 'Kit Lau', role: 'branch-manager' }));
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, REGION_ID);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies = {
      hq: await signedIn(server, 'HQ1'),
      manager: await signedIn(server, '2002'),
      complaints: await signedIn(server, '2003'),
      harbour: await signedIn(server, '4003'),
      regional: await signedIn(server, 'RM1'),
    };
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, as: keyof typeof cookies, body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    const version = async (branchId = BRANCH_ID) => (await findBranch(db, branchId))!.configVersion;
    const audit = async () => (await db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map((row) => ({ action: row.action, actor: row.actor, branch: row.branch_id, subject: row.subject }));
    const setup = async (as: keyof typeof cookies = 'hq') => (await call('GET', of(BRANCH_ID, 'setup'), as)).body as BranchSetup;
    return { db, server, call, version, audit, setup };
  }

  it('given head office, when it adds and renames a counter, adds, edits, reorders and switches off a reason and a topic, then each bumps the config version, is audited, and a tablet pulls it', async () => {
    const { db, server, call, version, audit, setup } = await given();
    // A counter's queue code is Manage › Queue system's (manage-queue.test.ts).
    expect(routesOf(server.app).filter((r) => /\/api\/manage\/(counters|branches\/:branchId\/(setup|counters|reasons|topics|order))/.test(r) && !r.endsWith('/queue-code'))).toEqual([
      'GET /api/manage/branches/:branchId/setup',
      'PATCH /api/manage/branches/:branchId/reasons/:itemId',
      'PATCH /api/manage/branches/:branchId/topics/:itemId',
      'PATCH /api/manage/counters/:counterId',
      'POST /api/manage/branches/:branchId/counters',
      'POST /api/manage/branches/:branchId/reasons',
      'POST /api/manage/branches/:branchId/topics',
      'PUT /api/manage/branches/:branchId/order',
    ]);

    const first = await setup();
    expect(first.branch).toMatchObject({ id: BRANCH_ID, name: 'Main Street' });
    expect(first.counters.map((c) => c.id)).toEqual([COUNTER_ID]);
    expect(first.reasons.map((r) => r.id)).toEqual(['waiting-time', 'attitude', 'professionalism', 'speed', 'explanation', 'environment']);
    expect(first.topics[0]).toMatchObject({ id: 'waiting', kinds: ['complaint', 'suggestion', 'praise', 'question'], position: 1, active: true });

    let v = await version();
    const bumped = async () => {
      const now = await version();
      expect(now).toBeGreaterThan(v);
      v = now;
    };

    const counter = await call('POST', of(BRANCH_ID, 'counters'), 'hq', { name: '  Window 9 ' });
    expect(counter).toMatchObject({ status: 200, body: { name: 'Window 9' } });
    await bumped();
    const counterId = (counter.body as SetupCounter).id;
    expect(await call('PATCH', `/api/manage/counters/${counterId}`, 'hq', { name: 'Window 10' })).toMatchObject({ status: 200, body: { id: counterId, name: 'Window 10' } });
    await bumped();

    const reason = await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: LABELS, scores: ['dissatisfied'] });
    expect(reason).toMatchObject({ status: 200, body: { id: 'door-was-locked', labels: LABELS, scores: ['dissatisfied'], position: 7, active: true } });
    await bumped();
    // The same English label again: a new id, never the old reason's.
    expect(await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: LABELS, scores: ['neutral'] })).toMatchObject({ status: 200, body: { id: 'door-was-locked-2' } });
    await bumped();
    const relabelled = { ...LABELS, en: 'The door was locked' };
    expect(await call('PATCH', of(BRANCH_ID, 'reasons/door-was-locked'), 'hq', { labels: relabelled, scores: ['neutral', 'dissatisfied'] })).toMatchObject({
      status: 200,
      body: { id: 'door-was-locked', labels: relabelled, scores: ['neutral', 'dissatisfied'] },
    });
    await bumped();

    const topic = await call('POST', of(BRANCH_ID, 'topics'), 'hq', { labels: LABELS, kinds: ['complaint', 'question'] });
    expect(topic).toMatchObject({ status: 200, body: { id: 'door-was-locked', kinds: ['complaint', 'question'], position: 8 } });
    await bumped();
    expect(await call('PATCH', of(BRANCH_ID, 'topics/other'), 'hq', { active: false })).toMatchObject({ status: 200, body: { id: 'other', active: false } });
    await bumped();

    const reasonIds = (await setup()).reasons.map((r) => r.id);
    const moved = [reasonIds.at(-2)!, ...reasonIds.filter((id) => id !== reasonIds.at(-2))];
    const ordered = await call('PUT', of(BRANCH_ID, 'order'), 'hq', { list: 'reasons', ids: moved });
    expect(ordered.status).toBe(200);
    expect((ordered.body as BranchSetup).reasons.map((r) => [r.id, r.position])).toEqual(moved.map((id, i) => [id, i + 1]));
    await bumped();
    expect(await call('PATCH', of(BRANCH_ID, 'reasons/speed'), 'hq', { active: false })).toMatchObject({ status: 200, body: { active: false } });
    await bumped();

    // A counter tablet pulls it all at its next sync: the new counter's name, the reasons in their order, without the one switched off.
    const config = await deviceConfigFor(db, { id: DEVICE, mode: 'counter', branchId: BRANCH_ID, counterId: COUNTER_ID }, SERVER_NOW);
    expect(config.version).toBe(v);
    expect(config.reasons.map((r) => r.id)).toEqual(moved.filter((id) => id !== 'speed'));
    expect(config.reasons[0]).toMatchObject({ id: 'door-was-locked', labels: relabelled, scores: ['neutral', 'dissatisfied'] });
    const lobby = await deviceConfigFor(db, { id: DEVICE, mode: 'lobby', branchId: BRANCH_ID, counterId: null }, SERVER_NOW);
    expect(lobby.topics.map((t) => t.id)).toContain('door-was-locked');
    expect(lobby.topics.map((t) => t.id)).not.toContain('other');

    expect(await audit()).toEqual([
      { action: 'counter-add', actor: 'HQ1', branch: BRANCH_ID, subject: counterId },
      { action: 'counter-edit', actor: 'HQ1', branch: BRANCH_ID, subject: counterId },
      { action: 'reason-add', actor: 'HQ1', branch: BRANCH_ID, subject: 'door-was-locked' },
      { action: 'reason-add', actor: 'HQ1', branch: BRANCH_ID, subject: 'door-was-locked-2' },
      { action: 'reason-edit', actor: 'HQ1', branch: BRANCH_ID, subject: 'door-was-locked' },
      { action: 'topic-add', actor: 'HQ1', branch: BRANCH_ID, subject: 'door-was-locked' },
      { action: 'topic-edit', actor: 'HQ1', branch: BRANCH_ID, subject: 'other' },
      { action: 'reason-order', actor: 'HQ1', branch: BRANCH_ID, subject: 'reasons' },
      { action: 'reason-edit', actor: 'HQ1', branch: BRANCH_ID, subject: 'speed' },
    ]);
    // Nothing is deleted: the switched-off items are still listed on the page.
    const last = await setup();
    expect(last.reasons.find((r) => r.id === 'speed')).toMatchObject({ active: false });
    expect(last.counters.map((c) => c.name)).toEqual(['Window 3', 'Window 10']);
  });

  it("given a branch manager of another branch or a complaint manager, then they are refused, nothing changes and nothing is audited; the branch's own manager and its regional manager may", async () => {
    const { call, version, audit, setup } = await given();
    const before = await setup();
    const versions = [await version(), await version(OTHER_BRANCH_ID)];
    const forbidden = { status: 403, body: { code: 'forbidden' } };
    for (const as of ['harbour', 'complaints'] as const) {
      expect(await call('GET', of(BRANCH_ID, 'setup'), as)).toMatchObject(forbidden);
      expect(await call('POST', of(BRANCH_ID, 'counters'), as, { name: 'Window 9' })).toMatchObject(forbidden);
      expect(await call('PATCH', `/api/manage/counters/${COUNTER_ID}`, as, { name: 'Hijacked' })).toMatchObject(forbidden);
      expect(await call('POST', of(BRANCH_ID, 'reasons'), as, { labels: LABELS, scores: ['neutral'] })).toMatchObject(forbidden);
      expect(await call('PATCH', of(BRANCH_ID, 'reasons/attitude'), as, { active: false })).toMatchObject(forbidden);
      expect(await call('POST', of(BRANCH_ID, 'topics'), as, { labels: LABELS, kinds: ['praise'] })).toMatchObject(forbidden);
      expect(await call('PATCH', of(BRANCH_ID, 'topics/fees'), as, { labels: LABELS })).toMatchObject(forbidden);
      expect(await call('PUT', of(BRANCH_ID, 'order'), as, { list: 'reasons', ids: [...before.reasons.map((r) => r.id)].reverse() })).toMatchObject(forbidden);
    }
    // An id that does not exist is the same 403 to a branch manager: nothing can be probed.
    expect(await call('PATCH', `/api/manage/counters/${UNKNOWN_ID}`, 'harbour', { name: 'X' })).toMatchObject(forbidden);
    expect(await call('GET', of(UNKNOWN_ID, 'setup'), 'harbour')).toMatchObject(forbidden);
    // The regional manager's region does not hold Harbour Road.
    expect(await call('POST', of(OTHER_BRANCH_ID, 'counters'), 'regional', { name: 'Window 9' })).toMatchObject(forbidden);
    expect(await setup()).toEqual(before);
    expect([await version(), await version(OTHER_BRANCH_ID)]).toEqual(versions);
    expect(await audit()).toEqual([]);

    // Head office learns that an unknown branch or counter does not exist.
    expect(await call('GET', of(UNKNOWN_ID, 'setup'), 'hq')).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('PATCH', `/api/manage/counters/${UNKNOWN_ID}`, 'hq', { name: 'X' })).toMatchObject({ status: 404 });
    expect(await call('PATCH', of(BRANCH_ID, 'reasons/no-such-reason'), 'hq', { active: false })).toMatchObject({ status: 404 });

    expect(await call('PATCH', `/api/manage/counters/${COUNTER_ID}`, 'manager', { name: 'Window One' })).toMatchObject({ status: 200, body: { name: 'Window One' } });
    expect(await call('POST', of(BRANCH_ID, 'topics'), 'regional', { labels: LABELS, kinds: ['praise'] })).toMatchObject({ status: 200 });
    expect((await audit()).map((row) => [row.action, row.actor])).toEqual([
      ['counter-edit', '2002'],
      ['topic-add', 'RM1'],
    ]);
  });

  it('given bad input, then 400 naming the field, and nothing changes', async () => {
    const { call, version, audit, setup } = await given();
    const before = await setup();
    const v = await version();
    const bad = (message: RegExp) => ({ status: 400, body: { code: 'bad-request', message: expect.stringMatching(message) } });
    expect(await call('POST', of(BRANCH_ID, 'counters'), 'hq', { name: '   ' })).toMatchObject(bad(/^name: must not be empty/));
    expect(await call('POST', of(BRANCH_ID, 'counters'), 'hq', { name: 'x'.repeat(101) })).toMatchObject(bad(/^name: is longer than 100/));
    expect(await call('POST', of(BRANCH_ID, 'counters'), 'hq', { name: 'W', branchId: OTHER_BRANCH_ID })).toMatchObject(bad(/branchId/));
    expect(await call('PATCH', `/api/manage/counters/${COUNTER_ID}`, 'hq', {})).toMatchObject(bad(/name/));
    expect(await call('PATCH', '/api/manage/counters/not-an-id', 'hq', { name: 'W' })).toMatchObject(bad(/counterId/));
    expect(await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: { ...LABELS, 'zh-Hant': ' ' }, scores: ['neutral'] })).toMatchObject(bad(/^labels\.zh-Hant: must not be empty/));
    expect(await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: { en: 'Only English' }, scores: ['neutral'] })).toMatchObject(bad(/labels\.es/));
    expect(await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: { ...LABELS, fr: 'Porte' }, scores: ['neutral'] })).toMatchObject(bad(/fr/));
    expect(await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: LABELS, scores: [] })).toMatchObject(bad(/^scores: must name at least one/));
    expect(await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: LABELS, scores: ['satisfied'] })).toMatchObject(bad(/^scores\.0: must be one of neutral, dissatisfied/));
    expect(await call('POST', of(BRANCH_ID, 'reasons'), 'hq', { labels: { ...LABELS, en: 'x'.repeat(81) }, scores: ['neutral'] })).toMatchObject(bad(/^labels\.en: is longer than 80/));
    expect(await call('POST', of(BRANCH_ID, 'topics'), 'hq', { labels: LABELS, kinds: ['rant'] })).toMatchObject(bad(/^kinds\.0: must be one of/));
    expect(await call('PATCH', of(BRANCH_ID, 'reasons/attitude'), 'hq', {})).toMatchObject(bad(/nothing to change/));
    expect(await call('PATCH', of(BRANCH_ID, 'reasons/attitude'), 'hq', { position: 1 })).toMatchObject(bad(/position/));
    expect(await call('PATCH', of(BRANCH_ID, 'topics/fees'), 'hq', { active: 'no' })).toMatchObject(bad(/^active: must be true or false/));
    expect(await call('PATCH', of(BRANCH_ID, 'reasons/Not_An_Id'), 'hq', { active: false })).toMatchObject(bad(/itemId/));
    const ids = before.reasons.map((r) => r.id);
    expect(await call('PUT', of(BRANCH_ID, 'order'), 'hq', { list: 'reasons', ids: ids.slice(1) })).toMatchObject(bad(/^ids: must name each of the branch's 6 reasons once/));
    expect(await call('PUT', of(BRANCH_ID, 'order'), 'hq', { list: 'reasons', ids: [...ids, ids[0]] })).toMatchObject(bad(/^ids: must not name an item twice/));
    expect(await call('PUT', of(BRANCH_ID, 'order'), 'hq', { list: 'topics', ids })).toMatchObject(bad(/^ids: must name each/));
    expect(await call('PUT', of(BRANCH_ID, 'order'), 'hq', { list: 'tellers', ids })).toMatchObject(bad(/^list: must be one of reasons, topics/));
    expect(await setup()).toEqual(before);
    expect(await version()).toBe(v);
    expect(await audit()).toEqual([]);
  });
});
