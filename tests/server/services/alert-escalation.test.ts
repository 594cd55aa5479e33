import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { beforeEach, expect, it, onTestFinished, vi } from 'vitest';
import { alertDedupeKey, type AlertDetail, type AlertLevel } from '../../../src/domain/alerts.ts';
import { foldCases, type CaseEvent } from '../../../src/domain/case.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { insertAlerts } from '../../../src/server/repositories/alerts.ts';
import { complaintCaseRow, upsertComplaintCases } from '../../../src/server/repositories/rollup-rows.ts';
import { escalateDueAlerts, raiseCaseDeadlineAlerts, scheduleAlerts } from '../../../src/server/services/alert-scheduler.ts';
import { onAlertsChanged } from '../../../src/server/services/alerts.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { aCaseEvent, aCaseId } from '../../builders/case-event.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The builders' branch (their case events name it), in region North; and a branch in no region. */
const IN_REGION = BRANCH_ID;
const NO_REGION = '0190a0b0-0000-7000-8000-00000000b000';
const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';
const HOOK = '0190a0b0-0000-7000-8000-0000000000a1';

describeEachDatabase('the alerts clock: escalation and case deadlines', (kind) => {
  const database = useTestDatabase(kind);

  beforeEach(async () => {
    // The shared clearDatabase predates the alert tables.
    const { db } = database.current;
    for (const table of ['alert_events', 'alerts', 'alert_rules', 'notifications', 'webhooks'] as const) await db.deleteFrom(table).execute();
  });

  async function given() {
    const { db } = database.current;
    must(await addRegion(db, { id: NORTH, name: 'North' }, SERVER_NOW));
    must(await addBranch(db, { id: IN_REGION, name: 'Harbour Road', defaultLanguage: 'en' }, SERVER_NOW));
    must(await addBranch(db, { id: NO_REGION, name: 'Nanjing Road', defaultLanguage: 'en' }, SERVER_NOW));
    must(await moveBranchToRegion(db, IN_REGION, NORTH));
    // A network webhook that hears escalations (and raisings), inserted as its page would store it.
    await db
      .insertInto('webhooks')
      .values({ id: HOOK, name: 'Core banking', url: 'https://hooks.example/branchvoice', secret: 's'.repeat(43), region_id: null, branch_id: null, events: JSON.stringify(['alert-raised', 'alert-escalated']), enabled: 1, created_at: SERVER_NOW, created_by: 'HQ1', updated_at: SERVER_NOW })
      .execute();
    return db;
  }

  /** A dissatisfied rating's alert raised at `raisedAt`, due to go up at `escalateAt`. */
  async function givenAlert(db: Kysely<Database>, branchId: string, raisedAt: number, escalateAt: number, { late = false } = {}) {
    const id = uuidv7();
    const detail: AlertDetail = { kind: 'dissatisfied', score: 'dissatisfied', reasonIds: [] };
    await insertAlerts(db, [
      { id, dedupeKey: alertDedupeKey('dissatisfied', id), kind: 'dissatisfied', branchId, counterId: null, tellerId: null, sourceKind: 'rating', sourceId: id, detail, occurredAt: raisedAt, raisedAt, late, level: 'branch', escalateAt },
    ]);
    return id;
  }

  const alertOf = async (db: Kysely<Database>, id: string) => {
    const row = await db.selectFrom('alerts').select(['level', 'escalate_at']).where('id', '=', id).executeTakeFirstOrThrow();
    return { level: row.level as AlertLevel, escalateAt: row.escalate_at === null ? null : Number(row.escalate_at) };
  };
  const eventsOf = async (db: Kysely<Database>, id: string) =>
    (await db.selectFrom('alert_events').select(['seq', 'type', 'level', 'at', 'actor', 'detail']).where('alert_id', '=', id).orderBy('seq').execute()).map((e) => ({
      seq: Number(e.seq),
      type: e.type,
      level: e.level,
      at: Number(e.at),
      actor: e.actor,
      detail: JSON.parse(e.detail) as unknown,
    }));
  const notificationsOf = async (db: Kysely<Database>) =>
    (await db.selectFrom('notifications').select(['channel', 'target_id', 'subject_kind', 'subject_id', 'status', 'body']).orderBy('created_at').orderBy('subject_id').execute()).map((n) => ({
      ...n,
      body: JSON.parse(n.body) as { event: string; alert: { id: string; level: string } },
    }));

  it("given an alert at a branch in a region, when the clock passes its rule's minutes twice, then it goes to the region, then to head office, each step one event and one webhook notification, and then it stays", async () => {
    const db = await given();
    // The network's rule gives five minutes at each level: the region's time comes from it, not the default ten.
    await db.insertInto('alert_rules').values({ branch_id: '', kind: 'dissatisfied', enabled: 1, params: '{}', ack_minutes: 5, updated_at: SERVER_NOW, updated_by: 'HQ1' }).execute();
    const due = SERVER_NOW + 5 * MINUTE;
    const id = await givenAlert(db, IN_REGION, SERVER_NOW, due);

    expect(await escalateDueAlerts(db, due - MINUTE)).toBe(0);
    expect(await alertOf(db, id)).toEqual({ level: 'branch', escalateAt: due });
    expect(await eventsOf(db, id)).toEqual([]);

    expect(await escalateDueAlerts(db, due)).toBe(1);
    expect(await alertOf(db, id)).toEqual({ level: 'region', escalateAt: due + 5 * MINUTE });
    expect((await eventsOf(db, id)).map(({ seq: _, ...e }) => e)).toEqual([{ type: 'escalated', level: 'region', at: due, actor: null, detail: { from: 'branch', to: 'region' } }]);
    const first = await notificationsOf(db);
    expect(first.map((n) => [n.channel, n.target_id, n.subject_kind, n.status, n.body.event, n.body.alert.id, n.body.alert.level])).toEqual([['webhook', HOOK, 'alert-event', 'pending', 'alert-escalated', id, 'region']]);
    expect(first[0]!.subject_id).toBe(String((await eventsOf(db, id))[0]!.seq));

    expect(await escalateDueAlerts(db, due + 5 * MINUTE - 1)).toBe(0);
    expect(await escalateDueAlerts(db, due + 5 * MINUTE)).toBe(1);
    expect(await alertOf(db, id)).toEqual({ level: 'head-office', escalateAt: null });
    expect((await eventsOf(db, id)).map((e) => [e.type, e.level, e.detail])).toEqual([
      ['escalated', 'region', { from: 'branch', to: 'region' }],
      ['escalated', 'head-office', { from: 'region', to: 'head-office' }],
    ]);
    expect((await notificationsOf(db)).map((n) => [n.body.event, n.body.alert.level])).toEqual([
      ['alert-escalated', 'region'],
      ['alert-escalated', 'head-office'],
    ]);

    expect(await escalateDueAlerts(db, due + 10 * HOUR)).toBe(0);
    expect(await eventsOf(db, id)).toHaveLength(2);
  });

  it('given an alert at a branch in no region, when its time comes, then it goes straight to head office', async () => {
    const db = await given();
    const id = await givenAlert(db, NO_REGION, SERVER_NOW, SERVER_NOW + 10 * MINUTE);
    expect(await escalateDueAlerts(db, SERVER_NOW + 10 * MINUTE)).toBe(1);
    expect(await alertOf(db, id)).toEqual({ level: 'head-office', escalateAt: null });
    expect((await eventsOf(db, id)).map((e) => e.detail)).toEqual([{ from: 'branch', to: 'head-office' }]);
  });

  it('given an acknowledged alert and a late one, when their times pass, then neither goes up, and nothing is told', async () => {
    const db = await given();
    const acknowledged = await givenAlert(db, IN_REGION, SERVER_NOW, SERVER_NOW + 10 * MINUTE);
    await db.updateTable('alerts').set({ acknowledged_at: SERVER_NOW + MINUTE, acknowledged_by: 'HQ1', acknowledged_name: 'Ana Ruiz', acknowledged_via: 'dashboard-session', comment: 'Spoke to the customer' }).where('id', '=', acknowledged).execute();
    const late = await givenAlert(db, IN_REGION, SERVER_NOW, SERVER_NOW + 10 * MINUTE, { late: true });
    expect(await escalateDueAlerts(db, SERVER_NOW + 10 * HOUR)).toBe(0);
    expect(await alertOf(db, acknowledged)).toMatchObject({ level: 'branch' });
    expect(await alertOf(db, late)).toMatchObject({ level: 'branch' });
    expect(await db.selectFrom('alert_events').select('seq').execute()).toEqual([]);
    expect(await notificationsOf(db)).toEqual([]);
  });

  it('given one due alert, when two escalations run at once (as two servers would), then it goes up one level, with one event and one notification', async () => {
    const db = await given();
    const id = await givenAlert(db, IN_REGION, SERVER_NOW, SERVER_NOW + 10 * MINUTE);
    const at = SERVER_NOW + 10 * MINUTE;
    const counts = await Promise.all([escalateDueAlerts(db, at), escalateDueAlerts(db, at), escalateDueAlerts(db, at)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await alertOf(db, id)).toMatchObject({ level: 'region' });
    expect(await eventsOf(db, id)).toHaveLength(1);
    expect(await notificationsOf(db)).toHaveLength(1);
  });

  it("given the alerts clock running on this server, when an alert is due, then it goes up without anyone asking and this process's live streams are woken; no error is logged", async () => {
    const db = await given();
    const due = SERVER_NOW + 10 * MINUTE;
    const id = await givenAlert(db, IN_REGION, SERVER_NOW, due);
    let woken = 0;
    onTestFinished(onAlertsChanged(() => woken++));
    const errors: object[] = [];
    const stop = scheduleAlerts(db, { info: () => {}, error: (o) => errors.push(o) }, () => due, 20);
    onTestFinished(stop);
    await vi.waitFor(async () => expect(await alertOf(db, id)).toMatchObject({ level: 'region' }), { timeout: 30_000, interval: 20 });
    await vi.waitFor(() => expect(woken).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });
    stop();
    expect(errors).toEqual([]);
    expect(await eventsOf(db, id)).toHaveLength(1);
  });

  /** Stores cases as the projection keeps them (complaint_cases), from their events folded. */
  async function givenCases(db: Kysely<Database>, events: CaseEvent[]) {
    const { cases } = foldCases(events);
    await upsertComplaintCases(db, [...cases.values()].map((c) => complaintCaseRow(c, null, 'UTC')));
  }

  it("given open cases, when the clock reaches each one's rule's hours before its reply deadline, then one alert is raised per case, about its deadline and not its words; a replied case and one overdue for days raise none", async () => {
    const db = await given();
    // Opened at 09:30: a reply is due within 24 hours, at 09:30 the next day (domain/case.ts).
    const near = aCaseId();
    const replied = aCaseId();
    const longOverdue = aCaseId();
    await givenCases(db, [
      aCaseEvent('opened', near),
      aCaseEvent('opened', replied),
      aCaseEvent('replied', replied),
      aCaseEvent('opened', longOverdue),
      aCaseEvent('deadline-agreed', longOverdue, { dueAt: SERVER_NOW - 3 * 24 * HOUR }),
    ]);
    const dueAt = Date.UTC(2026, 10, 24, 9, 30);
    // The branch's own rule: warn 12 hours ahead, and give the branch 30 minutes to answer.
    await db.insertInto('alert_rules').values({ branch_id: IN_REGION, kind: 'case-deadline', enabled: 1, params: JSON.stringify({ hours: 12 }), ack_minutes: 30, updated_at: SERVER_NOW, updated_by: '1103' }).execute();

    expect(await raiseCaseDeadlineAlerts(db, dueAt - 12 * HOUR - MINUTE)).toBe(0);
    const at = dueAt - 12 * HOUR;
    // Two servers at once: one raises it.
    expect((await Promise.all([raiseCaseDeadlineAlerts(db, at), raiseCaseDeadlineAlerts(db, at)])).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await raiseCaseDeadlineAlerts(db, at + MINUTE)).toBe(0);
    expect(await raiseCaseDeadlineAlerts(db, dueAt + HOUR)).toBe(0);

    const alerts = await db.selectFrom('alerts').selectAll().execute();
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect({ ...alert, id: undefined, seq: undefined }).toMatchObject({
      dedupe_key: alertDedupeKey('case-deadline', near),
      kind: 'case-deadline',
      branch_id: IN_REGION,
      counter_id: null,
      teller_id: null,
      source_kind: 'case',
      source_id: near,
      occurred_at: at,
      raised_at: at,
      late: 0,
      level: 'branch',
      escalate_at: at + 30 * MINUTE,
      acknowledged_at: null,
    });
    expect(JSON.parse(alert.detail)).toEqual({ kind: 'case-deadline', dueAt, hours: 12 });
    expect(JSON.stringify(alert)).not.toContain('Charged twice');
    expect((await eventsOf(db, alert.id)).map((e) => [e.type, e.level, e.at])).toEqual([['raised', 'branch', at]]);
    expect((await notificationsOf(db)).map((n) => [n.body.event, n.body.alert.id])).toEqual([['alert-raised', alert.id]]);
    expect(JSON.stringify(await notificationsOf(db))).not.toContain('Charged twice');
  });

  it('given the case-deadline rule switched off at the branch, when a deadline nears, then nothing is raised', async () => {
    const db = await given();
    await givenCases(db, [aCaseEvent('opened', aCaseId())]);
    await db.insertInto('alert_rules').values({ branch_id: IN_REGION, kind: 'case-deadline', enabled: 0, params: JSON.stringify({ hours: 24 }), ack_minutes: 60, updated_at: SERVER_NOW, updated_by: '1103' }).execute();
    expect(await raiseCaseDeadlineAlerts(db, SERVER_NOW)).toBe(0);
    expect(await db.selectFrom('alerts').select('id').execute()).toEqual([]);
  });
});

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}
