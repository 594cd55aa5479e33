import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { IdSchema } from '../../domain/ids.ts';
import { FleetQuerySchema, type FleetDevice, type FleetReport } from '../../domain/reports.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { fleetReport, revokeFleetDevice } from '../services/fleet.ts';
import { resolveSelection } from '../services/report-scope.ts';

export type FleetRoutesOptions = { db: Kysely<Database>; now: () => number };

const DeviceParamsSchema = v.object({ id: IdSchema });

/** The dashboard's device fleet, under /api/reports: a session and a report role first. */
export const fleetRoutes: FastifyPluginAsync<FleetRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /** GET /api/reports/fleet[?branchId]: every device of the viewer's branches, revoked ones too. */
  app.get<{ Reply: FleetReport | ApiError }>('/fleet', async (request, reply) => {
    const query = v.safeParse(FleetQuerySchema, request.query);
    if (!query.success) return sendApiError(reply, 'bad-request', describeIssues(query.issues));
    const selection = await resolveSelection(db, request.viewer, query.output.branchId, query.output.regionId);
    if (!selection.ok) return sendApiError(reply, selection.reason === 'forbidden' ? 'forbidden' : 'not-found', selection.message);
    return fleetReport(db, selection.value, now());
  });

  /** POST /api/reports/fleet/:id/revoke ({}): the device stops syncing at once; answers it. */
  app.post<{ Reply: FleetDevice | ApiError }>('/fleet/:id/revoke', async (request, reply) => {
    const params = v.safeParse(DeviceParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const revoked = await revokeFleetDevice(db, request.viewer, params.output.id, now());
    if (!revoked.ok) return sendApiError(reply, revoked.reason === 'forbidden' ? 'forbidden' : 'not-found', revoked.message);
    request.log.info({ deviceId: revoked.value.id, by: request.viewer.staffNumber }, 'device revoked from the dashboard');
    return revoked.value;
  });
};
