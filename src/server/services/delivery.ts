import type { Kysely } from 'kysely';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database, NotificationRow } from '../db/schema.ts';
import { dueNotificationIds, insertAttempt, leaseNotification, settleNotification } from '../repositories/notifications.ts';
import { CHANNELS, type Channel, type Deliverer, type DeliveryOutcome } from './notify.ts';
import { startRounds, type Rounds } from './rounds.ts';

/**
 * The delivery worker (docs/architecture.md, "Alerts"): every server runs one, and each tick
 * takes the notifications that are due, claims each with a lease (a conditional update, so two
 * servers never send one at the same time), hands it to its channel's deliverer, logs the try
 * in `notification_attempts`, and either marks it delivered or sets its next try by the retry
 * schedule, until it gives up after `maxAttempts` tries. A receiver may still get one twice (a
 * server that dies after the send and before it writes "delivered"; a lease that ran out while a
 * slow receiver answered): it drops a delivery id it has seen (DELIVERY_HEADER).
 */

/** The waits between tries: quick at first for a receiver that blinked, then hourly; the last repeats. */
export const RETRY_SCHEDULE_MS: readonly number[] = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];

export interface DeliveryOptions {
  /** How many due notifications one tick takes. */
  batch: number;
  /** How many are sent at once. */
  concurrency: number;
  /** How long a claim holds: longer than a deliverer may take (the webhook's 10 s), so no one else takes it meanwhile. */
  leaseMs: number;
  /** Tries before giving up ('failed'); a replay gives it one more. */
  maxAttempts: number;
  retrySchedule: readonly number[];
  /** The share of a wait added or taken at random, so receivers coming back are not hit by every server at once. */
  jitter: number;
  random: () => number;
  /** The time a claim is taken at, just before each send; the tick's `now` unless given (the worker gives its clock). */
  clock?: () => number;
}

export const DELIVERY_OPTIONS: DeliveryOptions = { batch: 20, concurrency: 4, leaseMs: 120_000, maxAttempts: 24, retrySchedule: RETRY_SCHEDULE_MS, jitter: 0.1, random: Math.random };

/** What happened to each notification a tick took. */
export type TickReport = {
  delivered: string[];
  /** Failed tries that will be tried again. */
  retried: { id: string; error: string; attempts: number; nextAttemptAt: number }[];
  /** Given up on: tried `maxAttempts` times, or its target is disabled. */
  gaveUp: { id: string; error: string; attempts: number }[];
};

/** Why a channel without a deliverer cannot send: said in the log, so the missing setting is visible. */
const NO_DELIVERER: Record<Channel, string> = {
  webhook: 'no webhook sender is configured on this server',
  email: 'no SMTP server is configured: set SMTP_URL',
};

const TARGET_TABLES = { webhook: 'webhooks', email: 'email_recipients' } as const satisfies Record<Channel, string>;
const DISABLED: Record<Channel, string> = { webhook: 'webhook disabled', email: 'e-mail recipient disabled' };
const GONE: Record<Channel, string> = { webhook: 'webhook removed', email: 'e-mail recipient removed' };

const isChannel = (value: string): value is Channel => (CHANNELS as readonly string[]).includes(value);

/**
 * The wait after the `attempts`-th failed try (1 for the first): its entry in the schedule (the
 * last one repeats), moved by up to `jitter` of itself either way, never past the longest wait
 * plus its jitter, never under a millisecond.
 */
export function retryDelay(attempts: number, options: Pick<DeliveryOptions, 'retrySchedule' | 'jitter' | 'random'>): number {
  const schedule = options.retrySchedule.length > 0 ? options.retrySchedule : RETRY_SCHEDULE_MS;
  const base = schedule[Math.min(Math.max(attempts, 1), schedule.length) - 1]!;
  const cap = Math.max(...schedule) * (1 + options.jitter);
  const jittered = base * (1 + options.jitter * (options.random() * 2 - 1));
  return Math.max(1, Math.round(Math.min(jittered, cap)));
}

/**
 * NOTIFY_RETRY_MS: the retry schedule as comma-separated milliseconds (`200,200,200` for a
 * test's quick retries); unset or empty, RETRY_SCHEDULE_MS.
 */
export function parseRetrySchedule(value: string | undefined): Result<readonly number[], 'bad-request'> {
  if (value === undefined || value.trim() === '') return ok(RETRY_SCHEDULE_MS);
  const parts = value.split(',').map((part) => part.trim());
  const waits = parts.map(Number);
  if (waits.some((wait, i) => !/^\d+$/.test(parts[i]!) || !Number.isSafeInteger(wait) || wait < 1)) {
    return err('bad-request', `NOTIFY_RETRY_MS must be whole milliseconds above 0, comma-separated (such as 10000,30000,120000), not "${value}"`);
  }
  return ok(waits);
}

/**
 * One round: claims up to `batch` due notifications and delivers them, `concurrency` at a time.
 * Errors of the other side are answers, not exceptions; a database error ends the round and
 * leaves the claims to run out, so another round (here or on another server) takes them again.
 */
export async function runDeliveryTick(
  db: Kysely<Database>,
  deliverers: Partial<Record<Channel, Deliverer>>,
  now: number,
  options: Partial<DeliveryOptions> = {},
): Promise<TickReport> {
  const o = { ...DELIVERY_OPTIONS, ...options };
  const report: TickReport = { delivered: [], retried: [], gaveUp: [] };
  const clock = o.clock ?? (() => now);
  const due = await dueNotificationIds(db, now, o.batch);
  // Each one is claimed just before its send, not all at the start of the round: a slow
  // receiver or SMTP server ahead of it in its lane cannot outlast its claim before it is sent.
  let next = 0;
  const lane = async () => {
    while (next < due.length) {
      const id = due[next++]!;
      const at = clock();
      const lease = at + o.leaseMs;
      const row = await leaseNotification(db, id, at, lease);
      if (row) await deliverOne(db, deliverers, row, now, lease, o, report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, due.length) }, lane));
  return report;
}

async function deliverOne(
  db: Kysely<Database>,
  deliverers: Partial<Record<Channel, Deliverer>>,
  row: NotificationRow,
  now: number,
  lease: number,
  o: DeliveryOptions,
  report: TickReport,
): Promise<void> {
  const replayBy = row.replay_by ?? null;
  const channel = isChannel(row.channel) ? row.channel : null;
  const target = channel ? await targetState(db, channel, row.target_id) : 'gone';
  const started = performance.now();
  let outcome: DeliveryOutcome;
  let giveUpNow = false;
  if (channel === null) {
    outcome = { ok: false, statusCode: null, error: `unknown channel ${row.channel}` };
    giveUpNow = true;
  } else if (target !== 'enabled') {
    // A disabled (or removed) target is not sent to: given up at once, replayable once enabled.
    outcome = { ok: false, statusCode: null, error: target === 'disabled' ? DISABLED[channel] : GONE[channel] };
    giveUpNow = true;
  } else {
    const deliverer = deliverers[channel];
    outcome = deliverer ? await safely(deliverer, row) : { ok: false, statusCode: null, error: NO_DELIVERER[channel] };
  }
  const durationMs = performance.now() - started;
  const attempts = row.attempts + 1;
  await insertAttempt(db, { notificationId: row.id, at: now, ok: outcome.ok, statusCode: outcome.statusCode, error: outcome.ok ? null : outcome.error, durationMs, replayBy });
  if (outcome.ok) {
    if (await settleNotification(db, row.id, lease, { status: 'delivered', attempts, nextAttemptAt: Number(row.next_attempt_at), lastError: null, deliveredAt: now })) report.delivered.push(row.id);
    return;
  }
  if (giveUpNow || attempts >= o.maxAttempts) {
    if (await settleNotification(db, row.id, lease, { status: 'failed', attempts, nextAttemptAt: now, lastError: outcome.error, deliveredAt: null })) {
      report.gaveUp.push({ id: row.id, error: outcome.error, attempts });
    }
    return;
  }
  const nextAttemptAt = now + retryDelay(attempts, o);
  if (await settleNotification(db, row.id, lease, { status: 'pending', attempts, nextAttemptAt, lastError: outcome.error, deliveredAt: null })) {
    report.retried.push({ id: row.id, error: outcome.error, attempts, nextAttemptAt });
  }
}

/** A deliverer that throws (a bug, or an error it did not expect) is a failed try, named. */
async function safely(deliverer: Deliverer, row: NotificationRow): Promise<DeliveryOutcome> {
  try {
    return await deliverer(row);
  } catch (error) {
    return { ok: false, statusCode: null, error: `the sender failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

async function targetState(db: Kysely<Database>, channel: Channel, targetId: string): Promise<'enabled' | 'disabled' | 'gone'> {
  const target = await db.selectFrom(TARGET_TABLES[channel]).select('enabled').where('id', '=', targetId).executeTakeFirst();
  if (!target) return 'gone';
  return target.enabled === 1 ? 'enabled' : 'disabled';
}

/** Where the worker says what it did: the server's logger (pino), or a test's. */
export interface DeliveryLog {
  warn(detail: object, message: string): void;
  error(detail: object, message: string): void;
}

/** The delivery worker: `wake()` when something was just queued or replayed. */
export type DeliveryWorker = Rounds;

/**
 * Runs a round every `everyMs` and at each wake(), never two at once in this process; a round
 * that took a full batch is followed by another at once. Each failed try is logged at warn and
 * each give-up at error, for whoever watches the server to act on (a receiver down for a day,
 * a missing SMTP_URL).
 */
export function startDeliveryWorker(
  db: Kysely<Database>,
  deliverers: Partial<Record<Channel, Deliverer>>,
  log: DeliveryLog,
  { clock = Date.now, everyMs = 1000, ...options }: Partial<DeliveryOptions> & { clock?: () => number; everyMs?: number } = {},
): DeliveryWorker {
  const o = { ...DELIVERY_OPTIONS, ...options };
  return startRounds(
    everyMs,
    async () => {
      const report = await runDeliveryTick(db, deliverers, clock(), { ...o, clock });
      for (const r of report.retried) log.warn({ job: 'delivery', notificationId: r.id, attempts: r.attempts, nextAttemptAt: r.nextAttemptAt, error: r.error }, 'a notification was not delivered; it is tried again later');
      for (const g of report.gaveUp) log.error({ job: 'delivery', notificationId: g.id, attempts: g.attempts, error: g.error }, 'gave up on a notification: see Manage › Webhooks (or E-mail) for its log, and replay it once the receiver is back');
      return report.delivered.length + report.retried.length + report.gaveUp.length >= o.batch;
    },
    (error) => log.error({ job: 'delivery', err: error }, 'the delivery round failed; it is tried again shortly'),
  );
}
