import type { Kysely } from 'kysely';
import type { DeliveryAttemptView, DeliveryView, NotificationStatus } from '../../domain/webhooks.ts';
import type { NotificationEvent } from '../../domain/alerts.ts';
import type { Database, NotificationRow } from '../db/schema.ts';

/**
 * The notifications waiting to go outside and the log of each try (services/delivery.ts,
 * services/notify.ts). Leasing is a conditional update, so that of two servers reading the same
 * due row only one sends it: the other's update finds the lease taken and changes nothing.
 */

/** The ids of up to `limit` notifications due at `now` and held by no live lease, the longest waiting first. */
export async function dueNotificationIds(db: Kysely<Database>, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('notifications')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Claims one due notification until `leaseUntil`: the row as claimed, or undefined when another
 * worker claimed it first (or it is no longer pending).
 */
export async function leaseNotification(db: Kysely<Database>, id: string, now: number, leaseUntil: number): Promise<NotificationRow | undefined> {
  const updated = await db
    .updateTable('notifications')
    .set({ lease_until: leaseUntil })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return undefined;
  return db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface AttemptInput {
  notificationId: string;
  at: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  replayBy: string | null;
}

export async function insertAttempt(db: Kysely<Database>, attempt: AttemptInput): Promise<void> {
  await db
    .insertInto('notification_attempts')
    .values({
      notification_id: attempt.notificationId,
      at: attempt.at,
      ok: attempt.ok ? 1 : 0,
      status_code: attempt.statusCode,
      error: attempt.error,
      duration_ms: Math.max(0, Math.round(attempt.durationMs)),
      replay_by: attempt.replayBy,
    })
    .execute();
}

/**
 * What a try came to, written only while this worker's lease still holds (`lease_until` as it
 * set it): a worker that outlived its lease, and whose row another worker took, changes nothing.
 * Answers whether it was written.
 */
export async function settleNotification(
  db: Kysely<Database>,
  id: string,
  lease: number,
  change: { status: NotificationStatus; attempts: number; nextAttemptAt: number; lastError: string | null; deliveredAt: number | null },
): Promise<boolean> {
  const updated = await db
    .updateTable('notifications')
    .set({
      status: change.status,
      attempts: change.attempts,
      next_attempt_at: change.nextAttemptAt,
      last_error: change.lastError,
      delivered_at: change.deliveredAt,
      lease_until: null,
      // The replay's try has been made and logged with its name.
      replay_by: null,
    })
    .where('id', '=', id)
    .where('lease_until', '=', lease)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

export async function findNotification(db: Kysely<Database>, id: string): Promise<NotificationRow | undefined> {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Makes a given-up or delivered notification due again at `now`, its tries kept; only from
 * those states, so two replays at once make one; `by` is kept for the next try's log row.
 * Answers whether it changed.
 */
export async function requeueNotification(db: Kysely<Database>, id: string, by: string, now: number): Promise<boolean> {
  const updated = await db
    .updateTable('notifications')
    .set({ status: 'pending', next_attempt_at: now, lease_until: null, delivered_at: null, replay_by: by })
    .where('id', '=', id)
    .where('status', 'in', ['failed', 'delivered'])
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/**
 * Gives up at once on a target's notifications that wait and are in no worker's hands (a
 * webhook just disabled): they stay in the log, replayable once it is enabled again.
 */
export async function failPendingOfTarget(db: Kysely<Database>, channel: string, targetId: string, now: number, error: string): Promise<number> {
  const updated = await db
    .updateTable('notifications')
    .set({ status: 'failed', last_error: error })
    .where('channel', '=', channel)
    .where('target_id', '=', targetId)
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows);
}

export type TargetCounts = { pending: number; failed: number; deliveredLastWeek: number };

/** Per target of a channel: how many wait, were given up on, and were delivered since `since`. */
export async function countsByTarget(db: Kysely<Database>, channel: string, targetIds: readonly string[], since: number): Promise<Map<string, TargetCounts>> {
  const counts = new Map<string, TargetCounts>(targetIds.map((id) => [id, { pending: 0, failed: 0, deliveredLastWeek: 0 }]));
  if (targetIds.length === 0) return counts;
  const rows = await db
    .selectFrom('notifications')
    .select(['target_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('channel', '=', channel)
    .where('target_id', 'in', targetIds)
    .where((eb) => eb.or([eb('status', 'in', ['pending', 'failed']), eb('delivered_at', '>=', since)]))
    .groupBy(['target_id', 'status'])
    .execute();
  for (const row of rows) {
    const here = counts.get(row.target_id);
    if (!here) continue;
    if (row.status === 'pending') here.pending = Number(row.n);
    else if (row.status === 'failed') here.failed = Number(row.n);
    else if (row.status === 'delivered') here.deliveredLastWeek = Number(row.n);
  }
  return counts;
}

const eventOf = (body: string): NotificationEvent | null => {
  try {
    const parsed = JSON.parse(body) as { event?: unknown };
    return typeof parsed.event === 'string' ? (parsed.event as NotificationEvent) : null;
  } catch {
    return null;
  }
};

const attemptView = (row: { at: number | string; ok: number; status_code: number | null; error: string | null; duration_ms: number; replay_by: string | null }): DeliveryAttemptView => ({
  at: Number(row.at),
  ok: row.ok === 1,
  statusCode: row.status_code,
  error: row.error,
  durationMs: row.duration_ms,
  replayBy: row.replay_by,
});

/** A notification and its tries, oldest first, as the delivery log shows them. */
export function deliveryView(row: NotificationRow, tries: DeliveryAttemptView[]): DeliveryView {
  const status = row.status as NotificationStatus;
  return {
    id: row.id,
    event: eventOf(row.body),
    subject: { kind: row.subject_kind, id: row.subject_id },
    status,
    attempts: row.attempts,
    nextAttemptAt: status === 'pending' ? Number(row.next_attempt_at) : null,
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    tries,
  };
}

/** The newest `limit` notifications to one target, each with its tries. */
export async function readDeliveries(db: Kysely<Database>, channel: string, targetId: string, limit: number): Promise<DeliveryView[]> {
  const rows = await db
    .selectFrom('notifications')
    .selectAll()
    .where('channel', '=', channel)
    .where('target_id', '=', targetId)
    // Ids are UUIDv7: in the order they were made, which breaks ties of created_at.
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return withTries(db, rows);
}

export async function withTries(db: Kysely<Database>, rows: NotificationRow[]): Promise<DeliveryView[]> {
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('notification_attempts')
    .selectAll()
    .where(
      'notification_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('seq')
    .execute();
  const byNotification = new Map<string, DeliveryAttemptView[]>();
  for (const attempt of attempts) {
    const list = byNotification.get(attempt.notification_id) ?? [];
    list.push(attemptView(attempt));
    byNotification.set(attempt.notification_id, list);
  }
  return rows.map((row) => deliveryView(row, byNotification.get(row.id) ?? []));
}
