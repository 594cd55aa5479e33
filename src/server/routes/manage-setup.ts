import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { BranchParamsSchema } from '../../domain/manage.ts';
import {
  CounterNameBodySchema,
  CounterParamsSchema,
  ItemParamsSchema,
  ReasonAddSchema,
  ReasonEditSchema,
  SetupOrderSchema,
  TopicAddSchema,
  TopicEditSchema,
  type BranchSetup,
  type SetupCounter,
  type SetupReason,
  type SetupTopic,
} from '../../domain/manage-setup.ts';
import type { Result } from '../../domain/result.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import {
  addSetupCounter,
  addSetupReason,
  addSetupTopic,
  branchSetup,
  editSetupReason,
  editSetupTopic,
  orderSetupList,
  renameSetupCounter,
  type SetupError,
} from '../services/setup.ts';

export type ManageSetupRoutesOptions = { db: Kysely<Database>; now: () => number };

/** The request's params and body, checked; or the 400 that names the field, already sent. */
function parsed<P extends v.GenericSchema, B extends v.GenericSchema>(
  request: FastifyRequest,
  reply: FastifyReply,
  params: P,
  body: B | null,
): { params: v.InferOutput<P>; body: v.InferOutput<B> } | null {
  const p = v.safeParse(params, request.params);
  if (!p.success) {
    void sendApiError(reply, 'bad-request', describeIssues(p.issues));
    return null;
  }
  const b = body ? v.safeParse(body, request.body) : null;
  if (b && !b.success) {
    void sendApiError(reply, 'bad-request', describeIssues(b.issues));
    return null;
  }
  return { params: p.output, body: b?.output };
}

/**
 * Manage › Counters & lists, under /api/manage (services/setup.ts): a branch's counters,
 * reasons and opinion-box topics. A session and a report role first (guardReports), JSON for
 * every write; each change bumps the branch's config version and is audited.
 */
export const manageSetupRoutes: FastifyPluginAsync<ManageSetupRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);
  const change = (request: FastifyRequest) => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip), now: now() });
  const answer = <T>(request: FastifyRequest, reply: FastifyReply, result: Result<T, SetupError>, what: string, fields: Record<string, unknown>) => {
    if (!result.ok) return sendApiError(reply, result.reason, result.message);
    request.log.info({ ...fields, by: request.viewer.staffNumber }, what);
    return result.value;
  };

  /** GET /api/manage/branches/:branchId/setup: the branch's counters, reasons and topics, inactive ones too. */
  app.get<{ Reply: BranchSetup | ApiError }>('/branches/:branchId/setup', async (request, reply) => {
    const input = parsed(request, reply, BranchParamsSchema, null);
    if (!input) return reply;
    const setup = await branchSetup(db, request.viewer, input.params.branchId);
    if (!setup.ok) return sendApiError(reply, setup.reason, setup.message);
    return setup.value;
  });

  /** POST /api/manage/branches/:branchId/counters ({ name }): a new counter; enroll its tablet on the Enroll page. */
  app.post<{ Reply: SetupCounter | ApiError }>('/branches/:branchId/counters', async (request, reply) => {
    const input = parsed(request, reply, BranchParamsSchema, CounterNameBodySchema);
    if (!input) return reply;
    const { branchId } = input.params;
    const added = await addSetupCounter(db, branchId, input.body, change(request));
    return answer(request, reply, added, 'counter added on the dashboard', { branchId, counterId: added.ok ? added.value.id : null });
  });

  /** PATCH /api/manage/counters/:counterId ({ name }): a new name. A counter is never deleted: its ratings name it. */
  app.patch<{ Reply: SetupCounter | ApiError }>('/counters/:counterId', async (request, reply) => {
    const input = parsed(request, reply, CounterParamsSchema, CounterNameBodySchema);
    if (!input) return reply;
    const { counterId } = input.params;
    return answer(request, reply, await renameSetupCounter(db, counterId, input.body, change(request)), 'counter renamed on the dashboard', { counterId });
  });

  /** POST /api/manage/branches/:branchId/reasons ({ labels, scores }): a new reason at the end of the list; its id is made from the English label. */
  app.post<{ Reply: SetupReason | ApiError }>('/branches/:branchId/reasons', async (request, reply) => {
    const input = parsed(request, reply, BranchParamsSchema, ReasonAddSchema);
    if (!input) return reply;
    const { branchId } = input.params;
    const added = await addSetupReason(db, branchId, input.body, change(request));
    return answer(request, reply, added, 'reason added on the dashboard', { branchId, reasonId: added.ok ? added.value.id : null });
  });

  /**
   * PATCH /api/manage/branches/:branchId/reasons/:itemId ({ labels?, scores?, active? }). The
   * branch is in the path: a reason's id is its branch's (every branch has a `waiting-time`).
   */
  app.patch<{ Reply: SetupReason | ApiError }>('/branches/:branchId/reasons/:itemId', async (request, reply) => {
    const input = parsed(request, reply, ItemParamsSchema, ReasonEditSchema);
    if (!input) return reply;
    const { branchId, itemId } = input.params;
    return answer(request, reply, await editSetupReason(db, branchId, itemId, input.body, change(request)), 'reason edited on the dashboard', { branchId, reasonId: itemId });
  });

  /** POST /api/manage/branches/:branchId/topics ({ labels, kinds }): a new topic at the end of the list. */
  app.post<{ Reply: SetupTopic | ApiError }>('/branches/:branchId/topics', async (request, reply) => {
    const input = parsed(request, reply, BranchParamsSchema, TopicAddSchema);
    if (!input) return reply;
    const { branchId } = input.params;
    const added = await addSetupTopic(db, branchId, input.body, change(request));
    return answer(request, reply, added, 'topic added on the dashboard', { branchId, topicId: added.ok ? added.value.id : null });
  });

  /** PATCH /api/manage/branches/:branchId/topics/:itemId ({ labels?, kinds?, active? }). */
  app.patch<{ Reply: SetupTopic | ApiError }>('/branches/:branchId/topics/:itemId', async (request, reply) => {
    const input = parsed(request, reply, ItemParamsSchema, TopicEditSchema);
    if (!input) return reply;
    const { branchId, itemId } = input.params;
    return answer(request, reply, await editSetupTopic(db, branchId, itemId, input.body, change(request)), 'topic edited on the dashboard', { branchId, topicId: itemId });
  });

  /** PUT /api/manage/branches/:branchId/order ({ list, ids }): a list's whole new order; answers the branch's set-up. */
  app.put<{ Reply: BranchSetup | ApiError }>('/branches/:branchId/order', async (request, reply) => {
    const input = parsed(request, reply, BranchParamsSchema, SetupOrderSchema);
    if (!input) return reply;
    const { branchId } = input.params;
    const { list, ids } = input.body;
    return answer(request, reply, await orderSetupList(db, branchId, list, ids, change(request)), 'list reordered on the dashboard', { branchId, list });
  });
};
