import type { EntityTable, Table } from 'dexie';
import { err, ok, type Result } from '../domain/result.ts';
import type { SyncRecord } from '../domain/wire.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';

export type WriteFailure = 'storage-full';

/**
 * Writes a record to its own table and to the outbox in one read-write transaction, with no
 * network inside it: either both rows exist afterwards or neither does. An optional
 * precondition is read inside the same transaction, so nothing can change between the check
 * and the write.
 */
export async function writeWithOutbox<R extends SyncRecord>(
  db: BranchVoiceDB,
  table: EntityTable<R, 'id'>,
  record: R,
  readTables: Table[] = [],
  precondition?: () => Promise<boolean>,
): Promise<Result<void, WriteFailure | 'precondition'>> {
  const row: Omit<OutboxRow, 'seq'> = {
    recordId: record.id,
    kind: record.kind,
    record,
    bytes: JSON.stringify(record).length,
    createdAt: record.createdAt,
  };
  try {
    const written = await db.transaction('rw', [table, db.outbox, ...readTables], async () => {
      if (precondition && !(await precondition())) return false;
      // Issued together: one round of IndexedDB requests instead of two (bench/tap.ts).
      await Promise.all([table.add(record), db.outbox.add(row as OutboxRow)]);
      return true;
    });
    return written ? ok(undefined) : err('precondition', 'The condition for this write no longer holds.');
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
