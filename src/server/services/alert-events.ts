import type { Kysely } from 'kysely';
import type { AlertEventType, AlertLevel, AlertView, NotificationEvent } from '../../domain/alerts.ts';
import type { Database } from '../db/schema.ts';
import { insertAlertEvent, readAlertViews } from '../repositories/alerts.ts';
import { enqueueNotifications } from './notify.ts';

/** What each event of an alert is called to those outside who subscribe to it; a case opened from an alert is told as its acknowledgement. */
const NOTIFIED_AS: Record<AlertEventType, Exclude<NotificationEvent, 'digest'>> = {
  raised: 'alert-raised',
  escalated: 'alert-escalated',
  acknowledged: 'alert-acknowledged',
  'case-opened': 'alert-acknowledged',
};

/**
 * Records one change of an alert, after the change itself, in the same transaction: the
 * event (the live stream's next message) and a notification for every webhook and e-mail
 * recipient subscribed to it, each carrying the alert as it is now. Answers the event's seq.
 */
export async function recordAlertEvent(
  trx: Kysely<Database>,
  change: { alertId: string; type: AlertEventType; actor: string | null; detail?: object },
  now: number,
): Promise<{ seq: number; alert: AlertView }> {
  const alert = (await readAlertViews(trx, [change.alertId])).get(change.alertId);
  if (!alert) throw new Error(`recordAlertEvent: no alert ${change.alertId}`);
  const level: AlertLevel = alert.level;
  const seq = await insertAlertEvent(trx, { alertId: alert.id, branchId: alert.branchId, type: change.type, level, at: now, actor: change.actor, detail: change.detail ?? {} });
  const region = await trx.selectFrom('branches').select('region_id').where('id', '=', alert.branchId).executeTakeFirst();
  await enqueueNotifications(
    trx,
    { kind: 'alert-event', id: String(seq), branchId: alert.branchId, regionId: region?.region_id ?? null },
    { event: NOTIFIED_AS[change.type], alert },
    now,
  );
  return { seq, alert };
}
