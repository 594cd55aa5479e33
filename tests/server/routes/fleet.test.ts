import { expect, it } from 'vitest';
import { SILENT_AFTER_MS, type FleetDevice, type FleetReport } from '../../../src/domain/reports.ts';
import { PROTOCOL_VERSION, type DeviceHealth } from '../../../src/domain/wire.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { aHealth, callDashboard, givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../dashboard.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenEnrolledDevice,
  givenEnrolledLobby,
  givenTeller,
  SERVER_NOW,
  startTestServer,
  useTestDatabase,
} from '../fixtures.ts';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const MINUTE = 60_000;

describeEachDatabase('the fleet on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  /**
   * Main Street (the builders' branch, its manager 2002) with a counter tablet and a lobby
   * tablet; Harbour Road with a counter tablet of its own; head office HQ1.
   */
  async function given() {
    await givenBranchWithCounter(database.current);
    const harbour = await addBranch(database.current.db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const counter = await addCounter(database.current.db, { id: OTHER_COUNTER_ID, branchId: OTHER_BRANCH_ID, name: 'Window 1' }, SERVER_NOW);
    if (!counter.ok) throw new Error(counter.message);
    const mainCounter = await givenEnrolledDevice(database.current);
    const mainLobby = await givenEnrolledLobby(database.current);
    const harbourCounter = await givenEnrolledDevice(database.current, OTHER_COUNTER_ID);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenHeadOfficeAccount(database.current);
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    /** A push with nothing but the device's health, at `at` by the server's clock. */
    const reportHealth = async (token: string, at: number, health: DeviceHealth) => {
      clock = at;
      const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records: [], health } });
      clock = SERVER_NOW;
      return answer;
    };
    const [manager, headOffice] = [await signedIn(server, '2002'), await signedIn(server, 'HQ1')];
    return { server, mainCounter, mainLobby, harbourCounter, reportHealth, manager, headOffice, setClock: (at: number) => (clock = at) };
  }

  it('given tablets in every state, when head office opens the fleet, then it lists every device of every branch by branch name with its names, health and state', async () => {
    const { server, mainCounter, mainLobby, harbourCounter, reportHealth, headOffice } = await given();
    const behind = aHealth({ outboxDepth: 4, oldestUnsyncedAt: SERVER_NOW - 30 * MINUTE });
    await reportHealth(mainCounter.token, SERVER_NOW - MINUTE, behind);
    await reportHealth(harbourCounter.token, SERVER_NOW - SILENT_AFTER_MS - 1, aHealth());

    const answer = await callDashboard(server, 'GET', '/api/reports/fleet', { cookie: headOffice });

    expect(answer.status).toBe(200);
    const devices = (answer.body as FleetReport).devices;
    expect(devices.map((d) => [d.branchName, d.mode, d.counterName, d.state])).toEqual([
      ['Harbour Road', 'counter', 'Window 1', 'silent'],
      ['Main Street', 'counter', 'Window 3', 'behind'],
      ['Main Street', 'lobby', null, 'never'],
    ]);
    expect(devices[1]).toEqual({
      id: mainCounter.deviceId,
      branchId: BRANCH_ID,
      branchName: 'Main Street',
      mode: 'counter',
      label: null,
      placeLabel: null,
      counterId: COUNTER_ID,
      counterName: 'Window 3',
      enrolledAt: SERVER_NOW,
      revokedAt: null,
      lastSeenAt: SERVER_NOW - MINUTE,
      lastAddress: '127.0.0.1',
      copySeen: null,
      health: behind,
      state: 'behind',
    } satisfies FleetDevice);
    expect(devices[2]).toMatchObject({ id: mainLobby.deviceId, lastSeenAt: null, health: null });
    expect(devices[0]).toMatchObject({ id: harbourCounter.deviceId, branchId: OTHER_BRANCH_ID });

    const harbourOnly = await callDashboard(server, 'GET', `/api/reports/fleet?branchId=${OTHER_BRANCH_ID}`, { cookie: headOffice });
    expect((harbourOnly.body as FleetReport).devices.map((d) => d.id)).toEqual([harbourCounter.deviceId]);
  });

  it("given a branch manager, then the fleet is their branch's, and another branch's is refused", async () => {
    const { server, mainCounter, mainLobby, manager } = await given();

    const own = await callDashboard(server, 'GET', '/api/reports/fleet', { cookie: manager });
    expect((own.body as FleetReport).devices.map((d) => d.id)).toEqual([mainCounter.deviceId, mainLobby.deviceId]);
    expect((await callDashboard(server, 'GET', `/api/reports/fleet?branchId=${BRANCH_ID}`, { cookie: manager })).body).toEqual(own.body);
    expect(await callDashboard(server, 'GET', `/api/reports/fleet?branchId=${OTHER_BRANCH_ID}`, { cookie: manager })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: `2002 manages branch ${BRANCH_ID}; branch ${OTHER_BRANCH_ID} is for its own manager, its region's and head office.` },
    });
  });

  it.for<[string, string, number, { code: string; message: string }]>([
    ['a branch id that is not an id', '?branchId=main', 400, { code: 'bad-request', message: 'branchId: must be a lower-case UUID' }],
    ['an unknown query field', '?branch=x', 400, { code: 'bad-request', message: 'branch: Invalid key: Expected never but received "branch"' }],
    ['a branch that does not exist', `?branchId=${UNKNOWN_ID}`, 404, { code: 'not-found', message: `No branch has the id ${UNKNOWN_ID}; GET /api/me lists the branches you may see.` }],
  ])('given head office asks the fleet with %s, then it says what is wrong', async ([, query, status, body]) => {
    const { server, headOffice } = await given();
    expect(await callDashboard(server, 'GET', `/api/reports/fleet${query}`, { cookie: headOffice })).toMatchObject({ status, body });
  });

  it("given a branch manager, when they revoke their branch's tablet, then it is revoked at once, its next push is refused, and revoking again keeps the first time", async () => {
    const { server, mainCounter, reportHealth, manager, setClock } = await given();

    const revoked = await callDashboard(server, 'POST', `/api/reports/fleet/${mainCounter.deviceId}/revoke`, { cookie: manager });

    expect(revoked).toMatchObject({ status: 200, body: { id: mainCounter.deviceId, branchName: 'Main Street', counterName: 'Window 3', revokedAt: SERVER_NOW, state: 'revoked' } });
    expect(await reportHealth(mainCounter.token, SERVER_NOW + MINUTE, aHealth())).toMatchObject({ status: 401, body: { code: 'device-revoked' } });
    setClock(SERVER_NOW + 5 * MINUTE);
    const again = await callDashboard(server, 'POST', `/api/reports/fleet/${mainCounter.deviceId}/revoke`, { cookie: manager });
    expect(again).toMatchObject({ status: 200, body: { revokedAt: SERVER_NOW, state: 'revoked' } });
    const fleet = await callDashboard(server, 'GET', '/api/reports/fleet', { cookie: manager });
    expect((fleet.body as FleetReport).devices.find((d) => d.id === mainCounter.deviceId)).toMatchObject({ state: 'revoked', revokedAt: SERVER_NOW });
  });

  it('given head office, then it revokes a tablet of any branch', async () => {
    const { server, harbourCounter, headOffice } = await given();
    const revoked = await callDashboard(server, 'POST', `/api/reports/fleet/${harbourCounter.deviceId}/revoke`, { cookie: headOffice });
    expect(revoked).toMatchObject({ status: 200, body: { id: harbourCounter.deviceId, branchName: 'Harbour Road', state: 'revoked' } });
  });

  it("given a branch manager, when they revoke another branch's tablet, an unknown one or a non-id, then it is refused and nothing is revoked", async () => {
    const { server, harbourCounter, reportHealth, manager } = await given();
    const revoke = (id: string) => callDashboard(server, 'POST', `/api/reports/fleet/${id}/revoke`, { cookie: manager });

    expect(await revoke(harbourCounter.deviceId)).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: `2002 manages branch ${BRANCH_ID}; branch ${OTHER_BRANCH_ID} is for its own manager, its region's and head office.` },
    });
    expect(await revoke(UNKNOWN_ID)).toMatchObject({
      status: 404,
      body: { code: 'not-found', message: `No device has the id ${UNKNOWN_ID}; the fleet view lists the devices you may revoke.` },
    });
    expect(await revoke('window-3')).toMatchObject({ status: 400, body: { code: 'bad-request', message: 'id: must be a lower-case UUID' } });
    expect((await reportHealth(harbourCounter.token, SERVER_NOW, aHealth())).status).toBe(200);
  });

  it('given a revoke sent as a form, then it is refused before anything changes: writes are JSON only', async () => {
    const { server, mainCounter, reportHealth, manager } = await given();
    const answer = await fetch(`${server.baseUrl}/api/reports/fleet/${mainCounter.deviceId}/revoke`, {
      method: 'POST',
      headers: { cookie: manager, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'confirm=yes',
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      code: 'bad-request',
      message: 'Send this request as JSON (content-type: application/json, a body of {} when there is nothing to say), not application/x-www-form-urlencoded.',
    });
    expect((await reportHealth(mainCounter.token, SERVER_NOW, aHealth())).status).toBe(200);
  });
});
