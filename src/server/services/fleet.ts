import type { Kysely } from 'kysely';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { findDevice, revokeDevice, type Device } from '../repositories/devices.ts';

/** Revokes a device: its token stops working at its next request. */
export async function revokeDeviceById(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<Result<Device, 'device-not-found'>> {
  if (!(await revokeDevice(db, id, now))) {
    return err('device-not-found', `No device has the id ${id}; list them with \`npm run admin -- devices\`.`);
  }
  const device = await findDevice(db, id);
  return device ? ok(device) : err('device-not-found', `Device ${id} disappeared while it was revoked.`);
}
