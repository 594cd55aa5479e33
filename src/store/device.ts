import { liveQuery } from 'dexie';
import type { DeviceConfig } from '../domain/config.ts';
import type { BranchVoiceDB, DeviceIdentity } from './db.ts';
import { releaseEnrollment, rememberEnrollment } from './enrollment-marker.ts';
import { getMeta, setMeta } from './meta.ts';

export interface EnrolledDevice {
  identity: DeviceIdentity;
  config: DeviceConfig;
}

/** The device's identity and configuration, or null before enrollment. */
export async function loadDevice(db: BranchVoiceDB): Promise<EnrolledDevice | null> {
  return db.transaction('r', db.meta, async () => {
    const [identity, config] = await Promise.all([getMeta(db, 'device'), getMeta(db, 'config')]);
    return deviceFrom(identity, config);
  });
}

/** The enrolled device from its two stored values: enrolled only with both. */
export function deviceFrom(identity: DeviceIdentity | undefined, config: DeviceConfig | undefined): EnrolledDevice | null {
  return identity && config ? { identity, config } : null;
}

/**
 * Keeps what enrollment returned, identity and configuration together, and clears a
 * previous 401 stop so that the engine syncs again.
 */
export async function saveEnrollment(db: BranchVoiceDB, device: EnrolledDevice): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await setMeta(db, 'device', device.identity);
    await setMeta(db, 'config', device.config);
    await db.meta.delete('syncState');
  });
  rememberEnrollment(device);
}

/**
 * Keeps the token the server just issued in place of `previous`, in one transaction, and only
 * if this tablet still holds `previous` under the same device id (enrolled again meanwhile, it
 * does not): false then. If the write fails (the storage full), the tablet keeps the old
 * token, which the server takes until the new one is first used (decision 0016).
 */
export async function saveRotatedToken(db: BranchVoiceDB, deviceId: string, previous: string, token: string): Promise<boolean> {
  return db.transaction('rw', db.meta, async () => {
    const identity = await getMeta(db, 'device');
    if (identity?.deviceId !== deviceId || identity.token !== previous) return false;
    await setMeta(db, 'device', { ...identity, token });
    return true;
  });
}

/** Replaces the configuration when the server has a newer version. */
export async function saveConfig(db: BranchVoiceDB, config: DeviceConfig): Promise<void> {
  await setMeta(db, 'config', config);
}

/** Emits the enrolled device (or null) whenever enrollment or configuration changes. */
export const watchDevice = (db: BranchVoiceDB) => liveQuery(() => loadDevice(db));

/**
 * Forgets the identity after the server refused it (revoked, unknown), so that the tablet
 * can be enrolled again. Unsynced records stay in the outbox and go with the new identity
 * (enrolled at the same counter: the server refuses a rating for another counter).
 */
export async function forgetEnrollment(db: BranchVoiceDB): Promise<void> {
  await db.transaction('rw', db.meta, async () => {
    await db.meta.bulkDelete(['device', 'config', 'syncState']);
  });
  releaseEnrollment();
}
