import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { BranchParamsSchema, EnrollmentSheetRequestSchema, type EnrollmentSheet } from '../../domain/manage.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { issueEnrollmentSheet } from '../services/enrollment-sheet.ts';

export type ManageRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * The dashboard's acts on a branch's set-up, under /api/manage: a session and a report role
 * first (head office any branch, a branch manager their own), JSON for every write.
 */
export const manageRoutes: FastifyPluginAsync<ManageRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /**
   * POST /api/manage/branches/:branchId/enrollment-codes ({}): a fresh code for every counter
   * and the lobby, with links at the address the dashboard was reached at and their QR codes.
   * Audited, without the codes; never logged with them.
   */
  app.post<{ Reply: EnrollmentSheet | ApiError }>('/branches/:branchId/enrollment-codes', async (request, reply) => {
    const params = v.safeParse(BranchParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(EnrollmentSheetRequestSchema, request.body ?? {});
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { branchId } = params.output;
    const sheet = await issueEnrollmentSheet(
      db,
      request.viewer,
      { branchId, appUrl: `${request.protocol}://${request.host}/`, actor: dashboardActor(request.viewer, request.ip) },
      now(),
    );
    if (!sheet.ok) return sendApiError(reply, sheet.reason, sheet.message);
    request.log.info({ branchId, codes: sheet.value.codes.length, by: request.viewer.staffNumber }, 'enrollment codes made on the dashboard');
    // The answer holds the codes: no cache may keep it.
    reply.header('cache-control', 'no-store');
    return sheet.value;
  });
};
