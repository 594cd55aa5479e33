import * as v from 'valibot';
import { IdSchema } from './ids.ts';
import { LANGUAGES, type Language } from './language.ts';
import { LocalDaySchema, type LocalDay } from './period.ts';
import { chars, MAX_OPTIONS, MAX_QUESTIONS, SurveyItemIdSchema, type Answer } from './survey-record.ts';

export { AnswerSchema, AnswersSchema, MAX_OPTIONS, MAX_QUESTIONS, MAX_TEXT_ANSWER, SurveyItemIdSchema, SurveyResponseSchema } from './survey-record.ts';
export type { Answer, SurveyResponse } from './survey-record.ts';

/**
 * Regular satisfaction surveys (满意度调查): questionnaires head office writes, run for a
 * period at a set of branches on a set of channels. A questionnaire is versioned: every answer
 * belongs to the version whose wording the customer was shown, and a new wording is a new
 * version, never an edit of the old one.
 */

/** Where a survey is answered: on the lobby tablet, or on the customer's own phone by a visit's QR code. */
export const SURVEY_CHANNELS = ['lobby', 'phone'] as const;
export type SurveyChannel = (typeof SURVEY_CHANNELS)[number];
export const SurveyChannelSchema = v.picklist(SURVEY_CHANNELS, 'must be lobby or phone');

/**
 * The kinds of question: the counter's four faces, 0–10 likelihood to recommend, one choice,
 * several choices, and a short text.
 */
export const QUESTION_TYPES = ['faces', 'recommend', 'single', 'multiple', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Choices of a single or multiple choice question. */
export const MIN_OPTIONS = 2;
/** The limits of a question's wording, an option's label and a title, in characters. */
export const MAX_PROMPT = 200;
export const MAX_OPTION_LABEL = 80;
export const MAX_TITLE = 80;


/** A text in each of the four languages: a customer reads every question in their own. */
const localized = /* @__NO_SIDE_EFFECTS__ */ (max: number) => v.strictObject(Object.fromEntries(LANGUAGES.map((l) => [l, chars(max)])) as Record<Language, ReturnType<typeof chars>>);
export const LocalizedPromptSchema = localized(MAX_PROMPT);
export const LocalizedTitleSchema = localized(MAX_TITLE);
export type LocalizedText = Record<Language, string>;


const OptionSchema = v.strictObject({ id: SurveyItemIdSchema, label: localized(MAX_OPTION_LABEL) });
const OptionsSchema = v.pipe(
  v.array(OptionSchema),
  v.minLength(MIN_OPTIONS, `must have at least ${MIN_OPTIONS} options`),
  v.maxLength(MAX_OPTIONS, `must have at most ${MAX_OPTIONS} options`),
  v.check((options) => new Set(options.map((o) => o.id)).size === options.length, 'has two options with one id'),
);

const base = { id: SurveyItemIdSchema, prompt: LocalizedPromptSchema, required: v.boolean() };
export const QuestionSchema = v.variant(
  'type',
  [
    v.strictObject({ type: v.literal('faces'), ...base }),
    v.strictObject({ type: v.literal('recommend'), ...base }),
    v.strictObject({ type: v.literal('single'), ...base, options: OptionsSchema }),
    v.strictObject({ type: v.literal('multiple'), ...base, options: OptionsSchema }),
    v.strictObject({ type: v.literal('text'), ...base }),
  ],
  'must be a faces, recommend, single, multiple or text question',
);
export type Question = v.InferOutput<typeof QuestionSchema>;
export type ChoiceQuestion = Extract<Question, { type: 'single' | 'multiple' }>;

/** One version's wording: a title and its questions, in the order they are asked. */
export const QuestionnaireSchema = v.strictObject({
  title: LocalizedTitleSchema,
  questions: v.pipe(
    v.array(QuestionSchema),
    v.minLength(1, 'must have at least one question'),
    v.maxLength(MAX_QUESTIONS, `must have at most ${MAX_QUESTIONS} questions`),
    v.check((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'has two questions with one id'),
  ),
});
export type Questionnaire = v.InferOutput<typeof QuestionnaireSchema>;

/**
 * When and where a survey runs: from `startsOn` to `endsOn` inclusive, in each branch's own
 * calendar; at the branches listed (null: every branch of the network), on the channels listed.
 */
export const SurveyScheduleSchema = v.pipe(
  v.strictObject({
    startsOn: LocalDaySchema,
    endsOn: LocalDaySchema,
    branchIds: v.nullable(v.pipe(v.array(IdSchema), v.minLength(1, 'must name at least one branch, or be null for all'), v.maxLength(2000))),
    channels: v.pipe(
      v.array(SurveyChannelSchema),
      v.minLength(1, 'must name at least one channel'),
      v.check((cs) => new Set(cs).size === cs.length, 'names a channel twice'),
    ),
  }),
  v.check((s) => s.startsOn <= s.endsOn, 'endsOn is before startsOn'),
);
export type SurveySchedule = v.InferOutput<typeof SurveyScheduleSchema>;


/**
 * Why a set of answers does not fit the version it names, as stable codes (locales
 * `survey.problems.<code>`), each naming its question.
 */
export type AnswerProblem = {
  questionId: string;
  code: 'unknown-question' | 'wrong-type' | 'unknown-option' | 'duplicate-option' | 'answered-twice' | 'required';
};

/**
 * Checks answers against the questionnaire they claim: each answers a question of it, once, in
 * its type, with its options; every required question is answered. Problems in question order
 * (unknown questions last), so a screen shows them from the top.
 */
export function checkAnswers(questionnaire: Questionnaire, answers: readonly Answer[]): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const byQuestion = new Map<string, Answer[]>();
  for (const a of answers) byQuestion.set(a.questionId, [...(byQuestion.get(a.questionId) ?? []), a]);
  for (const q of questionnaire.questions) {
    const given = byQuestion.get(q.id) ?? [];
    byQuestion.delete(q.id);
    if (given.length === 0) {
      if (q.required) problems.push({ questionId: q.id, code: 'required' });
      continue;
    }
    if (given.length > 1) {
      problems.push({ questionId: q.id, code: 'answered-twice' });
      continue;
    }
    const a = given[0]!;
    if (a.type !== q.type) {
      problems.push({ questionId: q.id, code: 'wrong-type' });
      continue;
    }
    if (q.type === 'single' || q.type === 'multiple') {
      const chosen = a.type === 'single' ? [a.optionId] : a.type === 'multiple' ? a.optionIds : [];
      const known = new Set(q.options.map((o) => o.id));
      if (chosen.some((id) => !known.has(id))) problems.push({ questionId: q.id, code: 'unknown-option' });
      else if (new Set(chosen).size !== chosen.length) problems.push({ questionId: q.id, code: 'duplicate-option' });
    }
  }
  for (const questionId of byQuestion.keys()) problems.push({ questionId, code: 'unknown-question' });
  return problems;
}


/**
 * A survey as a tablet holds it in its configuration: the version now current and its
 * schedule, so that it starts and stops on its own days with no network. A lobby tablet gets
 * the questionnaire of the surveys it runs; a counter gets those on the phone channel without
 * it (the phone page asks the questions).
 */
export const DeviceSurveySchema = v.object({
  id: IdSchema,
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  startsOn: LocalDaySchema,
  endsOn: LocalDaySchema,
  channels: v.array(SurveyChannelSchema),
  questionnaire: v.nullable(QuestionnaireSchema),
});
export type DeviceSurvey = v.InferOutput<typeof DeviceSurveySchema>;

/**
 * The survey running on `channel` on `day`, of those a device holds: the one that started
 * last (then the lowest id), so that two overlapping surveys do not take turns.
 */
export function runningSurvey<S extends Pick<DeviceSurvey, 'id' | 'startsOn' | 'endsOn' | 'channels'>>(surveys: readonly S[], channel: SurveyChannel, day: LocalDay): S | null {
  let best: S | null = null;
  for (const s of surveys) {
    if (!s.channels.includes(channel) || s.startsOn > day || s.endsOn < day) continue;
    if (!best || s.startsOn > best.startsOn || (s.startsOn === best.startsOn && s.id < best.id)) best = s;
  }
  return best;
}

/**
 * The likelihood-to-recommend score (NPS): the share of 9s and 10s minus the share of 0–6, in
 * whole points from −100 to 100; null without answers.
 */
export function recommendScore(counts: readonly number[]): number | null {
  const total = counts.reduce((s, n) => s + n, 0);
  if (total === 0) return null;
  const promoters = (counts[9] ?? 0) + (counts[10] ?? 0);
  const detractors = counts.slice(0, 7).reduce((s, n) => s + n, 0);
  return Math.round(((promoters - detractors) / total) * 100);
}
