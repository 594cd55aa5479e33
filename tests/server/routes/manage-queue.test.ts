import { expect, it } from 'vitest';
import type { BranchSetup } from '../../../src/domain/manage-setup.ts';
import type { QueueImportResult, QueueSetup, QueueSystemKey, QueueSystemView } from '../../../src/domain/queue-intake.ts';
import { MAX_QUEUE_CSV_BYTES } from '../../../src/domain/queue.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { REVOKED_QUEUE_KEY } from '../../../src/server/services/queue-systems.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { aQueueEvent, QUEUE_MORNING } from '../../builders/queue-event.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { callApi, givenTeller, SERVER_NOW, startTestServer, useTestDatabase, type TestServer } from '../fixtures.ts';
import { givenQueueBranches, HARBOUR_COUNTER_ID, HARBOUR_ID, WINDOW_5_ID } from '../queue-intake-given.ts';

const REGION_ID = '0190a0b0-0000-7000-8000-0000000000d1';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const of = (branchId: string, rest: string) => `/api/manage/branches/${branchId}/${rest}`;

/** Sends an export as the dashboard does: the file as it is, as text/csv. */
async function sendCsv(server: TestServer, cookie: string, branchId: string, body: string | Buffer, contentType = 'text/csv; charset=utf-8') {
  const response = await fetch(`${server.baseUrl}${of(branchId, 'queue/import')}`, { method: 'POST', headers: { cookie, 'content-type': contentType }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: response.status, body: (await response.json()) as unknown };
}

describeEachDatabase('Manage › Queue system', (kind) => {
  const database = useTestDatabase(kind);

  /** Main Street (Shanghai, in region North; manager 2002, complaint manager 2003) and Harbour Road (manager 4003); head office HQ1; North's regional manager RM1. */
  async function given() {
    const { db } = database.current;
    const world = await givenQueueBranches(database.current);
    const region = await addRegion(db, { id: REGION_ID, name: 'North' }, SERVER_NOW);
    if (!region.ok) throw new Error(region.message);
    await moveBranchToRegion(db, BRANCH_ID, REGION_ID);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2003', name: 'Ho Yan', role: 'complaint-manager' }));
    await givenRosterAccount(database.current, await givenTeller(database.current, { branchId: HARBOUR_ID, staffNumber: '4003', name: 'Kit Lau', role: 'branch-manager' }));
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, REGION_ID);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies = {
      hq: await signedIn(server, 'HQ1'),
      manager: await signedIn(server, '2002'),
      complaints: await signedIn(server, '2003'),
      harbour: await signedIn(server, '4003'),
      regional: await signedIn(server, 'RM1'),
    };
    type As = keyof typeof cookies;
    const call = (method: 'GET' | 'POST' | 'PUT', path: string, as: As, body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    const importCsv = (as: As, csv: string | Buffer, branchId = BRANCH_ID, contentType?: string) => sendCsv(server, cookies[as], branchId, csv, contentType);
    const audit = async () => (await db.selectFrom('audit_log').selectAll().orderBy('seq').execute()).map((r) => ({ action: r.action, actor: r.actor, verified: r.verified, branch: r.branch_id, subject: r.subject, detail: JSON.parse(r.detail) as unknown }));
    const events = async () => (await db.selectFrom('queue_events').selectAll().orderBy('seq').execute()).map((r) => ({ ticket: r.ticket, type: r.type, at: Number(r.at), day: r.day, counter: r.counter_id, service: r.service_type, by: r.queue_system_id, source: r.source }));
    const dirty = async () => (await db.selectFrom('match_dirty').select(['branch_id', 'day']).orderBy('day').execute()).map((r) => `${r.branch_id === BRANCH_ID ? 'Main' : 'Harbour'} ${r.day}`);
    return { db, server, call, importCsv, audit, events, dirty, ...world };
  }

  it('given head office, when it makes a key, the queue system posts with it, and it is revoked, then the key is shown once, only its hash is kept, the revoked key is refused, and each change is audited', async () => {
    const { db, server, call, audit, mainKey } = await given();
    expect(routesOf(server.app).filter((r) => r.includes('queue'))).toEqual([
      'GET /api/manage/branches/:branchId/queue',
      'POST /api/manage/branches/:branchId/queue/import',
      'POST /api/manage/branches/:branchId/queue/systems',
      'POST /api/manage/queue/systems/:id/revoke',
      'POST /api/queue/events',
      'PUT /api/manage/counters/:counterId/queue-code',
    ]);
    const before = (await call('GET', of(BRANCH_ID, 'queue'), 'hq')).body as QueueSetup;
    expect(before).toEqual({
      systems: [{ id: mainKey.system.id, branchId: BRANCH_ID, name: 'Lobby ticket printer', createdAt: SERVER_NOW, createdBy: 'tester@ci', revokedAt: null, lastSeenAt: null, lastAddress: null }],
      counters: [
        { id: COUNTER_ID, name: 'Window 3', queueCode: '3' },
        { id: WINDOW_5_ID, name: 'Window 5', queueCode: null },
      ],
      lastEventAt: null,
      eventsToday: 0,
    } satisfies QueueSetup);

    const made = await callDashboard(server, 'POST', of(BRANCH_ID, 'queue/systems'), { cookie: (await signedIn(server, 'HQ1')), body: { name: '  Second printer ' } });
    expect(made.status).toBe(201);
    expect(made.headers.get('cache-control')).toBe('no-store');
    const { system, key } = made.body as QueueSystemKey;
    expect(system).toEqual({ id: system.id, branchId: BRANCH_ID, name: 'Second printer', createdAt: SERVER_NOW, createdBy: 'HQ1', revokedAt: null, lastSeenAt: null, lastAddress: null } satisfies QueueSystemView);
    expect(key).toMatch(/^bvq_[A-Za-z0-9_-]{43}$/);
    const stored = await db.selectFrom('queue_systems').selectAll().where('id', '=', system.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashSecret(key));
    expect(JSON.stringify(stored)).not.toContain(key);

    // The queue system posts with it: the page shows the event, today's count and the key's last use.
    const posted = await callApi(server, 'POST', '/api/queue/events', { token: key, body: { events: [aQueueEvent(), aQueueEvent({ type: 'ended', at: QUEUE_MORNING + 300_000 })] } });
    expect(posted.status).toBe(200);
    const after = (await call('GET', of(BRANCH_ID, 'queue'), 'hq')).body as QueueSetup;
    expect(after).toMatchObject({ lastEventAt: QUEUE_MORNING + 300_000, eventsToday: 2 });
    expect(after.systems.map((s) => [s.name, s.lastSeenAt, s.lastAddress])).toEqual([
      ['Lobby ticket printer', null, null],
      ['Second printer', SERVER_NOW, '127.0.0.1'],
    ]);

    const revoked = await call('POST', `/api/manage/queue/systems/${system.id}/revoke`, 'hq', {});
    expect(revoked).toMatchObject({ status: 200, body: { system: { id: system.id, revokedAt: SERVER_NOW } } });
    expect(await callApi(server, 'POST', '/api/queue/events', { token: key, body: { events: [aQueueEvent()] } })).toMatchObject({ status: 401, body: { code: 'unauthorized', message: REVOKED_QUEUE_KEY } });
    // Revoking it again changes nothing, and is not audited again.
    expect(await call('POST', `/api/manage/queue/systems/${system.id}/revoke`, 'hq', {})).toMatchObject({ status: 200, body: { system: { revokedAt: SERVER_NOW } } });
    expect(await audit()).toEqual([
      { action: 'queue-system-add', actor: 'HQ1', verified: 'dashboard-session', branch: BRANCH_ID, subject: system.id, detail: {} },
      { action: 'queue-system-revoke', actor: 'HQ1', verified: 'dashboard-session', branch: BRANCH_ID, subject: system.id, detail: {} },
    ]);
    expect(await call('POST', of(BRANCH_ID, 'queue/systems'), 'hq', { name: '' })).toMatchObject({ status: 400, body: { code: 'bad-request', message: 'name: must not be empty' } });
    expect(await call('POST', of(BRANCH_ID, 'queue/systems'), 'hq', { name: 'x', key: 'mine' })).toMatchObject({ status: 400, body: { message: 'key: Invalid key: Expected never but received "key"' } });
  });

  it("given the branch's manager, when they map counters to the queue system's numbers, then a number is one counter's in the branch (409 naming the holder), the change is audited and today is marked for matching again", async () => {
    const { call, audit, dirty } = await given();
    const put = (counterId: string, queueCode: unknown, as: 'manager' | 'harbour' = 'manager') => call('PUT', `/api/manage/counters/${counterId}/queue-code`, as, { queueCode });
    expect(await put(WINDOW_5_ID, 'W05')).toMatchObject({ status: 200, body: { counter: { id: WINDOW_5_ID, name: 'Window 5', queueCode: 'W05' } } });
    expect(await put(WINDOW_5_ID, '3')).toMatchObject({
      status: 409,
      body: { code: 'conflict', message: `queueCode: 3 is counter "Window 3" (${COUNTER_ID})'s in this branch; clear it there first, or give this counter another code.` },
    });
    expect(await put(COUNTER_ID, null)).toMatchObject({ status: 200, body: { counter: { id: COUNTER_ID, queueCode: null } } });
    expect(await put(WINDOW_5_ID, ' 3 ')).toMatchObject({ status: 200, body: { counter: { id: WINDOW_5_ID, queueCode: '3' } } });
    // Unchanged: answered, not audited.
    expect(await put(WINDOW_5_ID, '3')).toMatchObject({ status: 200, body: { counter: { queueCode: '3' } } });
    // Another branch's "3" is its own.
    expect(await put(HARBOUR_COUNTER_ID, '3', 'harbour')).toMatchObject({ status: 200, body: { counter: { queueCode: '3' } } });
    expect(await put(WINDOW_5_ID, 'W 5')).toMatchObject({ status: 400, body: { code: 'bad-request', message: 'queueCode: must be letters, digits, dots, dashes or underscores, such as 3 or W03' } });
    expect(await call('PUT', `/api/manage/counters/${WINDOW_5_ID}/queue-code`, 'manager', {})).toMatchObject({ status: 400, body: { message: 'queueCode: Invalid key: Expected "queueCode" but received undefined' } });

    const setup = (await call('GET', of(BRANCH_ID, 'setup'), 'manager')).body as BranchSetup;
    expect(setup.counters).toEqual([
      { id: COUNTER_ID, name: 'Window 3', queueCode: null },
      { id: WINDOW_5_ID, name: 'Window 5', queueCode: '3' },
    ]);
    expect(await audit()).toEqual([
      { action: 'counter-queue-code', actor: '2002', verified: 'dashboard-session', branch: BRANCH_ID, subject: WINDOW_5_ID, detail: { from: null, to: 'W05' } },
      { action: 'counter-queue-code', actor: '2002', verified: 'dashboard-session', branch: BRANCH_ID, subject: COUNTER_ID, detail: { from: '3', to: null } },
      { action: 'counter-queue-code', actor: '2002', verified: 'dashboard-session', branch: BRANCH_ID, subject: WINDOW_5_ID, detail: { from: 'W05', to: '3' } },
    ]);
    // SERVER_NOW is 18:00 in Shanghai and 11:00 in Madrid, both on the 23rd.
    expect(await dirty()).toEqual(['Main 2026-11-23']);
  });

  it('given each role, then head office acts on any branch, the regional manager and the branch manager on theirs only; others are refused without learning which ids exist', async () => {
    const { call, importCsv, harbourKey } = await given();
    const csv = 'ticket,event,time,counter\nA001,issued,2026-11-23 09:00,\n';
    const outcome = async (as: 'hq' | 'regional' | 'manager' | 'complaints' | 'harbour', branchId: string, counterId: string, systemId: string, queueCode = 'Q9') =>
      [
        (await call('GET', of(branchId, 'queue'), as)).status,
        (await call('POST', of(branchId, 'queue/systems'), as, { name: 'Printer' })).status,
        (await call('PUT', `/api/manage/counters/${counterId}/queue-code`, as, { queueCode })).status,
        (await importCsv(as, csv, branchId)).status,
        (await call('POST', `/api/manage/queue/systems/${systemId}/revoke`, as, {})).status,
      ].join(' ');
    expect(await outcome('manager', HARBOUR_ID, HARBOUR_COUNTER_ID, harbourKey.system.id)).toBe('403 403 403 403 403');
    expect(await outcome('regional', HARBOUR_ID, HARBOUR_COUNTER_ID, harbourKey.system.id)).toBe('403 403 403 403 403');
    expect(await outcome('complaints', BRANCH_ID, COUNTER_ID, harbourKey.system.id)).toBe('403 403 403 403 403');
    expect(await outcome('regional', UNKNOWN_ID, UNKNOWN_ID, UNKNOWN_ID)).toBe('403 403 403 403 403');
    expect(await outcome('hq', UNKNOWN_ID, UNKNOWN_ID, UNKNOWN_ID)).toBe('404 404 404 404 404');
    expect(await outcome('harbour', HARBOUR_ID, HARBOUR_COUNTER_ID, harbourKey.system.id)).toBe('200 201 200 200 200');
    const systems = async () => ((await call('GET', of(BRANCH_ID, 'queue'), 'hq')).body as QueueSetup).systems;
    expect(await outcome('regional', BRANCH_ID, COUNTER_ID, (await systems())[0]!.id)).toBe('200 201 200 200 200');
    expect(await outcome('hq', BRANCH_ID, WINDOW_5_ID, (await systems())[1]!.id, 'Q8')).toBe('200 201 200 200 200');
    expect((await call('GET', of(BRANCH_ID, 'queue'), 'manager')).status).toBe(200);
    expect(await call('GET', of(HARBOUR_ID, 'queue'), 'manager')).toMatchObject({
      body: { code: 'forbidden', message: `2002 (branch-manager) may set up the queue system of the branches they manage only, not of ${HARBOUR_ID}.` },
    });
  });

  it("given an export in the branch's local time (Shanghai) after some of its events were posted, then each line is stored at its instant, posted ones are duplicates, bad lines are answered by line number, and importing again stores nothing", async () => {
    const { importCsv, events, audit, dirty, call, mainKey, server } = await given();
    await callApi(server, 'POST', '/api/queue/events', { token: mainKey.key, body: { events: [aQueueEvent({ ticket: 'A001', type: 'called', at: '2026-11-23T09:06:00+08:00' })] } });
    const csv = [
      'ticket,event,time,counter,service',
      'A001,issued,2026-11-23 09:00:00,,deposits',
      'A001,called,2026-11-23 09:06,3,',
      'A001,started,2026-11-23 09:06:20,3,',
      'A001,ended,2026-11-23 09:11:00,3,',
      'A002,called,2026-11-23 09:12,7,',
      'A003,served,2026-11-23 09:13,3,',
      'A004,issued,half past nine,,',
      '',
      'A005,issued,2026-11-24 00:10,,',
    ].join('\n');
    const expected: QueueImportResult = {
      total: 8,
      stored: 4,
      duplicate: 1,
      rejected: 3,
      problems: [
        {
          line: 6,
          reason: 'unknown-counter',
          message: `counter: the queue system's counter 7 is not mapped to a counter of branch ${BRANCH_ID}; give that counter the queue code 7 on Manage › Queue system, or with \`npm run admin -- counter:set <counterId> --queue-code 7\``,
        },
        { line: 7, reason: 'invalid-event', message: 'event: must be issued, called, started or ended' },
        { line: 8, reason: 'invalid-event', message: "time: must be epoch milliseconds, an ISO 8601 time with its zone (2026-12-07T09:15:02+08:00) or the branch's local time (2026-12-07 09:15:02)" },
      ],
    };
    expect(await importCsv('manager', csv)).toEqual({ status: 200, body: expected });
    const imported = { by: 'import:2002', source: 'import' };
    expect(await events()).toEqual([
      { ticket: 'A001', type: 'called', at: QUEUE_MORNING + 6 * 60_000, day: '2026-11-23', counter: COUNTER_ID, service: null, by: mainKey.system.id, source: 'post' },
      { ticket: 'A001', type: 'issued', at: QUEUE_MORNING, day: '2026-11-23', counter: null, service: 'deposits', ...imported },
      { ticket: 'A001', type: 'started', at: QUEUE_MORNING + 6 * 60_000 + 20_000, day: '2026-11-23', counter: COUNTER_ID, service: null, ...imported },
      { ticket: 'A001', type: 'ended', at: QUEUE_MORNING + 11 * 60_000, day: '2026-11-23', counter: COUNTER_ID, service: null, ...imported },
      // Ten past midnight in Shanghai: the 24th there, still the 23rd in UTC.
      { ticket: 'A005', type: 'issued', at: Date.UTC(2026, 10, 23, 16, 10), day: '2026-11-24', counter: null, service: null, ...imported },
    ]);
    expect(await dirty()).toEqual(['Main 2026-11-23', 'Main 2026-11-24']);

    expect(await importCsv('manager', csv)).toEqual({ status: 200, body: { ...expected, stored: 0, duplicate: 5 } });
    expect(await events()).toHaveLength(5);
    expect(await audit()).toEqual([
      { action: 'queue-import', actor: '2002', verified: 'dashboard-session', branch: BRANCH_ID, subject: 'csv', detail: { total: 8, stored: 4, duplicate: 1, rejected: 3 } },
      { action: 'queue-import', actor: '2002', verified: 'dashboard-session', branch: BRANCH_ID, subject: 'csv', detail: { total: 8, stored: 0, duplicate: 5, rejected: 3 } },
    ]);
    expect((await call('GET', of(BRANCH_ID, 'queue'), 'manager')).body).toMatchObject({ eventsToday: 4, lastEventAt: Date.UTC(2026, 10, 23, 16, 10) });
  });

  it('given an export of 2,500 events with 150 bad lines, then it is stored in chunks, every good line stored, the first 100 problems answered and all 150 counted', async () => {
    const { importCsv, events } = await given();
    const lines = ['ticket,event,time,counter'];
    for (let i = 0; i < 2_500; i++) lines.push(`T${i},issued,${QUEUE_MORNING + i * 1000},`);
    for (let i = 0; i < 150; i++) lines.push(`T${i},lost,${QUEUE_MORNING},`);
    const answer = await importCsv('hq', lines.join('\n'));
    expect(answer.status).toBe(200);
    const body = answer.body as QueueImportResult;
    expect({ ...body, problems: body.problems.length }).toEqual({ total: 2_650, stored: 2_500, duplicate: 0, rejected: 150, problems: 100 });
    expect(body.problems[0]).toEqual({ line: 2_502, reason: 'invalid-event', message: 'event: must be issued, called, started or ended' });
    expect(await events()).toHaveLength(2_500);
  });

  it('given an export that is not one, then 400 or 413 saying what to send, and nothing is stored or audited', async () => {
    const { importCsv, events, audit } = await given();
    const good = 'ticket,event,time,counter,service\nA001,issued,2026-11-23 09:00,,对公业务\n';
    expect(await importCsv('hq', 'ticket,event,time\nA001,issued,2026-11-23 09:00\n')).toEqual({
      status: 400,
      body: { code: 'bad-request', message: 'The header lacks the column counter: the first line names the columns ticket, event, time, counter, service (any order; service may be left out).' },
    });
    expect(await importCsv('hq', good, BRANCH_ID, 'application/json')).toEqual({
      status: 400,
      body: { code: 'bad-request', message: "Send the queue system's export as it is, with content-type: text/csv (charset=utf-8 unless it says another), not application/json." },
    });
    const gb18030 = Buffer.from([...Buffer.from('ticket,event,time,counter,service\nA001,issued,2026-11-23 09:00,,'), 0xb6, 0xd4, 0xb9, 0xab, 0xd2, 0xb5, 0xce, 0xf1, 0x0a]);
    expect(await importCsv('hq', gb18030)).toEqual({
      status: 400,
      body: { code: 'bad-request', message: 'The export is not valid utf-8; if the queue system writes GBK or GB18030, send it with content-type: text/csv; charset=gb18030.' },
    });
    expect(await importCsv('hq', good, BRANCH_ID, 'text/csv; charset=klingon')).toEqual({
      status: 400,
      body: { code: 'bad-request', message: 'charset klingon is not one the server reads; send the export as UTF-8 or GB18030 (content-type: text/csv; charset=gb18030).' },
    });
    expect(await importCsv('hq', 'x'.repeat(MAX_QUEUE_CSV_BYTES + 1))).toEqual({
      status: 413,
      body: { code: 'payload-too-large', message: `The export is over ${MAX_QUEUE_CSV_BYTES} bytes; import it a day at a time.` },
    });
    expect(await events()).toEqual([]);
    expect(await audit()).toEqual([]);

    // The same export in GB18030, said so: read as such.
    expect(await importCsv('hq', gb18030, BRANCH_ID, 'text/csv; charset=gb18030')).toMatchObject({ status: 200, body: { stored: 1 } });
    expect((await events()).map((e) => e.service)).toEqual(['对公业务']);
  });
});
