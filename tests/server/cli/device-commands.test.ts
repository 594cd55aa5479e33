import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runAdmin } from '../../../src/server/cli/commands.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { findDevice } from '../../../src/server/repositories/devices.ts';
import { addCounter } from '../../../src/server/services/branches.ts';
import { enrollDevice } from '../../../src/server/services/enrollment.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, givenEnrolledDevice, SERVER_NOW, useTestDatabase } from '../fixtures.ts';

const SECOND_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c3';

describeEachDatabase('npm run admin -- device:set / device:replace', (kind) => {
  const database = useTestDatabase(kind);
  const env = (): Record<string, string> =>
    kind === 'sqlite' ? { DATA_DIR: dirname(database.current.url), DATABASE_URL: '' } : { DATABASE_URL: database.current.url };
  const admin = (...args: string[]) => runAdmin(args, { ...process.env, ...env() });
  const dir = mkdtempSync(join(tmpdir(), 'bv-replace-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given a counter tablet, when the admin labels it, moves it and replaces it, then the services do as on the dashboard, audited as the shell', async () => {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    await addCounter(db, { id: SECOND_COUNTER_ID, branchId: BRANCH_ID, name: 'Window 4' }, SERVER_NOW);
    const old = await givenEnrolledDevice(database.current);
    const version = (await findBranch(db, BRANCH_ID))!.configVersion;

    expect(await admin('device:set', old.deviceId, '--label', ' Window 4, right ', '--counter', SECOND_COUNTER_ID)).toEqual({
      code: 0,
      stdout: `Device ${old.deviceId}: counter Window 4, label "Window 4, right".\n`,
      stderr: '',
    });
    expect((await findBranch(db, BRANCH_ID))!.configVersion).toBe(version + 1);
    expect((await admin('device:set', old.deviceId, '--label', 'x'.repeat(61))).stderr).toContain('label: is longer than 60 characters');
    expect((await admin('device:set', old.deviceId)).stderr).toContain('nothing to change: give --label or --counter');
    expect((await admin('device:set', old.deviceId, '--counter', '0190a0b0-0000-7000-8000-0000000000ff')).stderr).toContain('is not a counter of the tablet');

    const qr = join(dir, `replace-${kind}.svg`);
    const replaced = await admin('device:replace', old.deviceId, '--url', 'https://branchvoice.example/', '--qr', qr);
    expect(replaced).toMatchObject({ code: 0, stderr: '' });
    const code = /: ([A-Z0-9]{4}-[A-Z0-9]{4})$/m.exec(replaced.stdout)![1]!;
    expect(replaced.stdout).toContain(`Enrollment link: https://branchvoice.example/#enroll=${code}`);
    expect(existsSync(qr) && readFileSync(qr, 'utf8')).toContain('<svg');

    const fresh = await enrollDevice(db, { code, appVersion: '1.0.0' }, SERVER_NOW + 1);
    expect(fresh).toMatchObject({ ok: true, value: { config: { counter: { id: SECOND_COUNTER_ID, name: 'Window 4' } } } });
    expect(await findDevice(db, old.deviceId)).toMatchObject({ revokedAt: SERVER_NOW + 1 });
    expect((await admin('device:replace', old.deviceId)).stderr).toContain('is revoked');
    const actors = await db.selectFrom('audit_log').select(['action', 'verified']).where('action', 'in', ['device-edit', 'device-replace']).orderBy('seq').execute();
    expect(actors).toEqual([
      { action: 'device-edit', verified: 'server-shell' },
      { action: 'device-replace', verified: 'server-shell' },
    ]);
  });
});
