import { expect, it } from 'vitest';
import type { EmailRecipientsView, EmailRecipientView } from '../../../src/domain/manage-email.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import type { SmtpConfig } from '../../../src/server/services/email.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { RECIPIENTS_PER_SCOPE } from '../../../src/server/services/email-recipients.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork } from '../reports/given.ts';
import { SMTP_PASSWORD, SMTP_USER, startSmtpServer } from '../smtp.ts';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';
const SOUTH = '0190a0b0-0000-7000-8000-0000000000d2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const aRecipient = (scope: { regionId?: string; branchId?: string } = {}) => ({ name: 'Lucía Gómez', address: 'lucia@bank.example', language: 'es', events: ['alert-raised', 'digest'], ...scope });

describeEachDatabase('e-mail recipients and the SMTP status on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  /** Harbour Road (A) in North, Nanjing Road (B) in South; head office HQ1; North's regional manager RM1; Harbour Road's branch manager. */
  async function given(smtp: SmtpConfig | null = null) {
    const { db } = database.current;
    const [harbour] = await givenNetwork(db);
    for (const [id, name] of [[NORTH, 'North'], [SOUTH, 'South']] as const) {
      const region = await addRegion(db, { id, name }, SERVER_NOW);
      if (!region.ok) throw new Error(region.message);
    }
    await moveBranchToRegion(db, BRANCH_A, NORTH);
    await moveBranchToRegion(db, BRANCH_B, SOUTH);
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, NORTH);
    const manager = await givenRosterAccount(database.current, (await findTeller(db, harbour!.staff['branch-manager']))!);
    const server = await startTestServer({ db, now: () => SERVER_NOW, smtp });
    const cookies = { hq: await signedIn(server, 'HQ1'), rm: await signedIn(server, 'RM1'), bm: await signedIn(server, manager.staffNumber) };
    const call = (method: 'GET' | 'POST' | 'PATCH', path: string, as: keyof typeof cookies, body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    const audit = async () => readAudit(db, { from: 0, to: SERVER_NOW + 1, limit: 100 });
    return { db, server, call, audit };
  }

  it('given head office, a regional manager and a branch manager, then each adds and changes recipients of their own scope only, sees only those, and every change is audited without the address', async () => {
    const { server, call, audit } = await given();
    expect(routesOf(server.app).filter((r) => /\/api\/manage\/email/.test(r))).toEqual([
      'GET /api/manage/email-recipients',
      'GET /api/manage/email/status',
      'PATCH /api/manage/email-recipients/:id',
      'POST /api/manage/email-recipients',
      'POST /api/manage/email/test',
    ]);
    const added = async (as: 'hq' | 'rm' | 'bm', scope: { regionId?: string; branchId?: string }) => {
      const answer = await call('POST', '/api/manage/email-recipients', as, aRecipient(scope));
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body as EmailRecipientView;
    };
    const network = await added('hq', {});
    expect(network).toMatchObject({ name: 'Lucía Gómez', address: 'lucia@bank.example', language: 'es', regionId: null, branchId: null, events: ['alert-raised', 'digest'], enabled: true });
    const south = await added('hq', { regionId: SOUTH });
    const north = await added('rm', { regionId: NORTH });
    const harbourByRm = await added('rm', { branchId: BRANCH_A });
    const harbourByBm = await added('bm', { branchId: BRANCH_A });

    const refused = [
      await call('POST', '/api/manage/email-recipients', 'rm', aRecipient()),
      await call('POST', '/api/manage/email-recipients', 'rm', aRecipient({ regionId: SOUTH })),
      await call('POST', '/api/manage/email-recipients', 'rm', aRecipient({ branchId: BRANCH_B })),
      await call('POST', '/api/manage/email-recipients', 'rm', aRecipient({ branchId: UNKNOWN_ID })),
      await call('POST', '/api/manage/email-recipients', 'bm', aRecipient()),
      await call('POST', '/api/manage/email-recipients', 'bm', aRecipient({ regionId: NORTH })),
      await call('POST', '/api/manage/email-recipients', 'bm', aRecipient({ branchId: BRANCH_B })),
      await call('PATCH', `/api/manage/email-recipients/${harbourByRm.id}`, 'bm', { branchId: BRANCH_B }),
      await call('PATCH', `/api/manage/email-recipients/${north.id}`, 'rm', { regionId: SOUTH }),
    ];
    expect(refused.map((r) => [r.status, (r.body as { code: string }).code])).toEqual(refused.map(() => [403, 'forbidden']));
    // Someone else's recipient is not there for them.
    expect(await call('PATCH', `/api/manage/email-recipients/${network.id}`, 'rm', { enabled: false })).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('PATCH', `/api/manage/email-recipients/${south.id}`, 'bm', { enabled: false })).toMatchObject({ status: 404 });
    expect(await call('POST', '/api/manage/email-recipients', 'hq', aRecipient({ regionId: UNKNOWN_ID }))).toMatchObject({ status: 404, body: { message: expect.stringContaining('regionId') } });

    const ids = async (as: 'hq' | 'rm' | 'bm') => ((await call('GET', '/api/manage/email-recipients', as)).body as EmailRecipientsView).recipients.map((r) => r.id).sort();
    expect(await ids('hq')).toEqual([network.id, south.id, north.id, harbourByRm.id, harbourByBm.id].sort());
    expect(await ids('rm')).toEqual([north.id, harbourByRm.id, harbourByBm.id].sort());
    expect(await ids('bm')).toEqual([harbourByRm.id, harbourByBm.id].sort());
    expect((await call('GET', '/api/manage/email-recipients', 'rm')).body).toMatchObject({ mayUseNetwork: false });

    const edited = await call('PATCH', `/api/manage/email-recipients/${harbourByBm.id}`, 'bm', { name: 'Lucía G.', address: ' lucia.g@bank.example ', language: 'zh-Hant', events: ['digest'], enabled: false });
    expect(edited).toMatchObject({ status: 200, body: { name: 'Lucía G.', address: 'lucia.g@bank.example', language: 'zh-Hant', events: ['digest'], enabled: false, branchId: BRANCH_A } });
    expect(await call('PATCH', `/api/manage/email-recipients/${harbourByRm.id}`, 'rm', { regionId: NORTH })).toMatchObject({ status: 200, body: { regionId: NORTH, branchId: null } });
    expect(await call('PATCH', `/api/manage/email-recipients/${south.id}`, 'hq', { branchId: null })).toMatchObject({ status: 200, body: { regionId: null, branchId: null } });

    const rows = await audit();
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['email-recipient-add', 'HQ1'],
      ['email-recipient-add', 'HQ1'],
      ['email-recipient-add', 'RM1'],
      ['email-recipient-add', 'RM1'],
      ['email-recipient-add', rows[4]!.actor],
      ['email-recipient-edit', rows[4]!.actor],
      ['email-recipient-edit', 'RM1'],
      ['email-recipient-edit', 'HQ1'],
    ]);
    expect(rows[5]!.detail).toMatchObject({ fields: ['name', 'address', 'language', 'events', 'enabled'] });
    expect(JSON.stringify(rows)).not.toContain('bank.example');
    expect(JSON.stringify(rows)).not.toContain('Lucía');
  });

  it('given a branch with as many recipients as a scope may have, then one more is refused 409 and nothing is stored; another scope still takes one', async () => {
    const { call } = await given();
    for (let i = 0; i < RECIPIENTS_PER_SCOPE; i++) expect((await call('POST', '/api/manage/email-recipients', 'bm', aRecipient({ branchId: BRANCH_A }))).status).toBe(200);
    expect(await call('POST', '/api/manage/email-recipients', 'bm', aRecipient({ branchId: BRANCH_A }))).toMatchObject({ status: 409, body: { code: 'conflict', message: expect.stringContaining(String(RECIPIENTS_PER_SCOPE)) } });
    expect(((await call('GET', '/api/manage/email-recipients', 'bm')).body as { recipients: unknown[] }).recipients).toHaveLength(RECIPIENTS_PER_SCOPE);
    expect((await call('POST', '/api/manage/email-recipients', 'hq', aRecipient())).status).toBe(200);
  });

  it('refuses a body out of shape with a message that names the field', async () => {
    const { call } = await given();
    const cases: [unknown, string][] = [
      [{ ...aRecipient(), address: 'lucia at bank' }, 'address: must be an e-mail address'],
      [{ ...aRecipient(), address: '' }, 'address: must not be empty'],
      [{ ...aRecipient(), name: '  ' }, 'name: must not be empty'],
      [{ ...aRecipient(), language: 'fr' }, 'language: must be one of'],
      [{ ...aRecipient(), events: [] }, 'events: must name at least one event'],
      [{ ...aRecipient(), events: ['digest', 'digest'] }, 'events: must not name an event twice'],
      [{ ...aRecipient(), events: ['everything'] }, 'events.0: must be one of'],
      [{ ...aRecipient(), regionId: NORTH, branchId: BRANCH_A }, 'branchId: give a region or a branch, not both'],
      [{ ...aRecipient(), branchId: 'branch-a' }, 'branchId: must be a lower-case UUID'],
      [{ ...aRecipient(), password: 'x' }, 'password'],
    ];
    for (const [body, message] of cases) {
      expect(await call('POST', '/api/manage/email-recipients', 'hq', body)).toMatchObject({ status: 400, body: { code: 'bad-request', message: expect.stringContaining(message) } });
    }
    expect(await call('PATCH', `/api/manage/email-recipients/${UNKNOWN_ID}`, 'hq', {})).toMatchObject({ status: 400, body: { message: expect.stringContaining('nothing to change') } });
    expect(await call('PATCH', `/api/manage/email-recipients/${UNKNOWN_ID}`, 'hq', { enabled: 'yes' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('enabled: must be true or false') } });
    expect(await call('PATCH', `/api/manage/email-recipients/${UNKNOWN_ID}`, 'hq', { enabled: false })).toMatchObject({ status: 404 });
    expect(await call('PATCH', '/api/manage/email-recipients/nope', 'hq', { enabled: false })).toMatchObject({ status: 400, body: { message: expect.stringContaining('id: must be a lower-case UUID') } });
  });

  it('given no SMTP server, then the status says so and a test message is refused with what to set', async () => {
    const { call } = await given(null);
    expect(await call('GET', '/api/manage/email/status', 'bm')).toMatchObject({ status: 200, body: { configured: false, host: null, port: null, from: null, mayTest: false } });
    expect(await call('POST', '/api/manage/email/test', 'hq', { address: 'ana@bank.example' })).toMatchObject({ status: 409, body: { code: 'conflict', message: expect.stringContaining('SMTP_URL') } });
  });

  it('given an SMTP server, then the status shows its host, port and sender but never its user or password, and head office and regional managers send a test message whose result is the SMTP server\'s', async () => {
    const smtp = await startSmtpServer();
    const { call, audit } = await given(smtp.config);
    const status = await call('GET', '/api/manage/email/status', 'hq');
    expect(status).toMatchObject({ status: 200, body: { configured: true, host: '127.0.0.1', port: smtp.port, security: 'none', from: 'BranchVoice <alerts@bank.example>', mayTest: true } });
    expect(JSON.stringify(status.body)).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(status.body)).not.toContain(SMTP_USER);

    expect(await call('POST', '/api/manage/email/test', 'bm', { address: 'ana@bank.example' })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await call('POST', '/api/manage/email/test', 'hq', { address: 'not an address' })).toMatchObject({ status: 400, body: { message: expect.stringContaining('address: must be an e-mail address') } });
    expect(await call('POST', '/api/manage/email/test', 'rm', { address: 'marta@bank.example', language: 'zh-Hans' })).toMatchObject({ status: 200, body: { delivered: true, error: null } });
    expect(smtp.received.map((r) => [r.to, r.mail.subject])).toEqual([[['marta@bank.example'], 'BranchVoice：测试邮件']]);
    expect((await audit()).map((r) => [r.action, r.actor, r.detail])).toEqual([['email-test', 'RM1', { delivered: true }]]);
  });

  it('given an SMTP server that refuses the address, then the test answers its refusal', async () => {
    const smtp = await startSmtpServer({ refuse: 'Mailbox unavailable' });
    const { call } = await given(smtp.config);
    expect(await call('POST', '/api/manage/email/test', 'hq', { address: 'ana@bank.example' })).toMatchObject({ status: 200, body: { delivered: false, error: expect.stringContaining('Mailbox unavailable') } });
  });
});
