import { expect, it } from 'vitest';
import * as v from 'valibot';
import { StaffSessionGrantSchema } from '../../../src/domain/staff-session.ts';
import type { DeviceConfig } from '../../../src/domain/config.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { PIN_CHANGE_FIRST } from '../../../src/server/services/staff-sessions.ts';
import { editTeller } from '../../../src/server/services/tellers.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callApi, givenBranchWithCounter, givenEnrolledDevice, givenEnrolledLobby, givenTeller, SERVER_NOW, startTestServer, TELLER_PIN, useTestDatabase } from '../fixtures.ts';

const ONE_TIME = '4711';
const MANAGER_ONE_TIME = '471100';
const OTHER_BRANCH = { branchId: '0195f3a0-0000-7000-8000-00000000b002', counterId: '0195f3a0-0000-7000-8000-00000000c002', tellerId: '0195f3a0-0000-7000-8000-00000000d002' };

/**
 * One-time PINs (decision 0021) through the real routes: a PIN the server made or an admin set
 * signs in once, says so, and is replaced by its owner's own with the device token and the
 * staff session opened with it; the new hash reaches the branch's tablets with the config.
 */
describeEachDatabase('one-time staff PINs', (kind) => {
  const database = useTestDatabase(kind);

  async function given(attemptLimits: { pinByDevice?: { max: number; windowMs: number } } = {}) {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const newcomer = await givenTeller(database.current, { staffNumber: '1005', name: 'Li Na', pin: ONE_TIME, oneTime: true });
    const manager = await givenTeller(database.current, { staffNumber: '3009', name: 'Ana Ortega', pin: MANAGER_ONE_TIME, role: 'complaint-manager', oneTime: true });
    await givenBranchWithCounter(database.current, OTHER_BRANCH);
    const [counter, lobby, otherCounter] = [await givenEnrolledDevice(database.current), await givenEnrolledLobby(database.current), await givenEnrolledDevice(database.current, OTHER_BRANCH.counterId)];
    const server = await startTestServer({ db, now: () => SERVER_NOW, attemptLimits });
    const signIn = (token: string, staffNumber: string, pin: string) => callApi(server, 'POST', '/api/staff-session', { token, body: { staffNumber, pin, deviceTime: SERVER_NOW } });
    const sessionOf = async (token: string, staffNumber: string, pin: string) => {
      const answer = await signIn(token, staffNumber, pin);
      expect(answer.status).toBe(200);
      const grant = v.parse(StaffSessionGrantSchema, answer.body);
      return { grant, header: { 'x-staff-session': `${grant.sessionId}.${grant.key}` } };
    };
    const change = (token: string, headers: Record<string, string>, body: unknown) => callApi(server, 'POST', '/api/staff-session/pin', { token, headers, body });
    const config = async (token: string) => (await callApi(server, 'GET', '/api/sync/config', { token })).body as DeviceConfig;
    const version = async () => (await findBranch(db, BRANCH_ID))!.configVersion;
    return { db, server, newcomer, manager, counter, lobby, otherCounter, signIn, sessionOf, change, config, version };
  }

  it('given a one-time PIN, then sign-in says so, the change is stored with the flag cleared, the config bumped and carrying the new hash, the act audited, and the old PIN refused', async () => {
    const { db, newcomer, counter, signIn, sessionOf, change, config, version } = await given();
    const before = await config(counter.token);
    expect(before.tellers.find((t) => t.id === newcomer.id)).toMatchObject({ pinMustChange: true });
    // Established staff carry no flag at all.
    expect(before.tellers.find((t) => t.staffNumber === '1001')).not.toHaveProperty('pinMustChange');

    const { grant, header } = await sessionOf(counter.token, '1005', ONE_TIME);
    expect(grant.pinMustChange).toBe(true);
    const versionBefore = await version();
    expect(await change(counter.token, header, { currentPin: ONE_TIME, newPin: '8642' })).toMatchObject({ status: 204 });

    expect((await findTeller(db, newcomer.id))!.pinMustChange).toBe(false);
    expect(await version()).toBe(versionBefore + 1);
    const after = await config(counter.token);
    expect(after.version).toBe(versionBefore + 1);
    const entry = after.tellers.find((t) => t.id === newcomer.id)!;
    expect(entry).not.toHaveProperty('pinMustChange');
    expect(entry.pin).not.toEqual(before.tellers.find((t) => t.id === newcomer.id)!.pin);
    const audit = await readAudit(db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 10 });
    expect(audit.map((r) => ({ action: r.action, actor: r.actor, role: r.role, verified: r.verified, deviceId: r.deviceId, branchId: r.branchId, subject: r.subject, detail: r.detail }))).toEqual([
      { action: 'staff-pin-change', actor: newcomer.id, role: 'teller', verified: 'staff-session', deviceId: counter.deviceId, branchId: BRANCH_ID, subject: newcomer.id, detail: { wasOneTime: true } },
    ]);
    // Neither PIN is in what was stored.
    expect(JSON.stringify(await db.selectFrom('audit_log').selectAll().execute())).not.toMatch(/8642|4711/);

    expect(await signIn(counter.token, '1005', ONE_TIME)).toMatchObject({ status: 401, body: { code: 'staff-credentials-invalid' } });
    const again = await signIn(counter.token, '1005', '8642');
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('pinMustChange');
  });

  it('given a session opened with a one-time PIN, then the server does nothing in it but the change, whatever the tablet asks', async () => {
    const { server, lobby, sessionOf, change } = await given();
    const review = (headers: Record<string, string>) => callApi(server, 'GET', `/api/review?since=${SERVER_NOW - 86_400_000}`, { token: lobby.token, headers });
    const { header } = await sessionOf(lobby.token, '3009', MANAGER_ONE_TIME);
    // A tablet that skipped the choose-PIN screen (a teller's devtools) gets the customers' words no sooner.
    expect(await review(header)).toMatchObject({ status: 403, body: { code: 'staff-session-required', message: PIN_CHANGE_FIRST } });
    expect(await change(lobby.token, header, { currentPin: MANAGER_ONE_TIME, newPin: '864213' })).toMatchObject({ status: 204 });
    expect((await review(header)).status).toBe(200);
  });

  it('given a PIN an admin sets again, then it is one-time again', async () => {
    const { db, newcomer, counter, sessionOf, change } = await given();
    const { header } = await sessionOf(counter.token, '1005', ONE_TIME);
    expect((await change(counter.token, header, { currentPin: ONE_TIME, newPin: '8642' })).status).toBe(204);
    expect((await editTeller(db, newcomer.id, { pin: '9753' })).ok).toBe(true);
    expect((await findTeller(db, newcomer.id))!.pinMustChange).toBe(true);
    // A name change alone leaves the flag as it is.
    expect((await editTeller(db, newcomer.id, { name: 'Li Na Wong' })).ok).toBe(true);
    expect((await findTeller(db, newcomer.id))!.pinMustChange).toBe(true);
  });

  it('given a new PIN against the rules, then each is a 400 naming newPin and nothing changes', async () => {
    const { db, newcomer, manager, counter, lobby, sessionOf, change, version } = await given();
    const { header } = await sessionOf(counter.token, '1005', ONE_TIME);
    const versionBefore = await version();
    expect(await change(counter.token, header, { currentPin: ONE_TIME, newPin: '12' })).toMatchObject({ status: 400, body: { code: 'bad-request', message: 'newPin: must be 4 to 8 digits' } });
    expect(await change(counter.token, header, { currentPin: ONE_TIME, newPin: '12ab' })).toMatchObject({ status: 400, body: { message: 'newPin: must be 4 to 8 digits' } });
    expect(await change(counter.token, header, { currentPin: ONE_TIME, newPin: ONE_TIME })).toMatchObject({ status: 400, body: { message: 'newPin: must not be the one-time PIN: someone else knows it' } });
    expect(await change(counter.token, header, { currentPin: ONE_TIME, newPin: '8642', extra: 1 })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
    const managerSession = await sessionOf(lobby.token, '3009', MANAGER_ONE_TIME);
    expect(await change(lobby.token, managerSession.header, { currentPin: MANAGER_ONE_TIME, newPin: '8642' })).toMatchObject({ status: 400, body: { message: "newPin: a manager's PIN must be 6 to 8 digits" } });
    expect((await findTeller(db, newcomer.id))!.pinMustChange).toBe(true);
    expect((await findTeller(db, manager.id))!.pinMustChange).toBe(true);
    expect(await version()).toBe(versionBefore);
    expect(await change(lobby.token, managerSession.header, { currentPin: MANAGER_ONE_TIME, newPin: '864200' })).toMatchObject({ status: 204 });
  });

  it('given a wrong current PIN, then it is refused and counted with the tablet\'s other wrong PINs, until the tablet waits', async () => {
    const { counter, signIn, sessionOf, change } = await given({ pinByDevice: { max: 3, windowMs: 15 * 60_000 } });
    const { header } = await sessionOf(counter.token, '1005', ONE_TIME);
    for (let i = 0; i < 3; i++) {
      expect(await change(counter.token, header, { currentPin: '0000', newPin: '8642' })).toMatchObject({ status: 401, body: { code: 'staff-credentials-invalid', message: 'currentPin: is not the PIN of the member of staff signed in.' } });
    }
    // The tablet's PIN allowance is used up: the right PIN, and a sign-in, wait.
    expect(await change(counter.token, header, { currentPin: ONE_TIME, newPin: '8642' })).toMatchObject({ status: 429, body: { code: 'rate-limited' } });
    expect(await signIn(counter.token, '1001', TELLER_PIN)).toMatchObject({ status: 429 });
  });

  it('given no session, another tablet, or a tablet of another branch, then the change is refused and nothing changes', async () => {
    const { db, newcomer, counter, lobby, otherCounter, signIn, sessionOf, change } = await given();
    const { header } = await sessionOf(counter.token, '1005', ONE_TIME);
    const body = { currentPin: ONE_TIME, newPin: '8642' };
    expect(await change(counter.token, {}, body)).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    // The session is bound to the tablet it was opened on: neither another of the branch nor one of another branch may use it.
    expect(await change(lobby.token, header, body)).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    expect(await change(otherCounter.token, header, body)).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    // Another branch's tablet cannot open a session for this branch's member either.
    expect(await signIn(otherCounter.token, '1005', ONE_TIME)).toMatchObject({ status: 401 });
    expect(await change('not-a-token', header, body)).toMatchObject({ status: 401 });
    expect((await findTeller(db, newcomer.id))!.pinMustChange).toBe(true);
  });

  it('given a session signed out, then its header changes nothing', async () => {
    const { db, newcomer, counter, server, sessionOf, change } = await given();
    const { header } = await sessionOf(counter.token, '1005', ONE_TIME);
    expect((await callApi(server, 'DELETE', '/api/staff-session', { token: counter.token, headers: header })).status).toBe(204);
    expect(await change(counter.token, header, { currentPin: ONE_TIME, newPin: '8642' })).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    expect((await findTeller(db, newcomer.id))!.pinMustChange).toBe(true);
  });
});
