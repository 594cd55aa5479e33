import { expect, it } from 'vitest';
import type { AccountChange, AccountList } from '../../../src/domain/manage-accounts.ts';
import { PASSWORD_CHANGE_REQUIRED } from '../../../src/server/plugins/session-auth.ts';
import { storeNewAccount } from '../../../src/server/services/accounts.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { hashPassword } from '../../../src/server/passwords.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, PASSWORD, routesOf, signedIn } from '../dashboard.ts';
import { givenBranchWithCounter, givenTeller, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const HARBOUR_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const NORTH_ID = '0190a0b0-0000-7000-8000-0000000000c1';
const SOUTH_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const ACCOUNTS = '/api/manage/accounts';

describeEachDatabase('dashboard accounts on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  /**
   * North: Main Street (teller 1001, manager 2002 and complaint manager 2003 with accounts,
   * complaint manager 2005 without); South: Harbour Road (manager 3003 with an account,
   * complaint manager 3002 without). Head office HQ1; RM1 manages North.
   */
  async function given() {
    const { db } = database.current;
    const { teller } = await givenBranchWithCounter(database.current);
    for (const [id, name] of [[HARBOUR_ID, 'Harbour Road']] as const) {
      const added = await addBranch(db, { id, name }, SERVER_NOW);
      if (!added.ok) throw new Error(added.message);
    }
    for (const [id, name, branchId] of [[NORTH_ID, 'North', BRANCH_ID], [SOUTH_ID, 'South', HARBOUR_ID]] as const) {
      const region = await addRegion(db, { id, name }, SERVER_NOW);
      if (!region.ok) throw new Error(region.message);
      await moveBranchToRegion(db, branchId, id);
    }
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2003', name: 'Ho Yan', role: 'complaint-manager' }));
    const newcomer = await givenTeller(database.current, { staffNumber: '2005', name: 'Kam Fung', role: 'complaint-manager' });
    await givenRosterAccount(database.current, await givenTeller(database.current, { branchId: HARBOUR_ID, staffNumber: '3003', name: 'Wong Tai', role: 'branch-manager' }));
    const harbourComplaints = await givenTeller(database.current, { branchId: HARBOUR_ID, staffNumber: '3002', name: 'Kit Lau', role: 'complaint-manager' });
    await givenHeadOfficeAccount(database.current);
    const regional = await storeNewAccount(
      db,
      { staffNumber: 'RM1', tellerId: null, name: 'Rosa Diaz', headOffice: false, regionId: NORTH_ID, active: true, mustChangePassword: false, createdAt: SERVER_NOW, updatedAt: SERVER_NOW },
      await hashPassword(PASSWORD, { N: 2 ** 10, r: 8, p: 1 }),
    );
    if (!regional.ok) throw new Error(regional.message);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies: Record<string, string> = {};
    for (const who of ['HQ1', 'RM1', '2002', '2003']) cookies[who] = await signedIn(server, who);
    const call = (method: 'GET' | 'POST' | 'PATCH', path: string, as: string, body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    return { db, server, call, cookies, teller, newcomer, harbourComplaints };
  }

  it('given head office, when it lists and invites each kind of account, then each gets a temporary password answered once with no-store, which signs in and must be changed', async () => {
    const { server, call, teller, newcomer, harbourComplaints } = await given();
    expect(routesOf(server.app).filter((r) => r.includes('/api/manage/accounts'))).toEqual([
      'GET /api/manage/accounts',
      'PATCH /api/manage/accounts/:staffNumber',
      'POST /api/manage/accounts',
      'POST /api/manage/accounts/:staffNumber/password',
    ]);

    const list = await call('GET', ACCOUNTS, 'HQ1');
    expect(list.status).toBe(200);
    const body = list.body as AccountList;
    expect(body.accounts.map((a) => [a.staffNumber, a.name, a.role, a.branch?.name ?? null, a.region?.name ?? null, a.self])).toEqual([
      ['HQ1', 'Ana Ruiz', 'head-office', null, null, true],
      ['2002', 'Li Wei', 'branch-manager', 'Main Street', null, false],
      ['2003', 'Ho Yan', 'complaint-manager', 'Main Street', null, false],
      ['3003', 'Wong Tai', 'branch-manager', 'Harbour Road', null, false],
      ['RM1', 'Rosa Diaz', 'regional-manager', null, 'North', false],
    ]);
    expect(body.mayInvite).toEqual(['roster', 'regional-manager', 'head-office']);
    expect(body.regions).toEqual([{ id: NORTH_ID, name: 'North' }, { id: SOUTH_ID, name: 'South' }]);
    expect(body.branches.map((b) => b.name)).toEqual(['Harbour Road', 'Main Street']);
    // Only managers without an account: the teller's role sees no reports.
    expect(body.candidates.map((c) => c.staffNumber).sort()).toEqual(['2005', '3002']);
    expect(JSON.stringify(body)).not.toMatch(/salt|hash|scrypt|"password"/i);

    const invited = await call('POST', ACCOUNTS, 'HQ1', { kind: 'head-office', staffNumber: 'HQ2', name: 'Bea Lopez' });
    expect(invited.status).toBe(200);
    expect(invited.headers.get('cache-control')).toBe('no-store');
    const { account, temporaryPassword } = invited.body as AccountChange;
    expect(account).toMatchObject({ staffNumber: 'HQ2', name: 'Bea Lopez', role: 'head-office', active: true, signsIn: true, mustChangePassword: true, self: false });
    expect(temporaryPassword).toMatch(/^[A-Za-z2-9]{16}$/);

    // The temporary password signs in, and nothing but the change opens until it is changed.
    const signIn = await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: 'HQ2', password: temporaryPassword } });
    expect(signIn).toMatchObject({ status: 200, body: { staffNumber: 'HQ2', mustChangePassword: true } });
    const hq2 = await signedIn(server, 'HQ2', temporaryPassword!);
    expect(await callDashboard(server, 'GET', ACCOUNTS, { cookie: hq2 })).toMatchObject({ status: 403, body: { code: 'password-change-required', message: PASSWORD_CHANGE_REQUIRED } });
    const changed = await callDashboard(server, 'POST', '/api/session/password', { cookie: hq2, body: { currentPassword: temporaryPassword, newPassword: 'a password of my own' } });
    expect(changed).toMatchObject({ status: 200, body: { mustChangePassword: false } });
    expect((await callDashboard(server, 'GET', ACCOUNTS, { cookie: hq2 })).status).toBe(200);

    const regional = await call('POST', ACCOUNTS, 'HQ1', { kind: 'regional-manager', staffNumber: 'RM2', name: 'Sol Vega', regionId: SOUTH_ID });
    expect(regional).toMatchObject({ status: 200, body: { account: { staffNumber: 'RM2', role: 'regional-manager', region: { id: SOUTH_ID, name: 'South' } } } });
    const roster = await call('POST', ACCOUNTS, 'HQ1', { kind: 'roster', tellerId: harbourComplaints.id });
    expect(roster).toMatchObject({ status: 200, body: { account: { staffNumber: '3002', name: 'Kit Lau', role: 'complaint-manager', branch: { id: HARBOUR_ID, name: 'Harbour Road' } } } });
    expect((await call('POST', ACCOUNTS, 'HQ1', { kind: 'roster', tellerId: newcomer.id })).status).toBe(200);

    // Refusals: a teller's role sees no reports; a staff number that has an account; unknowns; bad input.
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'roster', tellerId: teller.id })).toMatchObject({ status: 400, body: { code: 'bad-request', message: expect.stringContaining('sees no reports') } });
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'head-office', staffNumber: 'HQ2', name: 'Again' })).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'head-office', staffNumber: '2002', name: 'Again' })).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'regional-manager', staffNumber: 'RM3', name: 'X', regionId: UNKNOWN_ID })).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'roster', tellerId: UNKNOWN_ID })).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'head-office', staffNumber: 'HQ9', name: 'X', password: 'my choice of pw' })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'boss', staffNumber: 'HQ9', name: 'X' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('kind') } });
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'head-office', staffNumber: 'HQ 9', name: 'X' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('staffNumber') } });
    expect(await call('PATCH', `${ACCOUNTS}/NOPE`, 'HQ1', { active: false })).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('PATCH', `${ACCOUNTS}/2002`, 'HQ1', { active: 'no' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('active') } });
    expect(await call('POST', `${ACCOUNTS}/2002/password`, 'HQ1', { password: 'chosen by me!' })).toMatchObject({ status: 400 });
    // Not their own account: that is "change password".
    expect(await call('PATCH', `${ACCOUNTS}/HQ1`, 'HQ1', { active: false })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await call('POST', `${ACCOUNTS}/HQ1/password`, 'HQ1', {})).toMatchObject({ status: 403, body: { code: 'forbidden' } });
  });

  it('given head office, when it resets a password or disables an account, then its sessions end, the old password no longer works, the new one must be changed, and the audit log names the account and role but never a password', async () => {
    const { db, server, call, cookies } = await given();
    expect((await callDashboard(server, 'GET', '/api/me', { cookie: cookies['2002'] })).status).toBe(200);
    const reset = await call('POST', `${ACCOUNTS}/2002/password`, 'HQ1', {});
    expect(reset.status).toBe(200);
    expect(reset.headers.get('cache-control')).toBe('no-store');
    const { temporaryPassword, sessionsEnded, account } = reset.body as AccountChange;
    expect(sessionsEnded).toBe(1);
    expect(account).toMatchObject({ staffNumber: '2002', mustChangePassword: true });
    expect((await callDashboard(server, 'GET', '/api/me', { cookie: cookies['2002'] })).status).toBe(401);
    expect((await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: '2002', password: PASSWORD } })).status).toBe(401);
    expect(await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: '2002', password: temporaryPassword } })).toMatchObject({ status: 200, body: { mustChangePassword: true } });

    const disabled = await call('PATCH', `${ACCOUNTS}/2003`, 'HQ1', { active: false });
    expect(disabled).toMatchObject({ status: 200, body: { account: { active: false, signsIn: false }, temporaryPassword: null, sessionsEnded: 1 } });
    expect(disabled.headers.get('cache-control')).not.toBe('no-store');
    expect((await callDashboard(server, 'GET', '/api/me', { cookie: cookies['2003'] })).status).toBe(401);
    expect((await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: '2003', password: PASSWORD } })).status).toBe(401);
    expect(await call('PATCH', `${ACCOUNTS}/2003`, 'HQ1', { active: true })).toMatchObject({ status: 200, body: { account: { active: true, signsIn: true }, sessionsEnded: 0 } });
    expect((await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: '2003', password: PASSWORD } })).status).toBe(200);

    const invited = await call('POST', ACCOUNTS, 'HQ1', { kind: 'regional-manager', staffNumber: 'RM2', name: 'Sol Vega', regionId: SOUTH_ID });
    const rows = await readAudit(db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(rows.map((r) => [r.action, r.actor, r.role, r.verified, r.branchId, r.subject, r.detail])).toEqual([
      ['account-password', 'HQ1', 'head-office', 'dashboard-session', BRANCH_ID, '2002', { account: '2002', role: 'branch-manager', sessionsEnded: 1 }],
      ['account-edit', 'HQ1', 'head-office', 'dashboard-session', BRANCH_ID, '2003', { account: '2003', role: 'complaint-manager', active: false, sessionsEnded: 1 }],
      ['account-edit', 'HQ1', 'head-office', 'dashboard-session', BRANCH_ID, '2003', { account: '2003', role: 'complaint-manager', active: true, sessionsEnded: 0 }],
      ['account-add', 'HQ1', 'head-office', 'dashboard-session', null, 'RM2', { account: 'RM2', role: 'regional-manager', regionId: SOUTH_ID }],
    ]);
    const stored = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    expect(stored).not.toContain(temporaryPassword!);
    expect(stored).not.toContain((invited.body as AccountChange).temporaryPassword!);
  });

  it("given a regional manager, then they see and manage the roster members' accounts of their region's branches only, never head office's or a regional manager's, nor their own", async () => {
    const { call, newcomer, harbourComplaints } = await given();
    const list = (await call('GET', ACCOUNTS, 'RM1')).body as AccountList;
    expect(list.accounts.map((a) => a.staffNumber)).toEqual(['2002', '2003']);
    expect(list).toMatchObject({ mayInvite: ['roster'], regions: [], branches: [{ id: BRANCH_ID, name: 'Main Street' }] });
    expect(list.candidates.map((c) => c.staffNumber)).toEqual(['2005']);

    const refused = { status: 403, body: { code: 'forbidden' } };
    expect(await call('POST', ACCOUNTS, 'RM1', { kind: 'roster', tellerId: harbourComplaints.id })).toMatchObject(refused);
    expect(await call('POST', ACCOUNTS, 'RM1', { kind: 'head-office', staffNumber: 'HQ7', name: 'Sneaky' })).toMatchObject(refused);
    expect(await call('POST', ACCOUNTS, 'RM1', { kind: 'regional-manager', staffNumber: 'RM7', name: 'Sneaky', regionId: NORTH_ID })).toMatchObject(refused);
    expect(await call('POST', ACCOUNTS, 'RM1', { kind: 'roster', tellerId: UNKNOWN_ID })).toMatchObject(refused);
    for (const staffNumber of ['HQ1', '3003', 'RM1', 'NOPE']) {
      expect(await call('PATCH', `${ACCOUNTS}/${staffNumber}`, 'RM1', { active: false }), staffNumber).toMatchObject(refused);
      expect(await call('POST', `${ACCOUNTS}/${staffNumber}/password`, 'RM1', {}), staffNumber).toMatchObject(refused);
    }

    expect(await call('POST', ACCOUNTS, 'RM1', { kind: 'roster', tellerId: newcomer.id })).toMatchObject({ status: 200, body: { account: { staffNumber: '2005', role: 'complaint-manager' } } });
    expect(await call('POST', `${ACCOUNTS}/2002/password`, 'RM1', {})).toMatchObject({ status: 200, body: { account: { staffNumber: '2002' }, sessionsEnded: 1 } });
    expect(await call('PATCH', `${ACCOUNTS}/2003`, 'RM1', { active: false })).toMatchObject({ status: 200, body: { account: { active: false } } });
  });

  it("given a branch manager, then they manage their own branch's complaint managers' accounts only; a complaint manager manages none", async () => {
    const { server, call, newcomer, harbourComplaints } = await given();
    const list = (await call('GET', ACCOUNTS, '2002')).body as AccountList;
    expect(list.accounts.map((a) => a.staffNumber)).toEqual(['2003']);
    expect(list).toMatchObject({ mayInvite: ['roster'], regions: [], branches: [{ id: BRANCH_ID, name: 'Main Street' }] });
    expect(list.candidates.map((c) => c.staffNumber)).toEqual(['2005']);

    const refused = { status: 403, body: { code: 'forbidden' } };
    // A complaint manager's role sees no reports: no accounts either; nobody signed out sees anything.
    expect(await call('GET', ACCOUNTS, '2003')).toMatchObject(refused);
    expect(await call('POST', ACCOUNTS, '2003', { kind: 'roster', tellerId: newcomer.id })).toMatchObject(refused);
    expect(await callDashboard(server, 'GET', ACCOUNTS)).toMatchObject({ status: 401 });
    expect(await call('POST', ACCOUNTS, '2002', { kind: 'roster', tellerId: harbourComplaints.id })).toMatchObject(refused);
    expect(await call('POST', ACCOUNTS, '2002', { kind: 'head-office', staffNumber: 'HQ7', name: 'Sneaky' })).toMatchObject(refused);
    for (const staffNumber of ['HQ1', 'RM1', '3003', '2002', 'NOPE']) {
      expect(await call('PATCH', `${ACCOUNTS}/${staffNumber}`, '2002', { active: false }), staffNumber).toMatchObject(refused);
      expect(await call('POST', `${ACCOUNTS}/${staffNumber}/password`, '2002', {}), staffNumber).toMatchObject(refused);
    }
    expect(await call('POST', ACCOUNTS, '2002', { kind: 'roster', tellerId: newcomer.id })).toMatchObject({ status: 200, body: { account: { staffNumber: '2005' } } });
    expect(await call('POST', `${ACCOUNTS}/2003/password`, '2002', {})).toMatchObject({ status: 200, body: { sessionsEnded: 1 } });

  });
  it("given a branch manager who puts a staff number taken elsewhere on their roster, then inviting it says only that it cannot be theirs: no one else's account is named", async () => {
    const { db, call } = await given();
    // HQ1 is head office's; 3003 has an account in another region's branch.
    for (const staffNumber of ['HQ1', '3003']) {
      const twin = await givenTeller(database.current, { staffNumber, name: `Twin ${staffNumber}`, role: 'complaint-manager' });
      const answer = await call('POST', ACCOUNTS, '2002', { kind: 'roster', tellerId: twin.id });
      expect(answer).toMatchObject({ status: 409, body: { code: 'conflict', message: 'This staff number cannot have a dashboard account of yours; ask head office.' } });
      expect(JSON.stringify(answer.body)).not.toMatch(/Ana Ruiz|Wong Tai/);
    }
    // Head office, who sees every account, is told whose.
    const [twin] = (await db.selectFrom('tellers').select('id').where('staff_number', '=', 'HQ1').execute()).map((r) => r.id);
    expect(await call('POST', ACCOUNTS, 'HQ1', { kind: 'roster', tellerId: twin })).toMatchObject({ status: 409, body: { message: expect.stringContaining('(Ana Ruiz)') } });
    expect((await readAudit(db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 })).filter((r) => r.action === 'account-add')).toEqual([]);
  });
  it('given a member with a dashboard account taken off the roster, then their sessions end with it: put back, they sign in again', async () => {
    const { db, call } = await given();
    const [member] = await db.selectFrom('tellers').select('id').where('staff_number', '=', '2003').execute();
    const sessionsOf2003 = async () => (await db.selectFrom('sessions').select('staff_number').where('staff_number', '=', '2003').execute()).length;
    expect(await sessionsOf2003()).toBe(1);
    expect(await call('PATCH', `/api/manage/staff/${member!.id}`, 'HQ1', { active: false })).toMatchObject({ status: 200 });
    expect(await sessionsOf2003()).toBe(0);
    expect(await call('PATCH', `/api/manage/staff/${member!.id}`, 'HQ1', { active: true })).toMatchObject({ status: 200 });
    expect(await call('GET', '/api/me', '2003')).toMatchObject({ status: 401 });
  });
});
