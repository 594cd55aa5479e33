import Dexie, { liveQuery, type ObservabilitySet } from 'dexie';
import type { BranchVoiceDB, StoragePersistence, SyncState } from './db.ts';
import { getMeta } from './meta.ts';

/** What the staff status corner shows, from the database, so every tab agrees. */
export interface DeviceStatus {
  unsynced: number;
  quarantined: number;
  sync: SyncState | null;
  persistence: StoragePersistence | null;
}

/** The status as the database holds it now. */
export function readDeviceStatus(db: BranchVoiceDB): Promise<DeviceStatus> {
  return db.transaction('r', db.outbox, db.quarantine, db.meta, async () => ({
    unsynced: await db.outbox.count(),
    quarantined: await db.quarantine.count(),
    sync: (await getMeta(db, 'syncState')) ?? null,
    persistence: (await getMeta(db, 'persistence')) ?? null,
  }));
}

/** At most this often the status corner reads the status again while its tables keep changing. */
export const STATUS_EVERY_MS = 250;

/** Anything with subscribe(next, error), as a live query is. */
export interface Watch<T> {
  subscribe(next: (value: T) => void, error: (error: unknown) => void): { unsubscribe(): void };
}

/**
 * Emits the device status at once and whenever one of its tables changes (in this tab or
 * another, as Dexie tells), at most every `everyMs`: the unsynced count walks the whole
 * outbox, and a tablet draining thousands settles a batch every few milliseconds. A change
 * during the pause is read at its end, so the last one is always shown.
 */
export function watchDeviceStatus(db: BranchVoiceDB, everyMs = STATUS_EVERY_MS): Watch<DeviceStatus> {
  return {
    subscribe(next, error) {
      let closed = false;
      let reading = false;
      let changed = false;
      // Set after each reading for `everyMs`: a change meanwhile is read when it ends.
      let pause: ReturnType<typeof setTimeout> | null = null;
      const read = async () => {
        reading = true;
        changed = false;
        try {
          const status = await readDeviceStatus(db);
          if (!closed) next(status);
        } catch (failure) {
          if (!closed) error(failure);
        } finally {
          reading = false;
          if (!closed) {
            pause = setTimeout(() => {
              pause = null;
              if (changed) void read();
            }, everyMs);
          }
        }
      };
      const schedule = () => {
        if (closed) return;
        if (reading || pause) changed = true;
        else void read();
      };
      const prefix = `idb://${db.name}/`;
      const onMutated = (parts: ObservabilitySet) => {
        if (Object.keys(parts).some((part) => part.startsWith(prefix) && /^(outbox|quarantine|meta)\//.test(part.slice(prefix.length)))) schedule();
      };
      Dexie.on('storagemutated', onMutated);
      void read();
      return {
        unsubscribe() {
          closed = true;
          if (pause) clearTimeout(pause);
          Dexie.on('storagemutated').unsubscribe(onMutated);
        },
      };
    },
  };
}

/** Emits the outbox depth whenever it changes. */
export const watchOutboxDepth = (db: BranchVoiceDB) => liveQuery(() => db.outbox.count());

/**
 * Emits the outbox's newest key (0 when empty) whenever the outbox changes: the sync engine's
 * "new record" trigger. Keys only grow, so a record added as another is settled is seen, where
 * the depth would read the same before and after.
 */
export const watchNewestOutboxKey = (db: BranchVoiceDB) => liveQuery(async () => ((await db.outbox.toCollection().lastKey()) as number | undefined) ?? 0);
