/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import type { Kysely } from 'kysely';

// One-time PINs (decision 0021): a PIN the server made or an admin set must be changed by its
// owner at their first sign-in on a tablet. PINs already in use stay as they are (0): their
// owners have been signing in with them. Frozen in time like 0001–0010: Kysely<any>, nothing
// from src/.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tellers').addColumn('pin_must_change', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tellers').dropColumn('pin_must_change').execute();
}
