import { expect, it } from 'vitest';
import { DEFAULT_RETENTION, type AuditPage, type CustomerData, type Erasure } from '../../../src/domain/privacy.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { givenTeller, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { caseEventAt, givenNetwork, opinionAt, push } from '../reports/given.ts';
import { aCaseId } from '../../builders/case-event.ts';

const CUSTOMER = { name: 'Lucía Gómez', phone: '+34 612 345 678', email: 'lucia@example.es', wantsReply: true, consent: true } as const;
const DAY = '2026-11-23';

describeEachDatabase("head office's privacy desk", (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    const { db } = database.current;
    const [branch] = await givenNetwork(db);
    const entry = opinionAt(branch!, SERVER_NOW, { contact: CUSTOMER });
    await push(db, branch!.lobby, [entry], SERVER_NOW);
    const caseId = aCaseId();
    await push(db, branch!.lobby, [
      caseEventAt(branch!, 'opened', caseId, SERVER_NOW + 1000, { channel: 'opinion-box', opinionId: entry.id, summary: 'Card retained by the ATM' }),
    ], SERVER_NOW);
    await givenHeadOfficeAccount(database.current);
    const manager = await givenTeller(database.current, { branchId: branch!.id, staffNumber: '9004', name: 'Manager', role: 'branch-manager' });
    await givenRosterAccount(database.current, manager);
    const server = await startTestServer({ db });
    const cookies = { hq: await signedIn(server, 'HQ1'), manager: await signedIn(server, '9004') };
    const ask = (method: 'GET' | 'POST', url: string, as: keyof typeof cookies | null, body?: unknown) =>
      callDashboard(server, method, url, { cookie: as === null ? undefined : cookies[as], body });
    return { server, entry, caseId, ask, branch: branch! };
  }

  it("given a customer's phone, when head office searches, exports and erases, then each answer is true, the open case keeps what it needs, and the audit log has every act with the account and its address", async () => {
    const { ask, entry, caseId } = await given();

    const search = await ask('POST', '/api/privacy/customer/search', 'hq', { phone: '612 345 678' });
    expect(search.status).toBe(200);
    const found = search.body as CustomerData;
    expect(found).toMatchObject({ by: 'phone', entries: [{ id: entry.id, contact: { phone: CUSTOMER.phone } }], cases: [{ id: caseId, status: 'open', foundBy: 'entry' }] });
    expect((await ask('POST', '/api/privacy/customer/export', 'hq', { email: CUSTOMER.email })).body).toMatchObject({ by: 'email', entries: [{ id: entry.id }] });

    expect(await ask('POST', '/api/privacy/customer/erase', 'hq', { query: { phone: '612345678' } })).toMatchObject({
      status: 400,
      body: { code: 'bad-request', message: expect.stringContaining('confirm') },
    });
    const erased = await ask('POST', '/api/privacy/customer/erase', 'hq', { query: { phone: '612345678' }, confirm: true });
    expect(erased).toMatchObject({ status: 200, body: { erasedEntries: [], erasedCases: [], kept: [{ kind: 'entry', id: entry.id, why: 'case-open' }, { kind: 'case', id: caseId, why: 'case-open' }] } satisfies Erasure });

    const audit = await ask('GET', `/api/privacy/audit?from=${DAY}&to=${DAY}`, 'hq');
    expect(audit.status).toBe(200);
    const page = audit.body as AuditPage;
    expect(page.more).toBe(false);
    expect(page.rows.map((r) => [r.action, r.actor, r.role, r.verified, r.address])).toEqual([
      ['customer-search', 'HQ1', 'head-office', 'dashboard-session', '127.0.0.1'],
      ['customer-export', 'HQ1', 'head-office', 'dashboard-session', '127.0.0.1'],
      ['customer-erasure', 'HQ1', 'head-office', 'dashboard-session', '127.0.0.1'],
    ]);
    expect(JSON.stringify(page)).not.toContain('612');
    expect((await ask('GET', '/api/privacy/retention', 'hq')).body).toEqual(DEFAULT_RETENTION);
  });

  it('given a branch manager or no session, then every privacy route is refused and no customer data leaves the server', async () => {
    const { ask, server } = await given();
    expect(routesOf(server.app).filter((r) => r.includes('/api/privacy'))).toEqual([
      'GET /api/privacy/audit',
      'GET /api/privacy/retention',
      'POST /api/privacy/customer/erase',
      'POST /api/privacy/customer/export',
      'POST /api/privacy/customer/search',
    ]);
    const calls: [method: 'GET' | 'POST', url: string, body?: unknown][] = [
      ['POST', '/api/privacy/customer/search', { phone: CUSTOMER.phone }],
      ['POST', '/api/privacy/customer/export', { phone: CUSTOMER.phone }],
      ['POST', '/api/privacy/customer/erase', { query: { phone: CUSTOMER.phone }, confirm: true }],
      ['GET', `/api/privacy/audit?from=${DAY}&to=${DAY}`],
      ['GET', '/api/privacy/retention'],
    ];
    for (const [method, url, body] of calls) {
      expect(await ask(method, url, null, body)).toMatchObject({ status: 401 });
      const manager = await ask(method, url, 'manager', body);
      expect(manager).toMatchObject({ status: 403, body: { code: 'forbidden', message: "Customers' data requests and the audit log are for head office; 9004 is signed in as branch-manager." } });
      expect(JSON.stringify(manager.body)).not.toContain('Lucía');
    }
    // Nothing was erased, and nothing was read: the audit log is empty.
    expect((await ask('GET', `/api/privacy/audit?from=${DAY}&to=${DAY}`, 'hq')).body).toEqual({ rows: [], more: false });
  });

  it.for<[string, unknown, string]>([
    ['a phone with too few digits', { phone: '123' }, 'phone: a phone number has at least 7 digits'],
    ['two ways at once', { phone: CUSTOMER.phone, email: CUSTOMER.email }, ''],
    ['an e-mail that is not one', { email: 'lucia' }, 'email: must be an e-mail address'],
  ])('given %s, then the search answers 400 and says what is wrong', async ([, body, message]) => {
    const { ask } = await given();
    const answer = await ask('POST', '/api/privacy/customer/search', 'hq', body);
    expect(answer).toMatchObject({ status: 400, body: { code: 'bad-request', message: expect.stringContaining(message) } });
  });
});
