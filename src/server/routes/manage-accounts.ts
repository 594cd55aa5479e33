import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import {
  AccountEditSchema,
  AccountInviteSchema,
  AccountParamsSchema,
  AccountPasswordRequestSchema,
  type AccountChange,
  type AccountList,
} from '../../domain/manage-accounts.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { inviteAccount, listManagedAccounts, resetAccountPassword, setAccountActive } from '../services/manage-accounts.ts';

export type ManageAccountsRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Manage › Accounts, under /api/manage: dashboard accounts, in the viewer's scope
 * (services/manage-accounts.ts). A temporary password is answered once, with no-store, and
 * never logged.
 */
export const manageAccountsRoutes: FastifyPluginAsync<ManageAccountsRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /** GET /api/manage/accounts: the accounts the viewer manages, and whom they may invite. */
  app.get<{ Reply: AccountList | ApiError }>('/accounts', async (request, reply) => {
    const list = await listManagedAccounts(db, request.viewer);
    if (!list.ok) return sendApiError(reply, list.reason, list.message);
    return list.value;
  });

  /**
   * POST /api/manage/accounts ({ kind: 'roster', tellerId } | { kind: 'regional-manager',
   * staffNumber, name, regionId } | { kind: 'head-office', staffNumber, name }): a new account
   * with a temporary password, answered this once.
   */
  app.post<{ Reply: AccountChange | ApiError }>('/accounts', async (request, reply) => {
    const body = v.safeParse(AccountInviteSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const added = await inviteAccount(db, request.viewer, { invite: body.output, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!added.ok) return sendApiError(reply, added.reason, added.message);
    request.log.info({ account: added.value.account.staffNumber, role: added.value.account.role, by: request.viewer.staffNumber }, 'dashboard account invited on the dashboard');
    reply.header('cache-control', 'no-store');
    return added.value;
  });

  /** PATCH /api/manage/accounts/:staffNumber ({ active }): off the dashboard (its sessions end), or back. */
  app.patch<{ Reply: AccountChange | ApiError }>('/accounts/:staffNumber', async (request, reply) => {
    const params = v.safeParse(AccountParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(AccountEditSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { staffNumber } = params.output;
    const edited = await setAccountActive(db, request.viewer, { staffNumber, active: body.output.active, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!edited.ok) return sendApiError(reply, edited.reason, edited.message);
    request.log.info({ account: staffNumber, active: body.output.active, sessionsEnded: edited.value.sessionsEnded, by: request.viewer.staffNumber }, 'dashboard account edited on the dashboard');
    return edited.value;
  });

  /** POST /api/manage/accounts/:staffNumber/password ({}): a new temporary password, answered this once; its sessions end. */
  app.post<{ Reply: AccountChange | ApiError }>('/accounts/:staffNumber/password', async (request, reply) => {
    const params = v.safeParse(AccountParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(AccountPasswordRequestSchema, request.body ?? {});
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { staffNumber } = params.output;
    const reset = await resetAccountPassword(db, request.viewer, { staffNumber, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!reset.ok) return sendApiError(reply, reset.reason, reset.message);
    request.log.info({ account: staffNumber, sessionsEnded: reset.value.sessionsEnded, by: request.viewer.staffNumber }, 'dashboard account password reset on the dashboard');
    reply.header('cache-control', 'no-store');
    return reset.value;
  });
};
