import { expect, it } from 'vitest';
import { PASSWORD_CHANGE_REQUIRED } from '../../../src/server/plugins/session-auth.ts';
import { SCRYPT_COST, verifyPassword } from '../../../src/server/passwords.ts';
import { editAccount } from '../../../src/server/services/accounts.ts';
import { SAME_PASSWORD, WRONG_CREDENTIALS, WRONG_CURRENT_PASSWORD } from '../../../src/server/services/sessions.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, PASSWORD, routesOf, sessionCookieOf, signedIn } from '../dashboard.ts';
import { givenBranchWithCounter, givenTeller, SERVER_NOW, startTestServer, useTestDatabase, type TestServer } from '../fixtures.ts';

const NEW_PASSWORD = 'my very own password';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';

/**
 * A dashboard user's own password (decision 0015): a password someone else chose (the first
 * run's, an admin's) opens nothing but who they are, the change and sign-out until its owner
 * chooses their own; anyone signed in may change theirs, with the current one, and every other
 * session of the account ends.
 */
describeEachDatabase('dashboard password change', (kind) => {
  const database = useTestDatabase(kind);

  /** Main Street's manager 2002 (their own password), head office HQ1 (a password set by someone else). */
  async function given(options: { attemptLimits?: Parameters<typeof startTestServer>[0]['attemptLimits'] } = {}) {
    await givenBranchWithCounter(database.current);
    const manager = await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' });
    await givenRosterAccount(database.current, manager);
    await givenHeadOfficeAccount(database.current, 'HQ1', 'Ana Ruiz', { mustChangePassword: true });
    const server = await startTestServer({ db: database.current.db, attemptLimits: options.attemptLimits });
    const account = (staffNumber: string) =>
      database.current.db.selectFrom('staff_accounts').select(['password', 'must_change_password']).where('staff_number', '=', staffNumber).executeTakeFirstOrThrow();
    const change = (cookie: string, body: unknown) => callDashboard(server, 'POST', '/api/session/password', { cookie, body });
    return { server, account, change };
  }

  /** Every dashboard route but those open before a change, with a path and body that would do. */
  function dashboardCalls(server: TestServer): { route: string; method: 'GET' | 'POST'; path: string }[] {
    return routesOf(server.app)
      .filter((route) => route.includes(' /api/reports'))
      .map((route) => {
        const [method, path] = route.split(' ') as ['GET' | 'POST', string];
        return { route, method, path: path.replace(':id', UNKNOWN_ID) };
      });
  }

  it('given head office with a password someone else chose, when it signs in, then Me says so, and every dashboard route but Me, the change and sign-out answers 403 password-change-required', async () => {
    const { server } = await given();
    const answer = await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: 'HQ1', password: PASSWORD } });
    expect(answer).toMatchObject({ status: 200, body: { staffNumber: 'HQ1', mustChangePassword: true, canViewReports: true } });
    const cookie = sessionCookieOf(answer.setCookie);
    expect(await callDashboard(server, 'GET', '/api/me', { cookie })).toMatchObject({ status: 200, body: { mustChangePassword: true } });

    const calls = dashboardCalls(server);
    expect(calls.length).toBeGreaterThanOrEqual(9);
    for (const { route, method, path } of calls) {
      const refused = await callDashboard(server, method, `${path}${method === 'GET' ? '?from=2026-11-01&to=2026-11-23' : ''}`, { cookie });
      expect({ route, status: refused.status, body: refused.body }).toEqual({ route, status: 403, body: { code: 'password-change-required', message: PASSWORD_CHANGE_REQUIRED } });
    }
    expect((await callDashboard(server, 'DELETE', '/api/session', { cookie })).status).toBe(204);
  });

  it('given head office with a password someone else chose, when it changes it, then Me no longer says so, reports open, the old password signs nobody in and the new one does', async () => {
    const { server, account, change } = await given();
    const cookie = await signedIn(server, 'HQ1');

    const changed = await change(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });

    expect(changed).toMatchObject({ status: 200, body: { staffNumber: 'HQ1', mustChangePassword: false, canViewReports: true } });
    const stored = await account('HQ1');
    expect(stored.must_change_password).toBe(0);
    // At the production cost, whatever the cheap cost of the test accounts' first hash.
    expect(stored.password.split('$').slice(0, 4)).toEqual(['scrypt', String(SCRYPT_COST.N), String(SCRYPT_COST.r), String(SCRYPT_COST.p)]);
    expect(await verifyPassword(NEW_PASSWORD, stored.password)).toBe(true);
    expect((await callDashboard(server, 'GET', '/api/reports/fleet', { cookie })).status).toBe(200);
    expect(await callDashboard(server, 'GET', '/api/me', { cookie })).toMatchObject({ status: 200, body: { mustChangePassword: false } });
    expect(await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: 'HQ1', password: PASSWORD } })).toMatchObject({
      status: 401,
      body: { code: 'unauthorized', message: WRONG_CREDENTIALS },
    });
    expect((await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: 'HQ1', password: NEW_PASSWORD } })).status).toBe(200);
  });

  it("given a manager signed in on two computers, when they change their password on one, then that session goes on, the other ends, and other accounts' sessions stay", async () => {
    const { server, account, change } = await given();
    const here = await signedIn(server, '2002');
    const there = await signedIn(server, '2002');
    const headOffice = await signedIn(server, 'HQ1');

    expect(await change(here, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).toMatchObject({ status: 200, body: { staffNumber: '2002', mustChangePassword: false } });

    expect((await callDashboard(server, 'GET', '/api/me', { cookie: here })).status).toBe(200);
    expect((await callDashboard(server, 'GET', '/api/me', { cookie: there })).status).toBe(401);
    expect((await callDashboard(server, 'GET', '/api/me', { cookie: headOffice })).status).toBe(200);
    expect((await account('2002')).must_change_password).toBe(0);
    const sessions = await database.current.db.selectFrom('sessions').select('staff_number').orderBy('staff_number').execute();
    expect(sessions.map((s) => s.staff_number)).toEqual(['2002', 'HQ1']);
  });

  it('given a wrong current password, then 403 wrong-password, and nothing changes: not the password, not the flag, no session ended', async () => {
    const { server, account, change } = await given();
    const cookie = await signedIn(server, 'HQ1');
    const other = await signedIn(server, 'HQ1');
    const before = await account('HQ1');

    expect(await change(cookie, { currentPassword: 'not the password', newPassword: NEW_PASSWORD })).toEqual(
      expect.objectContaining({ status: 403, body: { code: 'wrong-password', message: WRONG_CURRENT_PASSWORD } }),
    );

    expect(await account('HQ1')).toEqual(before);
    expect((await callDashboard(server, 'GET', '/api/me', { cookie: other })).status).toBe(200);
    expect((await callDashboard(server, 'GET', '/api/reports/fleet', { cookie })).status).toBe(403);
  });

  it.for<[string, { body?: string; type?: string }, string]>([
    ['a new password too short', { body: `{"currentPassword":"${PASSWORD}","newPassword":"too short"}` }, 'newPassword: must be at least 10 characters'],
    ['a new password too long', { body: `{"currentPassword":"${PASSWORD}","newPassword":"${'x'.repeat(201)}"}` }, 'newPassword: must be at most 200 characters'],
    ['the current password again', { body: `{"currentPassword":"${PASSWORD}","newPassword":"${PASSWORD}"}` }, SAME_PASSWORD],
    ['no current password', { body: `{"newPassword":"${NEW_PASSWORD}"}` }, 'currentPassword: Invalid key: Expected "currentPassword" but received undefined'],
    ['an empty current password', { body: `{"currentPassword":"","newPassword":"${NEW_PASSWORD}"}` }, 'currentPassword: must not be empty'],
    ['a field too many', { body: `{"currentPassword":"${PASSWORD}","newPassword":"${NEW_PASSWORD}","repeat":"x"}` }, 'repeat: Invalid key: Expected never but received "repeat"'],
    [
      'text/plain, which a page of another site may send',
      { body: `{"currentPassword":"${PASSWORD}","newPassword":"${NEW_PASSWORD}"}`, type: 'text/plain' },
      'Send this request as JSON (content-type: application/json, a body of {} when there is nothing to say), not text/plain.',
    ],
  ])('given a change with %s, then 400 naming the problem, and the password stays', async ([, { body, type = 'application/json' }, message]) => {
    const { server, account } = await given();
    const cookie = await signedIn(server, 'HQ1');
    const before = await account('HQ1');
    const answer = await fetch(`${server.baseUrl}/api/session/password`, { method: 'POST', headers: { 'content-type': type, cookie }, body });
    expect({ status: answer.status, body: await answer.json() }).toEqual({ status: 400, body: { code: 'bad-request', message } });
    expect(await account('HQ1')).toEqual(before);
  });

  it('given no session, then a change is refused with 401 before anything is read', async () => {
    const { server } = await given();
    expect(await callDashboard(server, 'POST', '/api/session/password', { body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).toMatchObject({
      status: 401,
      body: { code: 'unauthorized' },
    });
    expect(await callDashboard(server, 'POST', '/api/session/password', { cookie: 'bv_session=made-up', body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).toMatchObject({
      status: 401,
    });
  });

  it('given wrong current passwords up to the limit, then the next attempt is refused with 429 and Retry-After, even with the right one; a success in between takes nothing', async () => {
    const few = { max: 3, windowMs: 15 * 60_000 };
    const { server, change } = await given({ attemptLimits: { signInByStaffNumber: few } });
    const cookie = await signedIn(server, '2002');
    expect((await change(cookie, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(200);
    for (let i = 0; i < few.max; i++) expect((await change(cookie, { currentPassword: `wrong ${i}`, newPassword: 'another new password' })).status).toBe(403);

    const limited = await change(cookie, { currentPassword: NEW_PASSWORD, newPassword: 'another new password' });

    expect(limited).toMatchObject({ status: 429, body: { code: 'rate-limited' } });
    expect((limited.body as { message: string }).message).toMatch(/^Too many refused password changes for this account; try again in 15 minutes/);
    expect(Number(limited.headers.get('retry-after'))).toBe(900);
    // The sign-in keeps its own count: the account can still sign in.
    expect((await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: '2002', password: NEW_PASSWORD } })).status).toBe(200);
  });

  it('given an admin who sets a new password, then its owner must change it at the next sign-in', async () => {
    const { server, account } = await given();
    expect((await account('2002')).must_change_password).toBe(0);
    const edited = await editAccount(database.current.db, '2002', { password: 'set by the admin' }, SERVER_NOW);
    expect(edited).toMatchObject({ ok: true, value: { account: { mustChangePassword: true } } });
    expect((await account('2002')).must_change_password).toBe(1);
    const answer = await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: '2002', password: 'set by the admin' } });
    expect(answer).toMatchObject({ status: 200, body: { mustChangePassword: true } });
    // Taking the account off and back on is no new password: the flag stays as it was.
    await editAccount(database.current.db, '2002', { active: false }, SERVER_NOW);
    await editAccount(database.current.db, '2002', { active: true }, SERVER_NOW);
    expect((await account('2002')).must_change_password).toBe(1);
  });
});
