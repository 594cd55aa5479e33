import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Sets a device's place label and/or counter; false when there is no such device still enrolled. */
export async function updateDevicePlace(
  db: Kysely<Database>,
  id: string,
  change: { placeLabel?: string | null; counterId?: string },
): Promise<boolean> {
  const set = {
    ...(change.placeLabel === undefined ? {} : { place_label: change.placeLabel }),
    ...(change.counterId === undefined ? {} : { counter_id: change.counterId }),
  };
  // Nothing to write (a move to the counter it is at): whether it is still enrolled is the answer.
  if (Object.keys(set).length === 0) {
    return (await db.selectFrom('devices').select('id').where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst()) !== undefined;
  }
  const result = await db.updateTable('devices').set(set).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes a device not revoked yet; false when it was (or there is none): the caller decides. */
export async function revokeActiveDevice(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('devices').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
