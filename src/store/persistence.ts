import type { BranchVoiceDB, StoragePersistence } from './db.ts';
import { setMeta } from './meta.ts';

/**
 * Asks the browser to keep this origin's storage under pressure instead of evicting it,
 * and remembers the answer so the status corner can show it.
 */
export async function requestPersistentStorage(db: BranchVoiceDB, now = Date.now()): Promise<StoragePersistence> {
  const storage = globalThis.navigator?.storage;
  let granted: boolean | null = null;
  if (storage?.persist) {
    granted = (await storage.persisted?.()) || (await storage.persist());
  }
  const result = { granted, askedAt: now };
  await setMeta(db, 'persistence', result);
  return result;
}

/** Storage used and available to this origin, where the browser says. */
export async function storageEstimate(): Promise<{ used: number | null; quota: number | null }> {
  const estimate = await globalThis.navigator?.storage?.estimate?.().catch(() => undefined);
  return { used: estimate?.usage ?? null, quota: estimate?.quota ?? null };
}
