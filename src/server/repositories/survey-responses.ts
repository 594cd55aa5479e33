import type { Kysely } from 'kysely';
import type { Answer } from '../../domain/survey.ts';
import type { Database, NewSurveyAnswerRow, NewSurveyResponseRow } from '../db/schema.ts';

/**
 * The answer rows of a response: one per answer, one per option chosen of a multiple choice,
 * each with the column its type fills.
 */
export function answerRowsOf(responseId: string, surveyId: string, answers: readonly Answer[]): NewSurveyAnswerRow[] {
  const base = { response_id: responseId, survey_id: surveyId, score: null, value: null, option_id: null, text: null };
  return answers.flatMap((a): NewSurveyAnswerRow[] => {
    const row = { ...base, question_id: a.questionId, type: a.type };
    switch (a.type) {
      case 'faces':
        return [{ ...row, score: a.score }];
      case 'recommend':
        return [{ ...row, value: a.value }];
      case 'single':
        return [{ ...row, option_id: a.optionId }];
      case 'multiple':
        return a.optionIds.map((optionId) => ({ ...row, option_id: optionId }));
      case 'text':
        return [{ ...row, text: a.text }];
    }
  });
}

/**
 * Stores responses not stored before (by id), with their answer rows, in the caller's
 * transaction; answers the ids it stored. A response whose id or code is held already stores
 * nothing: the caller tells a resend from a clash by reading what is held.
 */
export async function insertSurveyResponses(trx: Kysely<Database>, rows: readonly NewSurveyResponseRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const stored = await trx
    .insertInto('survey_responses')
    .values([...rows])
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  const ids = new Set(stored.map((r) => r.id));
  const answers = rows.filter((r) => ids.has(r.id)).flatMap((r) => answerRowsOf(r.id, r.survey_id, JSON.parse(r.answers) as Answer[]));
  // In chunks: SQLite takes at most 32,766 bound values in one statement (8 columns a row).
  for (let i = 0; i < answers.length; i += 2000) await trx.insertInto('survey_answers').values(answers.slice(i, i + 2000)).execute();
  return ids;
}
