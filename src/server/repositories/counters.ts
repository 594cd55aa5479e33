import type { Kysely } from 'kysely';
import type { CounterRow, Database } from '../db/schema.ts';

/** A teller window in a branch; `queueCode`: what the branch's queue system calls it, null when not mapped. */
export type Counter = { id: string; branchId: string; name: string; createdAt: number; queueCode: string | null };

export const counterRowToCounter = (row: CounterRow): Counter => ({
  id: row.id,
  branchId: row.branch_id,
  name: row.name,
  createdAt: row.created_at,
  queueCode: row.queue_code,
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

/** The branch's counters by the code its queue system calls them (only those that have one). */
export async function countersByQueueCode(db: Kysely<Database>, branchId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('counters').select(['id', 'queue_code']).where('branch_id', '=', branchId).where('queue_code', 'is not', null).execute();
  return new Map(rows.map((r) => [r.queue_code!, r.id]));
}

/** The counter of a branch that has a queue code, if any. */
export async function findCounterByQueueCode(db: Kysely<Database>, branchId: string, queueCode: string): Promise<Counter | undefined> {
  const row = await db.selectFrom('counters').selectAll().where('branch_id', '=', branchId).where('queue_code', '=', queueCode).executeTakeFirst();
  return row && counterRowToCounter(row);
}

/** Sets (or, with null, clears) a counter's queue code; unique in the branch by index (migration 0014). */
export async function updateCounterQueueCode(db: Kysely<Database>, id: string, queueCode: string | null): Promise<void> {
  await db.updateTable('counters').set({ queue_code: queueCode }).where('id', '=', id).execute();
}
