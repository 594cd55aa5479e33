import type { Kysely } from 'kysely';
import type { DeviceConfig } from '../../domain/config.ts';
import type { Database } from '../db/schema.ts';
import { findBranch, type Branch } from '../repositories/branches.ts';
import { findCounter, type Counter } from '../repositories/counters.ts';

/** The whole configuration a device holds: its branch, its counter and their settings. */
export const toDeviceConfig = (branch: Branch, counter: Counter | undefined): DeviceConfig => ({
  version: branch.configVersion,
  branch: { id: branch.id, name: branch.name, defaultLanguage: branch.defaultLanguage },
  counter: counter ? { id: counter.id, name: counter.name } : null,
  ratingCooldownMs: branch.ratingCooldownMs,
});

/** Reads the configuration for a device enrolled at `branchId` (and `counterId`, if any). */
export async function deviceConfigFor(
  db: Kysely<Database>,
  device: { branchId: string; counterId: string | null },
): Promise<DeviceConfig> {
  const [branch, counter] = await Promise.all([
    findBranch(db, device.branchId),
    device.counterId === null ? undefined : findCounter(db, device.counterId),
  ]);
  // A device row references its branch by foreign key, so a missing one is a bug.
  if (!branch) throw new Error(`Branch ${device.branchId} of an enrolled device is missing`);
  return toDeviceConfig(branch, counter);
}
