import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DayCloseStatus } from '../../src/domain/day-close.ts';
import { addCounter } from '../../src/server/services/branches.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { setMeta } from '../../src/store/meta.ts';
import { closeDay, type DayCloseOutcome } from '../../src/sync/day-close.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import type { HttpOptions } from '../../src/sync/http.ts';
import { signInStaff, type StaffSession } from '../../src/sync/staff-session.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { SECOND_COUNTER_ID } from '../builders/device.ts';
import { BRANCH_ID, COUNTER_ID, SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';
import { givenRatings } from '../helpers/counter.ts';
import { givenBranchWithCounter, givenCaseStaff, givenEnrollmentCode, MANAGER_PIN, SERVER_NOW, startTestServer, TELLER_PIN, useTestDatabase, type TestServer } from '../server/fixtures.ts';

// "Close day" from a tablet against the real server over loopback HTTP: two counter tablets on
// fake-indexeddb, each with its own sync engine, and the server's clock moved by the test.
const database = useTestDatabase('sqlite');
const MINUTE = 60_000;
let clock = SERVER_NOW;
let server: TestServer;
const tablets: BranchVoiceDB[] = [];

beforeEach(async () => {
  clock = SERVER_NOW;
  await givenBranchWithCounter(database.current);
  const second = await addCounter(database.current.db, { id: SECOND_COUNTER_ID, branchId: BRANCH_ID, name: 'Window 4' }, SERVER_NOW);
  if (!second.ok) throw new Error(second.message);
  await givenCaseStaff(database.current);
  server = await startTestServer({ db: database.current.db, now: () => clock });
});
afterEach(async () => {
  for (const db of tablets.splice(0)) await db.delete();
});

/** A counter tablet enrolled at `counterId` with the window open, and its engine and services. */
async function givenCounterTablet(counterId: string, http: Partial<HttpOptions> = {}) {
  const db = createDatabase(`test-${crypto.randomUUID()}`);
  tablets.push(db);
  const code = await givenEnrollmentCode(database.current, counterId);
  const enrolled = await enrollDevice(db, { baseUrl: server.baseUrl }, { code: code.code, appVersion: 'test' });
  if (!enrolled.ok) throw new Error(enrolled.message);
  await setMeta(db, 'shift', { state: 'open', tellerId: TELLER_ID, signInId: SIGN_IN_ID, since: SERVER_NOW });
  const services = { db, http: { baseUrl: server.baseUrl, ...http }, engine: new SyncEngine({ db, http: { baseUrl: server.baseUrl, ...http }, appVersion: 'test', locks: null }) };
  /** A member of staff signs in on this tablet, as its screens do: the server checks the PIN when it can. */
  const signIn = async (staffNumber: string, pin: string): Promise<StaffSession> => {
    const signed = await signInStaff(services, { staffNumber, pin });
    if (!signed.ok) throw new Error(`sign-in ${staffNumber}: ${signed.reason}: ${signed.message}`);
    return signed.value;
  };
  return { ...services, deviceId: enrolled.value.deviceId, signIn, rate: (count: number) => givenRatings(db, count, { counterId }) };
}

// The builders' staff on the server (givenCaseStaff): 3001 lobby staff, 3002 complaint manager, 3003 branch manager.
const BRANCH_MANAGER = ['3003', MANAGER_PIN] as const;

/** The close's report, or the failure spelled out so a broken test says why. */
function reportOf(outcome: DayCloseOutcome): DayCloseStatus & { tablet: Extract<DayCloseOutcome, { ok: true }>['value']['tablet'] } {
  if (!outcome.ok) throw new Error(`the close failed at ${outcome.stage}: ${outcome.reason}: ${outcome.message}`);
  return { ...outcome.value.status, tablet: outcome.value.tablet };
}
const stateOf = (report: DayCloseStatus, deviceId: string) => report.devices.find((d) => d.id === deviceId)?.state;

describe('closeDay against the real server', () => {
  it('given tablet B last synced in the morning, when the branch manager closes the day on A, then A syncs first and B is named as not heard from; once B syncs, "sync again" on A shows B synced', async () => {
    const a = await givenCounterTablet(COUNTER_ID);
    const b = await givenCounterTablet(SECOND_COUNTER_ID);
    clock = SERVER_NOW + MINUTE;
    expect(await b.engine.syncNow()).toMatchObject({ ok: true });
    await b.rate(2);
    await a.rate(3);

    clock = SERVER_NOW + 8 * 60 * MINUTE;
    const manager = await a.signIn(...BRANCH_MANAGER);
    expect(manager.verified).not.toBeNull();
    const first = reportOf(await closeDay(a, manager));

    expect(first.tablet).toEqual({ deviceId: a.deviceId, pushed: 3, rejected: 0, waiting: 0, oldestWaitingAt: null, quarantined: 0 });
    expect(first.startedAt).toBe(clock);
    expect(first.startedBy).toMatchObject({ staffId: STAFF_ID['branch-manager'], attestation: 'server' });
    expect(stateOf(first, a.deviceId)).toBe('synced');
    expect(stateOf(first, b.deviceId)).toBe('not-heard');
    expect(first.devices.find((d) => d.id === b.deviceId)).toMatchObject({ counterName: 'Window 4', lastSeenAt: SERVER_NOW + MINUTE });

    clock += 5 * MINUTE;
    expect(await b.engine.syncNow()).toEqual({ ok: true, value: { pushed: 2, rejected: 0 } });
    clock += MINUTE;
    const again = reportOf(await closeDay(a, manager));

    expect(again.startedAt).toBe(first.startedAt);
    expect(again.tablet).toMatchObject({ pushed: 0, waiting: 0 });
    expect(stateOf(again, a.deviceId)).toBe('synced');
    expect(stateOf(again, b.deviceId)).toBe('synced');
  });

  it('given a complaint manager, then the close is theirs as well', async () => {
    const a = await givenCounterTablet(COUNTER_ID);
    const report = reportOf(await closeDay(a, await a.signIn('3002', MANAGER_PIN)));
    expect(report.startedBy).toMatchObject({ staffId: STAFF_ID['complaint-manager'] });
  });

  it.each([
    { who: 'a teller', staffNumber: '1001', pin: TELLER_PIN, name: 'Mei Chen', role: 'teller' },
    { who: 'lobby staff, signed in at the lobby tablet', staffNumber: '3001', pin: TELLER_PIN, name: 'Staff lobby-staff', role: 'lobby-staff' },
  ])('given $who, when they close the day with a session the server checked, then the server refuses it after the tablet has synced', async ({ staffNumber, pin, name, role }) => {
    const a = await givenCounterTablet(COUNTER_ID);
    await a.rate(1);
    // Lobby staff do not sign in at a counter: their session comes from the lobby tablet's sign-in, replayed here by hand.
    const session = role === 'teller' ? await a.signIn(staffNumber, pin) : { staff: { id: STAFF_ID['lobby-staff'], staffNumber, name, role: 'lobby-staff' as const }, verified: (await a.signIn('1001', TELLER_PIN)).verified };

    const outcome = await closeDay(a, session);

    expect(outcome).toMatchObject({ ok: false, reason: 'forbidden', stage: 'close', tablet: { pushed: 1, waiting: 0 } });
  });

  it('given a manager checked by the tablet alone (the server was down when they signed in), then nothing is asked of the server: a close needs its check', async () => {
    const a = await givenCounterTablet(COUNTER_ID);
    await a.rate(1);
    const offline: StaffSession = { staff: { id: STAFF_ID['branch-manager'], staffNumber: '3003', name: 'Staff branch-manager', role: 'branch-manager' }, verified: null };

    expect(await closeDay(a, offline)).toMatchObject({ ok: false, reason: 'staff-session-required', stage: 'sync', tablet: { pushed: 0, waiting: 1 } });
    expect(await database.current.db.selectFrom('day_closes').selectAll().execute()).toEqual([]);
  });

  it('given no network, when the day is closed, then nothing is asked of the server and the failure says how many records wait on the tablet', async () => {
    const asked: string[] = [];
    const down: typeof fetch = (input) => {
      asked.push(new URL(String(input)).pathname);
      return Promise.reject(new TypeError('fetch failed: network is down'));
    };
    const a = await givenCounterTablet(COUNTER_ID, { fetch: down });
    await a.rate(4);

    // Signed in while the network was up; it went down before the close.
    const manager: StaffSession = { ...(await givenCounterTablet(COUNTER_ID).then((b) => b.signIn(...BRANCH_MANAGER))) };
    const outcome = await closeDay(a, manager);

    expect(outcome).toMatchObject({ ok: false, reason: 'unreachable', stage: 'sync', tablet: { pushed: 0, waiting: 4, oldestWaitingAt: Date.UTC(2026, 10, 23, 9, 30) } });
    expect(asked).toEqual(['/api/sync/push']);
  });
});
