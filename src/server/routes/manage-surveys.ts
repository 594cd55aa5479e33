import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import {
  CreateSurveyRequestSchema,
  EndSurveyRequestSchema,
  SurveyParamsSchema,
  UpdateSurveyRequestSchema,
  type SurveyListResponse,
  type SurveySummary,
  type SurveySummaryResponse,
} from '../../domain/manage-surveys.ts';
import type { Result } from '../../domain/result.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { guardReports } from '../plugins/session-auth.ts';
import { dashboardActor } from '../services/audit.ts';
import { createSurvey, editSurvey, endSurvey, listSurveys, type SurveyActor, type SurveyError } from '../services/surveys.ts';

export type ManageSurveysRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Manage › Surveys, under /api/manage (services/surveys.ts): head office lists, creates,
 * rewords, reschedules and ends surveys; every other role is refused. A session and a report
 * role first (guardReports), JSON for every write; every body is a strict schema whose message
 * names the field.
 */
export const manageSurveysRoutes: FastifyPluginAsync<ManageSurveysRoutesOptions> = async (app, { db, now }) => {
  guardReports(app, db, now);

  const by = (request: FastifyRequest): SurveyActor => ({ viewer: request.viewer, actor: dashboardActor(request.viewer, request.ip) });

  const answer = (request: FastifyRequest, reply: FastifyReply, result: Result<SurveySummary, SurveyError>, what: string, status = 200): FastifyReply => {
    if (!result.ok) return sendApiError(reply, result.reason, result.message);
    request.log.info({ surveyId: result.value.id, version: result.value.currentVersion, by: request.viewer.staffNumber }, what);
    return reply.code(status).send({ survey: result.value });
  };

  /** GET /api/manage/surveys: every survey, the latest start first. */
  app.get<{ Reply: SurveyListResponse | ApiError }>('/surveys', async (request, reply) => {
    const listed = await listSurveys(db, by(request));
    return listed.ok ? { surveys: listed.value } : sendApiError(reply, listed.reason, listed.message);
  });

  /** POST /api/manage/surveys ({ name, questionnaire, schedule }) → 201 { survey }: version 1. */
  app.post<{ Reply: SurveySummaryResponse | ApiError }>('/surveys', async (request, reply) => {
    const body = v.safeParse(CreateSurveyRequestSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    return answer(request, reply, await createSurvey(db, by(request), body.output, now()), 'survey created on the dashboard', 201);
  });

  /** PUT /api/manage/surveys/:surveyId ({ name?, questionnaire?, schedule? }): a new wording is a new version. */
  app.put<{ Reply: SurveySummaryResponse | ApiError }>('/surveys/:surveyId', async (request, reply) => {
    const params = v.safeParse(SurveyParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(UpdateSurveyRequestSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    return answer(request, reply, await editSurvey(db, by(request), params.output.surveyId, body.output, now()), 'survey changed on the dashboard');
  });

  /** POST /api/manage/surveys/:surveyId/end ({}): it runs nowhere from today. */
  app.post<{ Reply: SurveySummaryResponse | ApiError }>('/surveys/:surveyId/end', async (request, reply) => {
    const params = v.safeParse(SurveyParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'bad-request', describeIssues(params.issues));
    const body = v.safeParse(EndSurveyRequestSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    return answer(request, reply, await endSurvey(db, by(request), params.output.surveyId, now()), 'survey ended on the dashboard');
  });
};
