import { expect, it } from 'vitest';
import { enrollmentCodeInFragment } from '../../../src/domain/enrollment-link.ts';
import type { EnrollmentSheet } from '../../../src/domain/manage.ts';
import type { EnrollResponse } from '../../../src/domain/wire.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { DEFAULT_CODE_HOURS, enrollDevice } from '../../../src/server/services/enrollment.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { callApi, givenBranchWithCounter, givenTeller, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const SECOND_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c3';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const codesOf = (branchId: string) => `/api/manage/branches/${branchId}/enrollment-codes`;

describeEachDatabase("a branch's enrollment sheet on the dashboard", (kind) => {
  const database = useTestDatabase(kind);

  /**
   * Main Street (the builders' branch: Window 3, and Window 4 added here; its manager 2002 and
   * complaint manager 2003) and Harbour Road (Window 1); head office HQ1.
   */
  async function given() {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const second = await addCounter(db, { id: SECOND_COUNTER_ID, branchId: BRANCH_ID, name: 'Window 4' }, SERVER_NOW + 1);
    if (!second.ok) throw new Error(second.message);
    const harbour = await addBranch(db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const counter = await addCounter(db, { id: OTHER_COUNTER_ID, branchId: OTHER_BRANCH_ID, name: 'Window 1' }, SERVER_NOW);
    if (!counter.ok) throw new Error(counter.message);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2003', name: 'Ho Yan', role: 'complaint-manager' }));
    await givenHeadOfficeAccount(database.current);
    await givenHeadOfficeAccount(database.current, 'HQ2', 'Pat Lee', { mustChangePassword: true });
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies = {
      hq: await signedIn(server, 'HQ1'),
      manager: await signedIn(server, '2002'),
      complaints: await signedIn(server, '2003'),
      newcomer: await signedIn(server, 'HQ2'),
    };
    const make = (branchId: string, as: keyof typeof cookies | null, body: unknown = {}) =>
      callDashboard(server, 'POST', codesOf(branchId), { cookie: as === null ? undefined : cookies[as], body });
    return { db, server, make };
  }

  it('given head office, when it makes the codes of each branch, then every counter and the lobby get a fresh code with its link at the dashboard\'s address and its QR code, valid for 24 hours', async () => {
    const { server, make } = await given();
    expect(routesOf(server.app).filter((r) => r.includes('/enrollment-codes'))).toEqual(['POST /api/manage/branches/:branchId/enrollment-codes']);

    const answer = await make(BRANCH_ID, 'hq');

    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const sheet = answer.body as EnrollmentSheet;
    expect(sheet.branch).toEqual({ id: BRANCH_ID, name: 'Main Street' });
    expect(sheet.expiresAt).toBe(SERVER_NOW + DEFAULT_CODE_HOURS * 3_600_000);
    expect(sheet.codes.map((c) => [c.mode, c.counterId, c.place])).toEqual([
      ['counter', COUNTER_ID, 'Window 3'],
      ['counter', SECOND_COUNTER_ID, 'Window 4'],
      ['lobby', null, null],
    ]);
    for (const code of sheet.codes) {
      expect(code.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      expect(code.link).toBe(`${server.baseUrl}/#enroll=${code.code}`);
      expect(enrollmentCodeInFragment(new URL(code.link).hash)).toBe(code.code);
      expect(code.qrSvg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
      expect(code.qrSvg.trimEnd()).toMatch(/<\/svg>$/);
      expect(code.qrSvg).toContain(code.code);
    }
    expect(new Set(sheet.codes.map((c) => c.code)).size).toBe(3);

    const harbour = await make(OTHER_BRANCH_ID, 'hq', { confirm: true });
    expect(harbour.status).toBe(200);
    expect((harbour.body as EnrollmentSheet).codes.map((c) => [c.mode, c.place])).toEqual([['counter', 'Window 1'], ['lobby', null]]);
  });

  it('given the codes of a sheet, then each enrolls one tablet at its own place, once: by the service and over POST /api/enroll', async () => {
    const { db, server, make } = await given();
    const sheet = (await make(BRANCH_ID, 'manager')).body as EnrollmentSheet;
    const [window3, window4, lobby] = sheet.codes;

    const byService = await enrollDevice(db, { code: window3!.code }, SERVER_NOW + 60_000);
    expect(byService.ok && byService.value.mode).toBe('counter');
    expect(byService.ok && byService.value.config.counter?.id).toBe(COUNTER_ID);

    const overHttp = await callApi(server, 'POST', '/api/enroll', { body: { code: window4!.code.toLowerCase() } });
    expect(overHttp.status).toBe(200);
    expect((overHttp.body as EnrollResponse).config).toMatchObject({ branch: { id: BRANCH_ID }, counter: { id: SECOND_COUNTER_ID } });

    const lobbyTablet = await enrollDevice(db, { code: lobby!.code }, SERVER_NOW + 60_000);
    expect(lobbyTablet.ok && [lobbyTablet.value.mode, lobbyTablet.value.config.branch.id]).toEqual(['lobby', BRANCH_ID]);

    // Once each.
    expect(await enrollDevice(db, { code: window3!.code }, SERVER_NOW + 120_000)).toMatchObject({ ok: false, reason: 'enrollment-code-invalid' });
    const devices = await db.selectFrom('devices').select(['counter_id', 'mode']).orderBy('enrolled_at').execute();
    expect(devices.map((d) => [d.mode, d.counter_id]).sort()).toEqual([['counter', COUNTER_ID], ['counter', SECOND_COUNTER_ID], ['lobby', null]]);
  });

  it("given the codes were made, then the audit log names who made them, for which branch and how many, and never holds a code or a link", async () => {
    const { db, make } = await given();
    const sheet = (await make(BRANCH_ID, 'hq')).body as EnrollmentSheet;

    const rows = await readAudit(db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'enrollment-codes',
      actor: 'HQ1',
      role: 'head-office',
      verified: 'dashboard-session',
      address: '127.0.0.1',
      branchId: BRANCH_ID,
      detail: { counters: 2, lobby: 1, codes: 3 },
    });
    const stored = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    for (const code of sheet.codes) {
      expect(stored).not.toContain(code.code);
      expect(stored).not.toContain(code.code.replace('-', ''));
    }
  });

  it('given a branch manager, a complaint manager, no session, a password still to change or an unknown branch, then only what they may do is done, and nothing else is made', async () => {
    const { db, make } = await given();

    expect(await make(OTHER_BRANCH_ID, 'manager')).toMatchObject({ status: 403, body: { code: 'forbidden', message: expect.stringContaining('own branch') } });
    expect(await make(BRANCH_ID, 'complaints')).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await make(BRANCH_ID, null)).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(await make(BRANCH_ID, 'newcomer')).toMatchObject({ status: 403, body: { code: 'password-change-required' } });
    expect(await make(UNKNOWN_ID, 'hq')).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await make(UNKNOWN_ID, 'manager')).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await make('not-a-uuid', 'hq')).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    expect(await make(BRANCH_ID, 'hq', { confirm: false })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    expect(await make(BRANCH_ID, 'hq', { hours: 100 })).toMatchObject({ status: 400, body: { code: 'bad-request' } });

    expect(await db.selectFrom('enrollment_codes').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('audit_log').selectAll().execute()).toEqual([]);

    expect((await make(BRANCH_ID, 'manager')).status).toBe(200);
    expect(await db.selectFrom('enrollment_codes').selectAll().execute()).toHaveLength(3);
  });
});
