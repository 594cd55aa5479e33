/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types: it is frozen in time */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Complaint cases. Frozen in time like 0001–0003: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  // The roster is the branch's staff: 'teller', 'lobby-staff', 'complaint-manager' or
  // 'branch-manager'. Everyone on it so far was a teller.
  await db.schema.alterTable('tellers').addColumn('role', 'text', (c) => c.notNull().defaultTo('teller')).execute();

  // Case events are pushed like opinions (arrival seq, unique device-made id, no foreign keys
  // on the hot path), and the server's fold is kept with each: 'applied', or 'refused' with
  // the state machine's reason and message. `payload` is the whole event as JSON text, so a
  // device pulls back exactly what was pushed; the other columns are for queries.
  await db.schema
    .createTable('case_events')
    .addColumn('seq', isPostgres(db) ? 'bigint' : 'integer', (c) =>
      isPostgres(db) ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('message', 'text')
    .execute();
  // The pull by cursor reads a branch in seq order; ingest folds one case in seq order.
  await db.schema.createIndex('case_events_branch_id_seq').on('case_events').columns(['branch_id', 'seq']).execute();
  await db.schema.createIndex('case_events_case_id_seq').on('case_events').columns(['case_id', 'seq']).execute();
  // The roster's role travels in the device configuration now: every branch's tablets pull it anew.
  await db.updateTable('branches').set({ config_version: sql`config_version + 1` }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_events').execute();
  await db.schema.alterTable('tellers').dropColumn('role').execute();
}
