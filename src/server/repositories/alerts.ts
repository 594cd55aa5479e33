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

/** The branches a read of alerts covers: every branch, or the ones named (services/report-scope.ts). */
export type AlertSelection = 'all' | readonly string[];

/** Newest first (by the order they were raised): the dashboard's list, of the selected branches, open ones only when asked, older than `before` for the next page. */
export async function listAlertViews(
  db: Kysely<Database>,
  filter: { selection: AlertSelection; open: boolean; before: number | null; limit: number },
): Promise<AlertView[]> {
  const { selection, before } = filter;
  if (selection !== 'all' && selection.length === 0) return [];
  const rows = await alertViewQuery(db)
    .$if(selection !== 'all', (qb) => qb.where('alerts.branch_id', 'in', selection as readonly string[]))
    .$if(filter.open, (qb) => qb.where('alerts.acknowledged_at', 'is', null))
    .$if(before !== null, (qb) => qb.where('alerts.seq', '<', before!))
    .orderBy('alerts.seq', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(rowToAlertView);
}

/** A branch's open alerts and those acknowledged since `acknowledgedSince`, newest first: the lobby tablet's list. */
export async function branchAlertViews(db: Kysely<Database>, branchId: string, acknowledgedSince: number, limit: number): Promise<AlertView[]> {
  const rows = await alertViewQuery(db)
    .where('alerts.branch_id', '=', branchId)
    .where((eb) => eb.or([eb('alerts.acknowledged_at', 'is', null), eb('alerts.acknowledged_at', '>=', acknowledgedSince)]))
    .orderBy('alerts.seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToAlertView);
}

/** The latest alert event seq of the selected branches; 0 when there is none. */
export async function latestAlertEventSeq(db: Kysely<Database>, selection: AlertSelection): Promise<number> {
  if (selection !== 'all' && selection.length === 0) return 0;
  const row = await db
    .selectFrom('alert_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** One event of an alert as the live stream reads it. */
export type AlertEventRef = { seq: number; alertId: string; branchId: string; type: AlertEventType };

/** Every branch's alert events after `after`, in seq order: the stream keeps those its viewer may see. */
export async function alertEventsAfter(db: Kysely<Database>, after: number, limit: number): Promise<AlertEventRef[]> {
  const rows = await db.selectFrom('alert_events').select(['seq', 'alert_id', 'branch_id', 'type']).where('seq', '>', after).orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ seq: Number(r.seq), alertId: r.alert_id, branchId: r.branch_id, type: r.type as AlertEventType }));
}

/** One alert's row, or undefined. */
export const findAlertRow = (db: Kysely<Database>, id: string): Promise<AlertRow | undefined> => db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();

/** Who acknowledged an alert, as the server verified them, and what they said. */
export type AlertAck = { at: number; by: string; name: string; via: AckVia; comment: string };

/**
 * Acknowledges an alert nobody has acknowledged yet, and stops its clock; sets its case when
 * given one and it has none. A conditional update: of two acknowledgements at once, one lands.
 * Answers whether this one did.
 */
export async function acknowledgeAlertRow(db: Kysely<Database>, id: string, ack: AlertAck, caseId: string | null = null): Promise<boolean> {
  const updated = await db
    .updateTable('alerts')
    .set((eb) => ({
      acknowledged_at: ack.at,
      acknowledged_by: ack.by,
      acknowledged_name: ack.name,
      acknowledged_via: ack.via,
      comment: ack.comment,
      escalate_at: null,
      case_id: caseId === null ? eb.ref('case_id') : eb.fn.coalesce('case_id', eb.val(caseId)),
    }))
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Sets the case of an alert that has none; answers whether it did. */
export async function setAlertCase(db: Kysely<Database>, id: string, caseId: string): Promise<boolean> {
  const updated = await db.updateTable('alerts').set({ case_id: caseId }).where('id', '=', id).where('case_id', 'is', null).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}
