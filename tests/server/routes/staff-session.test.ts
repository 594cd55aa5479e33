import { expect, it } from 'vitest';
import * as v from 'valibot';
import type { Attestation } from '../../../src/domain/attestation.ts';
import { attestRecord, importSessionKey } from '../../../src/domain/attestation-sign.ts';
import { hashPin } from '../../../src/domain/pin.ts';
import { STAFF_SESSION_MS, StaffSessionGrantSchema, type StaffSessionGrant } from '../../../src/domain/staff-session.ts';
import { CaseEventsPageSchema, PROTOCOL_VERSION, type PushResponse } from '../../../src/domain/wire.ts';
import { buildApp } from '../../../src/server/app.ts';
import { latestShiftEvents } from '../../../src/server/repositories/shift-events.ts';
import { insertTeller } from '../../../src/server/repositories/tellers.ts';
import { editTeller } from '../../../src/server/services/tellers.ts';
import { aCaseEvent, aCaseId, STAFF_ID } from '../../builders/case-event.ts';
import { aShiftEvent, BRANCH_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenCaseStaff,
  givenEnrolledDevice,
  givenEnrolledLobby,
  MANAGER_PIN,
  SERVER_NOW,
  startTestServer,
  TELLER_PIN,
  useTestDatabase,
} from '../fixtures.ts';

const MINUTE = 60_000;
const WRONG_PIN = { status: 401, body: { code: 'staff-credentials-invalid', message: 'The staff number or the PIN is wrong.' } };

/**
 * Staff sessions (decision 0014): the PIN checked by the server, a session bound to one
 * tablet, and what the server makes of records signed with its key, through the real routes.
 * Records are signed as the tablet signs them (WebCrypto, domain/attestation.ts); the server
 * checks with Node's crypto: the two must agree.
 */
describeEachDatabase('staff sessions', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    await givenCaseStaff(database.current);
    const [lobby, otherLobby, counter] = [await givenEnrolledLobby(database.current), await givenEnrolledLobby(database.current), await givenEnrolledDevice(database.current)];
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    const signIn = (token: string, staffNumber: string, pin: string, deviceTime = clock) =>
      callApi(server, 'POST', '/api/staff-session', { token, body: { staffNumber, pin, deviceTime } });
    /** A session as the tablet keeps it: the id, and the key imported for signing. */
    const sessionOf = async (token: string, staffNumber: string, pin: string, deviceTime = clock) => {
      const answer = await signIn(token, staffNumber, pin, deviceTime);
      expect(answer.status).toBe(200);
      const grant = v.parse(StaffSessionGrantSchema, answer.body);
      return { grant, signing: { sessionId: grant.sessionId, key: await importSessionKey(grant.key) } };
    };
    const push = async (records: unknown[], token = lobby.token) => {
      const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records } });
      expect(answer.status).toBe(200);
      return (answer.body as PushResponse).results;
    };
    const pulled = async () => v.parse(CaseEventsPageSchema, (await callApi(server, 'GET', '/api/case-events?after=0&limit=500', { token: lobby.token })).body).events;
    return { server, lobby, otherLobby, counter, signIn, sessionOf, push, pulled, setClock: (at: number) => (clock = at) };
  }

  /** A replied case, its steps made by whoever the tablet says, ready for the branch manager's sign-off. */
  const aRepliedCase = (caseId = aCaseId(), at = SERVER_NOW + MINUTE) =>
    (['opened', 'handed-on', 'replied'] as const).map((type, i) => aCaseEvent(type, caseId, { createdAt: at + i * 1000 }));
  const signed = async <R extends object>(record: R, signing: { sessionId: string; key: CryptoKey }): Promise<R & { attestation: Attestation }> => ({
    ...record,
    attestation: await attestRecord(record, signing),
  });

  it('given the right staff number and PIN on a lobby tablet, then the server answers a session bound to it, a key shown once, and the member as the roster has them', async () => {
    const { lobby, signIn } = await given();
    const answer = await signIn(lobby.token, '3003', MANAGER_PIN, SERVER_NOW - 90_000);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const grant = v.parse(StaffSessionGrantSchema, answer.body) satisfies StaffSessionGrant;
    expect(grant).toEqual({
      sessionId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: SERVER_NOW + STAFF_SESSION_MS,
      expiresInMs: STAFF_SESSION_MS,
      staff: { id: STAFF_ID['branch-manager'], staffNumber: '3003', name: 'Staff branch-manager', role: 'branch-manager' },
    });
    expect(await database.current.db.selectFrom('staff_sessions').select(['device_id', 'staff_id', 'role', 'created_at', 'ended_at', 'clock_offset_ms']).execute()).toEqual([
      { device_id: lobby.deviceId, staff_id: STAFF_ID['branch-manager'], role: 'branch-manager', created_at: SERVER_NOW, ended_at: null, clock_offset_ms: 90_000 },
    ]);
  });

  it('given a wrong PIN, an unknown staff number or someone off the roster, then each is the same 401 and no session is made', async () => {
    const { lobby, signIn } = await given();
    await editTeller(database.current.db, STAFF_ID['complaint-manager'], { active: false });

    expect(await signIn(lobby.token, '3003', '135790')).toMatchObject(WRONG_PIN);
    expect(await signIn(lobby.token, '9999', MANAGER_PIN)).toMatchObject(WRONG_PIN);
    expect(await signIn(lobby.token, '3002', MANAGER_PIN)).toMatchObject(WRONG_PIN);
    expect(await database.current.db.selectFrom('staff_sessions').selectAll().execute()).toEqual([]);
    // The staff number is matched as the tablet matches it, whatever its case.
    expect((await signIn(lobby.token, ' 3003 ', MANAGER_PIN)).status).toBe(200);
  });

  it('given a teller at the lobby, or lobby staff at a counter, then they are refused: each tablet signs in only the roles it serves', async () => {
    const { lobby, counter, signIn } = await given();
    expect(await signIn(lobby.token, '1001', TELLER_PIN)).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: 'Mei Chen is on the roster as teller, who does not sign in on a lobby tablet; it takes lobby-staff, complaint-manager, branch-manager' },
    });
    expect(await signIn(counter.token, '3001', TELLER_PIN)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    // A manager signs in at a counter: the day close needs them there.
    expect((await signIn(counter.token, '3003', MANAGER_PIN)).status).toBe(200);
  });

  it('given a manager whose PIN was set short before managers needed six digits, then the right PIN is refused until the admin sets a longer one', async () => {
    const { lobby, signIn } = await given();
    const id = '0190a0b0-0000-7000-8000-0000000000e9';
    const pin = await hashPin('2468', new Uint8Array(16).fill(3), 10_000);
    await insertTeller(database.current.db, { id, branchId: BRANCH_ID, staffNumber: '3009', name: 'Old Manager', photo: null, stars: 3, pin, role: 'branch-manager', active: true, createdAt: SERVER_NOW });

    expect(await signIn(lobby.token, '3009', '2468')).toMatchObject({
      status: 403,
      body: { code: 'pin-too-short', message: `A branch-manager's PIN must have at least 6 digits; ask the admin for a new one: \`npm run admin -- teller:set ${id} --pin <6 to 8 digits>\`` },
    });
    await editTeller(database.current.db, id, { pin: '864209' });
    expect((await signIn(lobby.token, '3009', '864209')).status).toBe(200);
  });

  it('given five wrong PINs for the manager on one tablet, then that tablet is locked for them, even with the right PIN, while another tablet signs them in: no one can lock a manager out everywhere', async () => {
    const { lobby, otherLobby, signIn, setClock } = await given();
    for (let i = 0; i < 5; i++) expect(await signIn(lobby.token, '3003', `13579${i}`)).toMatchObject(WRONG_PIN);

    const locked = await signIn(lobby.token, '3003', MANAGER_PIN);
    expect(locked).toMatchObject({ status: 429, body: { code: 'rate-limited', message: 'Too many wrong PINs for this staff number on this tablet; try again in 15 minutes.' } });
    expect(locked.headers.get('retry-after')).toBe('900');
    expect((await signIn(otherLobby.token, '3003', MANAGER_PIN)).status).toBe(200);
    // Someone else on the locked tablet still signs in.
    expect((await signIn(lobby.token, '3002', MANAGER_PIN)).status).toBe(200);
    setClock(SERVER_NOW + 15 * MINUTE);
    expect((await signIn(lobby.token, '3003', MANAGER_PIN)).status).toBe(200);
  });

  it('given two server processes on one database, then wrong PINs tried on one count on the other', async () => {
    const { lobby, signIn } = await given();
    const second = await buildApp({ db: database.current.db, now: () => SERVER_NOW });
    try {
      for (let i = 0; i < 3; i++) expect(await signIn(lobby.token, '3003', `97531${i}`)).toMatchObject(WRONG_PIN);
      const onSecond = (pin: string) =>
        second.inject({ method: 'POST', url: '/api/staff-session', headers: { authorization: `Bearer ${lobby.token}`, 'content-type': 'application/json' }, payload: { staffNumber: '3003', pin, deviceTime: SERVER_NOW } });
      expect((await onSecond('975319')).statusCode).toBe(401);
      expect((await onSecond('975318')).statusCode).toBe(401);
      expect((await onSecond(MANAGER_PIN)).statusCode).toBe(429);
    } finally {
      await second.close();
    }
  });

  it("given the branch manager's sign-off signed in a session the server checked, then it is applied and kept as the server's check; the same act as the tablet's word alone is kept, refused, with why", async () => {
    const { lobby, sessionOf, push, pulled } = await given();
    const { signing } = await sessionOf(lobby.token, '3003', MANAGER_PIN);
    const [verifiedCase, tabletCase] = [aRepliedCase(), aRepliedCase()];
    const signOff = (caseId: string) => aCaseEvent('signed-off', caseId, { createdAt: SERVER_NOW + 10 * MINUTE });
    const verified = await signed(signOff(verifiedCase[0]!.caseId), signing);
    const tabletOnly = signOff(tabletCase[0]!.caseId);

    expect((await push([...verifiedCase, ...tabletCase, verified, tabletOnly])).map((r) => r.status)).toEqual(Array(8).fill('accepted'));

    const events = await pulled();
    const of = (id: string) => events.find((e) => e.event.id === id)!;
    expect(of(verified.id)).toMatchObject({ status: 'applied', attestation: 'server', reason: null });
    // What other tablets pull is the act, not the signature: the server says what it proved.
    const { attestation: _proof, ...act } = verified;
    expect(of(verified.id).event).toEqual(act);
    expect(of(tabletOnly.id)).toMatchObject({
      status: 'refused',
      attestation: 'tablet',
      reason: 'needs-verified-session',
      message:
        'signed-off: only a branch-manager signed in with the server reachable may do this; this one was checked by the tablet only. Sign in again while online and do it again.',
    });
    // The everyday steps, made offline, stand as the tablet's word.
    expect(of(tabletCase[1]!.id)).toMatchObject({ status: 'applied', attestation: 'tablet' });
    expect(await database.current.db.selectFrom('complaint_cases').select(['id', 'status']).orderBy('id').execute()).toEqual(
      [
        { id: verifiedCase[0]!.caseId, status: 'signed-off' },
        { id: tabletCase[0]!.caseId, status: 'replied' },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it.for<[string, (ctx: Awaited<ReturnType<typeof given>>, caseId: string) => Promise<object>]>([
    [
      'a forged signature with a made-up session',
      async (_, caseId) => ({ ...aCaseEvent('signed-off', caseId, { createdAt: SERVER_NOW + 10 * MINUTE }), attestation: { by: 'server', sessionId: '0190a0b0-0000-7000-8000-00000000abcd', proof: 'A'.repeat(43) } }),
    ],
    [
      "a signature of the manager's session on another tablet, copied over",
      async ({ otherLobby, sessionOf }, caseId) => signed(aCaseEvent('signed-off', caseId, { createdAt: SERVER_NOW + 10 * MINUTE }), (await sessionOf(otherLobby.token, '3003', MANAGER_PIN)).signing),
    ],
    [
      'a record changed after it was signed',
      async ({ lobby, sessionOf }, caseId) => {
        const { signing } = await sessionOf(lobby.token, '3003', MANAGER_PIN);
        const made = await signed(aCaseEvent('signed-off', caseId, { createdAt: SERVER_NOW + 10 * MINUTE }), signing);
        return { ...made, createdAt: made.createdAt + 1 };
      },
    ],
    [
      "the complaint manager's session used for the branch manager",
      async ({ lobby, sessionOf }, caseId) => signed(aCaseEvent('signed-off', caseId, { createdAt: SERVER_NOW + 10 * MINUTE }), (await sessionOf(lobby.token, '3002', MANAGER_PIN)).signing),
    ],
    [
      'a record dated after the manager signed out',
      async ({ server, lobby, sessionOf }, caseId) => {
        const { grant, signing } = await sessionOf(lobby.token, '3003', MANAGER_PIN);
        expect((await callApi(server, 'DELETE', '/api/staff-session', { token: lobby.token, headers: { 'x-staff-session': `${grant.sessionId}.${grant.key}` } })).status).toBe(204);
        return signed(aCaseEvent('signed-off', caseId, { createdAt: SERVER_NOW + 10 * MINUTE }), signing);
      },
    ],
    [
      'a record dated a day after the session',
      async ({ lobby, sessionOf }, caseId) => signed(aCaseEvent('signed-off', caseId, { createdAt: SERVER_NOW + 24 * 60 * MINUTE }), (await sessionOf(lobby.token, '3003', MANAGER_PIN)).signing),
    ],
  ])('given a sign-off claiming the server checked its maker, with %s, then it is kept as the tablet\'s word, refused, and the case is not signed off', async ([, make]) => {
    const ctx = await given();
    const steps = aRepliedCase();
    const caseId = steps[0]!.caseId;
    const claim = await make(ctx, caseId);

    expect((await ctx.push([...steps, claim])).map((r) => r.status)).toEqual(Array(4).fill('accepted'));

    expect((await ctx.pulled()).at(-1)).toMatchObject({ status: 'refused', attestation: 'tablet', reason: 'needs-verified-session' });
    expect(await database.current.db.selectFrom('complaint_cases').select('status').where('id', '=', caseId).executeTakeFirst()).toEqual({ status: 'replied' });
  });

  it('given the escalation to head office as the tablet\'s word, then it is refused like a sign-off; signed, it is applied', async () => {
    const { lobby, sessionOf, push, pulled } = await given();
    const caseId = aCaseId();
    const opened = aCaseEvent('opened', caseId, { createdAt: SERVER_NOW + MINUTE });
    const escalate = () => aCaseEvent('escalated', caseId, { createdAt: SERVER_NOW + 2 * MINUTE });
    const tabletOnly = escalate();
    const { signing } = await sessionOf(lobby.token, '3003', MANAGER_PIN);
    const verified = await signed(escalate(), signing);

    await push([opened, tabletOnly, verified]);

    expect((await pulled()).map((e) => [e.event.type, e.status, e.attestation, e.reason])).toEqual([
      ['opened', 'applied', 'tablet', null],
      ['escalated', 'refused', 'tablet', 'needs-verified-session'],
      ['escalated', 'applied', 'server', null],
    ]);
  });

  it("given a teller's shift signed in a session of the counter, then the server keeps it as its check; one checked on the tablet alone as the tablet's", async () => {
    const { counter, sessionOf, push } = await given();
    const { grant, signing } = await sessionOf(counter.token, '1001', TELLER_PIN);
    expect(grant.staff).toMatchObject({ id: TELLER_ID, role: 'teller' });
    const online = await signed(aShiftEvent({ type: 'signed-in', createdAt: SERVER_NOW + MINUTE }), signing);
    const offline = aShiftEvent({ type: 'paused', signInId: online.signInId, createdAt: SERVER_NOW + 2 * MINUTE });

    expect((await push([online, offline], counter.token)).map((r) => r.status)).toEqual(['accepted', 'accepted']);

    const stored = await database.current.db.selectFrom('shift_events').select(['id', 'attestation', 'staff_session_id']).orderBy('seq').execute();
    expect(stored).toEqual([
      { id: online.id, attestation: 'server', staff_session_id: grant.sessionId },
      { id: offline.id, attestation: 'tablet', staff_session_id: null },
    ]);
    expect((await latestShiftEvents(database.current.db, 2)).map((e) => e.id)).toEqual([offline.id, online.id]);
  });

  it('given sign-out, then the session is over for online acts at once, and signing out again is fine', async () => {
    const { server, lobby, sessionOf } = await given();
    const { grant } = await sessionOf(lobby.token, '3002', MANAGER_PIN);
    const headers = { 'x-staff-session': `${grant.sessionId}.${grant.key}` };
    const review = () => callApi(server, 'GET', '/api/review?since=0', { token: lobby.token, headers });
    expect((await review()).status).toBe(200);

    expect((await callApi(server, 'DELETE', '/api/staff-session', { token: lobby.token, headers })).status).toBe(204);
    expect((await callApi(server, 'DELETE', '/api/staff-session', { token: lobby.token, headers })).status).toBe(204);

    expect(await review()).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
  });
});
