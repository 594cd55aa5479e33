import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { Result } from '../../domain/result.ts';
import {
  DELIVERY_LOG_DEFAULT,
  DeliveryLogQuerySchema,
  NotificationParamsSchema,
  WebhookAddSchema,
  WebhookEditSchema,
  WebhookParamsSchema,
  type DeliveryLog,
  type DeliveryView,
  type WebhookList,
  type WebhookSecretAnswer,
  type WebhookView,
} from '../../domain/webhooks.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { addWebhook, editWebhook, listWebhooks, replayNotification, rotateWebhookSecret, webhookDeliveries, type WebhookActor, type WebhookError } from '../services/webhooks.ts';

export type ManageWebhooksRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Manage › Webhooks, under /api/manage (services/webhooks.ts): head office, and a regional
 * manager for their region, set up the outside systems alerts and digests are posted to, read
 * each one's delivery log and replay a notification. A session and a report role first
 * (guardReports), JSON for every write; every body is a strict schema whose message names the
 * field. A secret is in the answer that made it only, never stored by a cache (no-store).
 * Nothing is deleted: a webhook is disabled, and its log stays.
 */
export const manageWebhooksRoutes: FastifyPluginAsync<ManageWebhooksRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  const by = (request: FastifyRequest): WebhookActor => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) });
  const answer = <T>(reply: FastifyReply, result: Result<T, WebhookError>): T | FastifyReply => (result.ok ? result.value : sendApiError(reply, result.reason, result.message));
  const secretOnce = (reply: FastifyReply, result: Result<WebhookSecretAnswer, WebhookError>) => {
    if (!result.ok) return sendApiError(reply, result.reason, result.message);
    reply.header('cache-control', 'no-store');
    return result.value;
  };

  /** GET /api/manage/webhooks: the webhooks the viewer manages, with their counts, and the scopes they may give. */
  app.get<{ Reply: WebhookList | ApiError }>('/webhooks', async (request, reply) => answer(reply, await listWebhooks(db, request.viewer, now())));

  /** POST /api/manage/webhooks ({ name, url, regionId? | branchId?, events }): the webhook and its secret, this once. */
  app.post<{ Reply: WebhookSecretAnswer | ApiError }>('/webhooks', async (request, reply) => {
    const body = v.safeParse(WebhookAddSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const added = await addWebhook(db, by(request), body.output, now());
    if (added.ok) request.log.info({ webhookId: added.value.webhook.id, by: request.viewer.staffNumber }, 'webhook added on the dashboard');
    return secretOnce(reply, added);
  });

  /** PATCH /api/manage/webhooks/:id ({ name?, url?, events?, enabled? }). */
  app.patch<{ Reply: WebhookView | ApiError }>('/webhooks/:id', async (request, reply) => {
    const params = v.safeParse(WebhookParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(WebhookEditSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const edited = await editWebhook(db, by(request), params.output.id, body.output, now());
    if (edited.ok) request.log.info({ webhookId: params.output.id, by: request.viewer.staffNumber }, 'webhook edited on the dashboard');
    return answer(reply, edited);
  });

  /** POST /api/manage/webhooks/:id/secret: a new secret, this once. */
  app.post<{ Reply: WebhookSecretAnswer | ApiError }>('/webhooks/:id/secret', async (request, reply) => {
    const params = v.safeParse(WebhookParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const rotated = await rotateWebhookSecret(db, by(request), params.output.id, now());
    if (rotated.ok) request.log.info({ webhookId: params.output.id, by: request.viewer.staffNumber }, 'webhook secret replaced on the dashboard');
    return secretOnce(reply, rotated);
  });

  /** GET /api/manage/webhooks/:id/deliveries?limit=: its newest notifications, each with its tries. */
  app.get<{ Reply: DeliveryLog | ApiError }>('/webhooks/:id/deliveries', async (request, reply) => {
    const params = v.safeParse(WebhookParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const query = v.safeParse(DeliveryLogQuerySchema, request.query);
    if (!query.success) return sendApiError(reply, 'bad-request', describeIssues(query.issues));
    return answer(reply, await webhookDeliveries(db, request.viewer, params.output.id, query.output.limit ?? DELIVERY_LOG_DEFAULT));
  });

  /** POST /api/manage/notifications/:id/replay: a failed or delivered notification sent again; audited. */
  app.post<{ Reply: DeliveryView | ApiError }>('/notifications/:id/replay', async (request, reply) => {
    const params = v.safeParse(NotificationParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const replayed = await replayNotification(db, by(request), params.output.id, now());
    if (replayed.ok) request.log.info({ notificationId: params.output.id, by: request.viewer.staffNumber }, 'notification replayed on the dashboard');
    return answer(reply, replayed);
  });
};
