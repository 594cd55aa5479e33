/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import type { Kysely } from 'kysely';

// Replacing a broken tablet from the dashboard's fleet: an enrollment code may name the
// device it replaces (null: an ordinary code). The tablet that enrolls with it revokes that
// device in the same transaction and takes its place label. The place label is what staff
// call a tablet ("Window 3, left"): devices.label keeps the browser the tablet enrolled
// with. Frozen in time like 0001–0010: Kysely<any>, nothing from src/.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enrollment_codes').addColumn('replaces_device_id', 'text', (col) => col.references('devices.id')).execute();
  await db.schema.alterTable('devices').addColumn('place_label', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('devices').dropColumn('place_label').execute();
  await db.schema.alterTable('enrollment_codes').dropColumn('replaces_device_id').execute();
}
