import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import {
  TabletEditSchema,
  TabletParamsSchema,
  TabletReplacementRequestSchema,
  type TabletCounters,
  type TabletReplacement,
} from '../../domain/manage-tablets.ts';
import type { FleetDevice } from '../../domain/reports.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { editTablet, replacementSheet, replaceTablet, tabletCounters } from '../services/tablets.ts';

export type ManageTabletsRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Manage › tablets, under /api/manage: a tablet's place label and counter, and its replacement
 * (services/tablets.ts). A session and a report role first, JSON for every write; each route
 * checks the tablet's branch against the viewer's.
 */
export const manageTabletsRoutes: FastifyPluginAsync<ManageTabletsRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /** GET /api/manage/devices/:deviceId/counters: the counters a counter tablet may be moved to. */
  app.get<{ Reply: TabletCounters | ApiError }>('/devices/:deviceId/counters', async (request, reply) => {
    const params = v.safeParse(TabletParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const counters = await tabletCounters(db, request.viewer, params.output.deviceId);
    if (!counters.ok) return sendApiError(reply, counters.reason, counters.message);
    return counters.value;
  });

  /** PATCH /api/manage/devices/:deviceId ({ label?, counterId? }): a place label (null or '' clears it), a counter of its branch. */
  app.patch<{ Reply: FleetDevice | ApiError }>('/devices/:deviceId', async (request, reply) => {
    const params = v.safeParse(TabletParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(TabletEditSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { deviceId } = params.output;
    const edited = await editTablet(db, request.viewer, { deviceId, edit: body.output, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!edited.ok) return sendApiError(reply, edited.reason, edited.message);
    request.log.info({ deviceId, by: request.viewer.staffNumber, counter: body.output.counterId !== undefined }, 'tablet changed on the dashboard');
    return edited.value;
  });

  /**
   * POST /api/manage/devices/:deviceId/replacement ({}): a one-time code, its link at the
   * address the dashboard was reached at and its QR code, for a tablet that takes this one's
   * place and revokes it as it enrolls. Audited without the code; never logged with it.
   */
  app.post<{ Reply: TabletReplacement | ApiError }>('/devices/:deviceId/replacement', async (request, reply) => {
    const params = v.safeParse(TabletParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(TabletReplacementRequestSchema, request.body ?? {});
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { deviceId } = params.output;
    const replaced = await replaceTablet(db, request.viewer, { deviceId, actor: dashboardActor(request.viewer, request.ip) }, now());
    if (!replaced.ok) return sendApiError(reply, replaced.reason, replaced.message);
    request.log.info({ deviceId, by: request.viewer.staffNumber }, 'replacement code made on the dashboard');
    // The answer holds the code: no cache may keep it.
    reply.header('cache-control', 'no-store');
    return replacementSheet(replaced.value, `${request.protocol}://${request.host}/`);
  });
};
