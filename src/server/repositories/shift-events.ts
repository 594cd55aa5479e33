import type { Kysely } from 'kysely';
import { TABLET_ATTESTED, type Attested } from '../../domain/attestation.ts';
import type { ShiftEvent, ShiftEventType } from '../../domain/shift.ts';
import { contentHash } from '../content-hash.ts';
import type { Database, NewShiftEventRow, ShiftEventRow } from '../db/schema.ts';
import { countPushed } from './pushed-records.ts';

/** A shift event as stored: the device's record plus what the server stamped on arrival. */
export type StoredShiftEvent = Omit<ShiftEvent, 'kind'> & { seq: number; deviceId: string; receivedAt: number };

/** The row for a shift event that arrived from `deviceId` at `receivedAt`, attested as the server found. */
export const shiftEventToRow = (event: ShiftEvent, deviceId: string, receivedAt: number, attested: Attested = TABLET_ATTESTED): NewShiftEventRow => ({
  id: event.id,
  branch_id: event.branchId,
  counter_id: event.counterId,
  device_id: deviceId,
  teller_id: event.tellerId,
  sign_in_id: event.signInId,
  type: event.type,
  created_at: event.createdAt,
  received_at: receivedAt,
  ...attestationColumns(attested),
  content_hash: contentHash(event),
});

/** The columns that keep how a staff-made record was attested. */
export const attestationColumns = (attested: Attested) => ({
  attestation: attested.kind,
  staff_session_id: attested.kind === 'server' ? attested.sessionId : null,
});

export const shiftEventRowToStored = (row: ShiftEventRow): StoredShiftEvent => ({
  id: row.id,
  seq: row.seq,
  branchId: row.branch_id,
  counterId: row.counter_id,
  deviceId: row.device_id,
  tellerId: row.teller_id,
  signInId: row.sign_in_id,
  type: row.type as ShiftEventType,
  createdAt: row.created_at,
  receivedAt: row.received_at,
});

/** The latest shift events by arrival order, newest first. */
export async function latestShiftEvents(db: Kysely<Database>, limit: number): Promise<StoredShiftEvent[]> {
  const rows = await db.selectFrom('shift_events').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(shiftEventRowToStored);
}

/** How many shift events are stored. */
export const countShiftEvents = (db: Kysely<Database>): Promise<number> => countPushed(db, 'shift_events');
