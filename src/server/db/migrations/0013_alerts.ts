/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import { PostgresAdapter, type Kysely } from 'kysely';

// Alerts close the loop while the customer is still in the branch: rules per network and
// branch raise alerts from ratings, opinion-box entries, the day's figures and cases; each
// change of an alert is an event in order (the dashboard's live stream reads them by seq);
// every event and digest due to an outside system waits in `notifications` until a webhook
// or an SMTP server took it, with each attempt logged. Frozen in time like 0001–0012:
// Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const seqColumn = (db: Kysely<any>) =>
  [
    'seq',
    isPostgres(db) ? 'bigint' : 'integer',
    (c: any) => (isPostgres(db) ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement()),
  ] as const;

export async function up(db: Kysely<any>): Promise<void> {
  // A rule by kind for the whole network (branch_id '') or one branch, whose row wins.
  await db.schema
    .createTable('alert_rules')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('ack_minutes', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_rules_pk', ['branch_id', 'kind'])
    .execute();

  const [seq, seqType, seqBuild] = seqColumn(db);
  await db.schema
    .createTable('alerts')
    .addColumn(seq, seqType, seqBuild)
    .addColumn('id', 'text', (c) => c.notNull().unique())
    // What the alert is about, once: a second server, a sweep or a record sent again finds it taken.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text')
    .addColumn('teller_id', 'text')
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('escalate_at', 'bigint')
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_name', 'text')
    .addColumn('acknowledged_via', 'text')
    .addColumn('comment', 'text')
    .addColumn('case_id', 'text')
    .execute();
  await db.schema.createIndex('alerts_branch_id_raised_at').on('alerts').columns(['branch_id', 'raised_at']).execute();
  await db.schema.createIndex('alerts_escalate_at').on('alerts').column('escalate_at').execute();

  const [eseq, eseqType, eseqBuild] = seqColumn(db);
  await db.schema
    .createTable('alert_events')
    .addColumn(eseq, eseqType, eseqBuild)
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_events_branch_id_seq').on('alert_events').columns(['branch_id', 'seq']).execute();

  // Where alerts and digests go outside: a webhook for the network (no region, no branch), a region or a branch.
  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('region_id', 'text')
    .addColumn('branch_id', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('email_recipients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('region_id', 'text')
    .addColumn('branch_id', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // One message to one target, made in the transaction of what it tells, then delivered by
  // whichever server leases it first; `body` is fixed when it is made, so a replay sends the same.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('branch_id', 'text')
    .addColumn('region_id', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    // Who asked for the next try by hand (a replay); the try takes it into its log row and clears it.
    .addColumn('replay_by', 'text')
    .addUniqueConstraint('notifications_target_subject', ['channel', 'target_id', 'subject_kind', 'subject_id'])
    .execute();
  await db.schema.createIndex('notifications_status_next').on('notifications').columns(['status', 'next_attempt_at']).execute();
  const [aseq, aseqType, aseqBuild] = seqColumn(db);
  await db.schema
    .createTable('notification_attempts')
    .addColumn(aseq, aseqType, aseqBuild)
    .addColumn('notification_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('replay_by', 'text')
    .execute();
  await db.schema.createIndex('notification_attempts_notification').on('notification_attempts').columns(['notification_id', 'seq']).execute();

  // A burst of low ratings at one counter is read by the counter and the ratings' own time.
  await db.schema.createIndex('ratings_counter_id_created_at').on('ratings').columns(['counter_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('ratings_counter_id_created_at').execute();
  for (const table of ['notification_attempts', 'notifications', 'email_recipients', 'webhooks', 'alert_events', 'alerts', 'alert_rules']) {
    await db.schema.dropTable(table).execute();
  }
}
