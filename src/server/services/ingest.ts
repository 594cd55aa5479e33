import type { Kysely } from 'kysely';
import * as v from 'valibot';
import {
  describeIssues,
  SyncRecordSchema,
  type DeviceHealth,
  type PushResponse,
  type PushResult,
  type RejectReason,
  type SyncRecord,
} from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { isPostgres } from '../db/database.ts';
import { inTransaction } from '../db/transaction.ts';
import { seenAt, touchDevice, type DeviceIdentity } from '../repositories/devices.ts';
import { countRows, insertPushedRows, insertPushedRowsAndMarkSeen, ROWS_PER_STATEMENT, type PushedRows } from '../repositories/pushed-records.ts';
import { ratingToRow } from '../repositories/ratings.ts';
import { shiftEventToRow } from '../repositories/shift-events.ts';
import { tellerIdsOfBranch } from '../repositories/tellers.ts';

/** A push whose envelope has been checked; its records are still unknown values. */
export type CheckedPush = { records: unknown[]; health?: DeviceHealth };

/** The answer for every record, in request order, and the rows of those to store. */
export type Triage = { results: PushResult[]; rows: PushedRows };

/**
 * Checks each record on its own, so that one bad record is answered as rejected instead of
 * failing the whole batch (wire.ts). Pure: the caller stores `rows` and answers `results`.
 * `tellerIds` are all the tellers of the device's branch, active or not.
 */
export function triageRecords(
  records: readonly unknown[],
  device: DeviceIdentity,
  tellerIds: ReadonlySet<string>,
  receivedAt: number,
): Triage {
  const results: PushResult[] = [];
  const rows: PushedRows = { ratings: [], shiftEvents: [] };
  for (const record of records) {
    const parsed = v.safeParse(SyncRecordSchema, record);
    if (!parsed.success) {
      results.push(rejected(idOf(record), 'invalid-record', describeIssues(parsed.issues)));
      continue;
    }
    const refusal = checkScope(parsed.output, device, tellerIds);
    if (refusal) {
      results.push(refusal);
      continue;
    }
    addRow(rows, parsed.output, device.id, receivedAt);
    results.push({ id: parsed.output.id, status: 'accepted' });
  }
  return { results, rows };
}

/**
 * A device writes only for its own branch and counter (DESIGN.md "Auth"), and only for a
 * teller of that branch. A teller deactivated since is still one: the tablet may have been
 * offline through the shift, and the ratings are theirs.
 */
function checkScope(record: SyncRecord, device: DeviceIdentity, tellerIds: ReadonlySet<string>): PushResult | undefined {
  if (record.branchId !== device.branchId) {
    return rejected(record.id, 'wrong-branch', `branchId: this device is enrolled at branch ${device.branchId}, not ${record.branchId}`);
  }
  if (record.counterId !== device.counterId) {
    const own = device.counterId ?? 'no counter';
    return rejected(record.id, 'wrong-counter', `counterId: this device is enrolled at counter ${own}, not ${record.counterId}`);
  }
  if (!tellerIds.has(record.tellerId)) {
    return rejected(
      record.id,
      'unknown-teller',
      `tellerId: ${record.tellerId} is not a teller of branch ${device.branchId}; add the teller with \`npm run admin -- teller:add\``,
    );
  }
  return undefined;
}

function addRow(rows: PushedRows, record: SyncRecord, deviceId: string, receivedAt: number): void {
  switch (record.kind) {
    case 'rating':
      rows.ratings.push(ratingToRow(record, deviceId, receivedAt));
      return;
    case 'shift':
      rows.shiftEvents.push(shiftEventToRow(record, deviceId, receivedAt));
      return;
  }
}

const rejected = (id: string | null, reason: RejectReason, message: string): PushResult => ({ id, status: 'rejected', reason, message });

const idOf = (record: unknown): string | null =>
  typeof record === 'object' && record !== null && 'id' in record && typeof record.id === 'string' ? record.id : null;

const NO_TELLERS: ReadonlySet<string> = new Set();

/**
 * Stores a push: all valid records and the device's health in ONE transaction, so a batch
 * is stored whole or not at all and the device may safely send it again. The branch's
 * tellers are read once per push (not per record), and not at all for a push of health only.
 */
export async function ingestPush(
  db: Kysely<Database>,
  device: DeviceIdentity,
  push: CheckedPush,
  now: number,
): Promise<PushResponse> {
  const tellerIds = push.records.length > 0 ? await tellerIdsOfBranch(db, device.branchId) : NO_TELLERS;
  const { results, rows } = triageRecords(push.records, device, tellerIds, now);
  const count = countRows(rows);
  if (isPostgres(db) && count > 0 && count <= ROWS_PER_STATEMENT) {
    await insertPushedRowsAndMarkSeen(db, rows, { id: device.id, seen: seenAt(now, push.health) });
  } else {
    await inTransaction(db, async (trx) => {
      await insertPushedRows(trx, rows);
      await touchDevice(trx, device.id, now, push.health);
    });
  }
  return { results, serverTime: now, configVersion: device.configVersion };
}
