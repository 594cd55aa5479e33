import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import {
  BranchParamsSchema,
  EnrollmentSheetRequestSchema,
  StaffAddSchema,
  StaffEditSchema,
  StaffParamsSchema,
  StaffPhotoSchema,
  StaffPinRequestSchema,
  type EnrollmentSheet,
  type StaffChange,
  type StaffList,
} from '../../domain/manage.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { issueEnrollmentSheet } from '../services/enrollment-sheet.ts';
import { addStaff, editStaff, listStaff, resetStaffPin, setStaffPhoto } from '../services/staff.ts';

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

  /** GET /api/manage/branches/:branchId/staff: the branch's roster, without PIN hashes or photo bytes. */
  app.get<{ Reply: StaffList | ApiError }>('/branches/:branchId/staff', async (request, reply) => {
    const params = v.safeParse(BranchParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const list = await listStaff(db, request.viewer, params.output.branchId);
    if (!list.ok) return sendApiError(reply, list.reason, list.message);
    return list.value;
  });

  /**
   * POST /api/manage/branches/:branchId/staff ({ staffNumber, name, role, stars }): a new member
   * with a random PIN, answered this once (no-store, never logged) and stored only hashed.
   */
  app.post<{ Reply: StaffChange | ApiError }>('/branches/:branchId/staff', async (request, reply) => {
    const params = v.safeParse(BranchParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(StaffAddSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { branchId } = params.output;
    const added = await addStaff(db, request.viewer, { branchId, member: body.output, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!added.ok) return sendApiError(reply, added.reason, added.message);
    request.log.info({ branchId, tellerId: added.value.member.id, by: request.viewer.staffNumber }, 'staff added on the dashboard');
    reply.header('cache-control', 'no-store');
    return added.value;
  });

  /**
   * PATCH /api/manage/staff/:tellerId ({ name?, stars?, active?, role? }): an edit; only head
   * office gives or takes the branch-manager role. A member who becomes a manager gets a new,
   * longer PIN, answered this once.
   */
  app.patch<{ Reply: StaffChange | ApiError }>('/staff/:tellerId', async (request, reply) => {
    const params = v.safeParse(StaffParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(StaffEditSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { tellerId } = params.output;
    const edited = await editStaff(db, request.viewer, { tellerId, edit: body.output, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!edited.ok) return sendApiError(reply, edited.reason, edited.message);
    request.log.info({ tellerId, by: request.viewer.staffNumber, newPin: edited.value.pin !== null }, 'staff edited on the dashboard');
    reply.header('cache-control', 'no-store');
    return edited.value;
  });

  /** POST /api/manage/staff/:tellerId/pin ({}): a new random PIN, answered this once. */
  app.post<{ Reply: StaffChange | ApiError }>('/staff/:tellerId/pin', async (request, reply) => {
    const params = v.safeParse(StaffParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(StaffPinRequestSchema, request.body ?? {});
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { tellerId } = params.output;
    const reset = await resetStaffPin(db, request.viewer, { tellerId, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!reset.ok) return sendApiError(reply, reset.reason, reset.message);
    request.log.info({ tellerId, by: request.viewer.staffNumber }, 'staff PIN reset on the dashboard');
    reply.header('cache-control', 'no-store');
    return reset.value;
  });

  /** PUT /api/manage/staff/:tellerId/photo ({ photo: dataUrl | null }): checked as the CLI's --photo. */
  app.put<{ Reply: StaffChange | ApiError }>('/staff/:tellerId/photo', async (request, reply) => {
    const params = v.safeParse(StaffParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(StaffPhotoSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { tellerId } = params.output;
    const set = await setStaffPhoto(db, request.viewer, { tellerId, photo: body.output.photo, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!set.ok) return sendApiError(reply, set.reason, set.message);
    request.log.info({ tellerId, by: request.viewer.staffNumber, photo: body.output.photo !== null }, 'staff photo set on the dashboard');
    return set.value;
  });
};
