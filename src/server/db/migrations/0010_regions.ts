/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import type { Kysely } from 'kysely';

// Regions: the level between head office and the branches. A branch belongs to at most one
// region (null: reported under head office alone); a regional manager's dashboard account
// names its region, and sees and manages that region's branches. Frozen in time like
// 0001–0009: Kysely<any>, nothing from src/.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('regions')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('regions_name').unique().on('regions').column('name').execute();
  await db.schema.alterTable('branches').addColumn('region_id', 'text', (col) => col.references('regions.id')).execute();
  await db.schema.createIndex('branches_region').on('branches').column('region_id').execute();
  await db.schema.alterTable('staff_accounts').addColumn('region_id', 'text', (col) => col.references('regions.id')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('staff_accounts').dropColumn('region_id').execute();
  await db.schema.dropIndex('branches_region').execute();
  await db.schema.alterTable('branches').dropColumn('region_id').execute();
  await db.schema.dropTable('regions').execute();
}
