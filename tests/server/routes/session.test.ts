import { expect, it } from 'vitest';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../../src/domain/access.ts';
import { buildApp } from '../../../src/server/app.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { editAccount } from '../../../src/server/services/accounts.ts';
import { WRONG_CREDENTIALS } from '../../../src/server/services/sessions.ts';
import { editTeller } from '../../../src/server/services/tellers.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, PASSWORD, sessionCookieOf, signedIn, TEST_TLS } from '../dashboard.ts';
import { givenBranchWithCounter, givenTeller, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const MAIN_STREET = { id: BRANCH_ID, name: 'Main Street', timeZone: 'UTC', regionId: null };
const SIGN_IN_FIRST = 'Sign in first: POST /api/session with your staff number and password.';
const SESSION_ENDED = 'Your session has ended (signed out, unused too long, or the account was changed); sign in again.';
/** Set-Cookie of a fresh session over plain HTTP: a 32-byte token, base64url. */
const SESSION_SET_COOKIE = /^bv_session=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/;

describeEachDatabase('dashboard sessions', (kind) => {
  const database = useTestDatabase(kind);

  /** A branch with a branch manager (staff number 2002) and head office (HQ1), each with an account. */
  async function given() {
    await givenBranchWithCounter(database.current);
    const manager = await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' });
    await givenRosterAccount(database.current, manager);
    await givenHeadOfficeAccount(database.current);
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    const me = (cookie: string) => callDashboard(server, 'GET', '/api/me', { cookie });
    const sessions = () => database.current.db.selectFrom('sessions').selectAll().orderBy('created_at').execute();
    return { server, manager, me, sessions, setClock: (at: number) => (clock = at) };
  }

  it('given a head-office account, when it signs in, then it gets Me and an HttpOnly SameSite=Strict cookie whose token the database knows only by its hash', async () => {
    const { server, me, sessions } = await given();

    const answer = await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: 'HQ1', password: PASSWORD } });

    const expected = { staffNumber: 'HQ1', name: 'Ana Ruiz', role: 'head-office', branchId: null, branches: [MAIN_STREET], canViewReports: true, mustChangePassword: false };
    expect(answer).toMatchObject({ status: 200, body: expected });
    expect(answer.setCookie).toEqual([expect.stringMatching(SESSION_SET_COOKIE)]);
    const cookie = sessionCookieOf(answer.setCookie);
    const token = cookie.slice('bv_session='.length);
    expect(await sessions()).toEqual([
      { token_hash: hashSecret(token), staff_number: 'HQ1', created_at: SERVER_NOW, last_seen_at: SERVER_NOW, expires_at: SERVER_NOW + SESSION_MAX_MS },
    ]);
    expect(await me(cookie)).toMatchObject({ status: 200, body: expected });
  });

  it("given roster members with accounts, then Me carries the roster's name, role and branch, and only a branch manager's has reports", async () => {
    const { server, manager } = await given();
    const teller = await givenTeller(database.current, { staffNumber: '2003', name: 'Chen Jing' });
    await givenRosterAccount(database.current, teller);

    expect((await callDashboard(server, 'GET', '/api/me', { cookie: await signedIn(server, '2002') })).body).toEqual({
      staffNumber: '2002',
      name: manager.name,
      role: 'branch-manager',
      branchId: BRANCH_ID,
      branches: [MAIN_STREET],
      regions: [],
      canViewReports: true,
      mustChangePassword: false,
    });
    expect((await callDashboard(server, 'GET', '/api/me', { cookie: await signedIn(server, '2003') })).body).toEqual({
      staffNumber: '2003',
      name: 'Chen Jing',
      role: 'teller',
      branchId: BRANCH_ID,
      branches: [],
      regions: [],
      canViewReports: false,
      mustChangePassword: false,
    });
  });

  it('given wrong credentials of any kind, then 401 with one message that does not say which was wrong, no cookie and no session', async () => {
    const { server, manager, sessions } = await given();
    await givenHeadOfficeAccount(database.current, 'HQ2', 'Former Staff');
    await editAccount(database.current.db, 'HQ2', { active: false }, SERVER_NOW);
    const leaver = await givenTeller(database.current, { staffNumber: '2004', name: 'Leaver', role: 'branch-manager' });
    await givenRosterAccount(database.current, leaver);
    await editTeller(database.current.db, leaver.id, { active: false });

    const cases: [string, { staffNumber: string; password: string }][] = [
      ['a wrong password', { staffNumber: 'HQ1', password: 'correct horse batter' }],
      ['a staff number without an account', { staffNumber: '9999', password: PASSWORD }],
      ["a roster member's staff number without an account", { staffNumber: '1001', password: PASSWORD }],
      ['a deactivated account, with its right password', { staffNumber: 'HQ2', password: PASSWORD }],
      ['an account whose roster member is off the roster', { staffNumber: leaver.staffNumber, password: PASSWORD }],
      ["another account's password", { staffNumber: manager.staffNumber, password: 'another password!' }],
    ];
    for (const [given, credentials] of cases) {
      const answer = await callDashboard(server, 'POST', '/api/session', { body: credentials });
      expect({ given, status: answer.status, body: answer.body, setCookie: answer.setCookie }).toEqual({
        given,
        status: 401,
        body: { code: 'unauthorized', message: WRONG_CREDENTIALS },
        setCookie: [],
      });
    }
    expect(await sessions()).toEqual([]);
  });

  it('given a staff number without an account, then the refusal still costs a password check, so its timing does not tell', async () => {
    const { server } = await given();
    const started = performance.now();
    const answer = await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: 'NOBODY', password: PASSWORD } });
    // A lookup that misses answers in a few milliseconds; scrypt at our cost takes about 230.
    expect(answer.status).toBe(401);
    expect(performance.now() - started).toBeGreaterThan(50);
  });

  it.for<[string, { body?: string; type?: string }, string]>([
    ['no password', { body: '{"staffNumber":"HQ1"}' }, 'password: Invalid key: Expected "password" but received undefined'],
    ['an empty password', { body: '{"staffNumber":"HQ1","password":""}' }, 'password: must not be empty'],
    ['a field too many', { body: `{"staffNumber":"HQ1","password":"${PASSWORD}","remember":true}` }, 'remember: Invalid key: Expected never but received "remember"'],
    ['a form post', { body: `staffNumber=HQ1&password=x`, type: 'application/x-www-form-urlencoded' }, 'Send this request as JSON (content-type: application/json, a body of {} when there is nothing to say), not application/x-www-form-urlencoded.'],
    ['text/plain, which a page of another site may send', { body: `{"staffNumber":"HQ1","password":"${PASSWORD}"}`, type: 'text/plain' }, 'Send this request as JSON (content-type: application/json, a body of {} when there is nothing to say), not text/plain.'],
  ])('given a sign-in with %s, then 400 naming the problem', async ([, { body, type = 'application/json' }, message]) => {
    const { server } = await given();
    const answer = await fetch(`${server.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': type }, body });
    expect({ status: answer.status, body: await answer.json() }).toEqual({ status: 400, body: { code: 'bad-request', message } });
  });

  it('given a session, when the viewer signs out, then the row is gone, the cookie is cleared, the old cookie is refused, and signing out again is fine', async () => {
    const { server, me, sessions } = await given();
    const cookie = await signedIn(server, 'HQ1');
    const other = await signedIn(server, 'HQ1'); // the same person on a second computer

    const answer = await callDashboard(server, 'DELETE', '/api/session', { cookie });

    expect(answer.status).toBe(204);
    expect(answer.setCookie).toEqual(['bv_session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict']);
    expect(await me(cookie)).toMatchObject({ status: 401, body: { code: 'unauthorized', message: SESSION_ENDED } });
    expect(await me(other)).toMatchObject({ status: 200 });
    expect(await sessions()).toHaveLength(1);
    expect((await callDashboard(server, 'DELETE', '/api/session', { cookie })).status).toBe(204);
    expect((await callDashboard(server, 'DELETE', '/api/session')).status).toBe(204);
  });

  it('given no cookie or a cookie nobody issued, then /api/me answers 401 saying what to do', async () => {
    const { me, server } = await given();
    expect(await callDashboard(server, 'GET', '/api/me')).toMatchObject({ status: 401, body: { code: 'unauthorized', message: SIGN_IN_FIRST } });
    expect(await me('bv_session=made-up')).toMatchObject({ status: 401, body: { code: 'unauthorized', message: SESSION_ENDED } });
  });

  it('given a session unused for the idle time, then it has ended and its row is gone; used within it, it lives on', async () => {
    const { server, me, sessions, setClock } = await given();
    const idle = await signedIn(server, 'HQ1');
    const used = await signedIn(server, '2002');

    setClock(SERVER_NOW + SESSION_IDLE_MS - 1);
    expect((await me(used)).status).toBe(200);
    setClock(SERVER_NOW + SESSION_IDLE_MS);
    expect(await me(idle)).toMatchObject({ status: 401, body: { message: SESSION_ENDED } });
    setClock(SERVER_NOW + 2 * SESSION_IDLE_MS - 2);
    expect((await me(used)).status).toBe(200);
    expect((await sessions()).map((s) => s.staff_number)).toEqual(['2002']);
  });

  it('given a session used all the time, then it still ends at its longest life', async () => {
    const { server, me, setClock } = await given();
    const cookie = await signedIn(server, 'HQ1');
    const step = SESSION_IDLE_MS - 60_000;
    let at = SERVER_NOW;
    while (at + step < SERVER_NOW + SESSION_MAX_MS) {
      at += step;
      setClock(at);
      expect((await me(cookie)).status).toBe(200);
    }
    setClock(SERVER_NOW + SESSION_MAX_MS);
    expect(await me(cookie)).toMatchObject({ status: 401, body: { message: SESSION_ENDED } });
  });

  it('given requests every 30 seconds, then last_seen_at moves at most once a minute', async () => {
    const { server, me, sessions, setClock } = await given();
    const cookie = await signedIn(server, 'HQ1');
    const lastSeen = async (at: number) => {
      setClock(at);
      expect((await me(cookie)).status).toBe(200);
      return (await sessions())[0]!.last_seen_at;
    };
    expect(await lastSeen(SERVER_NOW + 30_000)).toBe(SERVER_NOW);
    expect(await lastSeen(SERVER_NOW + 60_000)).toBe(SERVER_NOW + 60_000);
    expect(await lastSeen(SERVER_NOW + 90_000)).toBe(SERVER_NOW + 60_000);
    expect(await lastSeen(SERVER_NOW + 120_000)).toBe(SERVER_NOW + 120_000);
  });

  it("given a branch manager signed in, when the roster makes them a teller, then reports are refused at once; taken off the roster, the session is refused", async () => {
    const { server, manager, me } = await given();
    const cookie = await signedIn(server, '2002');
    expect((await callDashboard(server, 'GET', '/api/reports/fleet', { cookie })).status).toBe(200);

    await editTeller(database.current.db, manager.id, { role: 'teller' });

    expect(await me(cookie)).toMatchObject({ status: 200, body: { role: 'teller', canViewReports: false, branches: [] } });
    expect(await callDashboard(server, 'GET', '/api/reports/fleet', { cookie })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: 'Reports are for branch managers, regional managers and head office; 2002 is signed in as teller.' },
    });

    await editTeller(database.current.db, manager.id, { role: 'branch-manager', pin: '135790', active: false });
    expect(await me(cookie)).toMatchObject({ status: 401, body: { message: SESSION_ENDED } });
  });

  it("given sessions of an account, when the admin sets a new password or deactivates it, then its sessions end and only the new password signs in", async () => {
    const { server, me, sessions } = await given();
    const first = await signedIn(server, 'HQ1');
    const manager = await signedIn(server, '2002');

    const changed = await editAccount(database.current.db, 'HQ1', { password: 'a brand new password' }, SERVER_NOW);
    expect(changed).toMatchObject({ ok: true, value: { sessionsEnded: 1 } });
    expect((await me(first)).status).toBe(401);
    expect((await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: 'HQ1', password: PASSWORD } })).status).toBe(401);
    const second = await signedIn(server, 'HQ1', 'a brand new password');
    expect((await me(second)).status).toBe(200);

    expect(await editAccount(database.current.db, 'HQ1', { active: false }, SERVER_NOW)).toMatchObject({ ok: true, value: { sessionsEnded: 1 } });
    expect((await me(second)).status).toBe(401);
    expect((await me(manager)).status).toBe(200);
    expect((await sessions()).map((s) => s.staff_number)).toEqual(['2002']);
  });

  it('given a server that speaks HTTPS, then the session cookie is Secure too', async () => {
    await given();
    const app = await buildApp({ db: database.current.db, now: () => SERVER_NOW, https: TEST_TLS });
    try {
      const answer = await app.inject({ method: 'POST', url: '/api/session', payload: { staffNumber: 'HQ1', password: PASSWORD } });
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['set-cookie']).toMatch(/^bv_session=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    } finally {
      await app.close();
    }
  });
});
