import type { Kysely } from 'kysely';
import { localDayOf } from '../../domain/period.ts';
import type { Questionnaire, SurveyChannel, SurveyResponse } from '../../domain/survey.ts';
import { contentHash } from '../content-hash.ts';
import type { Database, NewSurveyResponseRow } from '../db/schema.ts';

/**
 * A survey as a push's responses are checked against it: where it runs, and the wordings the
 * responses name (a version no response names is not read).
 */
export type NamedSurvey = {
  currentVersion: number;
  /** null: every branch. */
  branchIds: readonly string[] | null;
  channels: readonly SurveyChannel[];
  versions: ReadonlyMap<number, Questionnaire>;
};

/**
 * The surveys a push's responses name, with those of the named versions they have, in one
 * query. A survey not found is missing from the map; a version not found, from its `versions`.
 * A version named for one survey is read for every named survey that has it: a push names one
 * or two surveys, so that costs nothing, and it keeps the query to one join.
 */
export async function surveysNamed(db: Kysely<Database>, named: readonly { surveyId: string; version: number }[]): Promise<Map<string, NamedSurvey>> {
  const surveys = new Map<string, NamedSurvey & { versions: Map<number, Questionnaire> }>();
  if (named.length === 0) return surveys;
  const surveyIds = [...new Set(named.map((n) => n.surveyId))];
  const versions = [...new Set(named.map((n) => n.version))];
  const rows = await db
    .selectFrom('surveys as s')
    .leftJoin('survey_versions as v', (join) => join.onRef('v.survey_id', '=', 's.id').on('v.version', 'in', versions))
    .select(['s.id', 's.current_version', 's.branch_ids', 's.channels', 'v.version', 'v.questionnaire'])
    .where('s.id', 'in', surveyIds)
    .execute();
  for (const row of rows) {
    let survey = surveys.get(row.id);
    if (!survey) {
      survey = {
        currentVersion: row.current_version,
        branchIds: row.branch_ids === null ? null : (JSON.parse(row.branch_ids) as string[]),
        channels: JSON.parse(row.channels) as SurveyChannel[],
        versions: new Map(),
      };
      surveys.set(row.id, survey);
    }
    if (row.version !== null && row.questionnaire !== null) survey.versions.set(row.version, JSON.parse(row.questionnaire) as Questionnaire);
  }
  return surveys;
}

/** A lobby tablet's response as a push stores it: always the device's. */
export type LobbyResponseRow = NewSurveyResponseRow & { device_id: string; content_hash: string };

/**
 * The row for a lobby tablet's response that arrived from `deviceId` at `receivedAt`: no
 * counter, teller, visit or code (those come with a phone's visit code). Its day is the
 * customer's day at the branch (`timeZone`), from the tablet's clock, as an opinion's is.
 */
export const lobbyResponseToRow = (response: SurveyResponse, deviceId: string, receivedAt: number, timeZone: string): LobbyResponseRow => ({
  id: response.id,
  survey_id: response.surveyId,
  version: response.version,
  branch_id: response.branchId,
  channel: 'lobby',
  device_id: deviceId,
  counter_id: null,
  teller_id: null,
  visited_at: null,
  code_id: null,
  language: response.language,
  answers: JSON.stringify(response.answers),
  created_at: response.createdAt,
  received_at: receivedAt,
  day: localDayOf(response.createdAt, timeZone),
  content_hash: contentHash(response),
});
