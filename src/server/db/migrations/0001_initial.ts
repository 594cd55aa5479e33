/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types: it is frozen in time */
import { PostgresAdapter, type Kysely } from 'kysely';

// Migrations are frozen in time: they take Kysely<any> and import nothing from src/
// (docs/architecture.md, "Adding a record kind"), so later changes to the app's types cannot rewrite history.

/** The one place the two databases differ: how the arrival sequence is generated. */
function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('branches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('default_language', 'text', (c) => c.notNull())
    .addColumn('rating_cooldown_ms', 'integer', (c) => c.notNull().defaultTo(3000))
    .addColumn('config_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('counters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('counters_branch_id').on('counters').column('branch_id').execute();

  await db.schema
    .createTable('devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('counter_id', 'text', (c) => c.references('counters.id'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_seen_at', 'bigint')
    .addColumn('health', 'text')
    .execute();
  await db.schema.createIndex('devices_branch_id').on('devices').column('branch_id').execute();

  // device_id has no foreign key: enrollment claims the code first (so two tablets racing
  // for one code cannot both win) and only then inserts the device, in one transaction.
  await db.schema
    .createTable('enrollment_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('counter_id', 'text', (c) => c.references('counters.id'))
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('device_id', 'text')
    .execute();

  // Ratings are the hot path: no foreign keys here (each would cost a lookup per row on
  // ingest); the push route has already checked branch and counter against the device.
  await db.schema
    .createTable('ratings')
    .addColumn('seq', isPostgres(db) ? 'bigint' : 'integer', (c) =>
      isPostgres(db) ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('score', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ratings_branch_id_received_at')
    .on('ratings')
    .columns(['branch_id', 'received_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['ratings', 'enrollment_codes', 'devices', 'counters', 'branches']) {
    await db.schema.dropTable(table).execute();
  }
}
