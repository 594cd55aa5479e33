/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types: it is frozen in time */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// The daily review of the opinion box, and the network's reply deadlines.
// Frozen in time like 0001–0004: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  // "I have read this entry" marks, pushed like opinions: arrival seq, unique device-made id
  // (a batch sent again is stored once), no foreign keys on the hot path. A table of marks
  // rather than read_at/read_by columns on `opinions`: a second manager's mark is accepted
  // and kept too (who read what is part of the complaint record), an insert that skips a
  // known id is the same idempotent write every pushed kind uses, and opinions stay
  // append-only. The review takes the earliest mark of each opinion as its first read.
  await db.schema
    .createTable('opinion_reads')
    .addColumn('seq', isPostgres(db) ? 'bigint' : 'integer', (c) =>
      isPostgres(db) ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('opinion_id', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('opinion_reads_opinion_id').on('opinion_reads').columns(['opinion_id', 'created_at']).execute();

  // The review asks which case was opened from an entry; the link lives in the 'opened'
  // event's payload, and a column lets both databases find it by index. Nullable: only
  // 'opened' events from an opinion-box entry have one. Events stored so far get theirs here.
  await db.schema.alterTable('case_events').addColumn('opinion_id', 'text').execute();
  const opened = (await db.selectFrom('case_events').select(['id', 'payload']).where('type', '=', 'opened').execute()) as { id: string; payload: string }[];
  for (const { id, payload } of opened) {
    const opinionId = (JSON.parse(payload) as { opinionId?: unknown }).opinionId;
    if (typeof opinionId === 'string') await db.updateTable('case_events').set({ opinion_id: opinionId }).where('id', '=', id).execute();
  }
  await db.schema.createIndex('case_events_opinion_id').on('case_events').column('opinion_id').execute();

  // Network-wide settings set by head office, one row per key, the value as JSON text. A
  // key without a row has its default (reply_within_hours 24, not_on_spot_within_hours 72),
  // so nothing is inserted here and a default changed in code reaches every such network.
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // The deadlines travel in the device configuration now: every branch's tablets pull it anew.
  await db.updateTable('branches').set({ config_version: sql`config_version + 1` }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('settings').execute();
  // SQLite cannot drop an indexed column: the index goes first.
  await db.schema.dropIndex('case_events_opinion_id').execute();
  await db.schema.alterTable('case_events').dropColumn('opinion_id').execute();
  await db.schema.dropTable('opinion_reads').execute();
}
