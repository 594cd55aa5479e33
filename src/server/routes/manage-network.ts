import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { BranchParamsSchema } from '../../domain/manage.ts';
import {
  BranchAddSchema,
  BranchEditSchema,
  NetworkSettingsEditSchema,
  RegionInputSchema,
  RegionParamsSchema,
  type NetworkBranch,
  type NetworkRegion,
  type NetworkSettings,
  type NetworkView,
} from '../../domain/manage-network.ts';
import type { Result } from '../../domain/result.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { addNetworkBranch, addNetworkRegion, editNetworkBranch, networkView, renameNetworkRegion, setNetworkSettings, type NetworkActor, type NetworkError } from '../services/network.ts';

export type ManageNetworkRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Manage › Regions & branches, under /api/manage (services/network.ts): head office shapes the
 * network; a regional manager edits the settings of their region's branches. A session and a
 * report role first (guardReports), JSON for every write; every body is a strict schema whose
 * message names the field.
 */
export const manageNetworkRoutes: FastifyPluginAsync<ManageNetworkRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  const by = (request: FastifyRequest): NetworkActor => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) });
  const answer = <T>(reply: FastifyReply, result: Result<T, NetworkError>): T | FastifyReply => (result.ok ? result.value : sendApiError(reply, result.reason, result.message));

  /** GET /api/manage/network: the regions, branches and (head office) settings the viewer may see. */
  app.get<{ Reply: NetworkView | ApiError }>('/network', async (request, reply) => answer(reply, await networkView(db, request.viewer)));

  /** POST /api/manage/regions ({ name }): a new region; head office only. */
  app.post<{ Reply: NetworkRegion | ApiError }>('/regions', async (request, reply) => {
    const body = v.safeParse(RegionInputSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const added = await addNetworkRegion(db, by(request), body.output, now());
    if (!added.ok) return sendApiError(reply, added.reason, added.message);
    request.log.info({ regionId: added.value.id, by: request.viewer.staffNumber }, 'region added on the dashboard');
    return { id: added.value.id, name: added.value.name, branchCount: 0 };
  });

  /** PATCH /api/manage/regions/:regionId ({ name }): a region's new name; head office only. */
  app.patch<{ Reply: Pick<NetworkRegion, 'id' | 'name'> | ApiError }>('/regions/:regionId', async (request, reply) => {
    const params = v.safeParse(RegionParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(RegionInputSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const renamed = await renameNetworkRegion(db, by(request), params.output.regionId, body.output, now());
    if (!renamed.ok) return sendApiError(reply, renamed.reason, renamed.message);
    request.log.info({ regionId: renamed.value.id, by: request.viewer.staffNumber }, 'region renamed on the dashboard');
    return { id: renamed.value.id, name: renamed.value.name };
  });

  /** POST /api/manage/branches ({ name, regionId, timeZone, defaultLanguage, ratingCooldownMs, speech?, voices?, counterName? }); head office only. */
  app.post<{ Reply: NetworkBranch | ApiError }>('/branches', async (request, reply) => {
    const body = v.safeParse(BranchAddSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const added = await addNetworkBranch(db, by(request), body.output, now());
    if (!added.ok) return sendApiError(reply, added.reason, added.message);
    request.log.info({ branchId: added.value.id, by: request.viewer.staffNumber }, 'branch added on the dashboard');
    return added.value;
  });

  /** PATCH /api/manage/branches/:branchId: its settings (head office, or the region's manager); its region (head office). */
  app.patch<{ Reply: NetworkBranch | ApiError }>('/branches/:branchId', async (request, reply) => {
    const params = v.safeParse(BranchParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(BranchEditSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const edited = await editNetworkBranch(db, by(request), params.output.branchId, body.output, now());
    if (!edited.ok) return sendApiError(reply, edited.reason, edited.message);
    request.log.info({ branchId: edited.value.id, by: request.viewer.staffNumber }, 'branch edited on the dashboard');
    return edited.value;
  });

  /** PUT /api/manage/settings ({ replyWithinHours?, notOnSpotWithinHours?, targets? }): the network's settings; head office only. */
  app.put<{ Reply: NetworkSettings | ApiError }>('/settings', async (request, reply) => {
    const body = v.safeParse(NetworkSettingsEditSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const set = await setNetworkSettings(db, by(request), body.output, now());
    if (!set.ok) return sendApiError(reply, set.reason, set.message);
    request.log.info({ by: request.viewer.staffNumber }, 'network settings changed on the dashboard');
    return set.value;
  });
};
