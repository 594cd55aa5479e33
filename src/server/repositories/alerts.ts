import type { Kysely } from 'kysely';
import type { AckVia, AlertDetail, AlertEventType, AlertKind, AlertLevel, AlertView } from '../../domain/alerts.ts';
import type { AlertRow, Database, NewAlertRow } from '../db/schema.ts';

/** An alert to raise; `dedupeKey` makes raising it again a no-op. */
export interface NewAlert {
  id: string;
  dedupeKey: string;
  kind: AlertKind;
  branchId: string;
  counterId: string | null;
  tellerId: string | null;
  sourceKind: 'rating' | 'opinion' | 'case' | 'day';
  sourceId: string | null;
  detail: AlertDetail;
  occurredAt: number;
  raisedAt: number;
  late: boolean;
  level: AlertLevel;
  escalateAt: number | null;
}

const newAlertToRow = (alert: NewAlert): NewAlertRow => ({
  id: alert.id,
  dedupe_key: alert.dedupeKey,
  kind: alert.kind,
  branch_id: alert.branchId,
  counter_id: alert.counterId,
  teller_id: alert.tellerId,
  source_kind: alert.sourceKind,
  source_id: alert.sourceId,
  detail: JSON.stringify(alert.detail),
  occurred_at: alert.occurredAt,
  raised_at: alert.raisedAt,
  late: alert.late ? 1 : 0,
  level: alert.level,
  escalate_at: alert.escalateAt,
  acknowledged_at: null,
  acknowledged_by: null,
  acknowledged_name: null,
  acknowledged_via: null,
  comment: null,
  case_id: null,
});

/** Inserts the alerts whose dedupe key is free; answers the ids of those inserted (the others were raised before). */
export async function insertAlerts(db: Kysely<Database>, alerts: readonly NewAlert[]): Promise<Set<string>> {
  if (alerts.length === 0) return new Set();
  const rows = await db
    .insertInto('alerts')
    .values(alerts.map(newAlertToRow))
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Appends one event of an alert; answers its seq, the live stream's cursor. */
export async function insertAlertEvent(
  db: Kysely<Database>,
  event: { alertId: string; branchId: string; type: AlertEventType; level: AlertLevel; at: number; actor: string | null; detail: object },
): Promise<number> {
  const row = await db
    .insertInto('alert_events')
    .values({ alert_id: event.alertId, branch_id: event.branchId, type: event.type, level: event.level, at: event.at, actor: event.actor, detail: JSON.stringify(event.detail) })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** The alerts of `ids` as the dashboard and tablets see them, with the names of branch, counter and teller. */
export async function readAlertViews(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, AlertView>> {
  if (ids.length === 0) return new Map();
  const rows = await alertViewQuery(db).where('alerts.id', 'in', [...ids]).execute();
  return new Map(rows.map((row) => [row.id, rowToAlertView(row)]));
}

/** The query every read of alerts as views starts from: add the filters and the order. */
export const alertViewQuery = (db: Kysely<Database>) =>
  db
    .selectFrom('alerts')
    .innerJoin('branches', 'branches.id', 'alerts.branch_id')
    .leftJoin('counters', 'counters.id', 'alerts.counter_id')
    .leftJoin('tellers', 'tellers.id', 'alerts.teller_id')
    .selectAll('alerts')
    .select(['branches.name as branch_name', 'branches.region_id as region_id', 'counters.name as counter_name', 'tellers.name as teller_name']);

export type AlertViewRow = AlertRow & { branch_name: string; region_id: string | null; counter_name: string | null; teller_name: string | null };

export function rowToAlertView(row: AlertViewRow): AlertView {
  return {
    id: row.id,
    seq: Number(row.seq),
    kind: row.kind as AlertKind,
    branchId: row.branch_id,
    branchName: row.branch_name,
    counterId: row.counter_id,
    counterName: row.counter_name,
    tellerId: row.teller_id,
    tellerName: row.teller_name,
    detail: JSON.parse(row.detail) as AlertDetail,
    occurredAt: Number(row.occurred_at),
    raisedAt: Number(row.raised_at),
    late: row.late === 1,
    level: row.level as AlertLevel,
    escalateAt: row.escalate_at === null ? null : Number(row.escalate_at),
    acknowledged:
      row.acknowledged_at === null
        ? null
        : {
            at: Number(row.acknowledged_at),
            by: row.acknowledged_by ?? '',
            name: row.acknowledged_name ?? '',
            via: (row.acknowledged_via ?? 'dashboard-session') as AckVia,
            comment: row.comment ?? '',
          },
    caseId: row.case_id,
  };
}
