import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { IdSchema } from '../../domain/ids.ts';
import { ExcludeRatingSchema, type FlaggedRating } from '../../domain/queue.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { excludeRating, includeRating, type ExclusionActor } from '../services/rating-exclusions.ts';

export type RatingExclusionRoutesOptions = { db: Kysely<Database>; now: () => number };

/** The rating in the path. */
const RatingParamsSchema = v.strictObject({ ratingId: IdSchema });

/** What both acts answer: the rating's exclusion as it now stands, null once it counts again. */
type ExclusionAnswer = { excluded: FlaggedRating['excluded'] };

/**
 * A rating kept out of a teller's assessment, or put back, under /api (services/rating-exclusions.ts):
 * a session and a report role first (guardReports, JSON for every write), then the branch
 * manager of the rating's branch only; a rating they may not see answers 404.
 */
export const ratingExclusionRoutes: FastifyPluginAsync<RatingExclusionRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  const by = (request: FastifyRequest): ExclusionActor => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) });

  /** POST /api/ratings/:ratingId/exclusion ({ reason }) → { excluded: { reason, by, at } }; 409 when excluded already. */
  app.post<{ Reply: ExclusionAnswer | ApiError }>('/ratings/:ratingId/exclusion', async (request, reply) => {
    const params = v.safeParse(RatingParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(ExcludeRatingSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const excluded = await excludeRating(db, by(request), params.output.ratingId, body.output.reason, now());
    if (!excluded.ok) return sendApiError(reply, excluded.reason, excluded.message);
    request.log.info({ ratingId: params.output.ratingId, by: request.viewer.staffNumber }, 'rating kept out of the assessment');
    return { excluded: excluded.value };
  });

  /** POST /api/ratings/:ratingId/inclusion ({ reason }) → { excluded: null }; 409 when it was not excluded. */
  app.post<{ Reply: ExclusionAnswer | ApiError }>('/ratings/:ratingId/inclusion', async (request, reply) => {
    const params = v.safeParse(RatingParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(ExcludeRatingSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const included = await includeRating(db, by(request), params.output.ratingId, body.output.reason, now());
    if (!included.ok) return sendApiError(reply, included.reason, included.message);
    request.log.info({ ratingId: params.output.ratingId, by: request.viewer.staffNumber }, 'rating put back into the assessment');
    return { excluded: null };
  });
};
