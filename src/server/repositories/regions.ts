import type { Kysely } from 'kysely';
import type { Database, RegionRow } from '../db/schema.ts';

/** A region: branches grouped under one regional manager. */
export type Region = { id: string; name: string; createdAt: number };

const regionRowToRegion = (row: RegionRow): Region => ({ id: row.id, name: row.name, createdAt: row.created_at });

/** Every region, by name. */
export async function listRegions(db: Kysely<Database>): Promise<Region[]> {
  const rows = await db.selectFrom('regions').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(regionRowToRegion);
}

export async function findRegion(db: Kysely<Database>, id: string): Promise<Region | undefined> {
  const row = await db.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && regionRowToRegion(row);
}

/** A region by its name, compared without regard to case: two regions may not share one. */
export async function findRegionByName(db: Kysely<Database>, name: string): Promise<Region | undefined> {
  const wanted = name.toLowerCase();
  return (await listRegions(db)).find((region) => region.name.toLowerCase() === wanted);
}

export async function insertRegion(db: Kysely<Database>, region: Region): Promise<void> {
  await db.insertInto('regions').values({ id: region.id, name: region.name, created_at: region.createdAt }).execute();
}

/** Renames a region; false when there is none. */
export async function renameRegion(db: Kysely<Database>, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('regions').set({ name }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The ids of a region's branches, as they are now. */
export async function branchIdsOfRegion(db: Kysely<Database>, regionId: string): Promise<string[]> {
  const rows = await db.selectFrom('branches').select('id').where('region_id', '=', regionId).orderBy('id').execute();
  return rows.map((row) => row.id);
}

/** Puts a branch in a region, or in none (null); false when there is no such branch. */
export async function setBranchRegion(db: Kysely<Database>, branchId: string, regionId: string | null): Promise<boolean> {
  const result = await db.updateTable('branches').set({ region_id: regionId }).where('id', '=', branchId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
