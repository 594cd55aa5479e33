import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, DEFAULT_RETENTION } from '../../src/domain/privacy.ts';
import { verifyPin } from '../../src/domain/pin.ts';
import { PROTOCOL_VERSION, type EnrollResponse, type PushResponse } from '../../src/domain/wire.ts';
import { referenceCode } from '../../src/domain/opinion.ts';
import { anOpinion, aRating, aShiftEvent } from '../builders/rating.ts';
import { TEST_TLS } from './dashboard.ts';
import { firstRunFileOf } from '../../src/server/first-run-file.ts';
import { exited, firstRunOf, LOBBY_CODE_LINE, lobbyEnrollmentCodeOf, runTsx, startTsx, waitForOutput } from './process.ts';

/** The customer of the entry the lobby tablet pushes. */
const CUSTOMER = { name: 'Lucía Gómez', phone: '+34 612 345 678', email: 'lucia@example.es', wantsReply: true, consent: true } as const;

const INDEX_HTML = '<!doctype html><title>BranchVoice</title>';
// The end-to-end tests read the code from exactly this line of the first run's file.
const CODE_LINE = /Enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})/;
const TELLER_LINE = /Teller sign-in: staff number (\S+), PIN (\d{4})/;
const DASHBOARD_LINE = /Dashboard: .* staff number (\S+), password (\S+)/;
const LISTENING = /Listening on http:\/\/127\.0\.0\.1:(\d+)/;
/** A path's permission bits in octal, as `ls -l` shows them. */
const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe('npm run server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bv-main-'));
  const staticDir = join(dataDir, 'dist');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const env = { DATA_DIR: dataDir, STATIC_DIR: staticDir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', LOG_LEVEL: 'info' };

  it('given a fresh data dir, when the server starts, then the codes, PIN and password of its first-run file enroll a counter tablet and a lobby tablet, sign its teller and head office in, and pages fall back to the app', async () => {
    // A data dir that an older version (or a careless mkdir) left readable by everyone.
    chmodSync(dataDir, 0o755);
    const server = startTsx('src/server/main.ts', env);
    const port = (await waitForOutput(server.output, LISTENING))[1];
    // The banner gives the addresses and where the secrets are, and none of them.
    expect(server.output()).toContain(`http://127.0.0.1:${port}/`);
    expect(server.output()).toContain(`  http://127.0.0.1:${port}/dashboard\n`);
    expect(server.output()).toContain(`  ${firstRunFileOf(dataDir)}\n`);
    for (const line of [CODE_LINE, TELLER_LINE, DASHBOARD_LINE, LOBBY_CODE_LINE]) expect(server.output()).not.toMatch(line);
    // On loopback only, plain HTTP is fine for the browser: no word of HTTPS for tablets.
    expect(server.output()).not.toContain('Tablets need HTTPS');
    // Only the server's account can read the file, the folder and the database.
    expect({ dataDir: modeOf(dataDir), file: modeOf(firstRunFileOf(dataDir)), database: modeOf(join(dataDir, 'branchvoice.sqlite')) }).toEqual({ dataDir: '700', file: '600', database: '600' });
    const firstRun = firstRunOf(dataDir);
    const code = firstRun.match(CODE_LINE)?.[1];
    expect(code).toBeDefined();
    // The teller's line comes right after the code's.
    expect(firstRun).toMatch(new RegExp(`${CODE_LINE.source}\n${TELLER_LINE.source}\n`));
    const [, staffNumber, pin] = firstRun.match(TELLER_LINE)!;
    expect(firstRun).toContain(`  http://127.0.0.1:${port}/\n`);
    const base = `http://127.0.0.1:${port}`;

    const enrolled = await fetch(`${base}/api/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceLabel: 'e2e' }),
    });
    expect(enrolled.status).toBe(200);
    const { token, config } = (await enrolled.json()) as EnrollResponse;
    expect(config).toMatchObject({ branch: { name: 'Branch 1', defaultLanguage: 'en' }, counter: { name: 'Counter 1' } });
    // The tablet checks the PIN offline, against the hash in the roster it was given.
    const teller = config.tellers.find((t) => t.staffNumber === staffNumber);
    expect(teller).toMatchObject({ name: 'Teller 1', staffNumber: '1001', stars: 3 });
    expect(await verifyPin(pin!, teller!.pin!)).toBe(true);

    const scope = { branchId: config.branch.id, counterId: config.counter!.id, tellerId: teller!.id };
    const records = [aShiftEvent(scope), aRating(scope)];
    const pushed = await fetch(`${base}/api/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ protocol: PROTOCOL_VERSION, records }),
    });
    expect(((await pushed.json()) as PushResponse).results).toEqual(records.map((r) => ({ id: r.id, status: 'accepted' })));

    // The lobby's code is on its own line; the counter's pattern finds the counter's code only.
    const lobbyCode = lobbyEnrollmentCodeOf(firstRun);
    expect(lobbyCode).not.toBe(code);
    expect([...firstRun.matchAll(new RegExp(CODE_LINE.source, 'g'))].map((m) => m[1])).toEqual([code]);
    const lobby = await fetch(`${base}/api/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: lobbyCode, deviceLabel: 'lobby' }),
    });
    const lobbyDevice = (await lobby.json()) as EnrollResponse;
    expect(lobbyDevice).toMatchObject({ mode: 'lobby', referencePrefix: 1, config: { counter: null, counters: [config.counter] } });
    const entry = anOpinion({ branchId: config.branch.id, referenceCode: referenceCode(lobbyDevice.referencePrefix, 1), contact: CUSTOMER });
    const opinion = await fetch(`${base}/api/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${lobbyDevice.token}` },
      body: JSON.stringify({ protocol: PROTOCOL_VERSION, records: [entry] }),
    });
    expect(((await opinion.json()) as PushResponse).results).toEqual([{ id: entry.id, status: 'accepted' }]);

    const page = await fetch(`${base}/counter`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX_HTML);
    // Head office signs in to the dashboard with the staff number and password of the file.
    const [, hqStaffNumber, password] = firstRun.match(DASHBOARD_LINE)!;
    expect(firstRun).toContain(`Dashboard: http://127.0.0.1:${port}/dashboard  staff number HQ1, password ${password}`);
    const signedIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ staffNumber: hqStaffNumber, password }),
    });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.json()).toMatchObject({ staffNumber: 'HQ1', name: 'Head office', role: 'head-office', canViewReports: true, mustChangePassword: true });
    const sessionToken = /bv_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1];
    expect(sessionToken).toBeDefined();

    // Logged at info level, yet neither token nor the password appears anywhere in the output.
    expect(server.output()).toContain('"msg":"device enrolled"');
    expect(server.output()).not.toContain(token);
    for (const secret of [code!, lobbyCode, password!]) expect(server.output()).not.toContain(secret);
    expect(server.output()).not.toMatch(new RegExp(`(?<![\\d.])${pin}(?!\\d)`));
    expect(server.output()).not.toContain(sessionToken);

    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
  });

  it('given the server ran once on this data dir, when it starts again, then it makes no second branch or code, leaves the file as it was and reminds that it is there', async () => {
    const firstRun = readFileSync(firstRunFileOf(dataDir), 'utf8');
    const server = startTsx('src/server/main.ts', env);
    await waitForOutput(server.output, LISTENING);
    expect(readFileSync(firstRunFileOf(dataDir), 'utf8')).toBe(firstRun);
    expect(server.output()).toContain(`${firstRunFileOf(dataDir)} still holds the first run's codes, PIN and password`);
    expect(server.output()).not.toMatch(CODE_LINE);
    expect(server.output()).not.toMatch(LOBBY_CODE_LINE);
    expect(server.output()).not.toMatch(TELLER_LINE);
    expect(server.output()).not.toMatch(DASHBOARD_LINE);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
  });

  it('given an entry whose contact details are past their retention, when the server starts on a day not yet purged, then it blanks them and logs the counts, never the details', async () => {
    const file = join(dataDir, 'branchvoice.sqlite');
    const sqlite = new SQLite(file);
    sqlite.prepare('update opinions set received_at = ?').run(Date.now() - (DEFAULT_RETENTION.contactDays + 1) * DAY_MS);
    // Today's purge ran at the first start, and found nothing: as if today were a new day.
    sqlite.prepare("delete from job_runs where job = 'purge'").run();
    sqlite.close();
    const server = startTsx('src/server/main.ts', env);
    await waitForOutput(server.output, /"msg":"retention purge done"/);
    expect(server.output()).toMatch(/"job":"purge","contacts":1,/);
    for (const detail of [CUSTOMER.name, CUSTOMER.phone, CUSTOMER.email]) expect(server.output()).not.toContain(detail);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    const reopened = new SQLite(file, { readonly: true });
    expect(reopened.prepare('select contact_name, contact_phone, contact_email, had_contact from opinions').all()).toEqual([
      { contact_name: null, contact_phone: null, contact_email: null, had_contact: 1 },
    ]);
    reopened.close();
  });
});

/**
 * Plain HTTP beyond loopback (decision 0015): `npm start` listens on every address by default
 * and keeps working, but says loudly what crosses the LAN in clear and how to fix it;
 * REQUIRE_TLS=true refuses instead. These listen on 0.0.0.0 for a moment, with a port the
 * system picks, and are asked only over loopback.
 */
describe('npm run server, on the network', () => {
  const root = mkdtempSync(join(tmpdir(), 'bv-transport-'));
  const staticDir = join(root, 'dist');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  const cert = join(root, 'cert.pem');
  const key = join(root, 'key.pem');
  writeFileSync(cert, TEST_TLS.cert);
  writeFileSync(key, TEST_TLS.key);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  let runs = 0;
  /** Settings of a server with a data dir of its own, on every address unless told otherwise. */
  const envWith = (settings: Record<string, string>) => ({
    DATA_DIR: join(root, `data-${++runs}`),
    STATIC_DIR: staticDir,
    PORT: '0',
    HOST: '0.0.0.0',
    DATABASE_URL: '',
    LOG_LEVEL: 'info',
    TLS_CERT: '',
    TLS_KEY: '',
    TRUST_PROXY: '',
    REQUIRE_TLS: '',
    ...settings,
  });
  const WARNING = /WARNING: plain HTTP on the network/;
  const ANY_LISTENING = /Listening on (https?):\/\/[^:]+:(\d+)/;

  it('given the defaults (every address, no TLS, no proxy), when the server starts, then it serves, warns loudly on the console what crosses the LAN in clear and how to fix it, and logs it at warn level', async () => {
    const server = startTsx('src/server/main.ts', envWith({}));
    const [, , port] = await waitForOutput(server.output, ANY_LISTENING);
    await waitForOutput(server.output, WARNING);
    const warning = server.output().slice(server.output().search(WARNING));
    for (const named of ['0.0.0.0', 'device tokens', 'staff PINs', 'dashboard passwords', "customers' names, phone numbers", 'TLS_CERT=cert.pem TLS_KEY=key.pem', 'TRUST_PROXY=', 'HOST=127.0.0.1', 'REQUIRE_TLS=true']) {
      expect(warning).toContain(named);
    }
    expect(warning.split('\n').length).toBeGreaterThan(8);
    // The first run's banner says that tablets need HTTPS, and the shortest way to it on the LAN.
    const output = server.output();
    const banner = output.slice(output.indexOf('BranchVoice: first run'), output.search(ANY_LISTENING));
    expect(banner).toContain('Tablets need HTTPS');
    expect(banner).toMatch(/ {2}openssl req -x509 .*-keyout key\.pem -out cert\.pem .*subjectAltName=/);
    expect(banner).toContain('  TLS_CERT=cert.pem TLS_KEY=key.pem npm start');
    expect(banner).toContain(`:${port}/ there`);
    expect(banner).toContain('TRUST_PROXY');
    // One block, from the banner to "Listening on": no log line and no build warning inside it.
    expect(banner).toContain('WARNING: plain HTTP on the network');
    expect(banner.split('\n').filter((line) => line.startsWith('{') || /(^|\s)WARN\s|deprecated|PLUGIN_TIMINGS/.test(line))).toEqual([]);
    // The logger's "Server listening at" lines come before the block, not inside it.
    expect(output.indexOf('"msg":"Server listening at')).toBeLessThan(output.indexOf('BranchVoice: first run'));
    const logged = await waitForOutput(server.output, /^\{.*"msg":"plain HTTP beyond loopback[^\n]*$/m);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 40, host: '0.0.0.0', port: Number(port) });
    // `npm start` out of the box still works.
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
  });

  it('given REQUIRE_TLS=true on every address without TLS or a proxy, then it refuses to start, says why and how to fix it, and makes no database', async () => {
    const env = envWith({ REQUIRE_TLS: 'true' });
    const finished = await runTsx('src/server/main.ts', [], env);
    expect(finished.code).toBe(1);
    expect(finished.stderr).toMatch(/^Cannot start: REQUIRE_TLS=true, but the server would listen on 0\.0\.0\.0 over plain HTTP/);
    expect(finished.stderr).toContain('TLS_CERT=cert.pem TLS_KEY=key.pem');
    expect(finished.stdout).not.toMatch(/Listening on/);
    expect(existsSync(env.DATA_DIR)).toBe(false);
  });

  it('given REQUIRE_TLS with a value that is neither true nor false, then it refuses to start and says so', async () => {
    const finished = await runTsx('src/server/main.ts', [], envWith({ REQUIRE_TLS: 'sure', HOST: '127.0.0.1' }));
    expect(finished.code).toBe(1);
    expect(finished.stderr).toContain('Cannot start: REQUIRE_TLS must be true or false, not "sure".');
  });

  it.for<[string, Record<string, string>, string]>([
    ['its own certificate', { REQUIRE_TLS: 'true', TLS_CERT: cert, TLS_KEY: key }, 'https'],
    ['a TLS proxy in front (TRUST_PROXY)', { REQUIRE_TLS: 'true', TRUST_PROXY: '127.0.0.1' }, 'http'],
    ['a loopback address only', { REQUIRE_TLS: 'true', HOST: '127.0.0.1' }, 'http'],
  ])('given REQUIRE_TLS=true and %s, then it starts without the warning', async ([, settings, scheme]) => {
    const server = startTsx('src/server/main.ts', envWith(settings));
    const [, spoken] = await waitForOutput(server.output, ANY_LISTENING);
    expect(spoken).toBe(scheme);
    expect(server.output()).not.toMatch(WARNING);
    expect(server.output()).not.toContain('Tablets need HTTPS');
    expect(server.output()).not.toContain('plain HTTP beyond loopback');
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    expect(server.output()).not.toMatch(WARNING);
  });
});
