import * as v from 'valibot';
import { EpochMsSchema, IdSchema, RecordIdSchema } from './ids.ts';
import { LanguageSchema } from './language.ts';
import { ScoreSchema } from './rating.ts';
import { storableText } from './text.ts';

/**
 * A survey's answers as a record (survey.ts has the questionnaires): apart, because every
 * pushed kind is in the wire's schema, which a counter's first screen carries, and a counter
 * has no use for questionnaires, schedules or days.
 */

/** At most this many questions: a survey in a bank lobby is answered standing up. */
export const MAX_QUESTIONS = 10;
/** Choices of a single or multiple choice question, at most. */
export const MAX_OPTIONS = 8;
/** A short text answer's limit, in characters. */
export const MAX_TEXT_ANSWER = 1000;

// Marked free of side effects so that a bundle that uses none of these schemas leaves them out.
export const chars = /* @__NO_SIDE_EFFECTS__ */ (max: number) =>
  v.pipe(v.string(), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.check((t) => [...t].length <= max, `is longer than ${max} characters`));

/** A question's or an option's id within its questionnaire: kept across versions, so results compare. */
export const SurveyItemIdSchema = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1–32 lower-case letters, digits or dashes'));

/** One answer, of the question's type; an optional question left out has none. */
export const AnswerSchema = v.variant(
  'type',
  [
    v.strictObject({ type: v.literal('faces'), questionId: SurveyItemIdSchema, score: ScoreSchema }),
    v.strictObject({ type: v.literal('recommend'), questionId: SurveyItemIdSchema, value: v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0), v.maxValue(10)) }),
    v.strictObject({ type: v.literal('single'), questionId: SurveyItemIdSchema, optionId: SurveyItemIdSchema }),
    v.strictObject({
      type: v.literal('multiple'),
      questionId: SurveyItemIdSchema,
      optionIds: v.pipe(v.array(SurveyItemIdSchema), v.minLength(1, 'must choose at least one option'), v.maxLength(MAX_OPTIONS)),
    }),
    v.strictObject({ type: v.literal('text'), questionId: SurveyItemIdSchema, text: chars(MAX_TEXT_ANSWER) }),
  ],
  'must be a faces, recommend, single, multiple or text answer',
);
export type Answer = v.InferOutput<typeof AnswerSchema>;
export const AnswersSchema = v.pipe(v.array(AnswerSchema), v.minLength(1, 'must answer at least one question'), v.maxLength(MAX_QUESTIONS));

/**
 * A lobby tablet's survey answers: a record like a rating, append-only, through the outbox.
 * The channel is the device's (a lobby tablet); answers from a phone come by its visit code
 * (visit-code.ts), not by a push.
 */
export const SurveyResponseSchema = v.strictObject({
  kind: v.literal('survey-response'),
  id: RecordIdSchema,
  branchId: IdSchema,
  surveyId: IdSchema,
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  answers: AnswersSchema,
  language: LanguageSchema,
  createdAt: EpochMsSchema,
});
export type SurveyResponse = v.InferOutput<typeof SurveyResponseSchema>;
