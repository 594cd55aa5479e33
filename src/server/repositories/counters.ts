import type { Kysely } from 'kysely';
import type { CounterRow, Database } from '../db/schema.ts';

/** A teller window in a branch. */
export type Counter = { id: string; branchId: string; name: string; createdAt: number };

export const counterRowToCounter = (row: CounterRow): Counter => ({
  id: row.id,
  branchId: row.branch_id,
  name: row.name,
  createdAt: row.created_at,
});

/** Counters of one branch, or of all branches, oldest first. */
export async function listCounters(db: Kysely<Database>, branchId?: string): Promise<Counter[]> {
  let query = db.selectFrom('counters').selectAll();
  if (branchId !== undefined) query = query.where('branch_id', '=', branchId);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map(counterRowToCounter);
}

/** One counter by its full id. */
export async function findCounter(db: Kysely<Database>, id: string): Promise<Counter | undefined> {
  const row = await db.selectFrom('counters').selectAll().where('id', '=', id).executeTakeFirst();
  return row && counterRowToCounter(row);
}

/** The ids of every counter of a branch: an opinion's "which counter was it" must be one of them. */
export async function counterIdsOfBranch(db: Kysely<Database>, branchId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('counters').select('id').where('branch_id', '=', branchId).execute();
  return new Set(rows.map((r) => r.id));
}

/** Stores a counter; the caller bumps the branch's config version in the same transaction. */
export async function insertCounter(db: Kysely<Database>, counter: Counter): Promise<Counter> {
  await db
    .insertInto('counters')
    .values({ id: counter.id, branch_id: counter.branchId, name: counter.name, created_at: counter.createdAt })
    .execute();
  return counter;
}

/** Renames a counter; false when there is none. The caller bumps the branch's config version in the same transaction. */
export async function updateCounterName(db: Kysely<Database>, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('counters').set({ name }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
