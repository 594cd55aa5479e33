import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { runAdmin } from '../../../src/server/cli/commands.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { readTargets, readWaitTarget } from '../../../src/server/services/settings.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, useTestDatabase } from '../fixtures.ts';

describeEachDatabase('npm run admin -- region:set, branch:add/branch:set --region, settings:set --target-*', (kind) => {
  const database = useTestDatabase(kind);
  const env = (): Record<string, string> =>
    kind === 'sqlite' ? { DATA_DIR: dirname(database.current.url), DATABASE_URL: '' } : { DATABASE_URL: database.current.url };
  const admin = (...args: string[]) => runAdmin(args, { ...process.env, ...env() });

  it('given a region, when the admin renames it, puts branches in it and out, and sets the targets, then the services do as on the dashboard, audited as the shell', async () => {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const added = await admin('region:add', '--name', 'North');
    expect(added.code).toBe(0);
    const regionId = /region ([0-9a-f-]{36})/.exec(added.stdout)![1]!;

    expect(await admin('region:set', regionId, '--name', 'North Coast')).toMatchObject({ code: 0, stdout: `Region ${regionId} is now "North Coast".\n` });
    expect(await admin('branch:set', BRANCH_ID, '--region', regionId)).toMatchObject({ code: 0, stdout: `Branch ${BRANCH_ID} is now in region ${regionId}.\n` });
    expect((await findBranch(db, BRANCH_ID))!.regionId).toBe(regionId);
    expect((await admin('regions')).stdout).toMatch(/North Coast\s+1\b/);
    const other = await admin('branch:add', '--name', 'Harbour Road', '--time-zone', 'UTC', '--region', regionId);
    expect(other.stdout).toContain(`Region: ${regionId}.`);
    expect(await admin('branch:set', BRANCH_ID, '--region', 'none', '--cooldown', '4000')).toMatchObject({ code: 0 });
    expect(await findBranch(db, BRANCH_ID)).toMatchObject({ regionId: null, ratingCooldownMs: 4000 });
    expect((await admin('branch:set', BRANCH_ID, '--region', '0190a0b0-0000-7000-8000-0000000000ff')).stderr).toContain('No region has the id');

    const set = await admin('settings:set', '--target-satisfaction', '75', '--target-complaint-rate', '4.5');
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toContain('Targets: satisfaction at least 75%, complaint rate at most 4.5%, follow-up rate at least 30%.');
    expect((await readTargets(db)).satisfaction.value).toBe(0.75);
    expect((await admin('settings:set', '--target-follow-up-rate', '101')).stderr).toContain('follow-up-rate: must be at most 100 (%)');
    expect((await admin('settings:set', '--target-follow-up-rate', 'lots')).stderr).toContain('--target-follow-up-rate takes a percentage from 0 to 100');
    expect((await admin('settings:set', '--wait-target-minutes', '20')).stdout).toContain('Waiting-time target: called within 20 minutes.');
    expect(await readWaitTarget(db)).toBe(20);
    expect((await admin('settings:set', '--wait-target-minutes', '181')).stderr).toContain('waitTargetMinutes');
    expect(await readWaitTarget(db)).toBe(20);

    const audit = await readAudit(db, { from: 0, to: Date.now() + 1, limit: 100 });
    expect(audit.map((r) => [r.action, r.verified])).toEqual([
      ['region-add', 'server-shell'],
      ['region-edit', 'server-shell'],
      ['branch-edit', 'server-shell'],
      ['branch-edit', 'server-shell'],
      ['branch-edit', 'server-shell'],
      ['network-settings', 'server-shell'],
      ['network-settings', 'server-shell'],
    ]);
  });
});
