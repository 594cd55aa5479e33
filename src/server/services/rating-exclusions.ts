import { sql, type Kysely } from 'kysely';
import type { Viewer } from '../../domain/access.ts';
import type { FlaggedRating } from '../../domain/queue.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { isPostgres } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { markMatchDirty, ratingDirtyDays } from '../repositories/match-dirty.ts';
import { addRatingRollups, subtractRatingRollups } from '../repositories/rollup-rows.ts';
import { recordAudit, type Actor } from './audit.ts';

/**
 * A rating kept out of a teller's assessment, or put back (decision 0027): the branch manager
 * of the rating's branch, with a reason. The `ratings` row is never changed: the exclusion is
 * a fact of its own (`rating_exclusions`), and in the same transaction the rating's counts
 * leave the report roll-ups (or come back), its days are marked for the matcher (an excluded
 * rating takes no ticket, and counts in no waiting band), and the audit log says who and why.
 * The teller's, the counter's and the branch's figures then agree, and a rebuild of the
 * roll-ups leaves excluded ratings out just as this took them out.
 */

export type ExclusionError = 'forbidden' | 'not-found' | 'conflict';

/** Who acts: the signed-in viewer, and how the audit log names them. */
export type ExclusionActor = { viewer: Viewer; actor: Actor };

/** The exclusion as the dashboard shows it: why, by whom (their name), when. */
export type Exclusion = NonNullable<FlaggedRating['excluded']>;

/** Excludes a rating from the assessment: 403 unless the branch's manager, 404 when not theirs, 409 when excluded already. */
export async function excludeRating(db: Kysely<Database>, by: ExclusionActor, ratingId: string, reason: string, now: number): Promise<Result<Exclusion, ExclusionError>> {
  const refused = refusalOf(by.viewer, 'keep a rating out of the assessment');
  if (refused) return refused;
  return inTransaction(db, async (trx) => {
    await holdOffRebuild(trx);
    const rating = await ratingOfBranch(trx, ratingId, by.viewer.branchId!);
    if (!rating) return notFound(ratingId, by.viewer);
    const stored = await trx
      .insertInto('rating_exclusions')
      .values({ rating_id: rating.id, branch_id: rating.branch_id, day: rating.day, reason, excluded_by: by.viewer.staffNumber, excluded_name: by.viewer.name, excluded_at: now })
      .onConflict((oc) => oc.column('rating_id').doNothing())
      .returning('rating_id')
      .executeTakeFirst();
    if (!stored) {
      const held = await trx.selectFrom('rating_exclusions').select(['excluded_name', 'excluded_at']).where('rating_id', '=', ratingId).executeTakeFirstOrThrow();
      return err('conflict', `Rating ${ratingId} was kept out of the assessment already, by ${held.excluded_name} at ${new Date(Number(held.excluded_at)).toISOString()}; put it back first to give another reason.`);
    }
    await subtractRatingRollups(trx, [rating]);
    await markMatchDirty(trx, daysOf(rating), now);
    await recordAudit(trx, by.actor, { action: 'rating-exclude', branchId: rating.branch_id, subject: rating.id, detail: auditDetail(rating, reason) }, now);
    return ok({ reason, by: by.viewer.name, at: now });
  });
}

/** Puts an excluded rating back into the assessment: 403 unless the branch's manager, 404 when not theirs, 409 when not excluded. */
export async function includeRating(db: Kysely<Database>, by: ExclusionActor, ratingId: string, reason: string, now: number): Promise<Result<null, ExclusionError>> {
  const refused = refusalOf(by.viewer, 'put a rating back into the assessment');
  if (refused) return refused;
  return inTransaction(db, async (trx) => {
    await holdOffRebuild(trx);
    const rating = await ratingOfBranch(trx, ratingId, by.viewer.branchId!);
    if (!rating) return notFound(ratingId, by.viewer);
    const removed = await trx.deleteFrom('rating_exclusions').where('rating_id', '=', ratingId).returning(['excluded_by', 'excluded_at']).executeTakeFirst();
    if (!removed) return err('conflict', `Rating ${ratingId} is not kept out of the assessment: it counts already.`);
    await addRatingRollups(trx, [rating]);
    await markMatchDirty(trx, daysOf(rating), now);
    const detail = { ...auditDetail(rating, reason), excludedBy: removed.excluded_by, excludedAt: Number(removed.excluded_at) };
    await recordAudit(trx, by.actor, { action: 'rating-include', branchId: rating.branch_id, subject: rating.id, detail }, now);
    return ok(null);
  });
}

/** Only a branch manager acts on ratings, and only on their own branch's (checked against the rating once read). */
function refusalOf(viewer: Viewer, what: string) {
  if (viewer.role === 'branch-manager' && viewer.branchId !== null) return undefined;
  return err('forbidden', `Only the branch manager of the rating's branch may ${what}; ${viewer.staffNumber} is signed in as ${viewer.role}.`);
}

// A rating of another branch answers as one that does not exist: its id says nothing to a manager who may not see it.
const notFound = (ratingId: string, viewer: Viewer) =>
  err('not-found', `No rating of branch ${viewer.branchId} has the id ${ratingId}; the Flags page lists its flagged and excluded ratings.`);

/**
 * On PostgreSQL, waits for a rebuild of the roll-ups to end before reading the rating (whose
 * day a rebuild may move) and holds the next one off until this commits (the rebuild's
 * holdOffIngest locks rating_exclusions against this very mode). SQLite's BEGIN IMMEDIATE
 * serializes every writer already.
 */
async function holdOffRebuild(trx: Kysely<Database>): Promise<void> {
  if (isPostgres(trx)) await sql`lock table rating_exclusions in row exclusive mode`.execute(trx);
}

/** The rating with what its roll-ups and the matcher need, when it is of the branch. */
async function ratingOfBranch(trx: Kysely<Database>, ratingId: string, branchId: string) {
  const row = await trx
    .selectFrom('ratings')
    .innerJoin('branches', 'branches.id', 'ratings.branch_id')
    .select(['ratings.id', 'ratings.branch_id', 'ratings.day', 'ratings.counter_id', 'ratings.teller_id', 'ratings.score', 'ratings.reasons', 'ratings.created_at', 'ratings.clock_offset_ms', 'branches.time_zone'])
    .where('ratings.id', '=', ratingId)
    .where('ratings.branch_id', '=', branchId)
    .executeTakeFirst();
  return row && { ...row, created_at: Number(row.created_at), clock_offset_ms: row.clock_offset_ms === null ? null : Number(row.clock_offset_ms) };
}

type HeldRating = NonNullable<Awaited<ReturnType<typeof ratingOfBranch>>>;

/**
 * The branch-days the matcher must derive again: the rating's own day and the day of its
 * corrected time, where the join looks for its ticket (an excluded rating takes none).
 */
const daysOf = (rating: HeldRating) => ratingDirtyDays([rating], rating.time_zone);

/** What the audit log keeps of the act: the rating's place and the manager's reason (their own words, not a customer's). */
const auditDetail = (rating: HeldRating, reason: string) => ({ reason, day: rating.day, counterId: rating.counter_id, tellerId: rating.teller_id, score: rating.score });
