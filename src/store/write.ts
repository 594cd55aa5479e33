import type { EntityTable } from 'dexie';
import { err, ok, type Result } from '../domain/result.ts';
import type { SyncRecord } from '../domain/wire.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';

export type WriteFailure = 'storage-full';

/**
 * Writes a record to its own table and to the outbox in one read-write transaction, with no
 * network inside it: either both rows exist afterwards or neither does.
 */
export async function writeWithOutbox<R extends SyncRecord>(
  db: BranchVoiceDB,
  table: EntityTable<R, 'id'>,
  record: R,
): Promise<Result<void, WriteFailure>> {
  const row: Omit<OutboxRow, 'seq'> = {
    recordId: record.id,
    kind: record.kind,
    record,
    bytes: JSON.stringify(record).length,
    createdAt: record.createdAt,
  };
  try {
    await db.transaction('rw', table, db.outbox, async () => {
      // Issued together: one round of IndexedDB requests instead of two (bench/tap.ts).
      await Promise.all([table.add(record), db.outbox.add(row as OutboxRow)]);
    });
    return ok(undefined);
  } catch (error) {
    if (isQuotaExceeded(error)) {
      return err('storage-full', 'The tablet is out of storage: this record was not saved. Ask staff to free space or sync now.');
    }
    throw error;
  }
}

function isQuotaExceeded(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const inner = (error as { inner?: unknown }).inner;
  return error.name === 'QuotaExceededError' || (inner instanceof Error && inner.name === 'QuotaExceededError');
}
