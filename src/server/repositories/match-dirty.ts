import { sql, type Kysely, type RawBuilder } from 'kysely';
import { eachDay, localDayOf } from '../../domain/period.ts';
import { MAX_CORRECTION_MS } from '../../domain/queue.ts';
import { correctedDayOf } from '../../domain/queue-match.ts';
import type { Database, NewRatingRow } from '../db/schema.ts';

/** A branch-day whose tickets, join, flags and waiting roll-ups must be recomputed (services/queue-match.ts). */
export type DirtyDay = { branchId: string; day: string };

/** The distinct branch-days of some rows, in byte order (so concurrent marks lock in one order). */
export function dirtyDaysOf(rows: readonly { branch_id: string; day: string }[]): DirtyDay[] {
  const keys = new Map<string, DirtyDay>();
  for (const row of rows) keys.set(`${row.branch_id}\u0000${row.day}`, { branchId: row.branch_id, day: row.day });
  return [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);
}

/**
 * The branch-days a push's ratings change: each rating's own day, and the day its corrected
 * time falls on (domain/queue-match.ts), which the join reads it in, when that is another.
 * Without the branch's `timeZone`, their own days only.
 */
export function ratingDirtyDays(rows: readonly Pick<NewRatingRow, 'branch_id' | 'day' | 'created_at' | 'clock_offset_ms'>[], timeZone?: string): DirtyDay[] {
  if (timeZone === undefined) return dirtyDaysOf(rows);
  const days: { branch_id: string; day: string }[] = [];
  for (const row of rows) {
    days.push(row);
    const corrected = correctedDayOf(row.created_at, row.clock_offset_ms ?? null, timeZone);
    if (corrected !== row.day) days.push({ branch_id: row.branch_id, day: corrected });
  }
  return dirtyDaysOf(days);
}

/**
 * Marks branch-days for the matcher; a day marked already stays marked (its first mark's
 * time kept, so the oldest are matched first) and its mark's `version` goes up by one. Cheap
 * enough for every push: a push is one counter's, and its ratings fall on one or two days. Run
 * it in the transaction that stored what changed.
 *
 * The version is how the matcher knows the day changed while it derived it: it reads the
 * version, derives the day from what is committed, and takes the mark away only if the version
 * is still the one it read (services/queue-match.ts). Committed with the records, a new version
 * is never seen before them. The matcher never holds a mark while it derives, so a push never
 * waits for a derivation; it waits at most for the commit that takes the mark away.
 */
export async function markMatchDirty(db: Kysely<Database>, days: readonly DirtyDay[], at: number): Promise<void> {
  if (days.length === 0) return;
  await markInsert(db, days, at).execute();
}

/** PostgreSQL's one-statement push: markMatchDirty as a CTE (repositories/pushed-records.ts). */
export function matchDirtyCte(db: Kysely<Database>, days: readonly DirtyDay[], at: number): RawBuilder<unknown> {
  return sql`${sql.id('match_dirty_marked')} as (${markInsert(db, days, at)})`;
}

const markInsert = (db: Kysely<Database>, days: readonly DirtyDay[], at: number) =>
  db
    .insertInto('match_dirty')
    .values(days.map((d) => ({ branch_id: d.branchId, day: d.day, marked_at: at })))
    .onConflict((oc) => oc.columns(['branch_id', 'day']).doUpdateSet({ version: (eb) => eb(eb.ref('match_dirty.version'), '+', 1) }));

/**
 * Every day of a branch the matcher may have rows for, or should: its ratings' own days and
 * every day between the first and the last of their corrected times that day (so a rating
 * moved across midnight by its clock's offset is found, excluded ratings too), its queue
 * events' days, and the days that hold derived rows now (which may have none once matched
 * again). For a rebuild: after a zone change or a new definition, each is derived afresh.
 */
export async function branchDaysToMatch(db: Kysely<Database>, branchId: string, timeZone: string): Promise<DirtyDay[]> {
  const correction = sql<number>`(case when clock_offset_ms between ${-MAX_CORRECTION_MS} and ${MAX_CORRECTION_MS} then clock_offset_ms else 0 end)`;
  const spans = await db
    .selectFrom('ratings')
    .select((eb) => ['day', eb.fn.min(sql<number>`created_at + ${correction}`).as('first'), eb.fn.max(sql<number>`created_at + ${correction}`).as('last')])
    .where('branch_id', '=', branchId)
    .groupBy('day')
    .execute();
  // Run one after the other: this runs inside a rebuild's transaction, one connection.
  const others = [];
  for (const table of ['queue_events', 'rating_flags', 'wait_hours'] as const) others.push(await db.selectFrom(table).select('day').distinct().where('branch_id', '=', branchId).execute());
  const days = new Set<string>();
  for (const span of spans) {
    days.add(span.day);
    for (const day of eachDay(localDayOf(Number(span.first), timeZone), localDayOf(Number(span.last), timeZone))) days.add(day);
  }
  for (const rows of others) for (const row of rows) days.add(row.day);
  return dirtyDaysOf([...days].map((day) => ({ branch_id: branchId, day })));
}
