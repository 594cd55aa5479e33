/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types: it is frozen in time */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// The lobby opinion box. Frozen in time like 0001 and 0002: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const ALL_KINDS = ['complaint', 'suggestion', 'praise', 'question'];

/**
 * The topics every branch started with when this migration was written; a copy, not an
 * import, so that editing today's defaults cannot change what an old database was given.
 */
const TOPICS_2026_11 = [
  ['waiting', '排队等候', '排隊等候', 'Waiting and queues', 'Esperas y colas'],
  ['staff', '员工服务', '員工服務', 'Staff and service', 'Personal y atención'],
  ['fees', '收费', '收費', 'Fees and charges', 'Comisiones y cargos'],
  ['products', '产品与业务', '產品與業務', 'Products and services', 'Productos y servicios'],
  ['self-service', '自助设备与网银', '自助設備與網銀', 'ATMs and online banking', 'Cajeros y banca en línea'],
  ['premises', '网点环境与设施', '網點環境與設施', 'Branch premises', 'Instalaciones de la oficina'],
  ['other', '其他', '其他', 'Something else', 'Otro asunto'],
] as const;

/** Two characters of a 26-letter alphabet: how many devices of a branch can have a prefix. */
const REFERENCE_PREFIXES = 676;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('topics')
    .addColumn('branch_id', 'text', (c) => c.notNull().references('branches.id'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('kinds', 'text', (c) => c.notNull()) // JSON array of opinion kinds
    .addColumn('labels', 'text', (c) => c.notNull()) // JSON object by language
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('topics_pk', ['branch_id', 'id'])
    .execute();

  // Pushed beside ratings, so built like them: arrival seq, unique device-made id, no
  // foreign keys on the hot path (the push route checks branch, topic, counter and teller).
  // The contact columns are all null for an anonymous entry, all set when the customer
  // gave contact details (and with them, their consent to be contacted).
  await db.schema
    .createTable('opinions')
    .addColumn('seq', isPostgres(db) ? 'bigint' : 'integer', (c) =>
      isPostgres(db) ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('opinion_kind', 'text', (c) => c.notNull())
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('visit_score', 'text')
    .addColumn('visit_counter_id', 'text')
    .addColumn('visit_teller_id', 'text')
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('contact_email', 'text')
    .addColumn('wants_reply', 'integer')
    .addColumn('consent', 'integer')
    // Not unique: a device that made a code twice by mistake must not make the whole batch
    // fail again and again; the index is for the complaint manager's look-up by code.
    .addColumn('reference_code', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('opinions_branch_id_received_at').on('opinions').columns(['branch_id', 'received_at']).execute();
  await db.schema.createIndex('opinions_branch_id_reference_code').on('opinions').columns(['branch_id', 'reference_code']).execute();

  // Each device's reference-code prefix (decision 0004): unique in its branch, never reused.
  // Nullable so that adding the column works on a table with rows; NULLs do not collide.
  await db.schema.alterTable('devices').addColumn('reference_prefix', 'integer').execute();
  await db.schema
    .createIndex('devices_branch_id_reference_prefix')
    .on('devices')
    .columns(['branch_id', 'reference_prefix'])
    .unique()
    .execute();

  const branches = (await db.selectFrom('branches').select('id').orderBy('id').execute()) as { id: string }[];
  for (const { id } of branches) {
    await db
      .insertInto('topics')
      .values(
        TOPICS_2026_11.map(([topic, zhHans, zhHant, en, es], i) => ({
          branch_id: id,
          id: topic,
          kinds: JSON.stringify(ALL_KINDS),
          labels: JSON.stringify({ 'zh-Hans': zhHans, 'zh-Hant': zhHant, en, es }),
          position: i + 1,
          active: 1,
        })),
      )
      .execute();
    // Devices enrolled so far get 0, 1, 2… in the order they were enrolled, revoked ones
    // too, so that a prefix once given is never given again. A branch with more devices
    // than prefixes leaves the rest without one (none existed when this was written).
    const devices = (await db
      .selectFrom('devices')
      .select('id')
      .where('branch_id', '=', id)
      .orderBy('enrolled_at')
      .orderBy('id')
      .limit(REFERENCE_PREFIXES)
      .execute()) as { id: string }[];
    for (const [prefix, device] of devices.entries()) {
      await db.updateTable('devices').set({ reference_prefix: prefix }).where('id', '=', device.id).execute();
    }
  }
  // A new config version, so tablets pull the configuration in its new shape (counters, topics).
  await db.updateTable('branches').set({ config_version: sql`config_version + 1` }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // SQLite cannot drop an indexed column: the index goes first.
  await db.schema.dropIndex('devices_branch_id_reference_prefix').execute();
  await db.schema.alterTable('devices').dropColumn('reference_prefix').execute();
  await db.schema.dropTable('opinions').execute();
  await db.schema.dropTable('topics').execute();
}
