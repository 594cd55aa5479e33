import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import { expect, it } from 'vitest';
import { consentTextOf } from '../../../src/domain/consent.ts';
import { DEFAULT_RETENTION } from '../../../src/domain/privacy.ts';
import { runAdmin } from '../../../src/server/cli/commands.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { readRetention } from '../../../src/server/services/privacy.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { givenNetwork, opinionAt, push } from '../reports/given.ts';

const CUSTOMER = { name: 'Lucía Gómez', phone: '+34 612 345 678', email: 'lucia@example.es', wantsReply: true, consent: true } as const;

describeEachDatabase('npm run admin, privacy', (kind) => {
  const database = useTestDatabase(kind);
  const env = (): Record<string, string> =>
    kind === 'sqlite' ? { DATA_DIR: dirname(database.current.url), DATABASE_URL: '' } : { DATABASE_URL: database.current.url };
  const admin = (...args: string[]) => runAdmin(args, { ...process.env, ...env() });
  const operator = `${userInfo().username}@${hostname()}`;

  it('given the defaults, when the admin changes a retention period, then it shows the new one, refuses a bad one with a reason and changes nothing', async () => {
    expect((await admin('retention')).stdout).toContain(`Contact details of an entry: ${DEFAULT_RETENTION.contactDays} days after it arrived`);
    const set = await admin('retention:set', '--contact-days', '30', '--quarantine-days', '10');
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toContain('Contact details of an entry: 30 days');
    expect(set.stdout).toContain('a record the server refused: 10 days');
    expect(await admin('retention:set', '--audit-days', '30')).toEqual({ code: 1, stdout: '', stderr: 'auditDays: must be at least 365 days\n' });
    expect(await admin('retention:set', '--contact-days', 'soon')).toMatchObject({ code: 1, stderr: '--contact-days must be a whole number, not "soon".\n' });
    expect(await readRetention(database.current.db)).toEqual({ ...DEFAULT_RETENTION, contactDays: 30, quarantineDays: 10 });
  });

  it("given a customer's entry, when the admin lists entries, exports her data and erases it, then each act is in the audit log under the operator's account, and the data is gone", async () => {
    const { db } = database.current;
    const [branch] = await givenNetwork(db);
    const entry = opinionAt(branch!, SERVER_NOW, { contact: CUSTOMER });
    await push(db, branch!.lobby, [entry, opinionAt(branch!, SERVER_NOW)], SERVER_NOW);

    expect((await admin('opinions')).stdout).toContain(CUSTOMER.phone);
    const readable = await admin('customer:export', '--phone', '612 345 678');
    expect(readable).toMatchObject({ code: 0, stderr: '' });
    expect(readable.stdout).toContain('Personal data held, found by phone: 1 entries, 0 cases.');
    expect(readable.stdout).toContain(`    Words: ${entry.text}`);
    expect(readable.stdout).toContain(`    Contact: name ${CUSTOMER.name}, phone ${CUSTOMER.phone}, e-mail ${CUSTOMER.email}, reply wanted: yes, consent to be contacted: given`);
    expect(readable.stdout).toContain(`    Consent agreed to (version 1): ${consentTextOf(1, 'en')}`);
    const json = JSON.parse((await admin('customer:export', '--email', CUSTOMER.email, '--json')).stdout) as { entries: { id: string; contact: unknown }[] };
    expect(json.entries).toEqual([expect.objectContaining({ id: entry.id, contact: expect.objectContaining({ phone: CUSTOMER.phone }) })]);

    expect(await admin('customer:erase', '--phone', '612345678')).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot be undone') });
    expect(await admin('customer:erase', '--phone', '12')).toMatchObject({ code: 1, stderr: '--phone: a phone number has at least 7 digits\n' });
    expect(await admin('customer:erase', '--phone', '612345678', '--email', CUSTOMER.email, '--yes')).toMatchObject({ code: 1, stderr: expect.stringContaining('takes one of --reference, --phone or --email') });
    expect(await admin('customer:erase', '--phone', '612345678', '--yes')).toEqual({ code: 0, stdout: 'Erased: 1 entries, 0 cases.\n', stderr: '' });
    expect((await admin('customer:export', '--reference', entry.referenceCode)).stdout).toContain('    Contact: none held');
    expect((await admin('opinions')).stdout).not.toContain(CUSTOMER.phone);

    const audit = await admin('audit', '--json');
    const rows = JSON.parse(audit.stdout) as { action: string; actor: string; verified: string }[];
    expect(rows.map((r) => r.action)).toEqual(['contact-view', 'customer-export', 'customer-export', 'customer-erasure', 'customer-export', 'contact-view']);
    for (const row of rows) expect(row).toMatchObject({ actor: operator, verified: 'server-shell' });
    expect(audit.stdout).not.toContain(CUSTOMER.phone);
    // Reading the log is itself in the log.
    expect((await readAudit(db, { from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 })).at(-1)).toMatchObject({ action: 'audit-export', actor: operator });
    expect(await admin('audit', '--from', 'yesterday')).toMatchObject({ code: 1, stderr: '--from must be a day as YYYY-MM-DD, not "yesterday".\n' });
  });

  it('given nothing due, when the admin runs the purge, then it says what it blanked: nothing', async () => {
    expect(await admin('purge')).toEqual({
      code: 0,
      stdout: 'Blanked: contact details of 0 entries, words of 0 entries, 0 cases (0 events), comments of 0 survey responses; 0 audit rows past their period deleted.\n',
      stderr: '',
    });
  });
});
