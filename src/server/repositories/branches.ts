import { sql, type Kysely } from 'kysely';
import type { Language } from '../../domain/language.ts';
import { DEFAULT_VOICES, type Voices } from '../../domain/voice.ts';
import type { BranchRow, Database } from '../db/schema.ts';

/** A branch as the server works with it. */
export type Branch = {
  id: string;
  name: string;
  defaultLanguage: Language;
  ratingCooldownMs: number;
  /** Spoken prompts on the branch's tablets. */
  speech: boolean;
  /** The locale of the voice that speaks each screen language (zh-HK: Cantonese for 繁體中文). */
  voices: Voices;
  /** IANA time zone: the branch's report days are its calendar days. */
  timeZone: string;
  /** The region it belongs to; null: none, head office alone oversees it. */
  regionId: string | null;
  configVersion: number;
  createdAt: number;
};

/** What an edit of a branch may change; absent fields stay as they are. */
export type BranchChanges = Partial<Pick<Branch, 'name' | 'defaultLanguage' | 'ratingCooldownMs' | 'speech' | 'timeZone'>> & { voices?: Partial<Voices> };

/** Maps a row to a Branch; the language was checked when it was written. */
export const branchRowToBranch = (row: BranchRow): Branch => ({
  id: row.id,
  name: row.name,
  defaultLanguage: row.default_language as Language,
  ratingCooldownMs: row.rating_cooldown_ms,
  speech: row.speech_enabled === 1,
  voices: voicesOf(row.voices),
  timeZone: row.time_zone,
  regionId: row.region_id,
  configVersion: row.config_version,
  createdAt: row.created_at,
});

/** The stored voices over the defaults; each was checked when it was written. */
const voicesOf = (stored: string | null): Voices => ({ ...DEFAULT_VOICES, ...(stored ? (JSON.parse(stored) as Partial<Voices>) : {}) });

/** All branches, oldest first. */
export async function listBranches(db: Kysely<Database>): Promise<Branch[]> {
  const rows = await db.selectFrom('branches').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(branchRowToBranch);
}

/** One branch by its full id. */
export async function findBranch(db: Kysely<Database>, id: string): Promise<Branch | undefined> {
  const row = await db.selectFrom('branches').selectAll().where('id', '=', id).executeTakeFirst();
  return row && branchRowToBranch(row);
}

/** True when at least one branch exists: the server has been set up. */
export async function hasAnyBranch(db: Kysely<Database>): Promise<boolean> {
  const row = await db.selectFrom('branches').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Stores a new branch at config version 1, speech off, every language with its default voice. */
export async function insertBranch(
  db: Kysely<Database>,
  branch: Omit<Branch, 'configVersion' | 'speech' | 'voices' | 'regionId'> & { regionId?: string | null },
): Promise<Branch> {
  await db
    .insertInto('branches')
    .values({
      id: branch.id,
      name: branch.name,
      default_language: branch.defaultLanguage,
      rating_cooldown_ms: branch.ratingCooldownMs,
      time_zone: branch.timeZone,
      region_id: branch.regionId ?? null,
      created_at: branch.createdAt,
    })
    .execute();
  return { ...branch, regionId: branch.regionId ?? null, speech: false, voices: { ...DEFAULT_VOICES }, configVersion: 1 };
}

/**
 * Applies changes and bumps the config version, so devices pull the new configuration. New
 * voices join the stored ones: setting zh-Hant leaves Spanish's as it was.
 */
export async function updateBranch(db: Kysely<Database>, id: string, changes: BranchChanges): Promise<boolean> {
  let voices: string | undefined;
  if (changes.voices !== undefined) {
    const row = await db.selectFrom('branches').select('voices').where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    voices = JSON.stringify({ ...(row.voices ? (JSON.parse(row.voices) as Partial<Voices>) : {}), ...changes.voices });
  }
  const result = await db
    .updateTable('branches')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.defaultLanguage !== undefined && { default_language: changes.defaultLanguage }),
      ...(changes.ratingCooldownMs !== undefined && { rating_cooldown_ms: changes.ratingCooldownMs }),
      ...(changes.speech !== undefined && { speech_enabled: changes.speech ? 1 : 0 }),
      ...(changes.timeZone !== undefined && { time_zone: changes.timeZone }),
      ...(voices !== undefined && { voices }),
      config_version: sql<number>`config_version + 1`,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Bumps the config version after an edit of something the branch's devices hold, e.g. a counter. */
export async function bumpConfigVersion(db: Kysely<Database>, id: string): Promise<void> {
  await db
    .updateTable('branches')
    .set({ config_version: sql<number>`config_version + 1` })
    .where('id', '=', id)
    .execute();
}

/** Bumps the config version of each branch named, after a change their devices hold, such as a survey's schedule. */
export async function bumpConfigVersionsOf(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('branches')
    .set({ config_version: sql<number>`config_version + 1` })
    .where('id', 'in', [...ids])
    .execute();
}

/** Bumps every branch's config version after a network-wide change, such as the reply deadlines. */
export async function bumpEveryConfigVersion(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable('branches')
    .set({ config_version: sql<number>`config_version + 1` })
    .execute();
}
