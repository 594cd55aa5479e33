import type { Kysely } from 'kysely';
import type { RosterRole } from '../../domain/teller.ts';
import type { Database, StaffSessionRow } from '../db/schema.ts';

/** A staff session as the server keeps it (migration 0007). */
export type StaffSession = {
  id: string;
  deviceId: string;
  branchId: string;
  staffId: string;
  role: RosterRole;
  /** The HMAC key, base64url: only the server and the page that signed in hold it. */
  key: string;
  createdAt: number;
  expiresAt: number;
  endedAt: number | null;
  clockOffsetMs: number;
};

export const staffSessionRowToSession = (row: StaffSessionRow): StaffSession => ({
  id: row.id,
  deviceId: row.device_id,
  branchId: row.branch_id,
  staffId: row.staff_id,
  role: row.role as RosterRole,
  key: row.key,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
  endedAt: row.ended_at === null ? null : Number(row.ended_at),
  clockOffsetMs: Number(row.clock_offset_ms),
});

export async function insertStaffSession(db: Kysely<Database>, session: StaffSession): Promise<void> {
  await db
    .insertInto('staff_sessions')
    .values({
      id: session.id,
      device_id: session.deviceId,
      branch_id: session.branchId,
      staff_id: session.staffId,
      role: session.role,
      key: session.key,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      ended_at: session.endedAt,
      clock_offset_ms: session.clockOffsetMs,
    })
    .execute();
}

/** One session of one device; another device's session is not found, as if it did not exist. */
export async function findStaffSession(db: Kysely<Database>, deviceId: string, id: string): Promise<StaffSession | undefined> {
  const row = await db.selectFrom('staff_sessions').selectAll().where('id', '=', id).where('device_id', '=', deviceId).executeTakeFirst();
  return row && staffSessionRowToSession(row);
}

/** The sessions of one device among these ids, by id: what a push's signed records name. */
export async function staffSessionsOfDevice(db: Kysely<Database>, deviceId: string, ids: readonly string[]): Promise<Map<string, StaffSession>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('staff_sessions').selectAll().where('device_id', '=', deviceId).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((row) => [row.id, staffSessionRowToSession(row)]));
}

/** Ends a session at sign-out; ending it twice keeps the first time. */
export async function endStaffSession(db: Kysely<Database>, deviceId: string, id: string, now: number): Promise<void> {
  await db
    .updateTable('staff_sessions')
    .set((eb) => ({ ended_at: eb.fn.coalesce('ended_at', eb.val(now)) }))
    .where('id', '=', id)
    .where('device_id', '=', deviceId)
    .execute();
}
