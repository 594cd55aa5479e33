import type { BranchVoiceDB, MetaKey, MetaRow, MetaValues } from './db.ts';

/** Reads one single-row value. */
export async function getMeta<K extends MetaKey>(db: BranchVoiceDB, key: K): Promise<MetaValues[K] | undefined> {
  const row = await db.meta.get(key);
  return row?.value as MetaValues[K] | undefined;
}

/** Writes one single-row value. */
export async function setMeta<K extends MetaKey>(db: BranchVoiceDB, key: K, value: MetaValues[K]): Promise<void> {
  await db.meta.put({ key, value } as MetaRow);
}
