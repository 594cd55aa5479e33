import * as v from 'valibot';
import { IdSchema } from './ids.ts';
import { QuestionnaireSchema, SurveyScheduleSchema, type Questionnaire, type SurveySchedule } from './survey.ts';
import { storableText } from './text.ts';

/**
 * Manage › Surveys (src/server/routes/manage-surveys.ts): head office writes questionnaires and
 * schedules them. Editing the wording makes a new version (answers keep the version they were
 * given with); ending a survey stops it everywhere from today, and every change reaches the
 * tablets of the branches it touches with their next configuration pull.
 */

/** A survey's name, for head office's own lists (customers read the questionnaire's title). */
export const MAX_SURVEY_NAME = 80;

const SurveyNameSchema = v.pipe(
  v.string('must be text'),
  storableText(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.check((name) => [...name].length <= MAX_SURVEY_NAME, `is longer than ${MAX_SURVEY_NAME} characters`),
);

/** PUT /api/manage/surveys/:surveyId and its end: the survey in the path. */
export const SurveyParamsSchema = v.object({ surveyId: IdSchema });

/** POST /api/manage/surveys: a new survey, its first version's wording and its schedule. */
export const CreateSurveyRequestSchema = v.strictObject({
  name: SurveyNameSchema,
  questionnaire: QuestionnaireSchema,
  schedule: SurveyScheduleSchema,
});
export type CreateSurveyRequest = v.InferOutput<typeof CreateSurveyRequestSchema>;

/**
 * PUT /api/manage/surveys/:surveyId: what changes; at least one field. A questionnaire that
 * differs from the current version's is a new version; the same wording is not.
 */
export const UpdateSurveyRequestSchema = v.pipe(
  v.strictObject({
    name: v.optional(SurveyNameSchema),
    questionnaire: v.optional(QuestionnaireSchema),
    schedule: v.optional(SurveyScheduleSchema),
  }),
  v.check((edit) => edit.name !== undefined || edit.questionnaire !== undefined || edit.schedule !== undefined, 'nothing to change: give a name, a questionnaire or a schedule'),
);
export type UpdateSurveyRequest = v.InferOutput<typeof UpdateSurveyRequestSchema>;

/** POST /api/manage/surveys/:surveyId/end: `{}` (or no body). */
export const EndSurveyRequestSchema = v.optional(v.strictObject({}));

/** A survey as the page lists and edits it: its current version's wording, and how far it has come. */
export interface SurveySummary {
  id: string;
  name: string;
  /** The version tablets and phone pages show now. */
  currentVersion: number;
  schedule: SurveySchedule;
  /** The current version's wording. */
  questionnaire: Questionnaire;
  /** How many versions it has had (answers belong to each). */
  versions: number;
  /** Answers received, of every version and channel. */
  responses: number;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

/** GET /api/manage/surveys: every survey, the latest start first. */
export interface SurveyListResponse {
  surveys: SurveySummary[];
}

/** POST, PUT and end: the survey as it is now. */
export interface SurveySummaryResponse {
  survey: SurveySummary;
}
