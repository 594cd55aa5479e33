/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import { PostgresAdapter, type Kysely } from 'kysely';

// Customers' personal data gets a lifecycle (docs/privacy.md): an append-only audit log of
// who saw, exported or erased it; marks on what retention or an erasure has blanked; a feed
// of those blankings for the tablets; and a claim per day so that one server runs the purge.
// Frozen in time like 0001–0007: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const seqColumn = (db: Kysely<any>) => [
  'seq',
  isPostgres(db) ? 'bigint' : 'integer',
  (c: any) => (isPostgres(db) ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement()),
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // One row per act on personal data: a view of contact details or customers' words, an
  // export, an erasure, a purge. `actor` is who did it as the server verified them (a staff
  // id with its staff session, a dashboard account's staff number, the operating-system
  // account of a CLI run), `verified` how. `detail` is JSON of counts and record ids, never
  // the data itself. Nothing updates a row; only the log's own retention deletes.
  const [name, type, build] = seqColumn(db);
  await db.schema
    .createTable('audit_log')
    .addColumn(name, type, build)
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('verified', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('address', 'text')
    .addColumn('branch_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  // Whether an entry came with contact details, kept when they are blanked: the roll-ups,
  // rebuilt from the rows, must still count it as an entry with contact.
  await db.schema.alterTable('opinions').addColumn('had_contact', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db
    .updateTable('opinions')
    .set({ had_contact: 1 })
    .where((eb: any) => eb.or([eb('contact_phone', '<>', ''), eb('contact_email', '<>', '')]))
    .execute();
  // The version of the consent text the customer agreed to with their contact details; null
  // for entries without contact details, and for those made before versions (version 1).
  await db.schema.alterTable('opinions').addColumn('consent_version', 'integer').execute();
  // When the contact details, and the customer's words, were blanked (retention or erasure).
  await db.schema.alterTable('opinions').addColumn('contact_blanked_at', 'bigint').execute();
  await db.schema.alterTable('opinions').addColumn('text_blanked_at', 'bigint').execute();
  await db.schema.createIndex('opinions_received_at').on('opinions').column('received_at').execute();
  await db.schema.alterTable('case_events').addColumn('text_blanked_at', 'bigint').execute();
  await db.schema.alterTable('complaint_cases').addColumn('text_blanked_at', 'bigint').execute();

  // What was blanked, in order, for the tablets: at its next sync a lobby tablet removes its
  // own copies (case events, entries under review) of every subject after its cursor.
  const [seq, seqType, seqBuild] = seqColumn(db);
  await db.schema
    .createTable('blankings')
    .addColumn(seq, seqType, seqBuild)
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('blankings_branch_id_seq').on('blankings').columns(['branch_id', 'seq']).execute();

  // A daily job is claimed by inserting its day: with several servers on one database, the
  // one whose insert lands runs it, the others see the row and skip.
  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('detail', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'day'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_runs').execute();
  await db.schema.dropTable('blankings').execute();
  await db.schema.alterTable('complaint_cases').dropColumn('text_blanked_at').execute();
  await db.schema.alterTable('case_events').dropColumn('text_blanked_at').execute();
  await db.schema.dropIndex('opinions_received_at').execute();
  for (const column of ['text_blanked_at', 'contact_blanked_at', 'consent_version', 'had_contact']) {
    await db.schema.alterTable('opinions').dropColumn(column).execute();
  }
  await db.schema.dropTable('audit_log').execute();
}
