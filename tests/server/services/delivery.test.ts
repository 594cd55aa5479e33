import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from '../../../src/domain/alerts.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { findNotification, readDeliveries } from '../../../src/server/repositories/notifications.ts';
import { dashboardActor, readAudit } from '../../../src/server/services/audit.ts';
import { parseRetrySchedule, retryDelay, runDeliveryTick, startDeliveryWorker, RETRY_SCHEDULE_MS } from '../../../src/server/services/delivery.ts';
import { enqueueNotifications, type NotificationPayload } from '../../../src/server/services/notify.ts';
import { verifyWebhookSignature } from '../../../src/server/services/webhook-signature.ts';
import { addWebhook, editWebhook, replayNotification, webhookDeliverer } from '../../../src/server/services/webhooks.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { HEAD_OFFICE_VIEWER } from '../reports/given.ts';

const HOUR = 3_600_000;
const HQ = { viewer: HEAD_OFFICE_VIEWER, actor: dashboardActor(HEAD_OFFICE_VIEWER, '127.0.0.1') };
/** No jitter: the waits are the schedule's own. */
const STEADY = { random: () => 0.5 };

type Received = { headers: IncomingMessage['headers']; body: string };
type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'never';

/** A receiver on loopback, as a bank's system would be: it answers each request by its number (0-based) and keeps what it got. */
async function startReceiver(answer: (n: number, request: Received) => Answer) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const reply = answer(received.length, request);
      received.push(request);
      if (reply === 'never') return;
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/branchvoice`, received };
}

const digest = (id: string): NotificationPayload => ({ event: 'digest', digest: { day: '2026-11-23', id } });
const SUBJECT = (id: string) => ({ kind: 'digest' as const, id, branchId: null, regionId: null });

/** A network webhook to `url` subscribed to digests, and its secret. */
async function givenWebhook(db: Kysely<Database>, url: string) {
  const added = await addWebhook(db, HQ, { name: 'Core banking', url, events: ['digest'] }, SERVER_NOW);
  if (!added.ok) throw new Error(added.message);
  return added.value;
}

async function queue(db: Kysely<Database>, id: string, now = SERVER_NOW) {
  await db.transaction().execute((trx) => enqueueNotifications(trx, SUBJECT(id), digest(id), now));
  const row = await db.selectFrom('notifications').select('id').where('subject_id', '=', id).executeTakeFirstOrThrow();
  return row.id;
}

describe('the retry schedule', () => {
  it('given NOTIFY_RETRY_MS, then it is read as whole milliseconds, and anything else is refused naming it', () => {
    expect(parseRetrySchedule(undefined)).toEqual({ ok: true, value: RETRY_SCHEDULE_MS });
    expect(parseRetrySchedule('200, 200,200')).toEqual({ ok: true, value: [200, 200, 200] });
    for (const bad of ['0', '1.5', '10,,20', '-1', 'soon']) expect(parseRetrySchedule(bad)).toMatchObject({ ok: false, message: expect.stringContaining('NOTIFY_RETRY_MS') });
  });

  it('given failed tries, then the waits follow the schedule, the last repeats, and jitter stays within its share and the cap', () => {
    const options = { retrySchedule: [10_000, 30_000, HOUR], jitter: 0.1 };
    expect([1, 2, 3, 4, 20].map((n) => retryDelay(n, { ...options, random: () => 0.5 }))).toEqual([10_000, 30_000, HOUR, HOUR, HOUR]);
    expect(retryDelay(1, { ...options, random: () => 0 })).toBe(9_000);
    expect(retryDelay(1, { ...options, random: () => 1 })).toBe(11_000);
    expect(retryDelay(9, { ...options, random: () => 1 })).toBe(3_960_000);
  });
});

describeEachDatabase('the delivery worker', (kind) => {
  const database = useTestDatabase(kind);
  beforeEach(async () => {
    // The shared clearDatabase predates the alert tables.
    const { db } = database.current;
    for (const table of ['notification_attempts', 'notifications', 'webhooks', 'email_recipients'] as const) await db.deleteFrom(table).execute();
  });

  it('given a receiver that answers 500 twice then 200, when ticks run as the clock advances, then it gets the delivery three times with one delivery id and a valid signature each time, takes it once, and the log shows three tries', async () => {
    const { db } = database.current;
    const receiver = await startReceiver((n) => (n < 2 ? { status: 500, body: 'database down' } : { status: 204 }));
    const { webhook, secret } = await givenWebhook(db, receiver.url);
    const id = await queue(db, 'day-1');
    let now = SERVER_NOW;
    const deliverers = { webhook: webhookDeliverer(db, { clock: () => now }) };

    expect(await runDeliveryTick(db, deliverers, now, STEADY)).toMatchObject({ delivered: [], retried: [{ id, attempts: 1, nextAttemptAt: now + 10_000, error: 'HTTP 500: database down' }] });
    // Not due yet: nothing is sent.
    expect(await runDeliveryTick(db, deliverers, now + 5_000, STEADY)).toEqual({ delivered: [], retried: [], gaveUp: [] });
    now += 10_000;
    expect((await runDeliveryTick(db, deliverers, now, STEADY)).retried).toMatchObject([{ id, attempts: 2, nextAttemptAt: now + 30_000 }]);
    now += HOUR;
    expect((await runDeliveryTick(db, deliverers, now, STEADY)).delivered).toEqual([id]);
    const deliveredAt = now;
    now += HOUR;
    expect(await runDeliveryTick(db, deliverers, now, STEADY)).toEqual({ delivered: [], retried: [], gaveUp: [] });

    expect(receiver.received).toHaveLength(3);
    const body = JSON.stringify(digest('day-1'));
    for (const request of receiver.received) {
      expect(request.body).toBe(body);
      expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'BranchVoice', [DELIVERY_HEADER]: id, [EVENT_HEADER]: 'digest' });
    }
    // Each try is signed at its own time, with the webhook's secret.
    const sentAt = [SERVER_NOW, SERVER_NOW + 10_000, deliveredAt];
    receiver.received.forEach((request, i) => expect(verifyWebhookSignature(request.headers[SIGNATURE_HEADER] as string, id, request.body, secret, sentAt[i]!, 5 * 60_000)).toBe(true));
    const signature = receiver.received[2]!.headers[SIGNATURE_HEADER] as string;
    expect(signature).toMatch(new RegExp(`^t=${deliveredAt},v1=[0-9a-f]{64}$`));
    expect(verifyWebhookSignature(signature, id, body, 'another secret', deliveredAt, 5 * 60_000)).toBe(false);
    // Sent again under another delivery id, it is no longer signed.
    expect(verifyWebhookSignature(signature, 'another-delivery', body, secret, deliveredAt, 5 * 60_000)).toBe(false);
    expect(verifyWebhookSignature(signature, id, `${body} `, secret, deliveredAt, 5 * 60_000)).toBe(false);
    // A capture sent again a day later is refused by its time.
    expect(verifyWebhookSignature(signature, id, body, secret, deliveredAt + 24 * HOUR, 5 * 60_000)).toBe(false);

    const [delivery] = await readDeliveries(db, 'webhook', webhook.id, 10);
    expect(delivery).toMatchObject({ id, event: 'digest', status: 'delivered', attempts: 3, nextAttemptAt: null, lastError: null, deliveredAt: SERVER_NOW + 10_000 + HOUR });
    expect(delivery!.tries.map((t) => [t.ok, t.statusCode, t.error, t.replayBy])).toEqual([
      [false, 500, 'HTTP 500: database down', null],
      [false, 500, 'HTTP 500: database down', null],
      [true, 204, null, null],
    ]);
  });

  it('given two workers ticking at once, then each notification is sent once', async () => {
    const { db } = database.current;
    const receiver = await startReceiver(() => ({ status: 200 }));
    await givenWebhook(db, receiver.url);
    const ids: string[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) ids.push(await queue(db, `day-${round}-${i}`));
      const deliverers = { webhook: webhookDeliverer(db) };
      const [a, b] = await Promise.all([runDeliveryTick(db, deliverers, SERVER_NOW + round), runDeliveryTick(db, deliverers, SERVER_NOW + round)]);
      expect([...a.delivered, ...b.delivered].sort()).toEqual(ids.slice(-3).sort());
    }
    const sent = receiver.received.map((r) => r.headers[DELIVERY_HEADER]);
    expect(sent.sort()).toEqual([...ids].sort());
    const attempts = await db.selectFrom('notification_attempts').select('notification_id').execute();
    expect(attempts).toHaveLength(ids.length);
  });

  it('given a receiver down until it gives up, then the worker logs each failure and the give-up, a replay sends it again marked with who replayed it, and the receiver gets the same delivery id', async () => {
    const { db } = database.current;
    let up = false;
    const receiver = await startReceiver(() => (up ? { status: 200 } : { status: 503, body: 'x'.repeat(10_000) }));
    const { webhook } = await givenWebhook(db, receiver.url);
    const id = await queue(db, 'day-1');
    let now = SERVER_NOW;
    const log = { warn: vi.fn(), error: vi.fn() };
    const worker = startDeliveryWorker(db, { webhook: webhookDeliverer(db) }, log, { clock: () => now, everyMs: 60_000, maxAttempts: 3, ...STEADY });
    onTestFinished(() => worker.stop());

    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledTimes(1), { timeout: 10_000 });
    now += HOUR;
    worker.wake();
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledTimes(2), { timeout: 10_000 });
    now += HOUR;
    worker.wake();
    await vi.waitFor(() => expect(log.error).toHaveBeenCalledTimes(1), { timeout: 10_000 });
    expect(log.error.mock.calls[0]![0]).toMatchObject({ notificationId: id, attempts: 3 });
    const failed = await findNotification(db, id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, lease_until: null });
    // 2 KB of the receiver's answer at most.
    expect(failed!.last_error!.length).toBeLessThanOrEqual(2048 + 'HTTP 503: '.length);
    await worker.stop();

    // No more tries after giving up.
    now += 24 * HOUR;
    expect(await runDeliveryTick(db, { webhook: webhookDeliverer(db) }, now)).toEqual({ delivered: [], retried: [], gaveUp: [] });

    up = true;
    const replayed = await replayNotification(db, HQ, id, now);
    expect(replayed).toMatchObject({ ok: true, value: { status: 'pending', attempts: 3 } });
    expect(await replayNotification(db, HQ, id, now)).toMatchObject({ ok: false, reason: 'conflict' });
    expect((await runDeliveryTick(db, { webhook: webhookDeliverer(db) }, now)).delivered).toEqual([id]);

    const [delivery] = await readDeliveries(db, 'webhook', webhook.id, 10);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(delivery!.tries.map((t) => [t.statusCode, t.replayBy])).toEqual([[503, null], [503, null], [503, null], [200, 'HQ1']]);
    expect(new Set(receiver.received.map((r) => r.headers[DELIVERY_HEADER]))).toEqual(new Set([id]));
    const audit = await readAudit(db, { from: 0, to: now + 1, limit: 100 });
    expect(audit.filter((r) => r.action === 'notification-replay').map((r) => [r.actor, r.subject, r.detail.from])).toEqual([['HQ1', id, 'failed']]);

    // A delivered one replayed (the receiver lost it) goes again, marked again.
    now += HOUR;
    expect((await replayNotification(db, HQ, id, now)).ok).toBe(true);
    expect((await runDeliveryTick(db, { webhook: webhookDeliverer(db) }, now)).delivered).toEqual([id]);
    const [again] = await readDeliveries(db, 'webhook', webhook.id, 10);
    expect(again!.tries.map((t) => t.replayBy)).toEqual([null, null, null, 'HQ1', 'HQ1']);
    expect(receiver.received).toHaveLength(5);
  });

  it('given a redirect or a receiver that never answers, then each is a failed try saying so, and is tried again', async () => {
    const { db } = database.current;
    const redirecting = await startReceiver(() => ({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } }));
    const silent = await startReceiver(() => 'never');
    const first = await givenWebhook(db, redirecting.url);
    const second = await givenWebhook(db, silent.url);
    await queue(db, 'day-1');
    const tick = await runDeliveryTick(db, { webhook: webhookDeliverer(db, { timeoutMs: 300 }) }, SERVER_NOW, STEADY);
    expect(tick.delivered).toEqual([]);
    expect(tick.retried).toHaveLength(2);
    const [redirected] = await readDeliveries(db, 'webhook', first.webhook.id, 10);
    expect(redirected).toMatchObject({ status: 'pending', attempts: 1, tries: [{ ok: false, statusCode: 302 }] });
    expect(redirected!.lastError).toContain('http://169.254.169.254/latest/meta-data');
    // Not followed: the receiver got one request, and nothing went to the Location.
    expect(redirecting.received).toHaveLength(1);
    const [timedOut] = await readDeliveries(db, 'webhook', second.webhook.id, 10);
    expect(timedOut).toMatchObject({ status: 'pending', attempts: 1, lastError: 'no answer within 0.3 s', tries: [{ ok: false, statusCode: null, error: 'no answer within 0.3 s' }] });
  });

  it('given a disabled webhook or e-mail without an SMTP server, then nothing is sent, the log says why, and a disabled webhook gives up at once', async () => {
    const { db } = database.current;
    const receiver = await startReceiver(() => ({ status: 200 }));
    const { webhook } = await givenWebhook(db, receiver.url);
    await db
      .insertInto('email_recipients')
      .values({ id: '0190a0b0-0000-7000-8000-0000000000e1', address: 'it@bank.example', name: 'IT', language: 'en', region_id: null, branch_id: null, events: '["digest"]', enabled: 1, created_at: SERVER_NOW, created_by: 'HQ1', updated_at: SERVER_NOW })
      .execute();
    await queue(db, 'day-1');
    expect((await editWebhook(db, HQ, webhook.id, { enabled: false }, SERVER_NOW)).ok).toBe(true);
    // Disabling gave up on what waited for it at once.
    expect(await db.selectFrom('notifications').select(['channel', 'status', 'last_error']).where('channel', '=', 'webhook').execute()).toEqual([{ channel: 'webhook', status: 'failed', last_error: 'webhook disabled' }]);
    const email = await db.selectFrom('notifications').select('id').where('channel', '=', 'email').executeTakeFirstOrThrow();
    const tick = await runDeliveryTick(db, {}, SERVER_NOW, STEADY);
    expect(tick.retried).toEqual([{ id: email.id, attempts: 1, nextAttemptAt: SERVER_NOW + 10_000, error: 'no SMTP server is configured: set SMTP_URL' }]);
    expect(receiver.received).toEqual([]);

    // A replay waits for the webhook to be enabled; one still queued for it when it is disabled is given up by the worker.
    const waiting = await db.selectFrom('notifications').select('id').where('channel', '=', 'webhook').executeTakeFirstOrThrow();
    expect(await replayNotification(db, HQ, waiting.id, SERVER_NOW)).toMatchObject({ ok: false, reason: 'conflict' });
    expect((await editWebhook(db, HQ, webhook.id, { enabled: true }, SERVER_NOW)).ok).toBe(true);
    expect((await replayNotification(db, HQ, waiting.id, SERVER_NOW)).ok).toBe(true);
    await db.updateTable('webhooks').set({ enabled: 0 }).where('id', '=', webhook.id).execute();
    expect((await runDeliveryTick(db, { webhook: webhookDeliverer(db) }, SERVER_NOW + 1, STEADY)).gaveUp).toEqual([{ id: waiting.id, attempts: 1, error: 'webhook disabled' }]);
    expect(receiver.received).toEqual([]);
  });
});
