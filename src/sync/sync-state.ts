import type { Ok } from '../domain/result.ts';
import { SYNC_STOPS, type BranchVoiceDB, type SyncState, type SyncStop } from '../store/db.ts';
import { getMeta, setMeta } from '../store/meta.ts';
import { isQuotaExceeded } from '../store/write.ts';
import type { HttpFailure } from './http.ts';
import type { Pushed } from './push.ts';

/** The sync state kept in IndexedDB (last try, last success, last error, why it stopped), or a blank one before the first run. */
export async function readSyncState(db: BranchVoiceDB): Promise<SyncState> {
  return (await getMeta(db, 'syncState')) ?? { lastAttemptAt: null, lastSuccessAt: null, lastError: null, stopped: null, clockOffsetMs: null };
}

/**
 * Keeps how a run ended, for the status corner and the next run: a 401 of the kinds in
 * SYNC_STOPS stops the sync until the tablet is enrolled again. With the storage full the
 * outcome cannot be kept, and the storage warning is raised instead.
 */
export async function recordRunOutcome(db: BranchVoiceDB, previous: SyncState, result: Ok<Pushed> | HttpFailure, at: number): Promise<void> {
  const next: SyncState = result.ok
    ? { ...previous, lastAttemptAt: at, lastSuccessAt: at, lastError: null, clockOffsetMs: result.value.clockOffsetMs ?? previous.clockOffsetMs }
    : { ...previous, lastAttemptAt: at, lastError: { reason: result.reason, message: result.message, at }, stopped: isStop(result.reason) ? result.reason : null };
  try {
    await setMeta(db, 'syncState', next);
  } catch (error) {
    if (!isQuotaExceeded(error)) throw error;
    db.storagePressure.refused();
  }
}

const isStop = (reason: string): reason is SyncStop => (SYNC_STOPS as readonly string[]).includes(reason);
