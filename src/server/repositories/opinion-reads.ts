import type { Kysely } from 'kysely';
import type { Attested } from '../../domain/attestation.ts';
import type { EntryRead } from '../../domain/review.ts';
import { contentHash } from '../content-hash.ts';
import type { Database, NewOpinionReadRow } from '../db/schema.ts';
import { countPushed } from './pushed-records.ts';
import { attestationColumns } from './shift-events.ts';

/** Who read an entry first, and when (by the tablet's clock). */
export type FirstRead = { readAt: number; readByStaffId: string };

/** The row for an entry-read that arrived from `deviceId` at `receivedAt`; only a verified one is stored. */
export const entryReadToRow = (read: EntryRead, deviceId: string, receivedAt: number, attested: Attested): NewOpinionReadRow => ({
  id: read.id,
  opinion_id: read.opinionId,
  branch_id: read.branchId,
  device_id: deviceId,
  staff_id: read.staffId,
  role: read.role,
  created_at: read.createdAt,
  received_at: receivedAt,
  ...attestationColumns(attested),
  content_hash: contentHash(read),
});

/**
 * The first read of each of these entries: the earliest mark by the tablets' clocks, the
 * first to arrive when two carry the same millisecond. Earliest made rather than earliest
 * arrived, so the answer does not depend on which tablet happened to sync first.
 */
export async function firstReadsOf(db: Kysely<Database>, opinionIds: readonly string[]): Promise<Map<string, FirstRead>> {
  if (opinionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('opinion_reads')
    .select(['opinion_id', 'staff_id', 'created_at'])
    .where('opinion_id', 'in', [...new Set(opinionIds)])
    .orderBy('created_at')
    .orderBy('seq')
    .execute();
  const first = new Map<string, FirstRead>();
  for (const row of rows) if (!first.has(row.opinion_id)) first.set(row.opinion_id, { readAt: row.created_at, readByStaffId: row.staff_id });
  return first;
}

/** How many entry-read marks are stored, every reader's. */
export const countOpinionReads = (db: Kysely<Database>): Promise<number> => countPushed(db, 'opinion_reads');
