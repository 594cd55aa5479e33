import type { Kysely } from 'kysely';
import type { Database, EnrollmentCodeRow } from '../db/schema.ts';

/** What a claimed code grants the device that used it. */
export type ClaimedCode = Pick<EnrollmentCodeRow, 'branch_id' | 'counter_id' | 'mode'>;

export async function insertEnrollmentCode(
  db: Kysely<Database>,
  code: Omit<EnrollmentCodeRow, 'used_at' | 'device_id'>,
): Promise<void> {
  await db.insertInto('enrollment_codes').values(code).execute();
}

/** What an unexpired, unused code would grant, without using it; undefined for any other code. */
export async function findUsableEnrollmentCode(db: Kysely<Database>, codeHash: string, now: number): Promise<ClaimedCode | undefined> {
  return db
    .selectFrom('enrollment_codes')
    .select(['branch_id', 'counter_id', 'mode'])
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
    .returning(['branch_id', 'counter_id', 'mode'])
    .executeTakeFirst();
}
