import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../src/domain/wire.ts';
import { enrollDevice } from '../../../src/server/services/enrollment.ts';
import { aRating } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callApi, startTestServer, useTestDatabase } from '../fixtures.ts';
import { runTsx } from '../process.ts';

const CODE_LINE = /^Enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})$/m;

describeEachDatabase('npm run admin', (kind) => {
  const database = useTestDatabase(kind);
  // The CLI finds the database as the server does: DATABASE_URL, else DATA_DIR's SQLite file.
  const env = (): Record<string, string> =>
    kind === 'sqlite' ? { DATA_DIR: dirname(database.current.url), DATABASE_URL: '' } : { DATABASE_URL: database.current.url };
  const admin = (...args: string[]) => runTsx('src/server/cli/admin.ts', args, env());

  it('given an empty database, when the admin sets up a branch, a counter and a code, then a tablet enrolls and its ratings list as JSON', async () => {
    const branch = await admin('branch:add', '--name', 'Harbour Road', '--lang', 'es');
    expect(branch).toMatchObject({ code: 0, stderr: '' });
    const branchId = branch.stdout.match(/Added branch (\S+) "Harbour Road" \(es\)\./)?.[1];
    expect(branchId).toBeDefined();

    const counter = await admin('counter:add', '--branch', branchId!, '--name', 'Window 1');
    const counterId = counter.stdout.match(/Added counter (\S+) "Window 1"/)?.[1];
    expect(counterId).toBeDefined();

    const code = await admin('code:create', '--counter', counterId!, '--hours', '2');
    expect(code.code).toBe(0);
    const typed = code.stdout.match(CODE_LINE)?.[1];
    expect(code.stdout).toMatch(/^Expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(it works once\)$/m);

    const device = await enrollDevice(database.current.db, { code: typed! }, Date.now());
    if (!device.ok) throw new Error(device.message);
    const server = await startTestServer({ db: database.current.db });
    const ratings = [aRating({ branchId: branchId!, counterId: counterId!, score: 'dissatisfied', reasons: ['slow'], language: 'es' }), aRating({ branchId: branchId!, counterId: counterId! })];
    await callApi(server, 'POST', '/api/sync/push', { token: device.value.token, body: { protocol: PROTOCOL_VERSION, records: ratings } });

    const listed = await admin('ratings', '--json', '--limit', '5');
    expect(listed.code).toBe(0);
    const json = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(json.map((r) => Object.keys(r).sort())).toEqual(
      Array(2).fill(['branchId', 'counterId', 'createdAt', 'deviceId', 'id', 'language', 'reasons', 'receivedAt', 'score', 'seq']),
    );
    expect(json[1]).toMatchObject({ id: ratings[0]!.id, branchId, counterId, deviceId: device.value.deviceId, score: 'dissatisfied', reasons: ['slow'], language: 'es', createdAt: ratings[0]!.createdAt });
    expect(json[0]!.seq as number).toBeGreaterThan(json[1]!.seq as number);

    const [branches, devices] = await Promise.all([admin('branches'), admin('devices', '--branch', branchId!)]);
    expect(branches.stdout).toMatch(new RegExp(`^${branchId}\\s+Harbour Road\\s+es\\s+3000\\s+2\\s`, 'm'));
    expect(devices.stdout).toContain(device.value.deviceId);

    const revoked = await admin('device:revoke', device.value.deviceId);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(`Revoked device ${device.value.deviceId} at `) });
  });
});

// Argument errors are the CLI's own, whatever the database; they run side by side.
describe('npm run admin, given bad input', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bv-admin-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const admin = (...args: string[]) => runTsx('src/server/cli/admin.ts', args, { DATA_DIR: dataDir, DATABASE_URL: '' });

  it.concurrent.for<[string[], string]>([
    [['branch:add'], 'branch:add needs --name; see `npm run admin -- help`.'],
    [['branch:add', '--name', 'X', '--lang', 'fr'], 'defaultLanguage: must be one of zh-Hans, zh-Hant, en, es'],
    [['branch:set', '0190a0b0-0000-7000-8000-0000000000ff', '--cooldown', 'soon'], '--cooldown must be a whole number, not "soon".'],
    [['code:create', '--counter', 'nope'], 'No counter has the id nope; list them with `npm run admin -- counters`.'],
    [['device:revoke'], 'device:revoke needs the <deviceId>; see `npm run admin -- help`.'],
    [['ratings', '--limit', '0'], '--limit must be from 1 to 10000'],
    [['branches', 'extra'], 'branches takes no argument "extra".\nUsage: npm run admin -- branches'],
  ])('given `admin %s`, then it explains on stderr and exits 1', async ([args, message], { expect }) => {
    expect(await admin(...args)).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it.concurrent('given an unknown command, then it shows the help on stderr and exits 1', async ({ expect }) => {
    const answer = await admin('branch:delete');
    expect(answer.code).toBe(1);
    expect(answer.stderr).toMatch(/^Unknown command "branch:delete"\.\n\nUsage: npm run admin -- <command> \[options\]/);
  });
});
