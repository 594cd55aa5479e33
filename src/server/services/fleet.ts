import type { Kysely } from 'kysely';
import { maySeeBranch, type Viewer } from '../../domain/access.ts';
import { fleetStateOf, type FleetDevice, type FleetReport } from '../../domain/reports.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { findDevice, revokeDevice, type Device } from '../repositories/devices.ts';
import { findNamedDevice, listNamedDevices, type NamedDevice } from '../repositories/fleet.ts';
import { forbiddenBranch } from './report-scope.ts';

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

/** A device as the dashboard's fleet view shows it, in its state at `now`. */
export const toFleetDevice = (d: NamedDevice, now: number): FleetDevice => ({
  id: d.id,
  branchId: d.branchId,
  branchName: d.branchName,
  mode: d.mode,
  label: d.label,
  placeLabel: d.placeLabel,
  counterId: d.counterId,
  counterName: d.counterName,
  enrolledAt: d.enrolledAt,
  revokedAt: d.revokedAt,
  lastSeenAt: d.lastSeenAt,
  lastAddress: d.lastAddress,
  copySeen: d.copySeen,
  health: d.health,
  state: fleetStateOf(d, now),
});

/** GET /api/reports/fleet: every device of the branches selected, revoked ones included, by branch. */
export async function fleetReport(db: Kysely<Database>, branches: 'all' | readonly string[], now: number): Promise<FleetReport> {
  const devices = await listNamedDevices(db, { branches });
  return { devices: devices.map((d) => toFleetDevice(d, now)) };
}

/**
 * The dashboard's revoke button: a branch manager revokes their branch's devices, head office
 * any. Revoking twice keeps the first time.
 */
export async function revokeFleetDevice(
  db: Kysely<Database>,
  viewer: Viewer,
  id: string,
  now: number,
): Promise<Result<FleetDevice, 'device-not-found' | 'forbidden'>> {
  const device = await findNamedDevice(db, id);
  if (!device) return err('device-not-found', `No device has the id ${id}; the fleet view lists the devices you may revoke.`);
  if (!maySeeBranch(viewer, device.branchId)) return forbiddenBranch(viewer, device.branchId);
  await revokeDevice(db, id, now);
  const revoked = await findNamedDevice(db, id);
  return revoked ? ok(toFleetDevice(revoked, now)) : err('device-not-found', `Device ${id} disappeared while it was revoked.`);
}
