import { beforeEach, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import type { AckTimes } from '../../../src/domain/alerts.ts';
import type { AlertRulesView } from '../../../src/domain/manage-alert-rules.ts';
import { effectiveAlertRules } from '../../../src/server/repositories/alert-rules.ts';
import { insertAlerts } from '../../../src/server/repositories/alerts.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addReason } from '../../../src/server/services/reasons.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRegionalAccount, givenRosterAccount, routesOf, signedIn } from '../dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B, givenNetwork } from '../reports/given.ts';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';
const SOUTH = '0190a0b0-0000-7000-8000-0000000000d2';
const UNKNOWN_ID = '0190a0b0-0000-7000-8000-0000000000ff';
const MINUTE = 60_000;
const LABELS = { 'zh-Hans': '排队', 'zh-Hant': '排隊', en: 'Queue outside', es: 'Cola fuera' };

describeEachDatabase('alert rules on the dashboard', (kind) => {
  const database = useTestDatabase(kind);

  beforeEach(async () => {
    // The shared clearDatabase predates the alert tables.
    const { db } = database.current;
    for (const table of ['alert_events', 'alerts', 'alert_rules', 'notifications', 'webhooks'] as const) await db.deleteFrom(table).execute();
  });

  /** Harbour Road (A) in North, Nanjing Road (B) in South, B with a reason of its own; HQ1, North's RM1, and each branch's manager. */
  async function given() {
    const { db } = database.current;
    const [harbour, nanjing] = await givenNetwork(db);
    for (const [id, name] of [[NORTH, 'North'], [SOUTH, 'South']] as const) {
      const region = await addRegion(db, { id, name }, SERVER_NOW);
      if (!region.ok) throw new Error(region.message);
    }
    await moveBranchToRegion(db, BRANCH_A, NORTH);
    await moveBranchToRegion(db, BRANCH_B, SOUTH);
    const added = await addReason(db, { branchId: BRANCH_B, id: 'queue-outside', labels: LABELS });
    if (!added.ok) throw new Error(added.message);
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, NORTH);
    await givenRosterAccount(database.current, (await findTeller(db, harbour!.staff['branch-manager']))!);
    await givenRosterAccount(database.current, (await findTeller(db, nanjing!.staff['branch-manager']))!);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const cookies = { hq: await signedIn(server, 'HQ1'), rm: await signedIn(server, 'RM1'), bmA: await signedIn(server, '1103'), bmB: await signedIn(server, '2103') };
    const call = (method: 'GET' | 'PUT' | 'DELETE', path: string, as: keyof typeof cookies, body?: unknown) => callDashboard(server, method, path, { cookie: cookies[as], body });
    const audit = async () => readAudit(db, { from: 0, to: SERVER_NOW + 1, limit: 100 });
    const stored = async () => db.selectFrom('alert_rules').selectAll().orderBy('branch_id').orderBy('kind').execute();
    return { db, server, call, audit, stored };
  }

  const burst = { enabled: true, params: { count: 4, minutes: 20 }, ackMinutes: 15 };

  it('given head office, when it sets network rules and a branch manager sets their own, then each branch sees where each rule comes from, the alerts clock reads them, and each change is audited', async () => {
    const { db, server, call, audit } = await given();
    expect(routesOf(server.app).filter((r) => r.includes('alert-rules'))).toEqual([
      'DELETE /api/manage/alert-rules/branches/:branchId/:kind',
      'GET /api/manage/alert-rules',
      'PUT /api/manage/alert-rules/branches/:branchId/:kind',
      'PUT /api/manage/alert-rules/network/:kind',
    ]);

    const fresh = (await call('GET', '/api/manage/alert-rules', 'hq')).body as AlertRulesView;
    expect(fresh.branch).toBeNull();
    expect(fresh.network.mayEdit).toBe(true);
    expect(fresh.network.rules.map((r) => [r.kind, r.source])).toEqual([
      ['dissatisfied', 'default'],
      ['low-with-reasons', 'default'],
      ['low-burst', 'default'],
      ['day-below-target', 'default'],
      ['complaint-wants-reply', 'default'],
      ['case-deadline', 'default'],
    ]);
    expect(fresh.network.reasons.map((r) => r.id)).toContain('queue-outside');

    const set = await call('PUT', '/api/manage/alert-rules/network/low-burst', 'hq', burst);
    expect(set.status).toBe(200);
    expect((set.body as AlertRulesView).network.rules.find((r) => r.kind === 'low-burst')).toEqual({ kind: 'low-burst', source: 'network', ...burst });
    // At network level a reason of any branch may be named.
    expect((await call('PUT', '/api/manage/alert-rules/network/low-with-reasons', 'hq', { enabled: true, params: { reasonIds: ['queue-outside', 'waiting-time'] }, ackMinutes: 5 })).status).toBe(200);

    const own = await call('PUT', `/api/manage/alert-rules/branches/${BRANCH_A}/dissatisfied`, 'bmA', { enabled: false, params: {}, ackMinutes: 3 });
    expect(own.status).toBe(200);
    const branchView = (own.body as AlertRulesView).branch!;
    expect(branchView.branchId).toBe(BRANCH_A);
    expect(branchView.rules.map((r) => [r.kind, r.source, r.enabled, r.ackMinutes])).toEqual([
      ['dissatisfied', 'branch', false, 3],
      ['low-with-reasons', 'network', true, 5],
      ['low-burst', 'network', true, 15],
      ['day-below-target', 'default', true, 60],
      ['complaint-wants-reply', 'default', true, 30],
      ['case-deadline', 'default', true, 60],
    ]);
    expect(branchView.reasons.map((r) => r.id)).not.toContain('queue-outside');
    expect(branchView.reasons.find((r) => r.id === 'waiting-time')?.labels.es).toBe('Esperé demasiado');

    // The branch manager sees the network's rules, read-only.
    expect(((await call('GET', `/api/manage/alert-rules?branch=${BRANCH_A}`, 'bmA')).body as AlertRulesView).network.mayEdit).toBe(false);

    const rules = await effectiveAlertRules(db, [BRANCH_A, BRANCH_B]);
    expect([rules.get(BRANCH_A)!.dissatisfied.enabled, rules.get(BRANCH_B)!.dissatisfied.enabled, rules.get(BRANCH_B)!['low-burst'].params]).toEqual([false, true, { count: 4, minutes: 20 }]);
    expect((await db.selectFrom('alert_rules').select(['branch_id', 'kind', 'updated_by', 'updated_at']).orderBy('branch_id').orderBy('kind').execute())).toEqual([
      { branch_id: '', kind: 'low-burst', updated_by: 'HQ1', updated_at: SERVER_NOW },
      { branch_id: '', kind: 'low-with-reasons', updated_by: 'HQ1', updated_at: SERVER_NOW },
      { branch_id: BRANCH_A, kind: 'dissatisfied', updated_by: '1103', updated_at: SERVER_NOW },
    ]);

    // Back to the network's rule.
    const cleared = await call('DELETE', `/api/manage/alert-rules/branches/${BRANCH_A}/dissatisfied`, 'bmA');
    expect(cleared.status).toBe(200);
    expect((cleared.body as AlertRulesView).branch!.rules[0]).toMatchObject({ kind: 'dissatisfied', source: 'default', enabled: true, ackMinutes: 10 });

    expect((await audit()).map((r) => [r.action, r.actor, r.branchId, r.subject, r.detail])).toEqual([
      ['alert-rule-set', 'HQ1', null, 'low-burst', { scope: 'network', ...burst }],
      ['alert-rule-set', 'HQ1', null, 'low-with-reasons', { scope: 'network', enabled: true, params: { reasonIds: ['queue-outside', 'waiting-time'] }, ackMinutes: 5 }],
      ['alert-rule-set', '1103', BRANCH_A, 'dissatisfied', { scope: 'branch', enabled: false, params: {}, ackMinutes: 3 }],
      ['alert-rule-clear', '1103', BRANCH_A, 'dissatisfied', { scope: 'branch' }],
    ]);
  });

  it('given each role, then head office sets any rule, a regional manager their branches\', a branch manager their own, and every other act is refused and stores nothing', async () => {
    const { call, stored, audit } = await given();
    const rule = { enabled: true, params: {}, ackMinutes: 7 };
    const allowed = [
      await call('PUT', `/api/manage/alert-rules/branches/${BRANCH_B}/dissatisfied`, 'hq', rule),
      await call('PUT', `/api/manage/alert-rules/branches/${BRANCH_A}/dissatisfied`, 'rm', rule),
      await call('PUT', `/api/manage/alert-rules/branches/${BRANCH_A}/complaint-wants-reply`, 'bmA', rule),
      await call('GET', `/api/manage/alert-rules?branch=${BRANCH_A}`, 'rm'),
      await call('GET', `/api/manage/alert-rules?branch=${BRANCH_B}`, 'bmB'),
    ];
    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const before = await stored();

    const refused = [
      await call('PUT', '/api/manage/alert-rules/network/dissatisfied', 'rm', rule),
      await call('PUT', '/api/manage/alert-rules/network/dissatisfied', 'bmA', rule),
      await call('PUT', `/api/manage/alert-rules/branches/${BRANCH_B}/dissatisfied`, 'rm', rule),
      await call('PUT', `/api/manage/alert-rules/branches/${BRANCH_B}/dissatisfied`, 'bmA', rule),
      await call('DELETE', `/api/manage/alert-rules/branches/${BRANCH_B}/dissatisfied`, 'bmA'),
      await call('GET', `/api/manage/alert-rules?branch=${BRANCH_B}`, 'bmA'),
      await call('GET', `/api/manage/alert-rules?branch=${BRANCH_B}`, 'rm'),
      await call('PUT', `/api/manage/alert-rules/branches/${UNKNOWN_ID}/dissatisfied`, 'rm', rule),
    ];
    expect(refused.map((r) => [r.status, (r.body as { code: string }).code])).toEqual(refused.map(() => [403, 'forbidden']));
    expect(JSON.stringify(refused.map((r) => r.body))).not.toContain('Nanjing');
    // Head office may ask for any branch: a wrong id is simply not there.
    expect(await call('PUT', `/api/manage/alert-rules/branches/${UNKNOWN_ID}/dissatisfied`, 'hq', rule)).toMatchObject({ status: 404, body: { code: 'not-found' } });
    expect(await call('GET', `/api/manage/alert-rules?branch=${UNKNOWN_ID}`, 'hq')).toMatchObject({ status: 404, body: { code: 'not-found' } });

    expect(await stored()).toEqual(before);
    expect((await audit()).map((r) => r.actor)).toEqual(['HQ1', 'RM1', '1103']);
  });

  it('given bad rules, then each is 400 naming the field, and nothing is stored or audited', async () => {
    const { call, stored, audit } = await given();
    const bad: [string, unknown, RegExp][] = [
      ['network/low-burst', { enabled: true, params: { count: 1, minutes: 15 }, ackMinutes: 10 }, /^params\.count: must be a whole number from 2 to 50$/],
      ['network/low-burst', { enabled: true, params: { count: 3 }, ackMinutes: 10 }, /params\.minutes/],
      ['network/low-burst', { enabled: true, params: { count: 3, minutes: 15, extra: 1 }, ackMinutes: 10 }, /params\.extra/],
      ['network/case-deadline', { enabled: true, params: { hours: 2.5 }, ackMinutes: 10 }, /^params\.hours: must be a whole number from 1 to 336$/],
      ['network/dissatisfied', { enabled: true, params: {}, ackMinutes: 0 }, /^ackMinutes: must be a whole number from 1 to 1440$/],
      ['network/dissatisfied', { enabled: 'yes', params: {}, ackMinutes: 10 }, /^enabled: must be true or false$/],
      ['network/dissatisfied', { enabled: true, ackMinutes: 10 }, /^params: /],
      ['network/no-such-kind', { enabled: true, params: {}, ackMinutes: 10 }, /^kind: must be one of /],
      ['network/low-with-reasons', { enabled: true, params: { reasonIds: ['no-such-reason'] }, ackMinutes: 10 }, /^params\.reasonIds: no-such-reason is not a reason of any branch$/],
      // Branch A has no "queue-outside": that is Nanjing Road's own.
      [`branches/${BRANCH_A}/low-with-reasons`, { enabled: true, params: { reasonIds: ['waiting-time', 'queue-outside'] }, ackMinutes: 10 }, /^params\.reasonIds: queue-outside is not a reason of this branch$/],
      [`branches/not-an-id/dissatisfied`, { enabled: true, params: {}, ackMinutes: 10 }, /^branchId: /],
    ];
    for (const [path, body, message] of bad) {
      const answer = await call('PUT', `/api/manage/alert-rules/${path}`, 'hq', body);
      expect([path, answer.status, (answer.body as { code: string }).code]).toEqual([path, 400, 'bad-request']);
      expect((answer.body as { message: string }).message).toMatch(message);
    }
    expect(await stored()).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it('given alerts raised in a period, then the time to acknowledge gives their count, the acknowledged, the median and 90th percentile without the late ones, and the escalated', async () => {
    const { db, call } = await given();
    // Harbour Road is in Madrid (UTC+1 in November): its 23 November runs from 22 Nov 23:00 UTC.
    const raisedAt = SERVER_NOW;
    const acks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => m * MINUTE);
    const alerts = [
      ...acks.map((ack) => ({ branchId: BRANCH_A, raisedAt, ack, late: false })),
      // Late: counted as raised and acknowledged, left out of the times (it would pull the median up).
      { branchId: BRANCH_A, raisedAt, ack: 600 * MINUTE, late: true },
      // Not acknowledged, and went up a level.
      { branchId: BRANCH_A, raisedAt, ack: null, late: false, escalated: true },
      // Another branch, and another day: outside the selection or the period.
      { branchId: BRANCH_B, raisedAt, ack: MINUTE, late: false },
      { branchId: BRANCH_A, raisedAt: raisedAt - 2 * 24 * 60 * MINUTE, ack: MINUTE, late: false },
    ];
    for (const a of alerts) {
      const id = uuidv7();
      await insertAlerts(db, [
        {
          id,
          dedupeKey: `dissatisfied:${id}`,
          kind: 'dissatisfied',
          branchId: a.branchId,
          counterId: null,
          tellerId: null,
          sourceKind: 'rating',
          sourceId: id,
          detail: { kind: 'dissatisfied', score: 'dissatisfied', reasonIds: [] },
          occurredAt: a.late ? a.raisedAt - 60 * MINUTE : a.raisedAt,
          raisedAt: a.raisedAt,
          late: a.late,
          level: 'branch',
          escalateAt: null,
        },
      ]);
      if (a.ack !== null) await db.updateTable('alerts').set({ acknowledged_at: a.raisedAt + a.ack, acknowledged_by: 'HQ1', acknowledged_name: 'Ana Ruiz', acknowledged_via: 'dashboard-session', comment: 'Done' }).where('id', '=', id).execute();
      if ('escalated' in a) await db.insertInto('alert_events').values({ alert_id: id, branch_id: a.branchId, type: 'escalated', level: 'region', at: a.raisedAt + 10 * MINUTE, actor: null, detail: '{"from":"branch","to":"region"}' }).execute();
    }
    const times = await call('GET', `/api/reports/alert-times?from=2026-11-23&to=2026-11-23&branchId=${BRANCH_A}`, 'hq');
    expect(times).toMatchObject({ status: 200, body: { raised: 12, acknowledged: 11, medianMs: 5.5 * MINUTE, p90Ms: 9 * MINUTE, escalated: 1 } satisfies AckTimes });
    // North's regional manager sees North's (Harbour Road) only; the whole network has one more.
    expect((await call('GET', `/api/reports/alert-times?from=2026-11-23&to=2026-11-23&regionId=${NORTH}`, 'rm')).body).toMatchObject({ raised: 12 });
    expect((await call('GET', '/api/reports/alert-times?from=2026-11-23&to=2026-11-23', 'hq')).body).toMatchObject({ raised: 13, acknowledged: 12 });
    expect((await call('GET', '/api/reports/alert-times?from=2026-11-23&to=2026-11-23', 'bmB')).body).toEqual({ raised: 1, acknowledged: 1, medianMs: MINUTE, p90Ms: MINUTE, escalated: 0 });
    expect((await call('GET', '/api/reports/alert-times?from=2026-11-01&to=2026-11-02', 'hq')).body).toEqual({ raised: 0, acknowledged: 0, medianMs: null, p90Ms: null, escalated: 0 });
    expect((await call('GET', `/api/reports/alert-times?from=2026-11-23&to=2026-11-23&branchId=${BRANCH_A}`, 'bmB')).status).toBe(403);
  });
});
