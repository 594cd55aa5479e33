/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types: it is frozen in time */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Who was at the window: tellers, their reasons and shifts. Frozen in time like 0001: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The reasons every branch started with when this migration was written; a copy, not an
 * import, so that editing today's defaults cannot change what an old database was given.
 */
const REASONS_2026_11 = [
  ['waiting-time', '等候时间太长', '等候時間太長', 'Waited too long', 'Esperé demasiado'],
  ['attitude', '服务态度', '服務態度', 'Staff attitude', 'Actitud del personal'],
  ['professionalism', '业务不熟练', '業務不熟練', 'Not knowledgeable', 'Poco conocimiento'],
  ['speed', '办理速度慢', '辦理速度慢', 'Slow service', 'Atención lenta'],
  ['explanation', '解释不清楚', '解釋不清楚', 'Unclear explanation', 'Explicación poco clara'],
  ['environment', '网点环境', '網點環境', 'Branch environment', 'Entorno de la oficina'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // Booleans are integers 0/1 on both databases, so rows read back alike.
  await db.schema
    .createTable('tellers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('staff_number', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('photo', 'text') // a data URL, at most a few hundred KB
    .addColumn('stars', 'integer', (c) => c.notNull())
    .addColumn('pin_salt', 'text', (c) => c.notNull())
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('pin_iterations', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('tellers_branch_id_staff_number', ['branch_id', 'staff_number'])
    .execute();

  await db.schema
    .createTable('reasons')
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('scores', 'text', (c) => c.notNull()) // JSON array
    .addColumn('labels', 'text', (c) => c.notNull()) // JSON object by language
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('reasons_pk', ['branch_id', 'id'])
    .execute();

  // SQLite adds one column per ALTER TABLE.
  await db.schema.alterTable('branches').addColumn('speech_enabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Nullable: ratings stored before this migration have no teller, and must stay as they were.
  await db.schema.alterTable('ratings').addColumn('teller_id', 'text').execute();
  await db.schema.alterTable('ratings').addColumn('sign_in_id', 'text').execute();
  await db.schema
    .createIndex('ratings_branch_id_teller_id_received_at')
    .on('ratings')
    .columns(['branch_id', 'teller_id', 'received_at'])
    .execute();

  // Pushed beside ratings, so built like them: arrival seq, unique device-made id, no
  // foreign keys on the hot path (the push route checks branch, counter and teller).
  await db.schema
    .createTable('shift_events')
    .addColumn('seq', isPostgres(db) ? 'bigint' : 'integer', (c) =>
      isPostgres(db) ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('teller_id', 'text', (c) => c.notNull())
    .addColumn('sign_in_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('shift_events_branch_id_teller_id_received_at')
    .on('shift_events')
    .columns(['branch_id', 'teller_id', 'received_at'])
    .execute();

  // Branches that already exist get the reasons a new branch gets, and a new config
  // version, so their tablets pull the configuration in its new shape at their next sync.
  const branches = (await db.selectFrom('branches').select('id').execute()) as { id: string }[];
  for (const { id } of branches) {
    await db
      .insertInto('reasons')
      .values(
        REASONS_2026_11.map(([reason, zhHans, zhHant, en, es], i) => ({
          branch_id: id,
          id: reason,
          scores: JSON.stringify(['neutral', 'dissatisfied']),
          labels: JSON.stringify({ 'zh-Hans': zhHans, 'zh-Hant': zhHant, en, es }),
          position: i + 1,
          active: 1,
        })),
      )
      .execute();
  }
  await db.updateTable('branches').set({ config_version: sql`config_version + 1` }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('shift_events').execute();
  await db.schema.dropIndex('ratings_branch_id_teller_id_received_at').execute();
  await db.schema.alterTable('ratings').dropColumn('sign_in_id').execute();
  await db.schema.alterTable('ratings').dropColumn('teller_id').execute();
  await db.schema.alterTable('branches').dropColumn('speech_enabled').execute();
  await db.schema.dropTable('reasons').execute();
  await db.schema.dropTable('tellers').execute();
}
