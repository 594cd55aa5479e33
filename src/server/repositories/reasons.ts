import type { Kysely } from 'kysely';
import type { Reason } from '../../domain/reason.ts';
import type { Database, ReasonRow } from '../db/schema.ts';

/** A reason as the server keeps it: the roster entry plus branch, order and status. */
export type StoredReason = Reason & { branchId: string; position: number; active: boolean };

/** Maps a row to a reason; its JSON was written from a checked Reason. */
export const reasonRowToReason = (row: ReasonRow): StoredReason => ({
  branchId: row.branch_id,
  id: row.id,
  scores: JSON.parse(row.scores) as Reason['scores'],
  labels: JSON.parse(row.labels) as Reason['labels'],
  position: row.position,
  active: row.active === 1,
});

const reasonToRow = (reason: StoredReason): ReasonRow => ({
  branch_id: reason.branchId,
  id: reason.id,
  scores: JSON.stringify(reason.scores),
  labels: JSON.stringify(reason.labels),
  position: reason.position,
  active: reason.active ? 1 : 0,
});

/** Reasons of one branch, or of all, in each branch's order; active ones only when asked. */
export async function listReasons(
  db: Kysely<Database>,
  filter: { branchId?: string; activeOnly?: boolean } = {},
): Promise<StoredReason[]> {
  let query = db.selectFrom('reasons').selectAll();
  if (filter.branchId !== undefined) query = query.where('branch_id', '=', filter.branchId);
  if (filter.activeOnly) query = query.where('active', '=', 1);
  const rows = await query.orderBy('branch_id').orderBy('position').orderBy('id').execute();
  return rows.map(reasonRowToReason);
}

export async function findReason(db: Kysely<Database>, branchId: string, id: string): Promise<StoredReason | undefined> {
  const row = await db.selectFrom('reasons').selectAll().where('branch_id', '=', branchId).where('id', '=', id).executeTakeFirst();
  return row && reasonRowToReason(row);
}

/** Stores reasons in one statement; the caller bumps the config version when the branch is not new. */
export async function insertReasons(db: Kysely<Database>, reasons: readonly StoredReason[]): Promise<void> {
  if (reasons.length > 0) await db.insertInto('reasons').values(reasons.map(reasonToRow)).execute();
}

/** Writes a reason's every column over the stored one. */
export async function replaceReason(db: Kysely<Database>, reason: StoredReason): Promise<void> {
  const { branch_id, id, ...columns } = reasonToRow(reason);
  await db.updateTable('reasons').set(columns).where('branch_id', '=', branch_id).where('id', '=', id).execute();
}
