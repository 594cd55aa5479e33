import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Answer, Questionnaire, SurveyChannel } from '../../../src/domain/survey.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { insertSurveyResponses } from '../../../src/server/repositories/survey-responses.ts';
import { aQuestionnaire, SURVEY_ID } from '../../builders/survey.ts';
import { SERVER_NOW } from '../fixtures.ts';
import { BRANCH_A, BRANCH_B } from './given.ts';

/**
 * A survey for the survey report's tests, written straight into its tables as the manage
 * routes and the ingest leave them: two versions (the second drops "What did you come for?"
 * and rewords the first question), and five responses in late November at both branches of
 * NETWORK on both channels, plus one on the 21st, before the period the tests ask for.
 */
export const SURVEY_PERIOD = { from: '2026-11-22', to: '2026-11-30' };

/** Version 2: the first question reworded, the single choice gone. */
export function secondVersion(): Questionnaire {
  const first = aQuestionnaire();
  return {
    ...first,
    questions: first.questions
      .filter((q) => q.id !== 'visit')
      .map((q) => (q.id === 'service' ? { ...q, prompt: { en: 'How were we today?', es: '¿Qué tal le atendimos hoy?', 'zh-Hans': '今天的服务如何？', 'zh-Hant': '今天的服務如何？' } } : q)),
  };
}

type Plan = { branch: string; channel: SurveyChannel; version: 1 | 2; day: string; hour: number; answers: Answer[]; language?: 'en' | 'es' };

const face = (score: 'very-satisfied' | 'satisfied' | 'neutral' | 'dissatisfied'): Answer => ({ type: 'faces', questionId: 'service', score });
const nps = (value: number): Answer => ({ type: 'recommend', questionId: 'recommend', value });
const comment = (text: string): Answer => ({ type: 'text', questionId: 'comment', text });

/**
 * In the period, 5 responses: lobby 3, phone 2; faces VS, S, N, D, S (3 of 5 satisfied);
 * recommend 10, 9, 8, 3, 9 (3 promoters, 1 passive, 1 detractor: 40). Harbour Road (A): 3,
 * Nanjing Road (B): 2. Comments: A's "Quick and kind" (23rd, lobby) and "More staff at noon"
 * (24th, phone), B's "Too slow" (24th, lobby).
 */
export const SURVEY_PLAN: readonly Plan[] = [
  { branch: BRANCH_A, channel: 'lobby', version: 1, day: '2026-11-21', hour: 9, answers: [face('dissatisfied'), nps(0)] },
  { branch: BRANCH_A, channel: 'lobby', version: 1, day: '2026-11-23', hour: 9, answers: [face('very-satisfied'), nps(10), { type: 'single', questionId: 'visit', optionId: 'cash' }, { type: 'multiple', questionId: 'better', optionIds: ['wait', 'staff'] }, comment('Quick and kind')] },
  { branch: BRANCH_A, channel: 'lobby', version: 1, day: '2026-11-23', hour: 11, answers: [face('satisfied'), nps(9), { type: 'single', questionId: 'visit', optionId: 'account' }, { type: 'multiple', questionId: 'better', optionIds: ['wait'] }] },
  { branch: BRANCH_A, channel: 'phone', version: 2, day: '2026-11-24', hour: 10, answers: [face('neutral'), nps(8), comment('More staff at noon')], language: 'es' },
  { branch: BRANCH_B, channel: 'lobby', version: 2, day: '2026-11-24', hour: 9, answers: [face('dissatisfied'), nps(3), { type: 'multiple', questionId: 'better', optionIds: ['hours'] }, comment('Too slow')] },
  { branch: BRANCH_B, channel: 'phone', version: 2, day: '2026-11-25', hour: 9, answers: [face('satisfied'), nps(9)] },
];

/** The survey, its two versions and the responses of SURVEY_PLAN. */
export async function givenSurvey(db: Kysely<Database>, { id = SURVEY_ID, name = 'Autumn service survey', startsOn = '2026-11-20', endsOn = '2026-12-31', plan = SURVEY_PLAN } = {}): Promise<string> {
  await db
    .insertInto('surveys')
    .values({ id, name, current_version: 2, starts_on: startsOn, ends_on: endsOn, branch_ids: null, channels: JSON.stringify(['lobby', 'phone']), created_at: SERVER_NOW, created_by: 'HQ1', updated_at: SERVER_NOW })
    .execute();
  await db
    .insertInto('survey_versions')
    .values([
      { survey_id: id, version: 1, questionnaire: JSON.stringify(aQuestionnaire()), created_at: SERVER_NOW, created_by: 'HQ1' },
      { survey_id: id, version: 2, questionnaire: JSON.stringify(secondVersion()), created_at: SERVER_NOW, created_by: 'HQ1' },
    ])
    .execute();
  await insertSurveyResponses(
    db,
    plan.map((p) => {
      const at = Date.parse(`${p.day}T${String(p.hour).padStart(2, '0')}:00:00Z`);
      return {
        id: uuidv7(),
        survey_id: id,
        version: p.version,
        branch_id: p.branch,
        channel: p.channel,
        device_id: null,
        counter_id: null,
        teller_id: null,
        visited_at: null,
        code_id: p.channel === 'phone' ? uuidv7() : null,
        language: p.language ?? 'en',
        answers: JSON.stringify(p.answers),
        created_at: at,
        received_at: at,
        day: p.day,
        content_hash: null,
      };
    }),
  );
  return id;
}
