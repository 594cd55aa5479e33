import { liveQuery } from 'dexie';
import type { BranchVoiceDB, StoragePersistence, SyncState } from './db.ts';
import { getMeta } from './meta.ts';

/** What the staff status corner shows, from the database, so every tab agrees. */
export interface DeviceStatus {
  unsynced: number;
  quarantined: number;
  sync: SyncState | null;
  persistence: StoragePersistence | null;
}

/** A subscribable that emits the device status whenever one of its tables changes. */
export function watchDeviceStatus(db: BranchVoiceDB) {
  return liveQuery(
    async (): Promise<DeviceStatus> => ({
      unsynced: await db.outbox.count(),
      quarantined: await db.quarantine.count(),
      sync: (await getMeta(db, 'syncState')) ?? null,
      persistence: (await getMeta(db, 'persistence')) ?? null,
    }),
  );
}

/** Emits the outbox depth whenever it changes. */
export const watchOutboxDepth = (db: BranchVoiceDB) => liveQuery(() => db.outbox.count());

/**
 * Emits the outbox's newest key (0 when empty) whenever the outbox changes: the sync engine's
 * "new record" trigger. Keys only grow, so a record added as another is settled is seen, where
 * the depth would read the same before and after.
 */
export const watchNewestOutboxKey = (db: BranchVoiceDB) => liveQuery(async () => ((await db.outbox.toCollection().lastKey()) as number | undefined) ?? 0);
