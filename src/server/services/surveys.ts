import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { HEAD_OFFICE, type Viewer } from '../../domain/access.ts';
import { canonicalJson } from '../../domain/canonical.ts';
import type { CreateSurveyRequest, SurveySummary, UpdateSurveyRequest } from '../../domain/manage-surveys.ts';
import { addDays, localDayOf, type LocalDay } from '../../domain/period.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { SurveySchedule } from '../../domain/survey.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpConfigVersionsOf, bumpEveryConfigVersion } from '../repositories/branches.ts';
import { findSurvey, holdSurvey, insertSurvey, insertSurveyVersion, listSurveySummaries, updateSurvey } from '../repositories/surveys.ts';
import { recordAudit, type Actor } from './audit.ts';

/**
 * Manage › Surveys (src/server/routes/manage-surveys.ts): head office writes questionnaires,
 * schedules them, rewords them and ends them. A new wording is a new version, never an edit
 * of the old one, so every answer keeps the words it was given to (decision 0028). Every change
 * is audited with who made it, in the same transaction, and bumps the config version of each
 * branch it touches, before and after, so their tablets pull it.
 */

export type SurveyError = 'forbidden' | 'not-found' | 'bad-request';

/** Who acts: a dashboard viewer, checked here; or the server's shell (no viewer), with head office's powers. */
export type SurveyActor = { actor: Actor; viewer?: Viewer };

const isHeadOffice = (by: SurveyActor): boolean => by.viewer === undefined || by.viewer.role === HEAD_OFFICE;

const headOfficeOnly = (by: SurveyActor, what: string) =>
  err('forbidden', `${by.viewer?.staffNumber ?? 'This account'} (${by.viewer?.role ?? '?'}) may not ${what}: only head office runs surveys.`);

const notFound = (id: string) => err('not-found', `No survey has the id ${id}.`);

/** Every survey (head office). */
export async function listSurveys(db: Kysely<Database>, by: SurveyActor): Promise<Result<SurveySummary[], SurveyError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'see the surveys');
  return ok(await listSurveySummaries(db));
}

/** The first branch a schedule names that does not exist, if any. */
async function unknownBranch(db: Kysely<Database>, schedule: SurveySchedule): Promise<string | undefined> {
  if (schedule.branchIds === null) return undefined;
  const rows = await db.selectFrom('branches').select('id').where('id', 'in', schedule.branchIds).execute();
  const known = new Set(rows.map((row) => row.id));
  return schedule.branchIds.find((id) => !known.has(id));
}

const unknownBranchSaying = (id: string) => err('bad-request', `schedule.branchIds: no branch has the id ${id}.`);

/** A schedule's branch list without repeats, so that a branch named twice is stored (and bumped) once. */
const tidied = (schedule: SurveySchedule): SurveySchedule => ({ ...schedule, branchIds: schedule.branchIds === null ? null : [...new Set(schedule.branchIds)] });

/**
 * Bumps the config version of every branch in any of the scopes (null: every branch), so
 * their tablets pull the survey as it is now, or drop it.
 */
async function bumpScopes(db: Kysely<Database>, ...scopes: (readonly string[] | null)[]): Promise<void> {
  if (scopes.some((scope) => scope === null)) return bumpEveryConfigVersion(db);
  await bumpConfigVersionsOf(db, [...new Set(scopes.flatMap((scope) => scope ?? []))]);
}

/** The survey as the page shows it, read back in the change's transaction. */
const summaryOf = async (db: Kysely<Database>, id: string): Promise<SurveySummary> => (await listSurveySummaries(db, id))[0]!;

/** A new survey at version 1 (head office); its branches' tablets pull it. */
export async function createSurvey(db: Kysely<Database>, by: SurveyActor, input: CreateSurveyRequest, now: number): Promise<Result<SurveySummary, SurveyError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'create a survey');
  const schedule = tidied(input.schedule);
  const unknown = await unknownBranch(db, schedule);
  if (unknown !== undefined) return unknownBranchSaying(unknown);
  const id = uuidv7();
  return inTransaction(db, async (trx) => {
    await insertSurvey(trx, { id, name: input.name, currentVersion: 1, schedule, createdAt: now, createdBy: by.actor.actor, updatedAt: now }, input.questionnaire);
    await bumpScopes(trx, schedule.branchIds);
    await recordAudit(trx, by.actor, { action: 'survey-add', subject: id, detail: { version: 1, schedule } }, now);
    return ok(await summaryOf(trx, id));
  });
}

/**
 * Changes a survey (head office). A questionnaire that differs from the current version's (by
 * canonical JSON, so the order its keys were sent in does not matter) makes version + 1; the
 * same wording sent again makes none. A change of name alone touches no tablet (they do not
 * hold it) and bumps no configuration; nothing changed at all writes nothing.
 */
export async function editSurvey(db: Kysely<Database>, by: SurveyActor, id: string, edit: UpdateSurveyRequest, now: number): Promise<Result<SurveySummary, SurveyError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'change a survey');
  const schedule = edit.schedule && tidied(edit.schedule);
  if (schedule) {
    const unknown = await unknownBranch(db, schedule);
    if (unknown !== undefined) return unknownBranchSaying(unknown);
  }
  return inTransaction(db, async (trx) => {
    if (!(await holdSurvey(trx, id))) return notFound(id);
    const before = (await findSurvey(trx, id))!;
    const renamed = edit.name !== undefined && edit.name !== before.name;
    const reworded = edit.questionnaire !== undefined && canonicalJson(edit.questionnaire) !== canonicalJson(before.questionnaire);
    const rescheduled = schedule !== undefined && canonicalJson(schedule) !== canonicalJson(before.schedule);
    if (!renamed && !reworded && !rescheduled) return ok(await summaryOf(trx, id));
    const version = reworded ? before.currentVersion + 1 : before.currentVersion;
    if (reworded) await insertSurveyVersion(trx, { surveyId: id, version, questionnaire: edit.questionnaire!, createdAt: now, createdBy: by.actor.actor });
    await updateSurvey(trx, id, { ...(renamed && { name: edit.name }), ...(reworded && { currentVersion: version }), ...(rescheduled && { schedule }) }, now);
    if (reworded || rescheduled) await bumpScopes(trx, before.schedule.branchIds, (schedule ?? before.schedule).branchIds);
    const fields = [...(renamed ? ['name'] : []), ...(reworded ? ['questionnaire'] : []), ...(rescheduled ? ['schedule'] : [])];
    const detail = { fields, version, ...(reworded && { versionFrom: before.currentVersion }), ...(rescheduled && { scheduleFrom: before.schedule, scheduleTo: schedule }) };
    await recordAudit(trx, by.actor, { action: 'survey-edit', subject: id, detail }, now);
    return ok(await summaryOf(trx, id));
  });
}

/**
 * The last day a survey ended now may run: the day before the earliest "today" among the
 * branches it is scheduled at (every branch, when it names none; UTC's day in a network
 * without one). The earliest, because branches in zones further ahead are already in their
 * next day: ending at the day before the furthest-behind branch's today stops it today in
 * every branch, where any later day would leave it running the rest of today in that branch.
 * A branch further ahead thus loses the day it has begun; its answers given that day are kept
 * all the same (a response is refused for its survey, version or branch, never for its day).
 */
export async function lastDayOfEnded(db: Kysely<Database>, branchIds: readonly string[] | null, now: number): Promise<LocalDay> {
  let query = db.selectFrom('branches').select('time_zone').distinct();
  if (branchIds !== null) query = query.where('id', 'in', [...branchIds]);
  const zones = (await query.execute()).map((row) => row.time_zone);
  const todays = (zones.length === 0 ? ['UTC'] : zones).map((zone) => localDayOf(now, zone));
  return addDays(todays.reduce((a, b) => (b < a ? b : a)), -1);
}

/**
 * Ends a survey now (head office): it runs on no tablet and no phone page from today, in any
 * branch (lastDayOfEnded). One that ended before keeps its last day. One not yet started ends
 * too: its first day comes back to its new last day, so the schedule stays a schedule (first
 * day not after the last) and it never runs. Audited each time, even when it had already ended.
 */
export async function endSurvey(db: Kysely<Database>, by: SurveyActor, id: string, now: number): Promise<Result<SurveySummary, SurveyError>> {
  if (!isHeadOffice(by)) return headOfficeOnly(by, 'end a survey');
  return inTransaction(db, async (trx) => {
    if (!(await holdSurvey(trx, id))) return notFound(id);
    const before = (await findSurvey(trx, id))!;
    const last = await lastDayOfEnded(trx, before.schedule.branchIds, now);
    const endsOn = before.schedule.endsOn < last ? before.schedule.endsOn : last;
    const startsOn = before.schedule.startsOn > endsOn ? endsOn : before.schedule.startsOn;
    const changed = endsOn !== before.schedule.endsOn || startsOn !== before.schedule.startsOn;
    if (changed) {
      await updateSurvey(trx, id, { schedule: { ...before.schedule, startsOn, endsOn } }, now);
      await bumpScopes(trx, before.schedule.branchIds);
    }
    const detail = { endsOnFrom: before.schedule.endsOn, endsOn, ...(startsOn !== before.schedule.startsOn && { startsOnFrom: before.schedule.startsOn, startsOn }) };
    await recordAudit(trx, by.actor, { action: 'survey-end', subject: id, detail }, now);
    return ok(await summaryOf(trx, id));
  });
}
