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
    await db.transaction('rw', [table, db.outbox, ...readTables], async () => {
      // All three requests issued together: one round of IndexedDB requests instead of two or
      // three (bench/tap.ts). The check's read is queued first, so it sees the state before
      // the writes; if it fails, throwing aborts the transaction and both writes roll back.
      const [holds] = await Promise.all([precondition ? precondition() : true, table.add(record), db.outbox.add(row as OutboxRow)]);
      if (!holds) throw new PreconditionFailed();
    });
    db.storagePressure.relieved();
    return ok(undefined);
  } catch (error) {
    if (error instanceof PreconditionFailed) return err('precondition', 'The condition for this write no longer holds.');
    if (isQuotaExceeded(error)) return storageFull(db);
    throw error;
  }
}

/** True when IndexedDB refused a write because the origin's storage is full. */
export function isQuotaExceeded(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const inner = (error as { inner?: unknown }).inner;
  return error.name === 'QuotaExceededError' || (inner instanceof Error && inner.name === 'QuotaExceededError');
}

/**
 * The answer to a write refused for lack of space: the screen says so, nothing is half-saved,
 * and the database remembers it so that the status corner tells staff too.
 */
export function storageFull(db: BranchVoiceDB) {
  db.storagePressure.refused();
  return err('storage-full', 'The tablet is out of storage: this record was not saved. Ask staff to free space or sync now.');
}

/** About the size of a record and its outbox row: a probe this big that fits means a tap would. */
const PROBE_BYTES = 2048;

/**
 * Learns whether a record would fit now, after a full storage was reported: writes a row of a
 * record's size and deletes it in the same transaction, so it leaves nothing behind. Clears
 * or keeps the storage warning accordingly; any other failure leaves it as it is.
 */
export async function probeStorage(db: BranchVoiceDB): Promise<boolean> {
  try {
    await db.transaction('rw', db.meta, async () => {
      await db.meta.put({ key: 'storageProbe', value: 'x'.repeat(PROBE_BYTES) });
      await db.meta.delete('storageProbe');
    });
    db.storagePressure.relieved();
    return true;
  } catch (error) {
    if (isQuotaExceeded(error)) db.storagePressure.refused();
    return false;
  }
}

/** Thrown inside the transaction to abort it when the precondition does not hold. */
class PreconditionFailed extends Error {}
