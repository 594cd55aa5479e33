import type { Kysely } from 'kysely';
import type { AlertEventType, AlertView, NotificationEvent } from '../../domain/alerts.ts';
import type { Database } from '../db/schema.ts';
import { alertViewQuery, rowToAlertView } from '../repositories/alerts.ts';
import { enqueueNotificationBatch, toldAlert } from './notify.ts';

/** What each event of an alert is called to those outside who subscribe to it; a case opened from an alert is told as its acknowledgement. */
const NOTIFIED_AS: Record<AlertEventType, Exclude<NotificationEvent, 'digest'>> = {
  raised: 'alert-raised',
  escalated: 'alert-escalated',
  acknowledged: 'alert-acknowledged',
  'case-opened': 'alert-acknowledged',
};

/** One change of an alert, made just before in the same transaction. */
export type AlertChange = { alertId: string; type: AlertEventType; actor: string | null; detail?: object };

/**
 * Records one change of an alert, after the change itself, in the same transaction: the
 * event (the live stream's next message) and a notification for every webhook and e-mail
 * recipient subscribed to it, each carrying the alert as it is now (`toldAlert`: without the
 * acknowledgement's comment). Answers the event's seq.
 */
export async function recordAlertEvent(trx: Kysely<Database>, change: AlertChange, now: number): Promise<{ seq: number; alert: AlertView }> {
  const [recorded] = await recordAlertEvents(trx, [change], now);
  return recorded!;
}

/**
 * `recordAlertEvent` for many changes at once, in a fixed number of statements however many
 * there are: the views in one read, the events in one insert, the notifications in one read
 * of the targets and one insert. A push from a tablet that was offline all morning raises a
 * dozen late alerts in one go, at day end when a thousand tablets push (docs/reliability.md,
 * "Load"). An alert appears at most once in `changes`. Answers each change's seq and view, in order.
 */
export async function recordAlertEvents(trx: Kysely<Database>, changes: readonly AlertChange[], now: number): Promise<{ seq: number; alert: AlertView }[]> {
  if (changes.length === 0) return [];
  const ids = changes.map((c) => c.alertId);
  if (new Set(ids).size !== ids.length) throw new Error('recordAlertEvents: an alert appears twice in one batch');
  const rows = await alertViewQuery(trx).where('alerts.id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing !== undefined) throw new Error(`recordAlertEvents: no alert ${missing}`);
  const inserted = await trx
    .insertInto('alert_events')
    .values(
      changes.map((c) => {
        const row = byId.get(c.alertId)!;
        return { alert_id: c.alertId, branch_id: row.branch_id, type: c.type, level: row.level, at: now, actor: c.actor, detail: JSON.stringify(c.detail ?? {}) };
      }),
    )
    .returning(['seq', 'alert_id'])
    .execute();
  // RETURNING's order is not promised by either database: pair each seq with its alert by id.
  const seqOf = new Map(inserted.map((r) => [r.alert_id, Number(r.seq)]));
  const recorded = changes.map((c) => {
    const row = byId.get(c.alertId)!;
    return { seq: seqOf.get(c.alertId)!, alert: rowToAlertView(row), regionId: row.region_id, type: c.type };
  });
  await enqueueNotificationBatch(
    trx,
    recorded.map((r) => ({
      subject: { kind: 'alert-event', id: String(r.seq), branchId: r.alert.branchId, regionId: r.regionId },
      payload: { event: NOTIFIED_AS[r.type], alert: toldAlert(r.alert) },
    })),
    now,
  );
  return recorded.map(({ seq, alert }) => ({ seq, alert }));
}
