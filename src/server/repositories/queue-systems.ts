import type { Kysely } from 'kysely';
import type { QueueSystemView } from '../../domain/queue-intake.ts';
import type { Database, QueueSystemRow } from '../db/schema.ts';

/** A branch's queue system, as the server works with it and Manage shows it; its key's hash stays in the table. */
export type QueueSystem = QueueSystemView;

export const queueSystemRowToQueueSystem = (row: QueueSystemRow): QueueSystem => ({
  id: row.id,
  branchId: row.branch_id,
  name: row.name,
  createdAt: row.created_at,
  createdBy: row.created_by,
  revokedAt: row.revoked_at,
  lastSeenAt: row.last_seen_at,
  lastAddress: row.last_address,
});

/** Stores a new queue system with the sha256 of its key. */
export async function insertQueueSystem(db: Kysely<Database>, system: QueueSystem, tokenHash: string): Promise<void> {
  await db
    .insertInto('queue_systems')
    .values({
      id: system.id,
      branch_id: system.branchId,
      name: system.name,
      token_hash: tokenHash,
      created_at: system.createdAt,
      created_by: system.createdBy,
      revoked_at: system.revokedAt,
      last_seen_at: system.lastSeenAt,
      last_address: system.lastAddress,
    })
    .execute();
}

/** A branch's queue systems (every branch's without one), revoked ones too, oldest first. */
export async function listQueueSystems(db: Kysely<Database>, branchId?: string): Promise<QueueSystem[]> {
  let query = db.selectFrom('queue_systems').selectAll();
  if (branchId !== undefined) query = query.where('branch_id', '=', branchId);
  const rows = await query.orderBy('created_at').orderBy('id').execute();
  return rows.map(queueSystemRowToQueueSystem);
}

export async function findQueueSystem(db: Kysely<Database>, id: string): Promise<QueueSystem | undefined> {
  const row = await db.selectFrom('queue_systems').selectAll().where('id', '=', id).executeTakeFirst();
  return row && queueSystemRowToQueueSystem(row);
}

/** The queue system a key's hash belongs to, revoked or not (the caller refuses a revoked one). */
export async function findQueueSystemByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<QueueSystem | undefined> {
  const row = await db.selectFrom('queue_systems').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row && queueSystemRowToQueueSystem(row);
}

/** Revokes a queue system's key at `at`; false when it was revoked already (its first time stays). */
export async function revokeQueueSystem(db: Kysely<Database>, id: string, at: number): Promise<boolean> {
  const result = await db.updateTable('queue_systems').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Notes a use of the key: when, and from which address. */
export async function touchQueueSystem(db: Kysely<Database>, id: string, at: number, address: string): Promise<void> {
  await db.updateTable('queue_systems').set({ last_seen_at: at, last_address: address }).where('id', '=', id).execute();
}
