import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { referenceCode } from '../../../src/domain/opinion.ts';
import type { StaffSessionGrant } from '../../../src/domain/staff-session.ts';
import { PROTOCOL_VERSION, type EnrollResponse, type PushResponse, type RotateTokenResponse } from '../../../src/domain/wire.ts';
import { aCaseEvent, aCaseId } from '../../builders/case-event.ts';
import { anOpinion, aRating, aShiftEvent } from '../../builders/rating.ts';
import { firstRunFileOf } from '../../../src/server/first-run-file.ts';
import { exited, firstRunOf, lobbyEnrollmentCodeOf, ROOT, runTsx, waitForOutput } from '../process.ts';

/**
 * The server's logs never hold a secret (decision 0011): the real process, as `npm start` runs it
 * (scripts/start.mjs), logging at trace, through a whole day: tablets enrolled with codes,
 * ratings, an opinion with a customer's name, phone and e-mail, a complaint case, a day
 * close, dashboard sign-ins with passwords, password changes, wrong codes, wrong passwords, malformed bodies,
 * a revoked tablet, a tablet's token replaced twice and its first one refused as a copy's. Then every
 * secret used is looked for in everything it printed, the first-run banner included: the first codes,
 * PIN and password are in a file of the data folder, never on the console (decision 0015).
 */

const LISTENING = /Listening on http:\/\/127\.0\.0\.1:(\d+)/;
const BANNER = /\n=+ BranchVoice: first run =+\n[\s\S]*?\n=+\n/;

/** A customer's contact details and words, and what staff write about them: never in a log. */
const CUSTOMER = {
  name: 'Zoraida Quintanilla-Vex',
  phone: '+34 611 222 333',
  email: 'zoraida.qv@example.org',
  text: 'Charged twice for the transfer to my landlord, reference QX-88213',
};
const CASE_TEXT = 'Customer Zoraida says the fee was taken twice on account 4471';
const MANAGER = { staffNumber: '9001', pin: '80417263', password: 'grace-lin-dashboard-pw' };
const WRONG_PASSWORD = 'grace-lin-dashboard-pX';
const WRONG_PIN = '80417299';
/** The manager's own PIN, chosen in place of the one the admin gave, which works once (decision 0021). */
const OWN_PIN = '61529384';
/** The passwords head office and the manager choose for themselves at their first sign-in. */
const NEW_PASSWORDS = { headOffice: 'head-office-own-choice-77', manager: 'grace-lin-own-choice-31' };

describe('the logs of a full run', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bv-logs-'));
  const staticDir = join(dataDir, 'dist');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>BranchVoice</title>');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('given the server at LOG_LEVEL=trace through enrollment, pushes, a case, sign-ins and refusals, then no token, code, PIN, password, cookie or customer detail is anywhere in its output, the first-run banner included', { timeout: 90_000 }, async () => {
    const env = { DATA_DIR: dataDir, STATIC_DIR: staticDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', LOG_LEVEL: 'trace' };
    const server = startNpmStart(env);
    const base = `http://127.0.0.1:${(await waitForOutput(server.output, LISTENING, 30_000))[1]}`;
    const banner = BANNER.exec(server.output())?.[0];
    expect(banner).toBeDefined();
    // The first run's secrets are in its file, not on the console.
    const firstRun = firstRunOf(dataDir);
    const codeA = /\nEnrollment code: (\S+)/.exec(firstRun)![1]!;
    const lobbyCode = lobbyEnrollmentCodeOf(firstRun);
    const [, , tellerPin] = /Teller sign-in: staff number (\S+), PIN (\d+)/.exec(firstRun)!;
    const [, hq, hqPassword] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(firstRun)!;

    const call = async (method: string, path: string, init: { token?: string; staffSession?: string; cookie?: string; body?: unknown; raw?: string } = {}) => {
      const headers: Record<string, string> = {};
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      if (init.staffSession) headers['x-staff-session'] = init.staffSession;
      if (init.cookie) headers.cookie = init.cookie;
      const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(base + path, { method, headers, body });
      return { status: response.status, body: (await response.json().catch(() => null)) as unknown, setCookie: response.headers.getSetCookie() };
    };

    // Tablets enroll; a wrong code and a code used twice are refused.
    const counter = (await call('POST', '/api/enroll', { body: { code: codeA, deviceLabel: 'counter' } })).body as EnrollResponse;
    const lobby = (await call('POST', '/api/enroll', { body: { code: lobbyCode.toLowerCase(), deviceLabel: 'lobby' } })).body as EnrollResponse;
    expect((await call('POST', '/api/enroll', { body: { code: codeA } })).status).toBe(400);
    const branchId = counter.config.branch.id;
    const counterId = counter.config.counter!.id;

    // The admin adds a branch manager with a PIN and a dashboard password, and a code for a second tablet.
    const added = await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', MANAGER.staffNumber, '--name', 'Grace Lin', '--pin', MANAGER.pin, '--role', 'branch-manager');
    const managerId = /Added teller (\S+):/.exec(added)![1]!;
    await admin(dataDir, 'account:add', '--teller', managerId, '--password', MANAGER.password);
    const codeB = /: (\S{4}-\S{4})\n/.exec(await admin(dataDir, 'code:create', '--counter', counterId))![1]!;
    const second = (await call('POST', '/api/enroll', { body: { code: codeB } })).body as EnrollResponse;
    expect((await call('POST', '/api/enroll', { body: { code: 'ACDE-FGHJ' } })).status).toBe(400);

    // A shift and ratings; an opinion with contact details; a case about it; a day close.
    const teller = counter.config.tellers[0]!;
    const scope = { branchId, counterId, tellerId: teller.id };
    const pushed = await call('POST', '/api/sync/push', { token: counter.token, body: { protocol: PROTOCOL_VERSION, records: [aShiftEvent(scope), aRating(scope), aRating({ ...scope, score: 'dissatisfied' })] } });
    expect((pushed.body as PushResponse).results.every((r) => r.status === 'accepted')).toBe(true);
    await call('GET', '/api/sync/config', { token: second.token });
    const opinion = anOpinion({ branchId, referenceCode: referenceCode(lobby.referencePrefix, 1), text: CUSTOMER.text, contact: { name: CUSTOMER.name, phone: CUSTOMER.phone, email: CUSTOMER.email, wantsReply: true, consent: true } });
    const caseEvent = aCaseEvent('opened', aCaseId(), { branchId, staffId: managerId, role: 'branch-manager', channel: 'opinion-box', opinionId: opinion.id, summary: CASE_TEXT });
    const lobbyPush = await call('POST', '/api/sync/push', { token: lobby.token, body: { protocol: PROTOCOL_VERSION, records: [opinion, caseEvent] } });
    expect((lobbyPush.body as PushResponse).results.map((r) => r.status)).toEqual(['accepted', 'accepted']);
    // The same opinion refused from the counter: the refusal names the record, not its words.
    await call('POST', '/api/sync/push', { token: counter.token, body: { protocol: PROTOCOL_VERSION, records: [opinion] } });
    // The manager signs in on the lobby tablet with the server; a wrong PIN first.
    expect((await call('POST', '/api/staff-session', { token: lobby.token, body: { staffNumber: MANAGER.staffNumber, pin: WRONG_PIN, deviceTime: Date.now() } })).status).toBe(401);
    const grant = (await call('POST', '/api/staff-session', { token: lobby.token, body: { staffNumber: MANAGER.staffNumber, pin: MANAGER.pin, deviceTime: Date.now() } })).body as StaffSessionGrant;
    const staffSession = `${grant.sessionId}.${grant.key}`;
    expect((await call('POST', '/api/staff-session/pin', { token: lobby.token, staffSession, body: { currentPin: MANAGER.pin, newPin: OWN_PIN } })).status).toBe(204);
    expect((await call('GET', '/api/review?since=0', { token: lobby.token, staffSession })).status).toBe(200);
    expect((await call('GET', '/api/case-events?after=0', { token: lobby.token })).status).toBe(200);
    expect((await call('POST', '/api/day-close', { token: lobby.token, staffSession, body: {} })).status).toBe(200);
    expect((await call('DELETE', '/api/staff-session', { token: lobby.token, staffSession })).status).toBe(204);

    // The counter's token is replaced twice; its first one, a copy's now, is refused and logged.
    const rotated = (await call('POST', '/api/device/token', { token: counter.token })).body as RotateTokenResponse;
    expect((await call('GET', '/api/sync/config', { token: rotated.token })).status).toBe(200);
    const rotatedAgain = (await call('POST', '/api/device/token', { token: rotated.token })).body as RotateTokenResponse;
    expect((await call('POST', '/api/sync/push', { token: counter.token, body: { protocol: PROTOCOL_VERSION, records: [] } })).body).toMatchObject({ code: 'token-superseded' });

    // Dashboard: a wrong password, then both sign in; reports; a revoke; sign-out.
    expect((await call('POST', '/api/session', { body: { staffNumber: MANAGER.staffNumber, password: WRONG_PASSWORD } })).status).toBe(401);
    const hqSession = await call('POST', '/api/session', { body: { staffNumber: hq, password: hqPassword } });
    const managerSession = await call('POST', '/api/session', { body: { staffNumber: MANAGER.staffNumber, password: MANAGER.password } });
    const cookies = [hqSession, managerSession].map((s) => s.setCookie[0]!.split(';')[0]!);
    // Both passwords were chosen by someone else: reports wait for a password of their own.
    expect(await Promise.all(cookies.map(async (cookie) => (await call('GET', '/api/reports/overview?from=2020-01-01&to=2021-01-01', { cookie })).status))).toEqual([403, 403]);
    expect((await call('POST', '/api/session/password', { cookie: cookies[1], body: { currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORDS.manager } })).status).toBe(403);
    expect((await call('POST', '/api/session/password', { cookie: cookies[0], body: { currentPassword: hqPassword, newPassword: NEW_PASSWORDS.headOffice } })).status).toBe(200);
    expect((await call('POST', '/api/session/password', { cookie: cookies[1], body: { currentPassword: MANAGER.password, newPassword: NEW_PASSWORDS.manager } })).status).toBe(200);
    expect(await Promise.all(cookies.map(async (cookie) => (await call('GET', '/api/reports/overview?from=2020-01-01&to=2021-01-01', { cookie })).status))).toEqual([200, 200]);
    expect((await call('POST', `/api/reports/fleet/${second.deviceId}/revoke`, { cookie: cookies[1], body: {} })).status).toBe(200);
    expect((await call('GET', '/api/sync/config', { token: second.token })).status).toBe(401);
    // Manage › Accounts: an invitation and a reset answer temporary passwords, never logged.
    const invited = await call('POST', '/api/manage/accounts', { cookie: cookies[0], body: { kind: 'head-office', staffNumber: 'HQ7', name: 'Bea Lopez' } });
    const reset = await call('POST', `/api/manage/accounts/${MANAGER.staffNumber}/password`, { cookie: cookies[0], body: {} });
    expect([invited.status, reset.status]).toEqual([200, 200]);
    const temporaryPasswords = [invited, reset].map((answer) => (answer.body as { temporaryPassword: string }).temporaryPassword);
    await call('DELETE', '/api/session', { cookie: cookies[0], body: {} });
    expect((await call('GET', '/api/me', { cookie: cookies[0] })).status).toBe(401);

    // Refusals that carry secrets in the body: malformed JSON, a body over the limit, unknown fields.
    await call('POST', '/api/session', { raw: `{"staffNumber":"${hq}","password":"${hqPassword}"` });
    await call('POST', '/api/session', { raw: `{"staffNumber":"${hq}","password":"${hqPassword}","pin":"${MANAGER.pin}"}` });
    await call('POST', '/api/enroll', { raw: `{"code":"${codeB}","padding":"${'x'.repeat(1_100_000)}"}` });
    await call('POST', '/api/sync/push', { token: lobby.token, raw: `{"protocol":1,"records":[{"kind":"opinion","text":"${CUSTOMER.text}","contact":{"email":"${CUSTOMER.email}"` });
    await call('POST', '/api/sync/push', { token: `${counter.token}x`, body: { protocol: PROTOCOL_VERSION, records: [] } });

    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);

    const output = server.output();
    const logs = output.replace(banner!, '\n');
    expect(logs).toContain('"msg":"incoming request"');
    expect(logs).toContain('"msg":"request completed"');
    expect(logs).toContain("another copy of the tablet's token is in use");
    expect(logs.split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(60);
    const secrets: Record<string, string> = {
      'counter token': counter.token,
      'lobby token': lobby.token,
      'second tablet token': second.token,
      "counter's replaced token": rotated.token,
      "counter's current token": rotatedAgain.token,
      'first code': codeA,
      'first code, unformatted': codeA.replace('-', ''),
      'lobby code': lobbyCode,
      "admin's code": codeB,
      "admin's code, unformatted": codeB.replace('-', ''),
      'session cookie of head office': cookies[0]!.split('=')[1]!,
      "session cookie of the manager": cookies[1]!.split('=')[1]!,
      "head office's password": hqPassword!,
      "manager's password": MANAGER.password,
      'a wrong password': WRONG_PASSWORD,
      "head office's own new password": NEW_PASSWORDS.headOffice,
      "manager's own new password": NEW_PASSWORDS.manager,
      "manager's PIN": MANAGER.pin,
      "manager's own PIN": OWN_PIN,
    "an invited account's temporary password": temporaryPasswords[0]!,
    "the manager's reset temporary password": temporaryPasswords[1]!,
      'a wrong PIN': WRONG_PIN,
      "the manager's staff-session key": grant.key,
      "customer's name": CUSTOMER.name,
      "customer's phone": CUSTOMER.phone,
      "customer's e-mail": CUSTOMER.email,
      "customer's words": CUSTOMER.text,
      "staff's words about the case": CASE_TEXT,
    };
    // Nowhere in the output, the first run's banner included.
    const found = Object.entries(secrets).filter(([, secret]) => output.includes(secret));
    expect(found.map(([name]) => name)).toEqual([]);
    // The first teller's PIN is four digits: looked for as a number of its own, since four
    // digits also turn up inside timestamps and durations by chance.
    expect(output).not.toMatch(new RegExp(`(?<![\\d.])${tellerPin}(?!\\d)`));
    expect(banner).toContain(firstRunFileOf(dataDir));
  });
});

/** `npm start` as the README runs it (scripts/start.mjs), with a prebuilt app so it does not build. */
function startNpmStart(env: Record<string, string>) {
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => output };
}

async function admin(dataDir: string, ...args: string[]): Promise<string> {
  const done = await runTsx('src/server/cli/admin.ts', args, { DATA_DIR: dataDir, DATABASE_URL: '' });
  if (done.code !== 0) throw new Error(`admin ${args.join(' ')}: ${done.stderr}${done.stdout}`);
  return done.stdout;
}
