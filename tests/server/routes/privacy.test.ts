import { expect, it } from 'vitest';
import { DEFAULT_RETENTION, type AuditPage, type CustomerData, type Erasure } from '../../../src/domain/privacy.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenCaseStaff,
  givenEnrolledLobby,
  givenTeller,
  MANAGER_PIN,
  SERVER_NOW,
  staffSessionOn,
  startTestServer,
  useTestDatabase,
} from '../fixtures.ts';
import { caseEventAt, givenNetwork, opinionAt, push } from '../reports/given.ts';
import { aCaseId } from '../../builders/case-event.ts';
import { anOpinion } from '../../builders/rating.ts';
import { referenceCode } from '../../../src/domain/opinion.ts';
import { PROTOCOL_VERSION } from '../../../src/domain/wire.ts';
import { LOG_REDACT } from '../../../src/server/app.ts';

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
    for (const trace of ['612 345 678', '612345678']) expect(JSON.stringify(page)).not.toContain(trace);
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

describeEachDatabase("a customer's data and the server's log", (kind) => {
  const database = useTestDatabase(kind);

  it('given her entry pushed, reviewed by a manager, found, exported and erased over HTTP with the log at debug, then the log never holds her name, phone, e-mail or words', async () => {
    await givenBranchWithCounter(database.current);
    await givenCaseStaff(database.current);
    await givenHeadOfficeAccount(database.current);
    const lobby = await givenEnrolledLobby(database.current);
    const lines: string[] = [];
    const server = await startTestServer({ db: database.current.db, logger: { level: 'debug', redact: LOG_REDACT, stream: { write: (line: string) => void lines.push(line) } } });
    const entry = anOpinion({ referenceCode: referenceCode(lobby.referencePrefix, 1), contact: CUSTOMER, text: 'El cajero se tragó mi tarjeta en la calle Mayor' });

    expect((await callApi(server, 'POST', '/api/sync/push', { token: lobby.token, body: { protocol: PROTOCOL_VERSION, records: [entry] } })).status).toBe(200);
    const manager = await staffSessionOn(server, lobby.token, '3002', MANAGER_PIN);
    expect(JSON.stringify((await callApi(server, 'GET', '/api/review?since=0', { token: lobby.token, headers: manager })).body)).toContain(CUSTOMER.phone);
    const cookie = await signedIn(server, 'HQ1');
    for (const path of ['/api/privacy/customer/search', '/api/privacy/customer/export']) {
      expect((await callDashboard(server, 'POST', path, { cookie, body: { phone: CUSTOMER.phone } })).status).toBe(200);
    }
    expect(await callDashboard(server, 'POST', '/api/privacy/customer/erase', { cookie, body: { query: { email: CUSTOMER.email }, confirm: true } })).toMatchObject({
      status: 200,
      body: { erasedEntries: [entry.id] },
    });

    const log = lines.join('');
    expect(log).toContain('"msg":"customer data erased"');
    for (const trace of [CUSTOMER.name, CUSTOMER.phone, '612 345 678', '612345678', CUSTOMER.email, 'tarjeta']) expect({ trace, found: log.includes(trace) }).toEqual({ trace, found: false });
  });
});
