/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import { PostgresAdapter, type Kysely } from 'kysely';

// Waiting time and ratings that belong to a real transaction. A branch's queue system tells
// the server each ticket's steps (queue_events, raw and idempotent); everything else here is
// derived from the raw records by the matcher, one branch-day at a time, whenever the branch's
// ratings or queue events of that day change (match_dirty): the tickets, the join of each
// rating to its ticket, the integrity flags and the waiting-time roll-ups. A manager's
// exclusion of a rating is a fact of its own and survives every rebuild.
// Frozen in time like 0001–0013: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const COUNT = (c: any) => c.notNull().defaultTo(0);
/** The waiting-time buckets w0…w25 (domain/queue.ts WAIT_BUCKET_EDGES_MIN: 25 edges, 26 buckets). */
const BUCKETS = Array.from({ length: 26 }, (_, i) => `w${i}`);

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);

  // The offset of the tablet's clock the push reported (server minus tablet, ms), kept with
  // each rating so the join corrects its time the same way on every rebuild; null: unknown.
  await db.schema.alterTable('ratings').addColumn('clock_offset_ms', 'bigint').execute();

  // What the queue system calls each counter ("3", "W03"): unique in the branch, null: not mapped.
  await db.schema.alterTable('counters').addColumn('queue_code', 'text').execute();
  await db.schema.createIndex('counters_branch_queue_code').on('counters').columns(['branch_id', 'queue_code']).unique().execute();

  // A queue system of a branch and the hash of its key (the key is shown once).
  await db.schema
    .createTable('queue_systems')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_seen_at', 'bigint')
    .addColumn('last_address', 'text')
    .execute();
  await db.schema.createIndex('queue_systems_branch').on('queue_systems').column('branch_id').execute();

  // Every ticket event as the queue system told it, once: the same event posted twice, or
  // imported after it was posted, is the same (branch, day, ticket, type, at).
  await db.schema
    .createTable('queue_events')
    .addColumn('seq', pg ? 'bigint' : 'integer', (c: any) => (pg ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('counter_id', 'text')
    .addColumn('service_type', 'text')
    .addColumn('queue_system_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('queue_events_natural', ['branch_id', 'day', 'ticket', 'type', 'at'])
    .execute();

  // Branch-days whose derived rows must be recomputed: ingest and the queue intake mark them.
  await db.schema
    .createTable('match_dirty')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('match_dirty_pk', ['branch_id', 'day'])
    .execute();

  // Each ticket of a branch-day as its events leave it, with the rating the join gave it.
  await db.schema
    .createTable('tickets')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('service_type', 'text')
    .addColumn('counter_id', 'text')
    .addColumn('issued_at', 'bigint')
    .addColumn('called_at', 'bigint')
    .addColumn('started_at', 'bigint')
    .addColumn('ended_at', 'bigint')
    .addColumn('wait_ms', 'bigint')
    .addColumn('service_ms', 'bigint')
    .addColumn('hour', 'integer')
    .addColumn('rating_id', 'text')
    .addColumn('rating_score', 'text')
    .addColumn('rated_at', 'bigint')
    .addPrimaryKeyConstraint('tickets_pk', ['branch_id', 'day', 'ticket'])
    .execute();
  await db.schema.createIndex('tickets_rating_id').on('tickets').column('rating_id').execute();

  // A rating the rules flag, with what the server saw; rewritten with its branch-day.
  await db.schema
    .createTable('rating_flags')
    .addColumn('rating_id', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('teller_id', 'text')
    .addColumn('score', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('corrected_at', 'bigint', (c) => c.notNull())
    .addColumn('kinds', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rating_flags_branch_day').on('rating_flags').columns(['branch_id', 'day']).execute();
  await db.schema.createIndex('rating_flags_day').on('rating_flags').columns(['day', 'branch_id']).execute();

  // A rating a branch manager kept out of the assessment, and why. `day` is the rating's own
  // (ratings.day), the day its roll-up counts were taken from.
  await db.schema
    .createTable('rating_exclusions')
    .addColumn('rating_id', 'text', (c) => c.primaryKey())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('excluded_by', 'text', (c) => c.notNull())
    .addColumn('excluded_name', 'text', (c) => c.notNull())
    .addColumn('excluded_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rating_exclusions_branch_day').on('rating_exclusions').columns(['branch_id', 'day']).execute();

  // Waiting-time roll-ups by the hour of issue: per counter (a branch's detail) and per branch
  // (the network's views). A ticket counts at the counter that served it, '' before it is called.
  const waitColumns = (table: any) => {
    let t = table.addColumn('tickets', 'bigint', COUNT).addColumn('waited', 'bigint', COUNT);
    for (const column of BUCKETS) t = t.addColumn(column, 'bigint', COUNT);
    return t.addColumn('served', 'bigint', COUNT).addColumn('service_ms', 'bigint', COUNT);
  };
  await waitColumns(
    db.schema
      .createTable('wait_days')
      .addColumn('branch_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('counter_id', 'text', (c) => c.notNull())
      .addColumn('hour', 'integer', (c) => c.notNull()),
  )
    .addPrimaryKeyConstraint('wait_days_pk', ['branch_id', 'day', 'counter_id', 'hour'])
    .execute();
  await waitColumns(
    db.schema
      .createTable('wait_hours')
      .addColumn('branch_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('hour', 'integer', (c) => c.notNull())
      // Counters that served a ticket issued in that hour.
      .addColumn('counters', 'bigint', COUNT),
  )
    .addPrimaryKeyConstraint('wait_hours_pk', ['branch_id', 'day', 'hour'])
    .execute();
  await db.schema.createIndex('wait_hours_day').on('wait_hours').columns(['day', 'branch_id']).execute();

  // Ratings joined to a ticket, by the ticket's waiting band; excluded ratings are not counted.
  await db.schema
    .createTable('wait_score_days')
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('counter_id', 'text', (c) => c.notNull())
    .addColumn('band', 'integer', (c) => c.notNull())
    .addColumn('very_satisfied', 'bigint', COUNT)
    .addColumn('satisfied', 'bigint', COUNT)
    .addColumn('neutral', 'bigint', COUNT)
    .addColumn('dissatisfied', 'bigint', COUNT)
    .addPrimaryKeyConstraint('wait_score_days_pk', ['branch_id', 'day', 'counter_id', 'band'])
    .execute();
  await db.schema.createIndex('wait_score_days_day').on('wait_score_days').columns(['day', 'branch_id']).execute();

  // Every branch-day with ratings is checked once after the upgrade (the burst rules need no queue system).
  const days = await db.selectFrom('rating_branch_days').select(['branch_id', 'day']).execute();
  for (let i = 0; i < days.length; i += 500) {
    await db
      .insertInto('match_dirty')
      .values(days.slice(i, i + 500).map((d: any) => ({ branch_id: d.branch_id, day: d.day, marked_at: 0 })))
      .onConflict((oc: any) => oc.doNothing())
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['wait_score_days', 'wait_hours', 'wait_days', 'rating_exclusions', 'rating_flags', 'tickets', 'match_dirty', 'queue_events', 'queue_systems']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('counters_branch_queue_code').execute();
  await db.schema.alterTable('counters').dropColumn('queue_code').execute();
  await db.schema.alterTable('ratings').dropColumn('clock_offset_ms').execute();
}
