/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import type { Kysely } from 'kysely';

// A branch-day's mark counts the changes made to the day since it was set (decision 0029):
// the matcher derives a day without holding its mark, and takes the mark away only if no
// change came while it derived. Marks already there start at 0. Frozen in time like
// 0001–0015: Kysely<any>, nothing from src/.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('match_dirty').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('match_dirty').dropColumn('version').execute();
}
