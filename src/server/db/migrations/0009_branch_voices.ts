/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import type { Kysely } from 'kysely';

// The locale of the voice that speaks each screen language, per branch: Hong Kong wants
// Traditional Chinese read in Cantonese (zh-HK), not in Mandarin (zh-TW). JSON such as
// {"zh-Hant":"zh-HK"}; null (every branch before this) speaks each language's default.
// Frozen in time like 0001–0008: Kysely<any>, nothing from src/.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('branches').addColumn('voices', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('branches').dropColumn('voices').execute();
}
