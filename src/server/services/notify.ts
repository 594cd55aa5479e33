import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { AlertView, NotificationEvent } from '../../domain/alerts.ts';
import type { Database, NotificationRow } from '../db/schema.ts';

/**
 * What goes outside (docs/architecture.md, "Alerts"): every alert event and digest due to a
 * webhook or an e-mail recipient becomes one `notifications` row per target, written in the
 * same transaction as what it tells, so nothing is told that did not happen and nothing that
 * happened goes untold. The delivery worker (services/delivery.ts) takes the rows from there.
 */

export const CHANNELS = ['webhook', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * An alert as it is told outside: the acknowledgement without its comment, which staff may
 * have written a customer's words into (docs/privacy.md, "What leaves the bank").
 */
export type ToldAlert = Omit<AlertView, 'acknowledged'> & { acknowledged: Omit<NonNullable<AlertView['acknowledged']>, 'comment'> | null };

export function toldAlert(alert: AlertView): ToldAlert {
  if (!alert.acknowledged) return { ...alert, acknowledged: null };
  const { comment: _comment, ...acknowledged } = alert.acknowledged;
  return { ...alert, acknowledged };
}

/** What a notification says, as JSON: the webhook's body, and what an e-mail is written from in its recipient's language. */
export type NotificationPayload =
  | { event: Exclude<NotificationEvent, 'digest'>; alert: ToldAlert }
  | { event: 'digest'; digest: unknown };

/** What a notification is about: one alert event (its seq) or one digest (its day and scope). */
export interface NotificationSubject {
  kind: 'alert-event' | 'digest';
  id: string;
  /** The branch it is about (an alert's, a branch digest's); null for a region's or the network's digest. */
  branchId: string | null;
  /** That branch's region, or the region a digest is about; null when none. */
  regionId: string | null;
}

const TARGET_TABLES = { webhook: 'webhooks', email: 'email_recipients' } as const satisfies Record<Channel, string>;

/**
 * Queues `payload` for every enabled webhook and e-mail recipient subscribed to its event
 * whose scope covers the subject: the network's (no region, no branch), the subject's region's,
 * the subject's branch's. Run it inside the transaction of what it tells; a subject queued
 * twice for one target is queued once. Answers how many were queued.
 */
export async function enqueueNotifications(trx: Kysely<Database>, subject: NotificationSubject, payload: NotificationPayload, now: number): Promise<number> {
  return enqueueNotificationBatch(trx, [{ subject, payload }], now);
}

// SQLite allows 32,766 bound values per statement: 15 columns a row, 500 rows a statement.
const NOTIFICATIONS_PER_STATEMENT = 500;

/** `enqueueNotifications` for many subjects: the targets are read once per channel, and the rows inserted a few hundred at a time. */
export async function enqueueNotificationBatch(
  trx: Kysely<Database>,
  items: readonly { subject: NotificationSubject; payload: NotificationPayload }[],
  now: number,
): Promise<number> {
  if (items.length === 0) return 0;
  let queued = 0;
  for (const channel of Object.keys(TARGET_TABLES) as Channel[]) {
    const targets = await trx
      .selectFrom(TARGET_TABLES[channel])
      .select(['id', 'events', 'region_id', 'branch_id'])
      .where('enabled', '=', 1)
      .execute();
    if (targets.length === 0) continue;
    const rows = items.flatMap(({ subject, payload }) => {
      const covered = targets.filter((t) => coversSubject(t, subject) && subscribes(t.events, payload.event));
      const body = covered.length > 0 ? JSON.stringify(payload) : '';
      return covered.map((t) => ({
        id: uuidv7(),
        channel,
        target_id: t.id,
        subject_kind: subject.kind,
        subject_id: subject.id,
        branch_id: subject.branchId,
        region_id: subject.regionId,
        body,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        last_error: null,
        created_at: now,
        delivered_at: null,
      }));
    });
    for (let start = 0; start < rows.length; start += NOTIFICATIONS_PER_STATEMENT) {
      const inserted = await trx
        .insertInto('notifications')
        .values(rows.slice(start, start + NOTIFICATIONS_PER_STATEMENT))
        .onConflict((oc) => oc.columns(['channel', 'target_id', 'subject_kind', 'subject_id']).doNothing())
        .returning('id')
        .execute();
      queued += inserted.length;
    }
  }
  return queued;
}

/**
 * Whether a target's scope covers a subject. An alert event: the network's covers all; a
 * region's, its branches'; a branch's, its own. A digest goes to its own level only: a
 * branch's digest to the branch's targets, a region's to the region's and the network's, and
 * the network's targets also get the digest of each branch that has no region. Otherwise a
 * head-office inbox would get one message per branch every morning on top of the regions'.
 */
export function coversSubject(target: { region_id: string | null; branch_id: string | null }, subject: NotificationSubject): boolean {
  if (subject.kind === 'digest') {
    if (subject.branchId !== null) return target.branch_id === subject.branchId || (target.branch_id === null && target.region_id === null && subject.regionId === null);
    return target.branch_id === null && (target.region_id === null || target.region_id === subject.regionId);
  }
  if (target.branch_id !== null) return target.branch_id === subject.branchId;
  if (target.region_id !== null) return target.region_id === subject.regionId;
  return true;
}

function subscribes(events: string, event: NotificationEvent): boolean {
  try {
    const list: unknown = JSON.parse(events);
    return Array.isArray(list) && list.includes(event);
  } catch {
    return false;
  }
}

/** What one try to deliver came to: delivered, or not, with what the other side said. */
export type DeliveryOutcome = { ok: true; statusCode: number | null } | { ok: false; statusCode: number | null; error: string };

/**
 * Sends one notification over one channel: the webhook sender posts the signed body, the
 * e-mail sender hands the message to the SMTP server. It never throws for the other side's
 * failure: it answers it, and the worker retries with backoff.
 */
export type Deliverer = (notification: NotificationRow) => Promise<DeliveryOutcome>;
