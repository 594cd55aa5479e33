import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, type NotificationEvent } from '../../domain/alerts.ts';
import { HEAD_OFFICE, REGIONAL_MANAGER, type Viewer } from '../../domain/access.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { mayReplay, type DeliveryLog, type DeliveryView, type NotificationStatus, type WebhookAdd, type WebhookEdit, type WebhookList, type WebhookScope, type WebhookSecretAnswer, type WebhookView } from '../../domain/webhooks.ts';
import type { Database, NotificationRow, WebhookRow } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { listBranches } from '../repositories/branches.ts';
import { countsByTarget, failPendingOfTarget, findNotification, readDeliveries, requeueNotification, withTries } from '../repositories/notifications.ts';
import { listRegions } from '../repositories/regions.ts';
import { recordAudit, type Actor } from './audit.ts';
import type { Deliverer, DeliveryOutcome } from './notify.ts';
import { newWebhookSecret, signWebhook } from './webhook-signature.ts';

/**
 * Manage › Webhooks (src/server/routes/manage-webhooks.ts) and the webhook sender the delivery
 * worker uses (services/delivery.ts).
 *
 * A webhook is a request this server makes to an address a person typed: server-side request
 * forgery is its risk (an address inside the bank's network, a cloud's metadata address; the
 * answer's first 2 KB land in the delivery log). What keeps it in check: only head office and
 * regional managers, the people the bank's IT works with, may set one up or read its log; no
 * redirect is followed, so an allowed address cannot bounce the request elsewhere; only http
 * and https, with no credentials in the address. Addresses on loopback or a private network
 * are allowed on purpose: a bank's receiving system is usually on its own network, and this
 * server cannot tell its own public address from another's. A request to this server's own
 * port carries no session or token, so it is answered 401 like any stranger's.
 */

export type WebhookError = 'forbidden' | 'not-found' | 'bad-request' | 'conflict';

export type WebhookActor = { viewer: Viewer; actor: Actor };

const DAY_MS = 86_400_000;

/** The scope a viewer may give or manage: head office any, a regional manager their region or its branches. */
function mayManageScope(viewer: Viewer, scope: { region_id: string | null; branch_id: string | null }): boolean {
  if (viewer.role === HEAD_OFFICE) return true;
  if (viewer.role !== REGIONAL_MANAGER || !viewer.region) return false;
  if (scope.branch_id !== null) return viewer.region.branchIds.includes(scope.branch_id);
  return scope.region_id === viewer.region.id;
}

const managesWebhooks = (viewer: Viewer): boolean => viewer.role === HEAD_OFFICE || (viewer.role === REGIONAL_MANAGER && viewer.region !== undefined);

const refuseRole = (viewer: Viewer) =>
  err('forbidden', `${viewer.staffNumber} (${viewer.role}) may not manage webhooks: they send the bank's data to another system, so head office or a regional manager sets them up.`);

const eventsOf = (events: string): NotificationEvent[] => {
  try {
    const list: unknown = JSON.parse(events);
    return Array.isArray(list) ? (list as NotificationEvent[]) : [];
  } catch {
    return [];
  }
};

type Names = { regions: Map<string, string>; branches: Map<string, string> };

async function namesOf(db: Kysely<Database>): Promise<Names> {
  const [regions, branches] = await Promise.all([listRegions(db), listBranches(db)]);
  return { regions: new Map(regions.map((r) => [r.id, r.name])), branches: new Map(branches.map((b) => [b.id, b.name])) };
}

function scopeOf(row: Pick<WebhookRow, 'region_id' | 'branch_id'>, names: Names): WebhookScope {
  if (row.branch_id !== null) return { kind: 'branch', id: row.branch_id, name: names.branches.get(row.branch_id) ?? row.branch_id };
  if (row.region_id !== null) return { kind: 'region', id: row.region_id, name: names.regions.get(row.region_id) ?? row.region_id };
  return { kind: 'network' };
}

async function viewsOf(db: Kysely<Database>, rows: WebhookRow[], now: number): Promise<WebhookView[]> {
  const [names, counts] = await Promise.all([namesOf(db), countsByTarget(db, 'webhook', rows.map((r) => r.id), now - 7 * DAY_MS)]);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    url: row.url,
    scope: scopeOf(row, names),
    events: eventsOf(row.events),
    enabled: row.enabled === 1,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    updatedAt: Number(row.updated_at),
    counts: counts.get(row.id) ?? { pending: 0, failed: 0, deliveredLastWeek: 0 },
  }));
}

/** The webhooks the viewer manages, by name, and the scopes they may give a new one. */
export async function listWebhooks(db: Kysely<Database>, viewer: Viewer, now: number): Promise<Result<WebhookList, WebhookError>> {
  if (!managesWebhooks(viewer)) return refuseRole(viewer);
  const rows = (await db.selectFrom('webhooks').selectAll().orderBy('name').orderBy('id').execute()).filter((row) => mayManageScope(viewer, row));
  const [regions, branches] = await Promise.all([listRegions(db), listBranches(db)]);
  const headOffice = viewer.role === HEAD_OFFICE;
  return ok({
    webhooks: await viewsOf(db, rows, now),
    scopes: {
      network: headOffice,
      regions: regions.filter((r) => headOffice || r.id === viewer.region?.id).map((r) => ({ id: r.id, name: r.name })),
      branches: branches.filter((b) => mayManageScope(viewer, { region_id: null, branch_id: b.id })).map((b) => ({ id: b.id, name: b.name, regionId: b.regionId })),
    },
  });
}

/** One webhook the viewer manages; an unknown one is 404 for head office and 403 for anyone else, who cannot probe ids. */
async function managedWebhook(db: Kysely<Database>, viewer: Viewer, id: string): Promise<Result<WebhookRow, WebhookError>> {
  if (!managesWebhooks(viewer)) return refuseRole(viewer);
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  if (row && mayManageScope(viewer, row)) return ok(row);
  if (viewer.role === HEAD_OFFICE) return err('not-found', `No webhook has the id ${id}.`);
  return err('forbidden', `${viewer.staffNumber} (${viewer.role}) may manage their own region's webhooks only.`);
}

/** A new webhook with a new secret, answered this once. */
export async function addWebhook(db: Kysely<Database>, by: WebhookActor, input: WebhookAdd, now: number): Promise<Result<WebhookSecretAnswer, WebhookError>> {
  const { viewer } = by;
  if (!managesWebhooks(viewer)) return refuseRole(viewer);
  const scope = { region_id: input.regionId ?? null, branch_id: input.branchId ?? null };
  if (scope.branch_id !== null && !(await db.selectFrom('branches').select('id').where('id', '=', scope.branch_id).executeTakeFirst())) {
    return viewer.role === HEAD_OFFICE ? err('not-found', `branchId: no branch has the id ${scope.branch_id}.`) : err('forbidden', `${viewer.staffNumber} may add webhooks for their own region's branches only.`);
  }
  if (scope.region_id !== null && !(await db.selectFrom('regions').select('id').where('id', '=', scope.region_id).executeTakeFirst())) {
    return viewer.role === HEAD_OFFICE ? err('not-found', `regionId: no region has the id ${scope.region_id}.`) : err('forbidden', `${viewer.staffNumber} may add webhooks for their own region only.`);
  }
  if (!mayManageScope(viewer, scope)) {
    return err('forbidden', `${viewer.staffNumber} (${viewer.role}) may add webhooks for their own region or its branches only${scope.region_id === null && scope.branch_id === null ? ', not for the whole network' : ''}.`);
  }
  const secret = newWebhookSecret();
  const row: WebhookRow = {
    id: uuidv7(),
    name: input.name,
    url: input.url,
    secret,
    ...scope,
    events: JSON.stringify(input.events),
    enabled: 1,
    created_at: now,
    created_by: viewer.staffNumber,
    updated_at: now,
  };
  await inTransaction(db, async (trx) => {
    await trx.insertInto('webhooks').values(row).execute();
    // The address is kept out of the audit row (it may name an internal system); its host is enough to find it.
    await recordAudit(trx, by.actor, { action: 'webhook-add', branchId: scope.branch_id, subject: row.id, detail: { regionId: scope.region_id, branchId: scope.branch_id, host: new URL(input.url).host, events: input.events } }, now);
  });
  const [webhook] = await viewsOf(db, [row], now);
  return ok({ webhook: webhook!, secret });
}

/**
 * A webhook's name, address, events or state. Disabling gives up at once on what waits for it
 * (replayable once it is enabled again); the log is kept, as nothing is ever deleted.
 */
export async function editWebhook(db: Kysely<Database>, by: WebhookActor, id: string, edit: WebhookEdit, now: number): Promise<Result<WebhookView, WebhookError>> {
  const found = await managedWebhook(db, by.viewer, id);
  if (!found.ok) return found;
  const before = found.value;
  const changes = {
    ...(edit.name !== undefined && { name: edit.name }),
    ...(edit.url !== undefined && { url: edit.url }),
    ...(edit.events !== undefined && { events: JSON.stringify(edit.events) }),
    ...(edit.enabled !== undefined && { enabled: edit.enabled ? 1 : 0 }),
  };
  const fields = Object.keys(edit).filter((key) => edit[key as keyof WebhookEdit] !== undefined);
  const row = await inTransaction(db, async (trx) => {
    await trx
      .updateTable('webhooks')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .execute();
    const disabled = edit.enabled === false && before.enabled === 1;
    const gaveUp = disabled ? await failPendingOfTarget(trx, 'webhook', id, now, 'webhook disabled') : 0;
    await recordAudit(trx, by.actor, { action: 'webhook-edit', branchId: before.branch_id, subject: id, detail: { fields, ...(edit.enabled !== undefined && { enabled: edit.enabled }), ...(gaveUp > 0 && { gaveUp }) } }, now);
    return (await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst())!;
  });
  const [view] = await viewsOf(db, [row], now);
  return ok(view!);
}

/** A new secret, answered this once; the old one signs nothing from now on. */
export async function rotateWebhookSecret(db: Kysely<Database>, by: WebhookActor, id: string, now: number): Promise<Result<WebhookSecretAnswer, WebhookError>> {
  const found = await managedWebhook(db, by.viewer, id);
  if (!found.ok) return found;
  const secret = newWebhookSecret();
  const row = await inTransaction(db, async (trx) => {
    await trx.updateTable('webhooks').set({ secret, updated_at: now }).where('id', '=', id).execute();
    await recordAudit(trx, by.actor, { action: 'webhook-secret', branchId: found.value.branch_id, subject: id, detail: {} }, now);
    return (await trx.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst())!;
  });
  const [webhook] = await viewsOf(db, [row], now);
  return ok({ webhook: webhook!, secret });
}

/** A webhook's newest notifications with their tries. */
export async function webhookDeliveries(db: Kysely<Database>, viewer: Viewer, id: string, limit: number): Promise<Result<DeliveryLog, WebhookError>> {
  const found = await managedWebhook(db, viewer, id);
  if (!found.ok) return found;
  return ok({ webhookId: id, deliveries: await readDeliveries(db, 'webhook', id, limit) });
}

/**
 * Sends a notification again: one given up on, or one delivered that the receiver lost. Its
 * tries are kept, and the next one is marked as this viewer's (notifications.replay_by). Only to an
 * enabled target: a disabled one would give it up again at once.
 */
export async function replayNotification(db: Kysely<Database>, by: WebhookActor, id: string, now: number): Promise<Result<DeliveryView, WebhookError>> {
  const { viewer } = by;
  if (!managesWebhooks(viewer)) return refuseRole(viewer);
  const row = await findNotification(db, id);
  const target = row ? await targetOf(db, row) : undefined;
  if (!row || !target || !mayManageScope(viewer, target)) {
    return viewer.role === HEAD_OFFICE ? err('not-found', `No notification has the id ${id}.`) : err('forbidden', `${viewer.staffNumber} (${viewer.role}) may replay their own region's notifications only.`);
  }
  if (!mayReplay(row.status as NotificationStatus)) return err('conflict', `The notification is ${row.status}: only a failed or delivered one is replayed.`);
  if (target.enabled !== 1) return err('conflict', `Its ${row.channel === 'webhook' ? 'webhook' : 'recipient'} is disabled: enable it first, then replay.`);
  const replayed = await inTransaction(db, async (trx) => {
    if (!(await requeueNotification(trx, id, viewer.staffNumber, now))) return undefined;
    await recordAudit(trx, by.actor, { action: 'notification-replay', branchId: row.branch_id, subject: id, detail: { channel: row.channel, targetId: row.target_id, from: row.status } }, now);
    return (await findNotification(trx, id))!;
  });
  if (!replayed) return err('conflict', 'The notification changed meanwhile: load the log again.');
  const [view] = await withTries(db, [replayed]);
  return ok(view!);
}

async function targetOf(db: Kysely<Database>, row: NotificationRow) {
  const table = row.channel === 'email' ? 'email_recipients' : row.channel === 'webhook' ? 'webhooks' : null;
  if (!table) return undefined;
  return db.selectFrom(table).select(['region_id', 'branch_id', 'enabled']).where('id', '=', row.target_id).executeTakeFirst();
}

/** The webhook sender's limits: a receiver has 10 s to answer, and 2 KB of a refusal are kept for the log. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const ERROR_BODY_MAX_BYTES = 2048;

export interface WebhookDelivererOptions {
  timeoutMs?: number;
  /** The time signed into each request; the server's clock unless given. */
  clock?: () => number;
  fetch?: typeof fetch;
}

/**
 * The webhook sender: POSTs the notification's body as it was made, signed with the webhook's
 * current secret, with the notification's id as the delivery id (the same on every retry and
 * replay, so a receiver drops duplicates). A 2xx is delivered; anything else, a redirect
 * (never followed), a timeout or no connection is a failed try, with what the receiver said.
 */
export function webhookDeliverer(db: Kysely<Database>, { timeoutMs = WEBHOOK_TIMEOUT_MS, clock = Date.now, fetch: send = fetch }: WebhookDelivererOptions = {}): Deliverer {
  return async (notification: NotificationRow): Promise<DeliveryOutcome> => {
    const webhook = await db.selectFrom('webhooks').select(['url', 'secret']).where('id', '=', notification.target_id).executeTakeFirst();
    if (!webhook) return { ok: false, statusCode: null, error: 'webhook removed' };
    const event = eventOfBody(notification.body);
    let response: Response;
    try {
      response = await send(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'BranchVoice',
          [SIGNATURE_HEADER]: signWebhook(webhook.secret, notification.id, notification.body, clock()),
          [DELIVERY_HEADER]: notification.id,
          ...(event && { [EVENT_HEADER]: event }),
        },
        body: notification.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      return { ok: false, statusCode: null, error: requestError(error, timeoutMs) };
    }
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: true, statusCode: response.status };
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, statusCode: response.status, error: `redirected to ${response.headers.get('location') ?? '(no Location)'}: redirects are not followed; give the final address` };
    }
    const text = await firstBytes(response, ERROR_BODY_MAX_BYTES);
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}${text ? `: ${text}` : ''}` };
  };
}

function eventOfBody(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { event?: unknown };
    return typeof parsed.event === 'string' ? parsed.event : null;
  } catch {
    return null;
  }
}

function requestError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = e.cause?.code ?? e.cause?.message;
  return `could not reach the receiver: ${e.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

/** At most `max` bytes of an answer, as text; the rest is not read. */
async function firstBytes(response: Response, max: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off midway: what came is enough for the log.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, max));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.length;
    if (at >= bytes.length) break;
  }
  return new TextDecoder().decode(bytes).trim();
}
