import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { AlertRuleInputSchema, AlertRulesQuerySchema, BranchRuleParamsSchema, NetworkRuleParamsSchema, type AlertRulesView } from '../../domain/manage-alert-rules.ts';
import type { Result } from '../../domain/result.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { alertRulesView, clearBranchRule, setBranchRule, setNetworkRule, type AlertRulesActor, type AlertRulesError } from '../services/alert-rules.ts';
import { dashboardActor } from '../services/audit.ts';

export type ManageAlertRulesRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Manage › Alert rules, under /api/manage (services/alert-rules.ts): the network's rules (head
 * office) and each branch's own (whoever sees the branch). A session and a report role first
 * (guardReports), JSON for every write; every path and body is a strict schema whose message
 * names the field, and a rule's parameters are checked against its kind.
 */
export const manageAlertRulesRoutes: FastifyPluginAsync<ManageAlertRulesRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  const by = (request: FastifyRequest): AlertRulesActor => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) });
  const answer = (reply: FastifyReply, result: Result<AlertRulesView, AlertRulesError>): AlertRulesView | FastifyReply =>
    result.ok ? result.value : sendApiError(reply, result.reason, result.message);

  /** GET /api/manage/alert-rules[?branch=<id>]: the network's rules and, with a branch, that branch's in force. */
  app.get<{ Reply: AlertRulesView | ApiError }>('/alert-rules', async (request, reply) => {
    const query = v.safeParse(AlertRulesQuerySchema, request.query);
    if (!query.success) return sendApiError(reply, 'bad-request', describeIssues(query.issues));
    return answer(reply, await alertRulesView(db, request.viewer, query.output.branch));
  });

  /** PUT /api/manage/alert-rules/network/:kind ({ enabled, params, ackMinutes }): head office only. */
  app.put<{ Reply: AlertRulesView | ApiError }>('/alert-rules/network/:kind', async (request, reply) => {
    const params = v.safeParse(NetworkRuleParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(AlertRuleInputSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const set = await setNetworkRule(db, by(request), params.output.kind, body.output, now());
    if (set.ok) request.log.info({ kind: params.output.kind, by: request.viewer.staffNumber }, 'network alert rule set on the dashboard');
    return answer(reply, set);
  });

  /** PUT /api/manage/alert-rules/branches/:branchId/:kind ({ enabled, params, ackMinutes }): a branch's own rule. */
  app.put<{ Reply: AlertRulesView | ApiError }>('/alert-rules/branches/:branchId/:kind', async (request, reply) => {
    const params = v.safeParse(BranchRuleParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(AlertRuleInputSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { branchId, kind } = params.output;
    const set = await setBranchRule(db, by(request), branchId, kind, body.output, now());
    if (set.ok) request.log.info({ branchId, kind, by: request.viewer.staffNumber }, 'branch alert rule set on the dashboard');
    return answer(reply, set);
  });

  /** DELETE /api/manage/alert-rules/branches/:branchId/:kind: the branch follows the network's rule again. */
  app.delete<{ Reply: AlertRulesView | ApiError }>('/alert-rules/branches/:branchId/:kind', async (request, reply) => {
    const params = v.safeParse(BranchRuleParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const { branchId, kind } = params.output;
    const cleared = await clearBranchRule(db, by(request), branchId, kind, now());
    if (cleared.ok) request.log.info({ branchId, kind, by: request.viewer.staffNumber }, 'branch alert rule cleared on the dashboard');
    return answer(reply, cleared);
  });
};
