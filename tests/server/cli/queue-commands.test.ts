import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it, onTestFinished } from 'vitest';
import { runAdmin } from '../../../src/server/cli/commands.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { authenticateQueueKey } from '../../../src/server/services/queue-systems.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { useTestDatabase } from '../fixtures.ts';
import { givenQueueBranches, WINDOW_5_ID } from '../queue-intake-given.ts';

describeEachDatabase('npm run admin -- queue:key, queue:keys, queue:revoke, queue:import, counter:set --queue-code', (kind) => {
  const database = useTestDatabase(kind);
  const env = (): Record<string, string> =>
    kind === 'sqlite' ? { DATA_DIR: dirname(database.current.url), DATABASE_URL: '' } : { DATABASE_URL: database.current.url };
  const admin = (...args: string[]) => runAdmin(args, { ...process.env, ...env() });
  const aFile = (name: string, content: string | Buffer) => {
    const dir = mkdtempSync(join(tmpdir(), 'bv-queue-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it("given a branch, when the operator makes a key, maps a counter, imports the day's export and revokes the key, then each goes through the dashboard's services and is audited as the shell", async () => {
    const { db } = database.current;
    await givenQueueBranches(database.current);

    const made = await admin('queue:key', '--branch', BRANCH_ID, '--name', 'Back office printer');
    expect(made.code).toBe(0);
    const [, id, key] = /Queue system ([0-9a-f-]{36}) "Back office printer" of branch .*\nKey \(shown this once; the server keeps only its hash\): (bvq_\S+)\n$/.exec(made.stdout)!;
    expect(await authenticateQueueKey(db, key!)).toMatchObject({ ok: true, value: { id, branchId: BRANCH_ID } });
    expect((await admin('queue:keys', '--branch', BRANCH_ID)).stdout).toMatch(/Back office printer .* - +- +-\n$/);

    expect(await admin('counter:set', WINDOW_5_ID, '--queue-code', 'W05')).toMatchObject({ code: 0, stdout: `Counter ${WINDOW_5_ID} is the queue system's counter W05.\n` });
    expect(await admin('counter:set', WINDOW_5_ID, '--queue-code', '3')).toMatchObject({ code: 1, stderr: `queueCode: 3 is counter "Window 3" (${COUNTER_ID})'s in this branch; clear it there first, or give this counter another code.\n` });
    expect(await admin('counter:set', COUNTER_ID, '--name', 'Window 3A', '--queue-code', 'none')).toMatchObject({
      code: 0,
      stdout: `Counter ${COUNTER_ID} of branch ${BRANCH_ID} is now "Window 3A".\nCounter ${COUNTER_ID} is mapped to no queue code.\n`,
    });
    expect((await admin('counter:set', COUNTER_ID)).stderr).toBe('counter:set needs --name or --queue-code; see `npm run admin -- help`.\n');
    expect((await admin('counters', '--branch', BRANCH_ID)).stdout).toMatch(/Window 5 +\S+ +W05\n/);

    const csv = 'ticket,event,time,counter,service\nA001,issued,2026-11-23 09:00,,对公业务\nA001,called,2026-11-23 09:06,W05,\nA001,called,2026-11-23 09:06,3,\n';
    const imported = await admin('queue:import', '--branch', BRANCH_ID, '--file', aFile('export.csv', csv));
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^3 events: 2 stored, 0 held already, 1 rejected\.\nline +reason +message\n4 +unknown-counter +counter: the queue system's counter 3 is not mapped/);
    const rows = await db.selectFrom('queue_events').select(['ticket', 'type', 'at', 'counter_id', 'service_type', 'queue_system_id', 'source']).orderBy('seq').execute();
    expect(rows.map((r) => ({ ...r, at: Number(r.at) }))).toEqual([
      { ticket: 'A001', type: 'issued', at: Date.UTC(2026, 10, 23, 1, 0), counter_id: null, service_type: '对公业务', queue_system_id: expect.stringMatching(/^import:.+@.+$/), source: 'import' },
      { ticket: 'A001', type: 'called', at: Date.UTC(2026, 10, 23, 1, 6), counter_id: WINDOW_5_ID, service_type: null, queue_system_id: expect.stringMatching(/^import:/), source: 'import' },
    ]);
    // The same export written by a queue system in GB18030: read as such when told; refused whole when not.
    const gb = Buffer.from([...Buffer.from('ticket,event,time,counter,service\nA002,issued,2026-11-23 09:10,,'), 0xb6, 0xd4, 0xb9, 0xab, 0x0a]);
    const gbFile = aFile('export-gb.csv', gb);
    expect((await admin('queue:import', '--branch', BRANCH_ID, '--file', gbFile)).stderr).toBe(`${gbFile} is not utf-8 text (or utf-8 is no charset); a queue system that writes GBK needs --charset gb18030.\n`);
    expect(await admin('queue:import', '--branch', BRANCH_ID, '--file', gbFile, '--charset', 'gb18030')).toMatchObject({ code: 0, stdout: '1 events: 1 stored, 0 held already, 0 rejected.\n' });
    expect(await db.selectFrom('queue_events').select('service_type').where('ticket', '=', 'A002').executeTakeFirst()).toEqual({ service_type: '对公' });
    expect((await admin('queue:import', '--branch', BRANCH_ID, '--file', aFile('bad.csv', 'ticket,time\n'))).stderr).toContain('The header lacks the columns event, counter');

    const revoked = await admin('queue:revoke', id!);
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toMatch(new RegExp(`^Queue system ${id} "Back office printer" of branch ${BRANCH_ID} is revoked \\(since `));
    expect(await authenticateQueueKey(db, key!)).toMatchObject({ ok: false, reason: 'unauthorized' });

    const audit = await readAudit(db, { from: 0, to: Date.now() + 1, limit: 100 });
    expect(audit.map((r) => [r.action, r.verified, r.subject])).toEqual([
      ['queue-system-add', 'server-shell', id],
      ['counter-queue-code', 'server-shell', WINDOW_5_ID],
      ['counter-queue-code', 'server-shell', COUNTER_ID],
      ['queue-import', 'server-shell', 'csv'],
      ['queue-import', 'server-shell', 'csv'],
      ['queue-system-revoke', 'server-shell', id],
    ]);
  });
});
