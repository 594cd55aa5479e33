import type { Kysely } from 'kysely';
import type { BranchRef } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';

/** Branches by name, with their time zones: every branch, or the ones named. */
export async function listBranchRefs(db: Kysely<Database>, ids: 'all' | readonly string[]): Promise<BranchRef[]> {
  if (ids !== 'all' && ids.length === 0) return [];
  let query = db.selectFrom('branches').select(['id', 'name', 'time_zone', 'region_id']);
  if (ids !== 'all') query = query.where('id', 'in', ids);
  const rows = await query.orderBy('name').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone, regionId: r.region_id }));
}

/** One branch with its time zone. */
export async function findBranchRef(db: Kysely<Database>, id: string): Promise<BranchRef | undefined> {
  const [ref] = await listBranchRefs(db, [id]);
  return ref;
}
