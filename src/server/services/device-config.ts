import type { Kysely } from 'kysely';
import type { DeviceConfig } from '../../domain/config.ts';
import type { Database } from '../db/schema.ts';
import { findBranch, type Branch } from '../repositories/branches.ts';
import { findCounter, type Counter } from '../repositories/counters.ts';
import { listReasons, type StoredReason } from '../repositories/reasons.ts';
import { listTellers, type StoredTeller } from '../repositories/tellers.ts';

/**
 * The whole configuration a device holds: its branch, its counter, their settings, the
 * active tellers (with PIN hashes, so sign-in works offline; never a PIN) and reasons.
 */
export const toDeviceConfig = (
  branch: Branch,
  counter: Counter | undefined,
  tellers: readonly StoredTeller[],
  reasons: readonly StoredReason[],
): DeviceConfig => ({
  version: branch.configVersion,
  branch: { id: branch.id, name: branch.name, defaultLanguage: branch.defaultLanguage },
  counter: counter ? { id: counter.id, name: counter.name } : null,
  ratingCooldownMs: branch.ratingCooldownMs,
  speech: branch.speech,
  tellers: tellers.map(({ id, staffNumber, name, photo, stars, pin }) => ({ id, staffNumber, name, photo, stars, pin })),
  reasons: reasons.map(({ id, scores, labels }) => ({ id, scores, labels })),
});

/** Reads the configuration for a device enrolled at `branchId` (and `counterId`, if any). */
export async function deviceConfigFor(
  db: Kysely<Database>,
  device: { branchId: string; counterId: string | null },
): Promise<DeviceConfig> {
  // The version is read BEFORE the rest, outside a transaction. An edit that lands in
  // between then makes the content newer than its version, and the device pulls once more;
  // the other order could pair a new version with old content, which it would keep.
  const branch = await findBranch(db, device.branchId);
  // A device row references its branch by foreign key, so a missing one is a bug.
  if (!branch) throw new Error(`Branch ${device.branchId} of an enrolled device is missing`);
  const [counter, tellers, reasons] = await Promise.all([
    device.counterId === null ? undefined : findCounter(db, device.counterId),
    listTellers(db, { branchId: branch.id, activeOnly: true }),
    listReasons(db, { branchId: branch.id, activeOnly: true }),
  ]);
  return toDeviceConfig(branch, counter, tellers, reasons);
}
