/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types: it is frozen in time */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

// The dashboard's roll-ups, day close, and dashboard accounts with sessions.
// Frozen in time like 0001–0005: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const COUNT = (c: any) => c.notNull().defaultTo(0);

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);

  // A report day is the branch's calendar day. Branches so far had no zone: they are UTC
  // until an admin sets theirs (which recomputes their days and roll-ups).
  await db.schema.alterTable('branches').addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC')).execute();

  // The day a record was made, in its branch's zone, stamped on ingest: roll-ups group by
  // it in the same statement that stores the record (PostgreSQL's one-statement push).
  for (const table of ['ratings', 'opinions']) {
    await db.schema.alterTable(table).addColumn('day', 'text', (c) => c.notNull().defaultTo('')).execute();
    const utcDay = pg
      ? sql`to_char(to_timestamp(created_at / 1000.0) at time zone 'UTC', 'YYYY-MM-DD')`
      : sql`strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')`;
    await db.updateTable(table).set({ day: utcDay }).execute();
  }

  // Roll-ups, kept on ingest in the transaction that stores the records (decision 0008).
  // Keys hold '' rather than null (a rating stored before tellers existed has no teller),
  // because a null in a primary key is neither equal nor unique.
  await db.schema
    .createTable('rating_days')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('teller_id', 'text', (c) => c.notNull())
    .addColumn('very_satisfied', 'bigint', COUNT)
    .addColumn('satisfied', 'bigint', COUNT)
    .addColumn('neutral', 'bigint', COUNT)
    .addColumn('dissatisfied', 'bigint', COUNT)
    .addPrimaryKeyConstraint('rating_days_pk', ['branch_id', 'day', 'counter_id', 'teller_id'])
    .execute();
  // Head office's reports cover every branch for a few days: by day first, not a scan of years.
  await db.schema.createIndex('rating_days_day').on('rating_days').columns(['day', 'branch_id']).execute();

  // One row per branch and day: the overview and the branch comparison of head office read
  // a year of a thousand branches from 365,000 rows.
  await db.schema
    .createTable('rating_branch_days')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('very_satisfied', 'bigint', COUNT)
    .addColumn('satisfied', 'bigint', COUNT)
    .addColumn('neutral', 'bigint', COUNT)
    .addColumn('dissatisfied', 'bigint', COUNT)
    .addPrimaryKeyConstraint('rating_branch_days_pk', ['branch_id', 'day'])
    .execute();
  await db.schema.createIndex('rating_branch_days_day').on('rating_branch_days').columns(['day', 'branch_id']).execute();

  await db.schema
    .createTable('rating_reason_days')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('teller_id', 'text', (c) => c.notNull())
    .addColumn('reason_id', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', COUNT)
    .addPrimaryKeyConstraint('rating_reason_days_pk', ['branch_id', 'day', 'counter_id', 'teller_id', 'reason_id'])
    .execute();
  await db.schema.createIndex('rating_reason_days_day').on('rating_reason_days').columns(['day', 'branch_id']).execute();

  await db.schema
    .createTable('opinion_days')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('opinion_kind', 'text', (c) => c.notNull())
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', COUNT)
    .addColumn('with_contact', 'bigint', COUNT)
    .addPrimaryKeyConstraint('opinion_days_pk', ['branch_id', 'day', 'opinion_kind', 'topic_id'])
    .execute();
  await db.schema.createIndex('opinion_days_day').on('opinion_days').columns(['day', 'branch_id']).execute();

  // Each case as the server's fold last left it: the open ones are read for "open" and
  // "overdue" (a deadline depends on now and on the network's settings, so it is not stored).
  await db.schema
    .createTable('complaint_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('opened_day', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('topic_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    /** The whole folded case (domain ComplaintCase) as JSON text. */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('complaint_cases_branch_status').on('complaint_cases').columns(['branch_id', 'status']).execute();
  // Head office's open cases of every branch: by status first, not a scan of every case ever.
  await db.schema.createIndex('complaint_cases_status').on('complaint_cases').columns(['status', 'branch_id']).execute();
  await db.schema.createIndex('complaint_cases_branch_day').on('complaint_cases').columns(['branch_id', 'opened_day']).execute();

  // Cases by the day they were opened: each change of a case moves its counts (a tally delta).
  await db.schema
    .createTable('case_days')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('topic_id', 'text', (c) => c.notNull())
    .addColumn('opened', 'bigint', COUNT)
    .addColumn('replied', 'bigint', COUNT)
    .addColumn('followed_up', 'bigint', COUNT)
    .addColumn('at_fault', 'bigint', COUNT)
    .addColumn('not_at_fault', 'bigint', COUNT)
    .addColumn('escalated', 'bigint', COUNT)
    .addColumn('signed_off', 'bigint', COUNT)
    .addPrimaryKeyConstraint('case_days_pk', ['branch_id', 'day', 'channel', 'topic_id'])
    .execute();
  await db.schema.createIndex('case_days_day').on('case_days').columns(['day', 'branch_id']).execute();

  // Day close: the first "close day" of a branch's day, and the manager's confirmation.
  await db.schema
    .createTable('day_closes')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('started_by', 'text')
    .addColumn('started_device_id', 'text')
    .addColumn('confirmed_at', 'bigint')
    .addColumn('confirmed_by', 'text')
    /** JSON array of the devices not synced when confirmed. */
    .addColumn('gaps', 'text')
    .addPrimaryKeyConstraint('day_closes_pk', ['branch_id', 'day'])
    .execute();

  // Dashboard accounts: a roster member (role and branch from the roster) or head office.
  // The password is a self-describing scrypt string; sessions keep only a token's hash.
  await db.schema
    .createTable('staff_accounts')
    .addColumn('staff_number', 'text', (c) => c.primaryKey())
    .addColumn('teller_id', 'text', (c) => c.unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('head_office', 'integer', COUNT)
    .addColumn('password', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_number', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_staff_number').on('sessions').column('staff_number').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['sessions', 'staff_accounts', 'day_closes', 'case_days', 'complaint_cases', 'opinion_days', 'rating_reason_days', 'rating_branch_days', 'rating_days']) {
    await db.schema.dropTable(table).execute();
  }
  for (const table of ['opinions', 'ratings']) await db.schema.alterTable(table).dropColumn('day').execute();
  await db.schema.alterTable('branches').dropColumn('time_zone').execute();
}
