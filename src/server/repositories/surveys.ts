import { sql, type Kysely } from 'kysely';
import type { SurveySummary } from '../../domain/manage-surveys.ts';
import type { Questionnaire, SurveyChannel, SurveySchedule } from '../../domain/survey.ts';
import type { Database, SurveyRow } from '../db/schema.ts';

/**
 * Surveys and their wordings as stored (migration 0015): a row per survey with its schedule,
 * and a row per version's questionnaire, never edited. The JSON columns hold what the domain's
 * schemas checked on the way in, so they are read back without a second check.
 */

/** A survey's own row, as the services work with it. */
export type StoredSurvey = {
  id: string;
  name: string;
  currentVersion: number;
  schedule: SurveySchedule;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
};

/** A survey row's schedule, its JSON columns parsed. */
export const scheduleOf = (row: Pick<SurveyRow, 'starts_on' | 'ends_on' | 'branch_ids' | 'channels'>): SurveySchedule => ({
  startsOn: row.starts_on,
  endsOn: row.ends_on,
  branchIds: row.branch_ids === null ? null : (JSON.parse(row.branch_ids) as string[]),
  channels: JSON.parse(row.channels) as SurveyChannel[],
});

const surveyRowToSurvey = (row: SurveyRow): StoredSurvey => ({
  id: row.id,
  name: row.name,
  currentVersion: row.current_version,
  schedule: scheduleOf(row),
  createdAt: row.created_at,
  createdBy: row.created_by,
  updatedAt: row.updated_at,
});

/** The schedule's columns, as stored. */
const scheduleColumns = (schedule: SurveySchedule) => ({
  starts_on: schedule.startsOn,
  ends_on: schedule.endsOn,
  branch_ids: schedule.branchIds === null ? null : JSON.stringify(schedule.branchIds),
  channels: JSON.stringify(schedule.channels),
});

/** A new survey at version 1, with that version's wording. */
export async function insertSurvey(db: Kysely<Database>, survey: StoredSurvey, questionnaire: Questionnaire): Promise<void> {
  await db
    .insertInto('surveys')
    .values({
      id: survey.id,
      name: survey.name,
      current_version: survey.currentVersion,
      ...scheduleColumns(survey.schedule),
      created_at: survey.createdAt,
      created_by: survey.createdBy,
      updated_at: survey.updatedAt,
    })
    .execute();
  await insertSurveyVersion(db, { surveyId: survey.id, version: survey.currentVersion, questionnaire, createdAt: survey.createdAt, createdBy: survey.createdBy });
}

/** A wording of a survey; the primary key refuses a version twice. */
export async function insertSurveyVersion(
  db: Kysely<Database>,
  version: { surveyId: string; version: number; questionnaire: Questionnaire; createdAt: number; createdBy: string },
): Promise<void> {
  await db
    .insertInto('survey_versions')
    .values({ survey_id: version.surveyId, version: version.version, questionnaire: JSON.stringify(version.questionnaire), created_at: version.createdAt, created_by: version.createdBy })
    .execute();
}

/**
 * Holds a survey's row for a change (an update that sets nothing new), and answers false when
 * there is none. On PostgreSQL the row stays held until the transaction ends, so two edits of
 * one survey at once take turns: the second reads the first's version, rather than both making
 * the same version + 1. (SQLite runs one write transaction at a time anyway.)
 */
export async function holdSurvey(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('surveys')
    .set({ updated_at: sql<number>`updated_at` })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A survey's row and its current version's wording. */
export async function findSurvey(db: Kysely<Database>, id: string): Promise<(StoredSurvey & { questionnaire: Questionnaire }) | undefined> {
  const row = await db
    .selectFrom('surveys as s')
    .innerJoin('survey_versions as v', (join) => join.onRef('v.survey_id', '=', 's.id').onRef('v.version', '=', 's.current_version'))
    .selectAll('s')
    .select('v.questionnaire')
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { questionnaire, ...survey } = row;
  return { ...surveyRowToSurvey(survey), questionnaire: JSON.parse(questionnaire) as Questionnaire };
}

/** What an edit changes of a survey's row; absent fields stay as they are. */
export type SurveyChanges = { name?: string; currentVersion?: number; schedule?: SurveySchedule };

export async function updateSurvey(db: Kysely<Database>, id: string, changes: SurveyChanges, now: number): Promise<void> {
  await db
    .updateTable('surveys')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.currentVersion !== undefined && { current_version: changes.currentVersion }),
      ...(changes.schedule !== undefined && scheduleColumns(changes.schedule)),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Every survey as the Manage page lists it, or the one named: its current wording and how many
 * answers it has had, the latest start first. Versions are numbered from 1 without gaps, so the
 * current version is also how many there have been.
 */
export async function listSurveySummaries(db: Kysely<Database>, onlyId?: string): Promise<SurveySummary[]> {
  let query = db
    .selectFrom('surveys as s')
    .innerJoin('survey_versions as v', (join) => join.onRef('v.survey_id', '=', 's.id').onRef('v.version', '=', 's.current_version'))
    .selectAll('s')
    .select('v.questionnaire')
    .select((eb) => eb.selectFrom('survey_responses as r').select((c) => c.fn.countAll<number | string>().as('n')).whereRef('r.survey_id', '=', 's.id').as('responses'))
    .orderBy('s.starts_on', 'desc')
    .orderBy('s.created_at', 'desc')
    .orderBy('s.id');
  if (onlyId !== undefined) query = query.where('s.id', '=', onlyId);
  const rows = await query.execute();
  return rows.map(({ questionnaire, responses, ...row }) => ({
    id: row.id,
    name: row.name,
    currentVersion: row.current_version,
    schedule: scheduleOf(row),
    questionnaire: JSON.parse(questionnaire) as Questionnaire,
    versions: row.current_version,
    responses: Number(responses ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

/**
 * The surveys scheduled at a branch that have not ended by `today` (the branch's day), with
 * their current wording: one query, as a tablet's configuration pull makes it. The branch list
 * is JSON, so the database narrows it by text (an id is a UUID, with nothing a LIKE pattern
 * reads specially) and the exact test is made here.
 */
export async function surveysScheduledAt(db: Kysely<Database>, branchId: string, today: string): Promise<(StoredSurvey & { questionnaire: Questionnaire })[]> {
  const rows = await db
    .selectFrom('surveys as s')
    .innerJoin('survey_versions as v', (join) => join.onRef('v.survey_id', '=', 's.id').onRef('v.version', '=', 's.current_version'))
    .selectAll('s')
    .select('v.questionnaire')
    .where('s.ends_on', '>=', today)
    .where((eb) => eb.or([eb('s.branch_ids', 'is', null), eb('s.branch_ids', 'like', `%"${branchId}"%`)]))
    .orderBy('s.id')
    .execute();
  return rows
    .map(({ questionnaire, ...row }) => ({ ...surveyRowToSurvey(row), questionnaire: JSON.parse(questionnaire) as Questionnaire }))
    .filter((survey) => survey.schedule.branchIds === null || survey.schedule.branchIds.includes(branchId));
}
