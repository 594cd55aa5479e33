import { expect, it } from 'vitest';
import type { StaffChange, StaffList } from '../../../src/domain/manage.ts';
import { verifyPin } from '../../../src/domain/pin.ts';
import { MANAGER_PIN_MIN_DIGITS } from '../../../src/domain/staff-session.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { deviceConfigFor } from '../../../src/server/services/device-config.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { givenBranchWithCounter, givenTeller, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';

/** The device a configuration is read for here: its id matters only to a counter's visit key, while a survey runs. */
const DEVICE = '0190a0b0-0000-7000-8000-0000000000de';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const staffOf = (branchId: string) => `/api/manage/branches/${branchId}/staff`;
const NEW_TELLER = { staffNumber: '1050', name: 'Sam Wong', role: 'teller', stars: 3 };

describeEachDatabase("a branch's staff on the dashboard", (kind) => {
  const database = useTestDatabase(kind);

  /** Main Street (teller 1001 Mei Chen, manager 2002 Li Wei, complaint manager 2003 Ho Yan); Harbour Road (teller 3001); head office HQ1. */
  async function given() {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const harbour = await addBranch(db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const harbourTeller = await givenTeller(database.current, { branchId: OTHER_BRANCH_ID, staffNumber: '3001', name: 'Kit Lau' });
    const manager = await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' });
    await givenRosterAccount(database.current, manager);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2003', name: 'Ho Yan', role: 'complaint-manager' }));
    await givenHeadOfficeAccount(database.current);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies = { hq: await signedIn(server, 'HQ1'), manager: await signedIn(server, '2002'), complaints: await signedIn(server, '2003') };
    type As = keyof typeof cookies;
    const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, as: As, body?: unknown) =>
      callDashboard(server, method, path, { cookie: cookies[as], body });
    const version = async (branchId = BRANCH_ID) => (await deviceConfigFor(db, { id: DEVICE, mode: 'counter', branchId, counterId: branchId === BRANCH_ID ? COUNTER_ID : null }, SERVER_NOW)).version;
    return { db, server, call, manager, harbourTeller, version };
  }

  it('given head office, when it lists, adds, edits and resets a PIN, then the roster changes, each PIN is answered once with no-store and verifies against the stored hash, and a counter tablet pulls the change', async () => {
    const { db, server, call, version } = await given();
    expect(routesOf(server.app).filter((r) => r.includes('/api/manage/') && /\/staff(\/|$)/.test(r))).toEqual([
      'GET /api/manage/branches/:branchId/staff',
      'PATCH /api/manage/staff/:tellerId',
      'POST /api/manage/branches/:branchId/staff',
      'POST /api/manage/staff/:tellerId/pin',
      'PUT /api/manage/staff/:tellerId/photo',
    ]);

    const list = await call('GET', staffOf(BRANCH_ID), 'hq');
    expect(list.status).toBe(200);
    const roster = list.body as StaffList;
    expect(roster.branch).toEqual({ id: BRANCH_ID, name: 'Main Street' });
    expect(roster.staff.map((m) => [m.staffNumber, m.name, m.role, m.stars, m.active, m.hasPhoto])).toEqual([
      ['1001', 'Mei Chen', 'teller', 4, true, false],
      ['2002', 'Li Wei', 'branch-manager', 3, true, false],
      ['2003', 'Ho Yan', 'complaint-manager', 3, true, false],
    ]);
    expect(JSON.stringify(roster)).not.toMatch(/salt|hash|iterations|pin/i);

    const before = await version();
    const added = await call('POST', staffOf(BRANCH_ID), 'hq', NEW_TELLER);
    expect(added.status).toBe(200);
    expect(added.headers.get('cache-control')).toBe('no-store');
    const { member, pin } = added.body as StaffChange;
    expect(member).toMatchObject({ staffNumber: '1050', name: 'Sam Wong', role: 'teller', stars: 3, active: true, hasPhoto: false, branchId: BRANCH_ID });
    expect(pin).toMatch(/^\d{4}$/);
    const stored = await findTeller(db, member.id);
    expect(await verifyPin(pin!, stored!.pin)).toBe(true);
    expect(await version()).toBeGreaterThan(before);
    const config = await deviceConfigFor(db, { id: DEVICE, mode: 'counter', branchId: BRANCH_ID, counterId: COUNTER_ID }, SERVER_NOW);
    const onTablet = config.tellers.find((t) => t.id === member.id);
    expect(onTablet).toMatchObject({ staffNumber: '1050', name: 'Sam Wong', stars: 3 });
    expect(await verifyPin(pin!, onTablet!.pin!)).toBe(true);

    const edited = await call('PATCH', `/api/manage/staff/${member.id}`, 'hq', { name: 'Samuel Wong', stars: 5 });
    expect(edited).toMatchObject({ status: 200, body: { member: { name: 'Samuel Wong', stars: 5 }, pin: null } });
    expect((await deviceConfigFor(db, { id: DEVICE, mode: 'counter', branchId: BRANCH_ID, counterId: COUNTER_ID }, SERVER_NOW)).tellers.find((t) => t.id === member.id)).toMatchObject({
      name: 'Samuel Wong',
      stars: 5,
    });

    const reset = await call('POST', `/api/manage/staff/${member.id}/pin`, 'hq', {});
    expect(reset.status).toBe(200);
    expect(reset.headers.get('cache-control')).toBe('no-store');
    const newPin = (reset.body as StaffChange).pin!;
    const rehashed = (await findTeller(db, member.id))!.pin;
    expect(await verifyPin(newPin, rehashed)).toBe(true);
    expect(rehashed).not.toEqual(stored!.pin);

    // Head office makes a branch manager: the role wants a longer PIN, made and answered once.
    const promoted = await call('PATCH', `/api/manage/staff/${member.id}`, 'hq', { role: 'branch-manager' });
    expect(promoted).toMatchObject({ status: 200, body: { member: { role: 'branch-manager' } } });
    const managerPin = (promoted.body as StaffChange).pin!;
    expect(managerPin).toHaveLength(MANAGER_PIN_MIN_DIGITS);
    expect(await verifyPin(managerPin, (await findTeller(db, member.id))!.pin)).toBe(true);

    // Deactivated: off the tablets' roster at the next pull.
    expect(await call('PATCH', `/api/manage/staff/${member.id}`, 'hq', { active: false })).toMatchObject({ status: 200, body: { member: { active: false } } });
    expect((await deviceConfigFor(db, { id: DEVICE, mode: 'counter', branchId: BRANCH_ID, counterId: COUNTER_ID }, SERVER_NOW)).tellers.map((t) => t.id)).not.toContain(member.id);
  });

  it('given a branch manager, then they manage their own branch only, cannot make or unmake a branch manager, nor change their own role or deactivate themselves', async () => {
    const { call, manager, harbourTeller } = await given();
    // A co-manager of the branch is head office's: no new PIN, edit or photo from a peer.
    const coManager = await givenTeller(database.current, { staffNumber: '2004', name: 'Chan Ming', role: 'branch-manager' });
    const peer = { status: 403, body: { code: 'forbidden', message: expect.stringContaining('head office') } };
    expect(await call('POST', `/api/manage/staff/${coManager.id}/pin`, 'manager', {})).toMatchObject(peer);
    expect(await call('PATCH', `/api/manage/staff/${coManager.id}`, 'manager', { active: false })).toMatchObject(peer);
    expect(await call('PUT', `/api/manage/staff/${coManager.id}/photo`, 'manager', { photo: null })).toMatchObject(peer);
    expect((await call('POST', `/api/manage/staff/${coManager.id}/pin`, 'hq', {})).status).toBe(200);
    // Their own PIN they may renew.
    expect((await call('POST', `/api/manage/staff/${manager.id}/pin`, 'manager', {})).status).toBe(200);

    expect((await call('GET', staffOf(BRANCH_ID), 'manager')).status).toBe(200);
    const added = await call('POST', staffOf(BRANCH_ID), 'manager', NEW_TELLER);
    expect(added.status).toBe(200);
    const { member } = added.body as StaffChange;
    expect(await call('PATCH', `/api/manage/staff/${member.id}`, 'manager', { stars: 2, role: 'teller' })).toMatchObject({ status: 200 });
    expect((await call('POST', `/api/manage/staff/${member.id}/pin`, 'manager', {})).status).toBe(200);

    const forbidden = { status: 403, body: { code: 'forbidden' } };
    expect(await call('POST', staffOf(BRANCH_ID), 'manager', { ...NEW_TELLER, staffNumber: '1051', role: 'branch-manager' })).toMatchObject(forbidden);
    expect(await call('PATCH', `/api/manage/staff/${member.id}`, 'manager', { role: 'branch-manager' })).toMatchObject(forbidden);
    expect(await call('PATCH', `/api/manage/staff/${manager.id}`, 'manager', { role: 'teller' })).toMatchObject(forbidden);
    expect(await call('PATCH', `/api/manage/staff/${manager.id}`, 'manager', { active: false })).toMatchObject({ status: 403, body: { message: expect.stringContaining('yourself') } });
    // Their own name and stars they may change.
    expect(await call('PATCH', `/api/manage/staff/${manager.id}`, 'manager', { name: 'Li Wei (Manager)' })).toMatchObject({ status: 200 });

    // Another branch, or an id that does not exist: 403 alike, so nothing can be probed.
    expect(await call('GET', staffOf(OTHER_BRANCH_ID), 'manager')).toMatchObject(forbidden);
    expect(await call('POST', staffOf(OTHER_BRANCH_ID), 'manager', NEW_TELLER)).toMatchObject(forbidden);
    expect(await call('PATCH', `/api/manage/staff/${harbourTeller.id}`, 'manager', { stars: 1 })).toMatchObject(forbidden);
    expect(await call('POST', `/api/manage/staff/${harbourTeller.id}/pin`, 'manager', {})).toMatchObject(forbidden);
    expect(await call('PATCH', `/api/manage/staff/${UNKNOWN_ID}`, 'manager', { stars: 1 })).toMatchObject(forbidden);
    expect(await call('GET', staffOf(UNKNOWN_ID), 'manager')).toMatchObject(forbidden);
  });

  it('given a complaint manager, an unknown branch or member, or bad input, then 403, 404 or 400 with a message, and nothing changes', async () => {
    const { db, call, version } = await given();
    const before = await version();
    const forbidden = { status: 403, body: { code: 'forbidden' } };
    expect(await call('GET', staffOf(BRANCH_ID), 'complaints')).toMatchObject(forbidden);
    expect(await call('POST', staffOf(BRANCH_ID), 'complaints', NEW_TELLER)).toMatchObject(forbidden);
    expect(await call('POST', `/api/manage/staff/${TELLER_ID}/pin`, 'complaints', {})).toMatchObject(forbidden);

    expect(await call('GET', staffOf(UNKNOWN_ID), 'hq')).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('PATCH', `/api/manage/staff/${UNKNOWN_ID}`, 'hq', { stars: 1 })).toMatchObject({ status: 404, body: { code: 'not-found' } });

    const bad = (message: RegExp) => ({ status: 400, body: { code: 'bad-request', message: expect.stringMatching(message) } });
    expect(await call('POST', staffOf(BRANCH_ID), 'hq', { ...NEW_TELLER, staffNumber: 'no spaces' })).toMatchObject(bad(/staffNumber: must be 1 to 20/));
    expect(await call('POST', staffOf(BRANCH_ID), 'hq', { ...NEW_TELLER, name: '  ' })).toMatchObject(bad(/name: must not be empty/));
    expect(await call('POST', staffOf(BRANCH_ID), 'hq', { ...NEW_TELLER, stars: 9 })).toMatchObject(bad(/stars: must be 1 to 5/));
    expect(await call('POST', staffOf(BRANCH_ID), 'hq', { ...NEW_TELLER, role: 'boss' })).toMatchObject(bad(/role: must be one of/));
    expect(await call('POST', staffOf(BRANCH_ID), 'hq', { ...NEW_TELLER, pin: '1234' })).toMatchObject(bad(/pin/));
    expect(await call('POST', staffOf(BRANCH_ID), 'hq', { ...NEW_TELLER, staffNumber: '1001' })).toMatchObject(bad(/already Mei Chen/));
    expect(await call('PATCH', `/api/manage/staff/${TELLER_ID}`, 'hq', {})).toMatchObject(bad(/nothing to change/));
    expect(await call('PATCH', `/api/manage/staff/${TELLER_ID}`, 'hq', { active: 'no' })).toMatchObject(bad(/active: must be true or false/));
    expect(await call('PATCH', '/api/manage/staff/not-an-id', 'hq', { stars: 2 })).toMatchObject({ status: 400 });
    expect(await call('POST', `/api/manage/staff/${TELLER_ID}/pin`, 'hq', { pin: '1234' })).toMatchObject({ status: 400 });
    expect(await call('PUT', `/api/manage/staff/${TELLER_ID}/photo`, 'hq', { photo: 'data:image/png;base64,AAAA' })).toMatchObject(bad(/photo: the image is not a JPEG, PNG or WebP/));
    expect(await call('PUT', `/api/manage/staff/${TELLER_ID}/photo`, 'hq', { photo: 'https://example.com/me.png' })).toMatchObject(bad(/photo: must be a JPEG, PNG or WebP data URL/));

    expect(await version()).toBe(before);
    expect(await db.selectFrom('audit_log').selectAll().execute()).toEqual([]);
  });

  it('given a photo, then it is set and removed, shown as a yes or no on the roster and carried to counter tablets', async () => {
    const { db, call } = await given();
    // The smallest PNG: a 1×1 pixel.
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    expect(await call('PUT', `/api/manage/staff/${TELLER_ID}/photo`, 'hq', { photo: png })).toMatchObject({ status: 200, body: { member: { hasPhoto: true }, pin: null } });
    expect((await findTeller(db, TELLER_ID))!.photo).toBe(png);
    expect(await call('PUT', `/api/manage/staff/${TELLER_ID}/photo`, 'hq', { photo: png.replace('image/png', 'image/jpeg') })).toMatchObject({ status: 400 });
    expect(await call('PUT', `/api/manage/staff/${TELLER_ID}/photo`, 'manager', { photo: null })).toMatchObject({ status: 200, body: { member: { hasPhoto: false } } });
    expect((await findTeller(db, TELLER_ID))!.photo).toBeNull();
  });

  it('given staff changes, then each is in the audit log with who did it, and no PIN is anywhere in it', async () => {
    const { db, call } = await given();
    const added = (await call('POST', staffOf(BRANCH_ID), 'hq', NEW_TELLER)).body as StaffChange;
    await call('PATCH', `/api/manage/staff/${added.member.id}`, 'manager', { active: false });
    const reset = (await call('POST', `/api/manage/staff/${added.member.id}/pin`, 'manager', {})).body as StaffChange;

    const rows = await readAudit(db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(rows.map((r) => [r.action, r.actor, r.role, r.verified, r.branchId, r.subject])).toEqual([
      ['staff-add', 'HQ1', 'head-office', 'dashboard-session', BRANCH_ID, added.member.id],
      ['staff-edit', '2002', 'branch-manager', 'dashboard-session', BRANCH_ID, added.member.id],
      ['staff-pin', '2002', 'branch-manager', 'dashboard-session', BRANCH_ID, added.member.id],
    ]);
    expect(rows[1]!.detail).toMatchObject({ changed: ['active'], active: false, newPin: false });
    const stored = JSON.stringify(await db.selectFrom('audit_log').selectAll().execute());
    expect(stored).not.toContain(`"${added.pin}"`);
    expect(stored).not.toContain(`"${reset.pin}"`);
    expect(stored).not.toMatch(/"pin"\s*:/);
  });
});
