import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { SurveyCardsRequestSchema, type SurveyCardsResponse } from '../../domain/survey-cards.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { makeSurveyCards } from '../services/survey-cards.ts';
import { phoneUrlOf } from './survey-phone.ts';

export type SurveyCardsRoutesOptions = { db: Kysely<Database>; now: () => number };

/** Manage › Surveys › printed cards, under /api/manage: a session, a report role, JSON; the counter's branch is checked in the service. */
export const surveyCardsRoutes: FastifyPluginAsync<SurveyCardsRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  /**
   * POST /api/manage/surveys/cards ({ counterId, count }): codes for printed cards, each with the
   * phone page's address at the origin the dashboard was reached at. Never logged with the codes.
   */
  app.post<{ Reply: SurveyCardsResponse | ApiError }>('/surveys/cards', async (request, reply) => {
    const body = v.safeParse(SurveyCardsRequestSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const made = await makeSurveyCards(db, request.viewer, { ...body.output, actor: dashboardActor(request.viewer, request.ip), urlOf: (code) => phoneUrlOf(request, code) }, now());
    if (!made.ok) return sendApiError(reply, made.reason, made.message);
    request.log.info({ counterId: body.output.counterId, count: body.output.count, by: request.viewer.staffNumber }, 'survey cards made');
    // The answer holds the codes: no cache may keep it.
    reply.header('cache-control', 'no-store');
    return made.value;
  });
};
