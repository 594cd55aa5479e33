import { sql, type Kysely } from 'kysely';
import type { DayRange } from '../../domain/period.ts';
import { FLAG_KINDS, FLAGS_PAGE_SIZE, MAX_CORRECTION_MS, type FlagEvidence, type FlagKind, type FlaggedRating, type FlagsReport } from '../../domain/queue.ts';
import { correctedTimeOf } from '../../domain/queue-match.ts';
import type { Score } from '../../domain/rating.ts';
import { isPostgres } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { byText, selectsNothing, type BranchSelection } from './common.ts';

/**
 * GET /api/reports/flags: the ratings the integrity rules flagged (rating_flags, the matcher's,
 * by the day the rating was checked in) with each one's exclusion if a manager made one, and
 * the excluded ratings the rules no longer flag (by the rating's day), so an exclusion stays in
 * sight whatever the matcher says later. Newest first, FLAGS_PAGE_SIZE of them, `more` when
 * there were more. Flags are few beside ratings; both reads go through `(day, branch_id)`-led
 * or `(branch_id, day)` indexes. Each row carries its branch's, counter's and teller's names,
 * joined by primary key in the same two reads: head office's page lists many branches, and
 * reading each one's setup and roster for names would be two more requests per branch.
 */
export async function flagsReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange): Promise<FlagsReport> {
  const period = { from: range.from, to: range.to };
  if (selectsNothing(selection)) return { period, rows: [], more: false };
  // One more than the page of each: more than a page in either is more than a page together.
  const limit = FLAGS_PAGE_SIZE + 1;
  const [flagged, excludedOnly] = await Promise.all([
    db
      .selectFrom('rating_flags as f')
      .leftJoin('rating_exclusions as e', 'e.rating_id', 'f.rating_id')
      .leftJoin('branches as b', 'b.id', 'f.branch_id')
      .leftJoin('counters as c', 'c.id', 'f.counter_id')
      .leftJoin('tellers as t', 't.id', 'f.teller_id')
      .select([
        'b.name as branch_name',
        'c.name as counter_name',
        't.name as teller_name',
        't.staff_number as teller_staff_number',
        'f.rating_id',
        'f.branch_id',
        'f.counter_id',
        'f.teller_id',
        'f.score',
        'f.created_at',
        'f.corrected_at',
        'f.day',
        'f.kinds',
        'f.evidence',
        'e.reason',
        'e.excluded_name',
        'e.excluded_at',
      ])
      .where('f.day', '>=', range.from)
      .where('f.day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('f.branch_id', 'in', selection as readonly string[]))
      .orderBy('f.corrected_at', 'desc')
      .orderBy(newestIdFirst(db, 'f.rating_id'))
      .limit(limit)
      .execute(),
    // Excluded ratings without a flag in the period (never flagged, no longer, or flagged on
    // another day than the rating's own): listed by the rating's day, with a flag they still have.
    db
      .selectFrom('rating_exclusions as e')
      .innerJoin('ratings as r', 'r.id', 'e.rating_id')
      .leftJoin('rating_flags as f', 'f.rating_id', 'e.rating_id')
      .leftJoin('branches as b', 'b.id', 'e.branch_id')
      .leftJoin('counters as c', 'c.id', 'r.counter_id')
      .leftJoin('tellers as t', 't.id', 'r.teller_id')
      .select([
        'b.name as branch_name',
        'c.name as counter_name',
        't.name as teller_name',
        't.staff_number as teller_staff_number',
        'e.rating_id',
        'e.branch_id',
        'r.counter_id',
        'r.teller_id',
        'r.score',
        'r.created_at',
        'r.clock_offset_ms',
        'e.day',
        'f.kinds',
        'f.evidence',
        'f.corrected_at',
        'e.reason',
        'e.excluded_name',
        'e.excluded_at',
      ])
      .where('e.day', '>=', range.from)
      .where('e.day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('e.branch_id', 'in', selection as readonly string[]))
      .where((eb) => eb.or([eb('f.rating_id', 'is', null), eb('f.day', '<', range.from), eb('f.day', '>', range.to)]))
      .orderBy(sql`coalesce(f.corrected_at, r.created_at + case when r.clock_offset_ms between ${-MAX_CORRECTION_MS} and ${MAX_CORRECTION_MS} then r.clock_offset_ms else 0 end) desc`)
      .orderBy(newestIdFirst(db, 'e.rating_id'))
      .limit(limit)
      .execute(),
  ]);

  const rows: FlaggedRating[] = [
    ...flagged.map((f) =>
      flaggedRatingOf(f, {
        correctedAt: Number(f.corrected_at),
        day: f.day,
        kinds: f.kinds,
        evidence: f.evidence,
      }),
    ),
    ...excludedOnly.map((e) =>
      flaggedRatingOf(e, {
        correctedAt: e.corrected_at === null ? correctedTimeOf(Number(e.created_at), e.clock_offset_ms === null ? null : Number(e.clock_offset_ms)) : Number(e.corrected_at),
        day: e.day,
        kinds: e.kinds ?? '',
        evidence: e.evidence ?? '{}',
      }),
    ),
  ].sort((a, b) => b.correctedAt - a.correctedAt || byText(b.ratingId, a.ratingId));
  return { period, rows: rows.slice(0, FLAGS_PAGE_SIZE), more: rows.length > FLAGS_PAGE_SIZE };
}

/** The columns both reads share. */
type Common = {
  rating_id: string;
  branch_id: string;
  counter_id: string;
  teller_id: string | null;
  branch_name: string | null;
  counter_name: string | null;
  teller_name: string | null;
  teller_staff_number: string | null;
  score: string;
  created_at: number;
  reason: string | null;
  excluded_name: string | null;
  excluded_at: number | null;
};

/** A row as the page lists it, from its columns and its flag (kinds comma-separated, evidence JSON). */
function flaggedRatingOf(row: Common, flag: { correctedAt: number; day: string; kinds: string; evidence: string }): FlaggedRating {
  return {
    ratingId: row.rating_id,
    branchId: row.branch_id,
    counterId: row.counter_id,
    tellerId: row.teller_id,
    // Branches, counters and tellers are never deleted; were one missing, its id still says which.
    branchName: row.branch_name ?? row.branch_id,
    counterName: row.counter_name ?? row.counter_id,
    tellerName: row.teller_id === null ? null : (row.teller_name ?? row.teller_id),
    tellerStaffNumber: row.teller_id === null ? null : row.teller_staff_number,
    score: row.score as Score,
    createdAt: Number(row.created_at),
    correctedAt: flag.correctedAt,
    day: flag.day,
    kinds: kindsOf(flag.kinds),
    evidence: JSON.parse(flag.evidence) as FlagEvidence,
    excluded: row.reason === null ? null : { reason: row.reason, by: row.excluded_name ?? '', at: Number(row.excluded_at) },
  };
}

/** The kinds as stored, in FLAG_KINDS order; a kind this server does not know is left out. */
const kindsOf = (text: string): FlagKind[] => {
  const stored = new Set(text.split(','));
  return FLAG_KINDS.filter((kind) => stored.has(kind));
};

/** Ids newest first by code unit on both databases (PostgreSQL's text order is its collation's). */
const newestIdFirst = (db: Kysely<Database>, column: string) => (isPostgres(db) ? sql`${sql.ref(column)} collate "C" desc` : sql`${sql.ref(column)} desc`);
