import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { Rating } from '../../domain/rating.ts';
import {
  describeIssues,
  SyncRecordSchema,
  type DeviceHealth,
  type PushResponse,
  type PushResult,
  type SyncRecord,
} from '../../domain/wire.ts';
import type { Database, NewRatingRow } from '../db/schema.ts';
import { isPostgres } from '../db/database.ts';
import { inTransaction } from '../db/transaction.ts';
import { seenAt, touchDevice, type DeviceIdentity } from '../repositories/devices.ts';
import { insertRatings, insertRatingsAndMarkSeen, ratingToRow, ROWS_PER_STATEMENT } from '../repositories/ratings.ts';

/** A push whose envelope has been checked; its records are still unknown values. */
export type CheckedPush = { records: unknown[]; health?: DeviceHealth };

/** The answer for every record, in request order, and the rows of those to store. */
export type Triage = { results: PushResult[]; rows: NewRatingRow[] };

/**
 * Checks each record on its own, so that one bad record is answered as rejected instead of
 * failing the whole batch (wire.ts). Pure: the caller stores `rows` and answers `results`.
 */
export function triageRecords(records: readonly unknown[], device: DeviceIdentity, receivedAt: number): Triage {
  const results: PushResult[] = [];
  const rows: NewRatingRow[] = [];
  for (const record of records) {
    const parsed = v.safeParse(SyncRecordSchema, record);
    if (!parsed.success) {
      results.push(rejected(idOf(record), 'invalid-record', describeIssues(parsed.issues)));
      continue;
    }
    const refusal = checkScope(parsed.output, device);
    if (refusal) {
      results.push(refusal);
      continue;
    }
    rows.push(toRow(parsed.output, device.id, receivedAt));
    results.push({ id: parsed.output.id, status: 'accepted' });
  }
  return { results, rows };
}

/** A device writes only for its own branch and counter (DESIGN.md "Auth"). */
function checkScope(record: SyncRecord, device: DeviceIdentity): PushResult | undefined {
  if (record.branchId !== device.branchId) {
    return rejected(record.id, 'wrong-branch', `branchId: this device is enrolled at branch ${device.branchId}, not ${record.branchId}`);
  }
  if (record.counterId !== device.counterId) {
    const own = device.counterId ?? 'no counter';
    return rejected(record.id, 'wrong-counter', `counterId: this device is enrolled at counter ${own}, not ${record.counterId}`);
  }
  return undefined;
}

function toRow(record: SyncRecord, deviceId: string, receivedAt: number): NewRatingRow {
  switch (record.kind) {
    case 'rating':
      return ratingToRow(record satisfies Rating, deviceId, receivedAt);
  }
}

const rejected = (id: string | null, reason: 'invalid-record' | 'wrong-branch' | 'wrong-counter', message: string): PushResult => ({
  id,
  status: 'rejected',
  reason,
  message,
});

const idOf = (record: unknown): string | null =>
  typeof record === 'object' && record !== null && 'id' in record && typeof record.id === 'string' ? record.id : null;

/**
 * Stores a push: all valid records and the device's health in ONE transaction, so a batch
 * is stored whole or not at all and the device may safely send it again.
 */
export async function ingestPush(
  db: Kysely<Database>,
  device: DeviceIdentity,
  push: CheckedPush,
  now: number,
): Promise<PushResponse> {
  const { results, rows } = triageRecords(push.records, device, now);
  if (isPostgres(db) && rows.length > 0 && rows.length <= ROWS_PER_STATEMENT) {
    await insertRatingsAndMarkSeen(db, rows, { id: device.id, seen: seenAt(now, push.health) });
  } else {
    await inTransaction(db, async (trx) => {
      if (rows.length > 0) await insertRatings(trx, rows);
      await touchDevice(trx, device.id, now, push.health);
    });
  }
  return { results, serverTime: now, configVersion: device.configVersion };
}
