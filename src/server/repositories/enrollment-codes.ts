import type { Kysely } from 'kysely';
import type { Database, EnrollmentCodeRow } from '../db/schema.ts';

/** What a claimed code grants the device that used it, and the device it replaces, if any. */
export type ClaimedCode = Pick<EnrollmentCodeRow, 'branch_id' | 'counter_id' | 'mode' | 'replaces_device_id'>;

export async function insertEnrollmentCode(
  db: Kysely<Database>,
  code: Omit<EnrollmentCodeRow, 'used_at' | 'device_id' | 'replaces_device_id'> & { replaces_device_id?: string | null },
): Promise<void> {
  await db.insertInto('enrollment_codes').values(code).execute();
}

/** What an unexpired, unused code would grant, without using it; undefined for any other code. */
export async function findUsableEnrollmentCode(db: Kysely<Database>, codeHash: string, now: number): Promise<ClaimedCode | undefined> {
  return db
    .selectFrom('enrollment_codes')
    .select(['branch_id', 'counter_id', 'mode', 'replaces_device_id'])
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Marks an unexpired, unused code as used by `deviceId`, in one statement: when two tablets
 * race for one code, the database lets only one update match. Undefined when none did.
 */
export async function claimEnrollmentCode(
  db: Kysely<Database>,
  codeHash: string,
  deviceId: string,
  now: number,
): Promise<ClaimedCode | undefined> {
  return db
    .updateTable('enrollment_codes')
    .set({ used_at: now, device_id: deviceId })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['branch_id', 'counter_id', 'mode', 'replaces_device_id'])
    .executeTakeFirst();
}

/**
 * Ends the unused replacement codes of a device at `now`: a new replacement link makes the
 * ones shown before worthless, so only the last one shown can enroll its successor.
 */
export async function expireReplacementCodes(db: Kysely<Database>, deviceId: string, now: number): Promise<void> {
  await db
    .updateTable('enrollment_codes')
    .set({ expires_at: now })
    .where('replaces_device_id', '=', deviceId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
}
