import { sql, type Kysely } from 'kysely';
import { addDays, startOfLocalDay, type LocalDay } from '../../domain/period.ts';
import type { QueueEventType } from '../../domain/queue.ts';
import { candidateWindowOf, correctedTimeOf, deriveBranchDay, type BranchDay, type CandidateRating, type WaitCounts } from '../../domain/queue-match.ts';
import type { Score } from '../../domain/rating.ts';
import { isPostgres } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { ROWS_PER_STATEMENT } from '../repositories/pushed-records.ts';
import { SCORE_COLUMNS } from '../repositories/rollup-rows.ts';
import { startRounds, type Rounds } from './rounds.ts';

/**
 * The matcher (decision 0027): rederives a branch-day's tickets, the join of its ratings to
 * them, the integrity flags and the waiting roll-ups from the day's raw facts
 * (domain/queue-match.ts deriveBranchDay), and replaces the day's derived rows with them.
 * Whatever changes a day's facts marks it in `match_dirty`; every server's worker claims
 * marks every two seconds and matches them. A day is always derived whole from what is
 * stored, so it does not matter in which order facts arrived, nor how often a day is matched.
 */

/** The tables the matcher writes: every row of them is some branch-day's, rewritten whole. */
const DERIVED_TABLES = ['tickets', 'rating_flags', 'wait_days', 'wait_hours', 'wait_score_days'] as const;

/**
 * Matches one branch-day: in one transaction, reads its facts, derives, deletes its derived
 * rows and inserts the new ones. On PostgreSQL it first takes an advisory lock on the day:
 * two servers matching it at once take turns, and the second reads what the first wrote
 * after, never before (a day matched on stale facts could otherwise commit last). The facts
 * are read inside, under the lock, for the same reason. With `claim` (the worker), a day whose
 * lock another server holds is passed by instead: that server is matching it.
 *
 * With `claim`, the day is matched only if it is still marked, and its mark is taken away at
 * the end, in the same transaction, only if no change came meanwhile: the mark's version is read
 * before the facts, and a change commits its records with a new version, so a change the facts
 * missed leaves the mark for the next round. The mark is not held while the day is derived:
 * pushes that mark the day go on (repositories/match-dirty.ts). Answers whether it matched
 * and, with `claim`, took the mark: a day whose mark stayed is matched again next round.
 */
export async function matchBranchDay(db: Kysely<Database>, branchId: string, day: LocalDay, claim = false): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    if (isPostgres(trx)) {
      const key = `queue-match/${branchId}/${day}`;
      // A worker that finds another server matching the day leaves it to that one: the mark
      // stays if anything changes meanwhile, and is matched at a later round.
      if (!claim) await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
      else if (!(await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext(${key})) as locked`.execute(trx)).rows[0]?.locked) return false;
    }
    const mark = claim ? await trx.selectFrom('match_dirty').select('version').where('branch_id', '=', branchId).where('day', '=', day).executeTakeFirst() : undefined;
    // Matched and taken already, by this server's last round or another server.
    if (claim && !mark) return false;
    const derived = await deriveStoredDay(trx, branchId, day);
    await replaceDerivedRows(trx, branchId, day, derived);
    if (!mark) return true;
    const taken = await trx.deleteFrom('match_dirty').where('branch_id', '=', branchId).where('day', '=', day).where('version', '=', mark.version).executeTakeFirst();
    return taken.numDeletedRows > 0n;
  });
}

/** Reads a branch-day's facts and derives its rows; nothing when the branch is gone. */
async function deriveStoredDay(db: Kysely<Database>, branchId: string, day: LocalDay): Promise<BranchDay | null> {
  const branch = await db.selectFrom('branches').select('time_zone').where('id', '=', branchId).executeTakeFirst();
  if (!branch) return null;
  const timeZone = branch.time_zone;
  const counters = await db.selectFrom('counters').select(['id', 'queue_code']).where('branch_id', '=', branchId).execute();
  // The unique index (branch_id, day, ticket, type, at) answers this by its prefix.
  const events = await db
    .selectFrom('queue_events')
    .select(['ticket', 'type', 'at', 'counter_id', 'service_type'])
    .where('branch_id', '=', branchId)
    .where('day', '=', day)
    .execute();
  const ratings = await candidateRatings(db, counters.map((c) => c.id), day, timeZone);
  return deriveBranchDay({
    day,
    timeZone,
    events: events.map((e) => ({ ticket: e.ticket, type: e.type as QueueEventType, at: e.at, counterId: e.counter_id, serviceType: e.service_type })),
    ratings,
    queueCounterIds: new Set(counters.filter((c) => c.queue_code !== null).map((c) => c.id)),
    excludedRatingIds: await excludedOf(db, ratings.map((r) => r.id)),
  });
}

/**
 * The ratings at the branch's counters whose corrected time falls on the day, read through
 * the index ratings(counter_id, created_at) over every `created_at` a correction can move
 * onto the day.
 */
async function candidateRatings(db: Kysely<Database>, counterIds: readonly string[], day: LocalDay, timeZone: string): Promise<CandidateRating[]> {
  if (counterIds.length === 0) return [];
  const window = candidateWindowOf(day, timeZone);
  const rows = await db
    .selectFrom('ratings')
    .select(['id', 'counter_id', 'teller_id', 'score', 'created_at', 'clock_offset_ms'])
    .where('counter_id', 'in', counterIds)
    .where('created_at', '>=', window.from)
    .where('created_at', '<', window.to)
    .execute();
  const [from, to] = [startOfLocalDay(day, timeZone), startOfLocalDay(addDays(day, 1), timeZone)];
  const ratings: CandidateRating[] = [];
  for (const row of rows) {
    const at = correctedTimeOf(row.created_at, row.clock_offset_ms);
    if (at < from || at >= to) continue;
    ratings.push({ id: row.id, counterId: row.counter_id, tellerId: row.teller_id, score: row.score as Score, createdAt: row.created_at, clockOffsetMs: row.clock_offset_ms });
  }
  return ratings;
}

/** Which of these ratings a manager excluded. */
async function excludedOf(db: Kysely<Database>, ratingIds: readonly string[]): Promise<Set<string>> {
  const excluded = new Set<string>();
  for (let start = 0; start < ratingIds.length; start += ROWS_PER_STATEMENT) {
    const rows = await db.selectFrom('rating_exclusions').select('rating_id').where('rating_id', 'in', ratingIds.slice(start, start + ROWS_PER_STATEMENT)).execute();
    for (const row of rows) excluded.add(row.rating_id);
  }
  return excluded;
}

/**
 * Replaces the day's derived rows. A rating's flag row is keyed by the rating alone: when its
 * corrected day moved (the branch's time zone changed), the row its old day left is replaced
 * here, and that day no longer has it when it is matched again.
 */
async function replaceDerivedRows(db: Kysely<Database>, branchId: string, day: LocalDay, derived: BranchDay | null): Promise<void> {
  for (const table of DERIVED_TABLES) await db.deleteFrom(table).where('branch_id', '=', branchId).where('day', '=', day).execute();
  if (!derived) return;
  const flagIds = derived.flags.map((f) => f.ratingId);
  for (let start = 0; start < flagIds.length; start += ROWS_PER_STATEMENT) {
    await db.deleteFrom('rating_flags').where('rating_id', 'in', flagIds.slice(start, start + ROWS_PER_STATEMENT)).execute();
  }
  const unit = { branch_id: branchId, day };
  await insertRows(db, 'tickets', derived.tickets.map((t) => ({
    ...unit,
    ticket: t.ticket,
    service_type: t.serviceType,
    counter_id: t.counterId,
    issued_at: t.issuedAt,
    called_at: t.calledAt,
    started_at: t.startedAt,
    ended_at: t.endedAt,
    wait_ms: t.waitMs,
    service_ms: t.serviceMs,
    hour: t.hour,
    rating_id: t.ratingId,
    rating_score: t.ratingScore,
    rated_at: t.ratedAt,
  })));
  await insertRows(db, 'rating_flags', derived.flags.map((f) => ({
    rating_id: f.ratingId,
    ...unit,
    counter_id: f.counterId,
    teller_id: f.tellerId,
    score: f.score,
    created_at: f.createdAt,
    corrected_at: f.correctedAt,
    kinds: f.kinds.join(','),
    evidence: JSON.stringify(f.evidence),
  })));
  await insertRows(db, 'wait_days', derived.waitDays.map((w) => ({ ...unit, counter_id: w.counterId, hour: w.hour, ...waitColumns(w) })));
  await insertRows(db, 'wait_hours', derived.waitHours.map((w) => ({ ...unit, hour: w.hour, counters: w.counters, ...waitColumns(w) })));
  await insertRows(db, 'wait_score_days', derived.waitScores.map((w) => ({ ...unit, counter_id: w.counterId, band: w.band, ...scoreColumns(w.counts) })));
}

/** A roll-up's counts as its columns: tickets, waited, w0…w25, served, service_ms. */
function waitColumns(counts: WaitCounts) {
  const buckets = Object.fromEntries(counts.buckets.map((n, i) => [`w${i}`, n]));
  return { tickets: counts.tickets, waited: counts.waited, ...buckets, served: counts.served, service_ms: counts.serviceMs };
}

function scoreColumns(counts: Record<Score, number>) {
  return Object.fromEntries(Object.entries(SCORE_COLUMNS).map(([score, column]) => [column, counts[score as Score]]));
}

/** SQLite binds at most 32,766 values a statement; wait_days rows have 34 columns. */
const MAX_BOUND_VALUES = 30_000;

/** Multi-row inserts of rows of one shape, as many rows a statement as the databases bind. */
async function insertRows(db: Kysely<Database>, table: (typeof DERIVED_TABLES)[number], rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const perStatement = Math.max(1, Math.min(ROWS_PER_STATEMENT, Math.floor(MAX_BOUND_VALUES / Object.keys(rows[0]!).length)));
  for (let start = 0; start < rows.length; start += perStatement) {
    await db.insertInto(table).values(rows.slice(start, start + perStatement) as never).execute();
  }
}

/** Where the matcher says a day failed. */
export type MatcherLog = { error: (o: object, msg: string) => void };

/**
 * Matches up to `limit` marked branch-days, oldest mark first, and answers how many marks it
 * took: a round whose days were all marked again while it matched them does not count as a
 * full one, so a steady trickle of pushes never keeps the worker going round after round.
 * Each mark is taken in the transaction that matches its day (matchBranchDay with `claim`),
 * so a mark is gone only once its day's rows are committed: a server that dies mid-way, or a
 * day whose matching throws, leaves the mark where it was. Of several servers, the one that
 * takes the day's lock first matches it; the others pass it by. A push that marks a day while
 * it is being matched leaves the mark there with a new version (repositories/match-dirty.ts),
 * so its ratings are matched next round. A day that failed is moved behind the others (its
 * mark's time set to `now`) and logged.
 */
export async function matchDirtyDays(db: Kysely<Database>, now: number, limit = 50, log: MatcherLog = consoleLog): Promise<number> {
  const marked = await db.selectFrom('match_dirty').select(['branch_id', 'day']).orderBy('marked_at').orderBy('branch_id').orderBy('day').limit(limit).execute();
  let matched = 0;
  for (const { branch_id: branchId, day } of marked) {
    try {
      if (await matchBranchDay(db, branchId, day, true)) matched += 1;
    } catch (error) {
      log.error({ job: 'queue-match', branchId, day, err: error }, 'matching a branch-day to its queue tickets failed; it stays marked and is tried again at a later round');
      await db
        .updateTable('match_dirty')
        .set({ marked_at: now })
        .where('branch_id', '=', branchId)
        .where('day', '=', day)
        .execute()
        .catch(() => undefined);
    }
  }
  return matched;
}

const consoleLog: MatcherLog = { error: (o, msg) => console.error(msg, o) };

/** The matcher's worker: `wake()` runs a round now (after the one running), `stop()` resolves once the running round ended. */
export type QueueMatcher = Rounds;

/** How many days a round claims at once: a round of a busy network is some hundred milliseconds of work. */
const DAYS_PER_ROUND = 50;

/**
 * While tablets push, rounds wait at most this long. A burst at day end marks every day it
 * touches over and over, and a round derives each of them whole from its ratings: taken while
 * the burst lasts, that is the same work many times over, on the cores the pushes need.
 */
export const MATCHER_MAX_DEFER_MS = 10_000;

/**
 * Matches marked days every `intervalMs` (each server; the claims make each mark matched
 * once), never two rounds at once in this process; a round that took a full batch of marks is
 * followed by another at once, so a rebuild's backlog drains without waiting for the clock.
 * While `busy()` (tablets pushing to this server), a round waits, up to `maxDeferMs` since the
 * last round that ran: the marks stay, and the days are matched once, after the burst.
 */
export function startQueueMatcher({
  db,
  log,
  intervalMs = 2000,
  clock = Date.now,
  busy = () => false,
  maxDeferMs = MATCHER_MAX_DEFER_MS,
}: {
  db: Kysely<Database>;
  log: MatcherLog;
  intervalMs?: number;
  clock?: () => number;
  busy?: () => boolean;
  maxDeferMs?: number;
}): QueueMatcher {
  let lastRoundAt = clock();
  return startRounds(
    intervalMs,
    async () => {
      if (busy() && clock() - lastRoundAt < maxDeferMs) return false;
      lastRoundAt = clock();
      return (await matchDirtyDays(db, clock(), DAYS_PER_ROUND, log)) >= DAYS_PER_ROUND;
    },
    (error) => log.error({ job: 'queue-match', err: error }, 'the queue matcher failed; it tries again at its next tick'),
  );
}
