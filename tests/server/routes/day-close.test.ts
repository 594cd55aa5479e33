import { expect, it } from 'vitest';
import * as v from 'valibot';
import { DayCloseStatusSchema, type DayCloseStatus } from '../../../src/domain/day-close.ts';
import type { DayCloseReport } from '../../../src/domain/reports.ts';
import { PROTOCOL_VERSION, type DeviceHealth } from '../../../src/domain/wire.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { dayCloseStatus } from '../../../src/server/services/day-close.ts';
import { enrollDevice, issueEnrollmentCode } from '../../../src/server/services/enrollment.ts';
import { revokeDeviceById } from '../../../src/server/services/fleet.ts';
import { editTeller } from '../../../src/server/services/tellers.ts';
import { STAFF_ID } from '../../builders/case-event.ts';
import { aRating, aShiftEvent, BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';
import { aHealth, callDashboard, givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../dashboard.ts';
import { callApi, givenBranchWithCounter, givenCaseStaff, givenTeller, MANAGER_PIN, SERVER_NOW, staffSessionOn, startTestServer, TELLER_PIN, useTestDatabase } from '../fixtures.ts';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_MANAGER_ID = '0190a0b0-0000-7000-8000-0000000000d3';
const MINUTE = 60_000;
/** The builders' branch is in UTC: SERVER_NOW (10:00) is on 23 November. */
const TODAY = '2026-11-23';
const START_OF_TODAY = Date.UTC(2026, 10, 23);

/** A tablet of the builders' branch, enrolled with a label (at its counter unless `lobby`). */
async function givenTabletIn(database: TestDatabase, label: string, mode: 'counter' | 'lobby' = 'counter') {
  const code = await issueEnrollmentCode(database.db, mode === 'lobby' ? { mode, branchId: BRANCH_ID } : { counterId: COUNTER_ID }, SERVER_NOW);
  if (!code.ok) throw new Error(code.message);
  const enrolled = await enrollDevice(database.db, { code: code.value.code, deviceLabel: label }, SERVER_NOW);
  if (!enrolled.ok) throw new Error(enrolled.message);
  return enrolled.value;
}

/** The builders' branch with its case staff and two tablets; Harbour Road with a branch manager of its own. */
async function givenTwoBranches(database: TestDatabase) {
  await givenBranchWithCounter(database);
  await givenCaseStaff(database);
  const harbour = await addBranch(database.db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
  if (!harbour.ok) throw new Error(harbour.message);
  await givenTeller(database, { id: OTHER_MANAGER_ID, branchId: OTHER_BRANCH_ID, staffNumber: '9001', name: 'Harbour Manager', role: 'branch-manager' });
  return { counter: await givenTabletIn(database, 'Window 3 tablet'), lobby: await givenTabletIn(database, 'Lobby tablet', 'lobby') };
}

/** The builders' staff as they sign in on a tablet (givenCaseStaff, givenBranchWithCounter). */
const asManager = { staffNumber: '3003', pin: MANAGER_PIN };
const asComplaintManager = { staffNumber: '3002', pin: MANAGER_PIN };
const asLobbyStaff = { staffNumber: '3001', pin: TELLER_PIN };
const asTeller = { staffNumber: '1001', pin: TELLER_PIN };
type Who = { staffNumber: string; pin: string };

describeEachDatabase('day close from a tablet', (kind) => {
  const database = useTestDatabase(kind);
  const givenTablet = (label: string) => givenTabletIn(database.current, label);

  async function given() {
    const { counter, lobby } = await givenTwoBranches(database.current);
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    /** Signs `who` in on the tablet with the server, then presses "close day" there, at `at` by the server's clock. */
    const closeDay = async (token: string, who: Who, at = SERVER_NOW) => {
      clock = at;
      const headers = await staffSessionOn(server, token, who.staffNumber, who.pin, at);
      return callApi(server, 'POST', '/api/day-close', { token, body: {}, headers });
    };
    /** A sync with nothing but the tablet's health, at `at`. */
    const reportHealth = async (token: string, at: number, health: Partial<DeviceHealth> = {}) => {
      clock = at;
      const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records: [], health: aHealth({ reportedAt: at, ...health }) } });
      expect(answer.status).toBe(200);
    };
    const closes = () => database.current.db.selectFrom('day_closes').selectAll().execute();
    return { server, counter, lobby, closeDay, reportHealth, closes };
  }

  it.for<[string, Who, { code: string; message: string }]>([
    ['a teller', asTeller, { code: 'forbidden', message: 'Mei Chen is on the roster as teller; a day close takes the complaint-manager or the branch-manager.' }],
    ['lobby staff', asLobbyStaff, { code: 'forbidden', message: 'Staff lobby-staff is on the roster as lobby-staff; a day close takes the complaint-manager or the branch-manager.' }],
  ])('given %s, signed in with the server, pressing close, then it is refused with what to do, and no close is started', async ([, who, error]) => {
    const { counter, lobby, closeDay, closes } = await given();
    const tablet = who === asLobbyStaff ? lobby : counter;
    expect(await closeDay(tablet.token, who)).toMatchObject({ status: 403, body: error });
    expect(await closes()).toEqual([]);
  });

  it("given another branch's manager, then they cannot even sign in on this branch's tablet", async () => {
    const { server, counter, closes } = await given();
    const answer = await callApi(server, 'POST', '/api/staff-session', { token: counter.token, body: { staffNumber: '9001', pin: MANAGER_PIN, deviceTime: SERVER_NOW } });
    expect(answer).toMatchObject({ status: 401, body: { code: 'staff-credentials-invalid', message: 'The staff number or the PIN is wrong.' } });
    expect(await closes()).toEqual([]);
  });

  it('given a tablet naming the branch manager without a session, with a forged one, or with a session of another tablet, then close is refused as needing a member of staff the server checked, and nothing starts', async () => {
    const { server, counter, lobby, closes } = await given();
    const press = (headers: Record<string, string>, body: unknown = {}) => callApi(server, 'POST', '/api/day-close', { token: counter.token, body, headers });
    const required = { status: 403, body: { code: 'staff-session-required', message: 'This needs a member of staff signed in with the server reachable: sign in again on this tablet while it is online.' } };

    // A tablet of the old kind: it names the manager in the body.
    expect(await press({}, { staffId: STAFF_ID['branch-manager'], role: 'branch-manager' })).toMatchObject(required);
    expect(await press({ 'x-staff-session': `${'0190a0b0-0000-7000-8000-0000000000aa'}.${'A'.repeat(43)}` })).toMatchObject(required);
    const lobbySession = await staffSessionOn(server, lobby.token, asManager.staffNumber, asManager.pin);
    expect(await press(lobbySession)).toMatchObject(required);
    // The right session with a wrong key.
    const counterSession = await staffSessionOn(server, counter.token, asManager.staffNumber, asManager.pin);
    const [id] = counterSession['x-staff-session'].split('.');
    expect(await press({ 'x-staff-session': `${id}.${'B'.repeat(43)}` })).toMatchObject(required);
    expect(await closes()).toEqual([]);

    expect((await press(counterSession)).status).toBe(200);
  });

  it('given a branch manager taken off the roster after signing in, or no device token, then close is refused', async () => {
    const { server, counter, closes } = await given();
    const headers = await staffSessionOn(server, counter.token, asManager.staffNumber, asManager.pin);
    await editTeller(database.current.db, STAFF_ID['branch-manager'], { active: false });
    expect(await callApi(server, 'POST', '/api/day-close', { token: counter.token, body: {}, headers })).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    expect(await callApi(server, 'POST', '/api/day-close', { body: {}, headers })).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(await closes()).toEqual([]);
  });

  it('given close pressed on two tablets, then the first press of the day is kept, and each answer lists the branch with both tablets heard from', async () => {
    const { counter, lobby, closeDay, closes } = await given();

    const first = await closeDay(counter.token, asComplaintManager, SERVER_NOW);
    const second = await closeDay(lobby.token, asManager, SERVER_NOW + 10 * MINUTE);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const status = v.parse(DayCloseStatusSchema, second.body);
    expect(status).toMatchObject({
      branchId: BRANCH_ID,
      day: TODAY,
      startedAt: SERVER_NOW,
      startedBy: { staffId: STAFF_ID['complaint-manager'], name: 'Staff complaint-manager', attestation: 'server' },
      since: SERVER_NOW,
      confirmation: null,
    });
    // Pressing close marks the tablet heard from; it synced just before.
    expect(status.devices.map((d) => [d.label, d.lastSeenAt])).toEqual([
      ['Window 3 tablet', SERVER_NOW],
      ['Lobby tablet', SERVER_NOW + 10 * MINUTE],
    ]);
    expect(await closes()).toEqual([
      {
        branch_id: BRANCH_ID,
        day: TODAY,
        started_at: SERVER_NOW,
        started_by: STAFF_ID['complaint-manager'],
        started_device_id: counter.deviceId,
        started_attestation: 'server',
        started_session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        confirmed_at: null,
        confirmed_by: null,
        gaps: null,
      },
    ]);
  });

  it('given tablets in every state, then each is judged against the first press: synced, waiting, not heard from since, never; revoked tablets are not listed', async () => {
    const { counter, lobby, closeDay, reportHealth } = await given();
    const waiting = await givenTablet('Window 3 spare');
    const silent = await givenTablet('Back office');
    const revoked = await givenTablet('Broken tablet');
    await revokeDeviceById(database.current.db, revoked.deviceId, SERVER_NOW);
    await reportHealth(lobby.token, SERVER_NOW - 5 * MINUTE);
    await reportHealth(counter.token, SERVER_NOW - MINUTE);

    await closeDay(counter.token, asManager, SERVER_NOW);
    await reportHealth(waiting.token, SERVER_NOW + MINUTE, { outboxDepth: 3, oldestUnsyncedAt: SERVER_NOW - 20 * MINUTE, quarantined: 1 });

    const status = await dayCloseStatus(database.current.db, BRANCH_ID, TODAY);
    expect(status?.devices.map((d) => [d.label, d.mode, d.counterName, d.state])).toEqual([
      ['Window 3 tablet', 'counter', 'Window 3', 'synced'],
      ['Lobby tablet', 'lobby', null, 'not-heard'],
      ['Window 3 spare', 'counter', 'Window 3', 'waiting'],
      ['Back office', 'counter', 'Window 3', 'never'],
    ]);
    expect(status?.devices[2]).toEqual({
      id: waiting.deviceId,
      mode: 'counter',
      label: 'Window 3 spare',
      counterId: COUNTER_ID,
      counterName: 'Window 3',
      lastSeenAt: SERVER_NOW + MINUTE,
      outboxDepth: 3,
      oldestUnsyncedAt: SERVER_NOW - 20 * MINUTE,
      quarantined: 1,
      state: 'waiting',
    });
    expect(status?.devices[3]).toMatchObject({ id: silent.deviceId, lastSeenAt: null, outboxDepth: null, oldestUnsyncedAt: null, quarantined: null });
  });

  it('given nobody pressed close yet, then tablets are judged against the start of the day in the branch', async () => {
    const { lobby, reportHealth } = await given();
    await reportHealth(lobby.token, START_OF_TODAY + MINUTE);

    const status = await dayCloseStatus(database.current.db, BRANCH_ID, TODAY);

    expect(status).toMatchObject({ startedAt: null, startedBy: null, since: START_OF_TODAY, confirmation: null } satisfies Partial<DayCloseStatus>);
    expect(status?.devices.map((d) => [d.label, d.state])).toEqual([
      ['Window 3 tablet', 'never'],
      ['Lobby tablet', 'synced'],
    ]);
    expect(await dayCloseStatus(database.current.db, '0190a0b0-0000-7000-8000-0000000000ff', TODAY)).toBeUndefined();
  });

  it("given a branch in Shanghai, when close is pressed at 16:30 UTC, then it closes the branch's own day, 24 November, which began at 16:00 UTC", async () => {
    const { counter, closeDay } = await given();
    await database.current.db.updateTable('branches').set({ time_zone: 'Asia/Shanghai' }).where('id', '=', BRANCH_ID).execute();
    const at = Date.UTC(2026, 10, 23, 16, 30);

    const answer = await closeDay(counter.token, asManager, at);

    expect(answer).toMatchObject({ status: 200, body: { day: '2026-11-24', startedAt: at, since: at } });
    expect(await dayCloseStatus(database.current.db, BRANCH_ID, '2026-11-25')).toMatchObject({ startedAt: null, since: Date.UTC(2026, 10, 24, 16) });
  });
});

describeEachDatabase('day close on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  /** Both branches' managers (3003 of Main Street, 9001 of Harbour Road) and head office, signed in. */
  async function given() {
    const { counter, lobby } = await givenTwoBranches(database.current);
    for (const id of [STAFF_ID['branch-manager'], OTHER_MANAGER_ID]) await givenRosterAccount(database.current, (await findTeller(database.current.db, id))!);
    await givenHeadOfficeAccount(database.current);
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    const at = (time: number) => (clock = time);
    const push = async (token: string, records: unknown[], health: Partial<DeviceHealth> = {}) => {
      const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records, health: aHealth({ reportedAt: clock, ...health }) } });
      expect(answer.status).toBe(200);
    };
    const closeDay = async (token: string) => callApi(server, 'POST', '/api/day-close', { token, body: {}, headers: await staffSessionOn(server, token, asManager.staffNumber, asManager.pin, clock) });
    // Each sign-in costs a scrypt: a test signs in only who it needs.
    const signIn = { manager: () => signedIn(server, '3003'), otherManager: () => signedIn(server, '9001'), headOffice: () => signedIn(server, 'HQ1') };
    const confirm = (cookie: string, body: unknown) => callDashboard(server, 'POST', '/api/reports/day-close/confirm', { cookie, body });
    return { server, counter, lobby, at, push, closeDay, signIn, confirm };
  }

  it('given a tablet not heard from since the close began and one with records waiting, when the manager confirms without accepting gaps, then 400 names both; accepting them stores the confirmation with its gaps, once', async () => {
    const { server, counter, lobby, at, push, closeDay, signIn, confirm } = await given();
    const [manager, headOffice] = [await signIn.manager(), await signIn.headOffice()];
    const spare = await givenTabletIn(database.current, 'Window 3 spare');
    at(SERVER_NOW - 5 * MINUTE);
    await push(lobby.token, []);
    at(SERVER_NOW - MINUTE);
    await push(counter.token, [aShiftEvent(), aRating({ score: 'very-satisfied' })]);
    at(SERVER_NOW);
    await closeDay(counter.token);
    at(SERVER_NOW + MINUTE);
    await push(spare.token, [], { outboxDepth: 3, oldestUnsyncedAt: SERVER_NOW - 20 * MINUTE });
    at(SERVER_NOW + 30 * MINUTE);

    const refused = await confirm(manager, { branchId: BRANCH_ID, day: TODAY, acceptGaps: false });

    expect(refused).toMatchObject({
      status: 400,
      body: {
        code: 'bad-request',
        message:
          `2 devices are not synced: lobby tablet (${lobby.deviceId}): not heard from since the close began; Window 3 tablet (${spare.deviceId}): 3 records waiting. ` +
          'Sync them (or press "close day" again once they have), or confirm with acceptGaps: true to name them as the day\'s gaps.',
      },
    });
    const confirmed = await confirm(manager, { branchId: BRANCH_ID, day: TODAY, acceptGaps: true });
    expect(confirmed.status).toBe(200);
    const { status, report } = confirmed.body as DayCloseReport;
    expect(v.parse(DayCloseStatusSchema, status).confirmation).toEqual({
      at: SERVER_NOW + 30 * MINUTE,
      staffNumber: '3003',
      name: 'Staff branch-manager',
      gaps: [expect.objectContaining({ id: lobby.deviceId, label: 'Lobby tablet', state: 'not-heard' }), expect.objectContaining({ id: spare.deviceId, outboxDepth: 3, state: 'waiting' })],
    });
    // The printable day report comes with it: the rating pushed before the close is counted.
    expect(report).toMatchObject({ branch: { id: BRANCH_ID, name: 'Main Street' }, day: TODAY, byCounter: [{ id: COUNTER_ID, name: 'Window 3', ratings: 1 }] });

    at(SERVER_NOW + 2 * 60 * MINUTE);
    const again = await confirm(headOffice, { branchId: BRANCH_ID, day: TODAY, acceptGaps: true });
    expect((again.body as DayCloseReport).status.confirmation).toEqual(status.confirmation);
    const shown = await callDashboard(server, 'GET', `/api/reports/day-close?branchId=${BRANCH_ID}&day=${TODAY}`, { cookie: manager });
    expect(shown).toMatchObject({ status: 200, body: { status: { startedAt: SERVER_NOW, confirmation: status.confirmation }, report: { day: TODAY } } });
    expect(await database.current.db.selectFrom('day_closes').select(['confirmed_at', 'confirmed_by']).execute()).toEqual([{ confirmed_at: SERVER_NOW + 30 * MINUTE, confirmed_by: '3003' }]);
  });

  it('given every tablet synced since the close began, then the manager confirms without accepting gaps and none are named', async () => {
    const { counter, lobby, at, push, closeDay, signIn, confirm } = await given();
    const manager = await signIn.manager();
    await closeDay(counter.token);
    at(SERVER_NOW + MINUTE);
    await push(lobby.token, []);

    const confirmed = await confirm(manager, { branchId: BRANCH_ID, day: TODAY, acceptGaps: false });

    expect(confirmed).toMatchObject({ status: 200, body: { status: { confirmation: { staffNumber: '3003', gaps: [] } } } });
    expect((confirmed.body as DayCloseReport).status.devices.map((d) => d.state)).toEqual(['synced', 'synced']);
  });

  it.for<[string, 'manager' | 'otherManager' | 'headOffice', unknown, number, { code: string; message: string }]>([
    [
      'a day that has not begun at the branch',
      'manager',
      { branchId: BRANCH_ID, day: '2026-11-24', acceptGaps: true },
      400,
      { code: 'bad-request', message: 'day: 2026-11-24 has not begun at Main Street, where it is 2026-11-23; a day is confirmed once it has begun.' },
    ],
    [
      "another branch's day, by its neighbour's manager",
      'otherManager',
      { branchId: BRANCH_ID, day: TODAY, acceptGaps: true },
      403,
      { code: 'forbidden', message: `9001 manages branch ${OTHER_BRANCH_ID}; branch ${BRANCH_ID} is for its own manager, its region's and head office.` },
    ],
    [
      'a branch that does not exist',
      'headOffice',
      { branchId: '0190a0b0-0000-7000-8000-0000000000ff', day: TODAY, acceptGaps: true },
      404,
      { code: 'not-found', message: 'No branch has the id 0190a0b0-0000-7000-8000-0000000000ff; GET /api/me lists the branches you may see.' },
    ],
    ['no word on gaps', 'manager', { branchId: BRANCH_ID, day: TODAY }, 400, { code: 'bad-request', message: 'acceptGaps: Invalid key: Expected "acceptGaps" but received undefined' }],
    ['a day not of the calendar', 'manager', { branchId: BRANCH_ID, day: '2026-11-31', acceptGaps: true }, 400, { code: 'bad-request', message: 'day: is not a day of the calendar' }],
  ])('given a confirmation of %s, then it is refused with why, and nothing is stored', async ([, who, body, status, error]) => {
    const { signIn, confirm } = await given();
    expect(await confirm(await signIn[who](), body)).toMatchObject({ status, body: error });
    expect(await database.current.db.selectFrom('day_closes').selectAll().execute()).toEqual([]);
  });
});
