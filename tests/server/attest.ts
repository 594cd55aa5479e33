import type { Kysely } from 'kysely';
import { STAFF_SESSION_MS } from '../../src/domain/staff-session.ts';
import type { RosterRole } from '../../src/domain/teller.ts';
import type { SyncRecord } from '../../src/domain/wire.ts';
import type { Database } from '../../src/server/db/schema.ts';
import type { StaffSession } from '../../src/server/repositories/staff-sessions.ts';
import { openStaffSession, signRecord } from '../../src/server/services/staff-sessions.ts';

/**
 * Signs staff-made records as a tablet does when its staff signed in with the server: one
 * staff session per member of staff, role and half day, opened on `device` in the database
 * (as a sign-in would), and each record's signature made with its key. Tests about what the
 * server does with verified acts use it; tests about attestation itself sign by hand.
 */
export function sessionSigner(db: Kysely<Database>, device: { id: string; branchId: string }) {
  const sessions = new Map<string, StaffSession>();
  async function sessionFor(staffId: string, role: RosterRole, at: number): Promise<StaffSession> {
    const half = Math.floor(at / STAFF_SESSION_MS);
    const key = `${staffId}|${role}|${half}`;
    let session = sessions.get(key);
    if (!session) {
      session = await openStaffSession(db, { deviceId: device.id, branchId: device.branchId, staffId, role, createdAt: half * STAFF_SESSION_MS });
      sessions.set(key, session);
    }
    return session;
  }
  return async function sign<R extends SyncRecord>(record: R): Promise<R> {
    switch (record.kind) {
      case 'case-event':
      case 'entry-read':
        return signRecord(record, await sessionFor(record.staffId, record.role, record.createdAt));
      case 'shift':
        return signRecord(record, await sessionFor(record.tellerId, 'teller', record.createdAt));
      default:
        return record;
    }
  };
}

/** Signs every staff-made record of a list (see sessionSigner). */
export async function signAll<R extends SyncRecord>(db: Kysely<Database>, device: { id: string; branchId: string }, records: readonly R[]): Promise<R[]> {
  const sign = sessionSigner(db, device);
  const signed: R[] = [];
  for (const record of records) signed.push(await sign(record));
  return signed;
}
