import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { Language } from '../../domain/language.ts';
import { localDayOf, type LocalDay } from '../../domain/period.ts';
import { QuestionnaireSchema, runningSurvey, type Questionnaire, type SurveyChannel } from '../../domain/survey.ts';
import { codeAgeProblem, hasValidMac, importVisitKey, readVisitCode, type ReadCode, type VisitClaim } from '../../domain/visit-code.ts';
import type { Database } from '../db/schema.ts';
import { findBranch } from '../repositories/branches.ts';
import { findCounter } from '../repositories/counters.ts';
import { findDevice } from '../repositories/devices.ts';
import { scheduleOf } from '../repositories/surveys.ts';
import { findTeller } from '../repositories/tellers.ts';
import { cardKeyOf, visitCodeSecret, visitKeyOf } from './visit-keys.ts';

/**
 * The visit codes a customer's phone brings to the phone page (domain/visit-code.ts): checked
 * here for everything the server knows and the tablet that made the code could not. A visit's
 * code must be signed with the key of the counter tablet it names, which must still be
 * enrolled and must name a counter (and a teller, if any) of its own branch; a card's with the
 * server's card key, for a counter that exists. A code that fails any of these is "not valid",
 * alike, so the page tells a guesser nothing of which part was wrong.
 */

/** Where and when the visit was, as the page shows it and the response keeps it. */
export interface CheckedVisit {
  read: ReadCode;
  claim: VisitClaim;
  branch: { id: string; name: string; timeZone: string; defaultLanguage: Language };
  counter: { id: string; name: string };
  /** The counter tablet that made the code; null for a printed card. */
  deviceId: string | null;
  tellerId: string | null;
}

export type CodeCheck = { ok: true; visit: CheckedVisit } | { ok: false; problem: 'invalid' } | { ok: false; problem: 'expired'; visit: CheckedVisit };

/** Checks a code's shape, signature, subjects and age at `now`. */
export async function checkVisitCode(db: Kysely<Database>, code: string, now: number): Promise<CodeCheck> {
  const read = readVisitCode(code);
  if (!read) return { ok: false, problem: 'invalid' };
  const { claim } = read;
  const counter = await findCounter(db, claim.counterId);
  if (!counter) return { ok: false, problem: 'invalid' };
  const secret = await visitCodeSecret(db, now);
  let deviceId: string | null = null;
  let tellerId: string | null = null;
  if (claim.kind === 'visit') {
    const device = await findDevice(db, claim.deviceId);
    if (!device || device.mode !== 'counter' || device.revokedAt !== null || device.branchId !== counter.branchId) return { ok: false, problem: 'invalid' };
    if (!(await hasValidMac(await importVisitKey(visitKeyOf(secret, device.id)), read))) return { ok: false, problem: 'invalid' };
    if (claim.tellerId !== null) {
      const teller = await findTeller(db, claim.tellerId);
      if (!teller || teller.branchId !== counter.branchId) return { ok: false, problem: 'invalid' };
    }
    deviceId = device.id;
    tellerId = claim.tellerId;
  } else if (!(await hasValidMac(await importVisitKey(cardKeyOf(secret)), read))) {
    return { ok: false, problem: 'invalid' };
  }
  const branch = await findBranch(db, counter.branchId);
  if (!branch) return { ok: false, problem: 'invalid' };
  const visit: CheckedVisit = {
    read,
    claim,
    branch: { id: branch.id, name: branch.name, timeZone: branch.timeZone, defaultLanguage: branch.defaultLanguage },
    counter: { id: counter.id, name: counter.name },
    deviceId,
    tellerId,
  };
  // A code dated well ahead of the server's clock was not made by a tablet with a sane clock: not valid, like a forged one.
  const age = codeAgeProblem(claim, now);
  if (age === 'future') return { ok: false, problem: 'invalid' };
  if (age === 'expired') return { ok: false, problem: 'expired', visit };
  return { ok: true, visit };
}

/** A survey's wording as the phone page asks it. */
export interface PhoneSurvey {
  id: string;
  version: number;
  questionnaire: Questionnaire;
}

/**
 * The survey running on `channel` at a branch on `day` (its own calendar), with its current
 * wording; null when none runs. A survey names its branches, or none for all.
 */
export async function runningSurveyAt(db: Kysely<Database>, branchId: string, channel: SurveyChannel, day: LocalDay): Promise<PhoneSurvey | null> {
  const rows = await db.selectFrom('surveys').select(['id', 'current_version', 'starts_on', 'ends_on', 'branch_ids', 'channels']).where('starts_on', '<=', day).where('ends_on', '>=', day).execute();
  const here = rows
    .map((r) => ({ id: r.id, version: r.current_version, ...scheduleOf(r) }))
    .filter((s) => s.branchIds === null || s.branchIds.includes(branchId));
  const running = runningSurvey(here, channel, day);
  return running ? surveyVersion(db, running.id, running.version) : null;
}

/** One version of a survey; null when there is no such version. */
export async function surveyVersion(db: Kysely<Database>, surveyId: string, version: number): Promise<PhoneSurvey | null> {
  const row = await db.selectFrom('survey_versions').select('questionnaire').where('survey_id', '=', surveyId).where('version', '=', version).executeTakeFirst();
  if (!row) return null;
  // Checked when it was written; parsed again, so a hand-edited row shows no half-question to a customer.
  const parsed = v.safeParse(QuestionnaireSchema, JSON.parse(row.questionnaire));
  return parsed.success ? { id: surveyId, version, questionnaire: parsed.output } : null;
}

/** The day a visit's survey is chosen by: the visit's, at its branch; a card's is the day it is answered. */
export const surveyDayOf = (visit: CheckedVisit, now: number): LocalDay => localDayOf(visit.claim.kind === 'visit' ? visit.claim.at : now, visit.branch.timeZone);

/** The response a code was used for, if it was. */
export async function responseOfCode(db: Kysely<Database>, codeId: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('survey_responses').select('id').where('code_id', '=', codeId).executeTakeFirst();
}
