import { expect, it } from 'vitest';
import type { TabletCounters, TabletReplacement } from '../../../src/domain/manage-tablets.ts';
import type { FleetDevice } from '../../../src/domain/reports.ts';
import { PROTOCOL_VERSION, type EnrollResponse } from '../../../src/domain/wire.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { findDevice } from '../../../src/server/repositories/devices.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, signedIn } from '../dashboard.ts';
import { callApi, givenBranchWithCounter, givenEnrolledDevice, givenEnrolledLobby, givenTeller, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const SECOND_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c3';
const REGION_ID = '0190a0b0-0000-7000-8000-0000000000e1';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';

describeEachDatabase('managing tablets on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  /**
   * Main Street (the builders' branch, in a region; its manager 2002) with counters Window 3
   * and Window 4, a counter tablet at Window 3 and a lobby tablet; Harbour Road (no region)
   * with a counter tablet at Window 1; head office HQ1; Main Street's regional manager RM1.
   */
  async function given() {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const second = await addCounter(db, { id: SECOND_COUNTER_ID, branchId: BRANCH_ID, name: 'Window 4' }, SERVER_NOW);
    if (!second.ok) throw new Error(second.message);
    const harbour = await addBranch(db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const counter = await addCounter(db, { id: OTHER_COUNTER_ID, branchId: OTHER_BRANCH_ID, name: 'Window 1' }, SERVER_NOW);
    if (!counter.ok) throw new Error(counter.message);
    const region = await addRegion(db, { id: REGION_ID, name: 'North' }, SERVER_NOW);
    if (!region.ok) throw new Error(region.message);
    const moved = await moveBranchToRegion(db, BRANCH_ID, REGION_ID);
    if (!moved.ok) throw new Error(moved.message);
    const mainCounter = await givenEnrolledDevice(database.current);
    const mainLobby = await givenEnrolledLobby(database.current);
    const harbourCounter = await givenEnrolledDevice(database.current, OTHER_COUNTER_ID);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, REGION_ID);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const [manager, headOffice, regional] = [await signedIn(server, '2002'), await signedIn(server, 'HQ1'), await signedIn(server, 'RM1')];
    return { db, server, mainCounter, mainLobby, harbourCounter, manager, headOffice, regional };
  }

  const auditOf = async (action: string) => (await readAudit(database.current.db, { from: SERVER_NOW - 1, to: SERVER_NOW + 1, limit: 100 })).filter((r) => r.action === action);

  it('given a branch manager, when they label their counter tablet and move it to Window 4, then it says so, the branch config version moves and the tablet pulls Window 4', async () => {
    const { db, server, mainCounter, manager } = await given();
    const before = (await findBranch(db, BRANCH_ID))!.configVersion;

    const answer = await callDashboard(server, 'PATCH', `/api/manage/devices/${mainCounter.deviceId}`, { cookie: manager, body: { label: '  Window 3, left  ', counterId: SECOND_COUNTER_ID } });

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: mainCounter.deviceId, placeLabel: 'Window 3, left', counterId: SECOND_COUNTER_ID, counterName: 'Window 4' } satisfies Partial<FleetDevice>);
    expect((await findBranch(db, BRANCH_ID))!.configVersion).toBe(before + 1);
    const push = await callApi(server, 'POST', '/api/sync/push', { token: mainCounter.token, body: { protocol: PROTOCOL_VERSION, records: [] } });
    expect(push.body).toMatchObject({ configVersion: before + 1 });
    const config = await callApi(server, 'GET', '/api/sync/config', { token: mainCounter.token });
    expect(config.body).toMatchObject({ version: before + 1, counter: { id: SECOND_COUNTER_ID, name: 'Window 4' } });
    expect(await auditOf('device-edit')).toEqual([
      expect.objectContaining({ actor: '2002', branchId: BRANCH_ID, subject: mainCounter.deviceId, detail: { label: 'set', counterFrom: COUNTER_ID, counterTo: SECOND_COUNTER_ID } }),
    ]);

    const cleared = await callDashboard(server, 'PATCH', `/api/manage/devices/${mainCounter.deviceId}`, { cookie: manager, body: { label: '' } });
    expect(cleared.body).toMatchObject({ placeLabel: null, counterName: 'Window 4' });
    // A move to the counter it is at changes nothing, and is still an answer.
    const stay = await callDashboard(server, 'PATCH', `/api/manage/devices/${mainCounter.deviceId}`, { cookie: manager, body: { counterId: SECOND_COUNTER_ID } });
    expect(stay.body).toMatchObject({ counterId: SECOND_COUNTER_ID });
    // A label is not part of the tablet's configuration: nothing to pull.
    expect((await findBranch(db, BRANCH_ID))!.configVersion).toBe(before + 1);
  });

  it('given a regional manager and head office, when they label tablets of their region and anywhere, then it is done; the regional manager cannot touch Harbour Road', async () => {
    const { db, server, mainLobby, harbourCounter, regional, headOffice } = await given();

    expect((await callDashboard(server, 'PATCH', `/api/manage/devices/${mainLobby.deviceId}`, { cookie: regional, body: { label: 'By the door' } })).body).toMatchObject({ placeLabel: 'By the door' });
    expect((await callDashboard(server, 'PATCH', `/api/manage/devices/${harbourCounter.deviceId}`, { cookie: headOffice, body: { label: 'Till 1' } })).body).toMatchObject({ placeLabel: 'Till 1' });

    const refused = await callDashboard(server, 'PATCH', `/api/manage/devices/${harbourCounter.deviceId}`, { cookie: regional, body: { label: 'Mine now' } });
    expect(refused.status).toBe(403);
    expect((await findDevice(db, harbourCounter.deviceId))!.placeLabel).toBe('Till 1');
  });

  it("given a branch manager, when they touch another branch's tablet or an unknown id, then 403 with nothing changed or made, and head office gets 404 for the unknown id", async () => {
    const { db, server, harbourCounter, manager, headOffice } = await given();
    const before = (await findBranch(db, OTHER_BRANCH_ID))!.configVersion;

    for (const [method, path, body] of [
      ['PATCH', `/api/manage/devices/${harbourCounter.deviceId}`, { label: 'Mine' }],
      ['PATCH', `/api/manage/devices/${harbourCounter.deviceId}`, { counterId: SECOND_COUNTER_ID }],
      ['POST', `/api/manage/devices/${harbourCounter.deviceId}/replacement`, {}],
      ['GET', `/api/manage/devices/${harbourCounter.deviceId}/counters`, undefined],
      ['PATCH', `/api/manage/devices/${UNKNOWN_ID}`, { label: 'Mine' }],
      ['POST', `/api/manage/devices/${UNKNOWN_ID}/replacement`, {}],
    ] as const) {
      const answer = await callDashboard(server, method, path, { cookie: manager, body });
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(JSON.stringify(answer.body)).not.toContain('Harbour');
    }
    expect((await findDevice(db, harbourCounter.deviceId))!).toMatchObject({ placeLabel: null, counterId: OTHER_COUNTER_ID, revokedAt: null });
    expect((await findBranch(db, OTHER_BRANCH_ID))!.configVersion).toBe(before);
    expect(await db.selectFrom('enrollment_codes').select('code_hash').where('replaces_device_id', 'is not', null).execute()).toEqual([]);
    expect(await auditOf('device-edit')).toEqual([]);
    expect(await auditOf('device-replace')).toEqual([]);

    expect((await callDashboard(server, 'PATCH', `/api/manage/devices/${UNKNOWN_ID}`, { cookie: headOffice, body: { label: 'x' } })).status).toBe(404);
    expect((await callDashboard(server, 'POST', `/api/manage/devices/${UNKNOWN_ID}/replacement`, { cookie: headOffice })).status).toBe(404);
    expect((await callDashboard(server, 'PATCH', `/api/manage/devices/${harbourCounter.deviceId}`, { cookie: undefined, body: { label: 'x' } })).status).toBe(401);
  });

  it('given bad input, when a tablet is changed, then 400 naming the field, and nothing changed', async () => {
    const { db, server, mainCounter, mainLobby, manager } = await given();
    const before = (await findBranch(db, BRANCH_ID))!.configVersion;
    const cases: [string, unknown, string][] = [
      [mainCounter.deviceId, { label: 'x'.repeat(61) }, 'label'],
      [mainCounter.deviceId, { label: 42 }, 'label'],
      [mainCounter.deviceId, { label: 'ok', colour: 'red' }, 'colour'],
      [mainCounter.deviceId, {}, 'nothing to change'],
      [mainCounter.deviceId, { counterId: 'window-4' }, 'counterId'],
      // A counter of another branch, and one that does not exist, are refused alike.
      [mainCounter.deviceId, { counterId: OTHER_COUNTER_ID }, 'counterId'],
      [mainCounter.deviceId, { counterId: UNKNOWN_ID }, 'counterId'],
      [mainLobby.deviceId, { counterId: COUNTER_ID }, 'lobby'],
      ['not-a-uuid', { label: 'x' }, 'deviceId'],
    ];
    for (const [deviceId, body, word] of cases) {
      const answer = await callDashboard(server, 'PATCH', `/api/manage/devices/${deviceId}`, { cookie: manager, body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect((answer.body as { message: string }).message).toContain(word);
    }
    expect((await callDashboard(server, 'POST', `/api/manage/devices/${mainCounter.deviceId}/replacement`, { cookie: manager, body: { hours: 1 } })).status).toBe(400);
    expect(await findDevice(db, mainCounter.deviceId)).toMatchObject({ placeLabel: null, counterId: COUNTER_ID });
    expect((await findBranch(db, BRANCH_ID))!.configVersion).toBe(before);
    expect(await auditOf('device-edit')).toEqual([]);
    // 60 characters, after trimming, is the most.
    expect((await callDashboard(server, 'PATCH', `/api/manage/devices/${mainCounter.deviceId}`, { cookie: manager, body: { label: ` ${'x'.repeat(60)} ` } })).status).toBe(200);
  });

  it('given a counter tablet with a label, when head office asks for its replacement and a new tablet enrolls with it, then the old one is revoked, the new one has its counter and label, and the code works once', async () => {
    const { db, server, mainCounter, headOffice } = await given();
    await callDashboard(server, 'PATCH', `/api/manage/devices/${mainCounter.deviceId}`, { cookie: headOffice, body: { label: 'Window 3, left' } });

    const answer = await callDashboard(server, 'POST', `/api/manage/devices/${mainCounter.deviceId}/replacement`, { cookie: headOffice });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const replacement = answer.body as TabletReplacement;
    expect(replacement).toMatchObject({ mode: 'counter', counterId: COUNTER_ID, place: 'Window 3', expiresAt: SERVER_NOW + 24 * 3_600_000 });
    expect(replacement.link).toBe(`${server.baseUrl}/#enroll=${replacement.code}`);
    expect(replacement.qrSvg).toContain('<svg');
    // The old tablet still syncs until the new one enrolls: it can send what it holds.
    expect((await callApi(server, 'POST', '/api/sync/push', { token: mainCounter.token, body: { protocol: PROTOCOL_VERSION, records: [] } })).status).toBe(200);
    expect((await auditOf('device-replace'))[0]).toMatchObject({ actor: 'HQ1', subject: mainCounter.deviceId, detail: { mode: 'counter', counterId: COUNTER_ID } });
    expect(JSON.stringify(await auditOf('device-replace'))).not.toContain(replacement.code);

    const enrolled = await callApi(server, 'POST', '/api/enroll', { body: { code: replacement.code, appVersion: '1.0.0' } });

    expect(enrolled.status).toBe(200);
    const fresh = enrolled.body as EnrollResponse;
    expect(fresh.config.counter).toEqual({ id: COUNTER_ID, name: 'Window 3' });
    expect(await findDevice(db, fresh.deviceId)).toMatchObject({ placeLabel: 'Window 3, left', counterId: COUNTER_ID, revokedAt: null });
    expect(await findDevice(db, mainCounter.deviceId)).toMatchObject({ revokedAt: SERVER_NOW });
    expect((await callApi(server, 'POST', '/api/sync/push', { token: mainCounter.token, body: { protocol: PROTOCOL_VERSION, records: [] } })).body).toMatchObject({ code: 'device-revoked' });
    expect((await callApi(server, 'POST', '/api/enroll', { body: { code: replacement.code, appVersion: '1.0.0' } })).status).toBe(400);
    // A revoked tablet is not replaced again.
    const again = await callDashboard(server, 'POST', `/api/manage/devices/${mainCounter.deviceId}/replacement`, { cookie: headOffice });
    expect(again.status).toBe(400);
    expect((again.body as { message: string }).message).toContain('revoked');
    expect((await callDashboard(server, 'PATCH', `/api/manage/devices/${mainCounter.deviceId}`, { cookie: headOffice, body: { label: 'x' } })).status).toBe(400);
  });

  it('given a branch manager, when they replace their lobby tablet twice, then only the newer link enrolls, as the lobby', async () => {
    const { server, mainLobby, manager } = await given();
    const first = (await callDashboard(server, 'POST', `/api/manage/devices/${mainLobby.deviceId}/replacement`, { cookie: manager })).body as TabletReplacement;
    const second = (await callDashboard(server, 'POST', `/api/manage/devices/${mainLobby.deviceId}/replacement`, { cookie: manager })).body as TabletReplacement;
    expect(second).toMatchObject({ mode: 'lobby', counterId: null, place: null });

    expect((await callApi(server, 'POST', '/api/enroll', { body: { code: first.code, appVersion: '1.0.0' } })).status).toBe(400);
    const enrolled = await callApi(server, 'POST', '/api/enroll', { body: { code: second.code, appVersion: '1.0.0' } });
    expect(enrolled.body).toMatchObject({ mode: 'lobby', config: { counter: null } });
  });

  it('given a counter tablet, when its counters are asked for, then the branch manager gets their branch’s counters by name', async () => {
    const { server, mainCounter, manager } = await given();
    const answer = await callDashboard(server, 'GET', `/api/manage/devices/${mainCounter.deviceId}/counters`, { cookie: manager });
    expect(answer.body).toEqual({ counters: [{ id: COUNTER_ID, name: 'Window 3' }, { id: SECOND_COUNTER_ID, name: 'Window 4' }] } satisfies TabletCounters);
  });
});
