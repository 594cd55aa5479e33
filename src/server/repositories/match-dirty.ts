import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A branch-day whose tickets, join, flags and waiting roll-ups must be recomputed (services/queue-match.ts). */
export type DirtyDay = { branchId: string; day: string };

/** The distinct branch-days of some rows, in byte order (so concurrent marks lock in one order). */
export function dirtyDaysOf(rows: readonly { branch_id: string; day: string }[]): DirtyDay[] {
  const keys = new Map<string, DirtyDay>();
  for (const row of rows) keys.set(`${row.branch_id}\u0000${row.day}`, { branchId: row.branch_id, day: row.day });
  return [...keys.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, key]) => key);
}

/**
 * Marks branch-days for the matcher; a day marked already stays marked (its first mark's
 * time kept). Cheap enough for every push: a push is one counter's, and its ratings fall on one
 * or two days. Run it in the transaction that stored what changed.
 */
export async function markMatchDirty(db: Kysely<Database>, days: readonly DirtyDay[], at: number): Promise<void> {
  if (days.length === 0) return;
  await db
    .insertInto('match_dirty')
    .values(days.map((d) => ({ branch_id: d.branchId, day: d.day, marked_at: at })))
    .onConflict((oc) => oc.columns(['branch_id', 'day']).doNothing())
    .execute();
}

/** PostgreSQL's one-statement push: markMatchDirty as a CTE (repositories/pushed-records.ts). */
export function matchDirtyCte(db: Kysely<Database>, days: readonly DirtyDay[], at: number): RawBuilder<unknown> {
  const insert = db
    .insertInto('match_dirty')
    .values(days.map((d) => ({ branch_id: d.branchId, day: d.day, marked_at: at })))
    .onConflict((oc) => oc.columns(['branch_id', 'day']).doNothing());
  return sql`${sql.id('match_dirty_marked')} as (${insert})`;
}
