/* eslint-disable @typescript-eslint/no-explicit-any -- a migration must not know today's table types */
import { PostgresAdapter, type Kysely } from 'kysely';

// Regular satisfaction surveys. Head office writes a questionnaire (surveys, and one row per
// wording in survey_versions, never edited); customers answer it on a lobby tablet (a pushed
// record) or on their own phone by a visit's one-time code. A response keeps the version it
// answered and, from a phone, the code it used: unique, so a code is used once.
// Frozen in time like 0001–0014: Kysely<any>, nothing from src/.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);

  // A survey and its schedule: the days it runs (each branch's own calendar), the branches
  // (JSON array of ids; null: every branch) and the channels (JSON array: lobby, phone).
  await db.schema
    .createTable('surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text', (c) => c.notNull())
    .addColumn('branch_ids', 'text')
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Each wording a survey had (the questionnaire as JSON), kept for as long as its answers are.
  await db.schema
    .createTable('survey_versions')
    .addColumn('survey_id', 'text', (c) => c.notNull().references('surveys.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('questionnaire', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_versions_pk', ['survey_id', 'version'])
    .execute();

  // One customer's answers to one version. `id` is the record's (lobby) or the phone page's;
  // `code_id` the visit code a phone used (unique: once); `day` the answer's day at the branch.
  await db.schema
    .createTable('survey_responses')
    .addColumn('seq', pg ? 'bigint' : 'integer', (c: any) => (pg ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement()))
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('branch_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('counter_id', 'text')
    .addColumn('teller_id', 'text')
    .addColumn('visited_at', 'bigint')
    .addColumn('code_id', 'text', (c) => c.unique())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text')
    // When retention blanked its short-text answers (a customer's words, like an entry's).
    .addColumn('text_blanked_at', 'bigint')
    .execute();
  await db.schema.createIndex('survey_responses_survey_day').on('survey_responses').columns(['survey_id', 'day', 'branch_id']).execute();
  await db.schema.createIndex('survey_responses_branch_day').on('survey_responses').columns(['branch_id', 'day']).execute();

  // The answers one per row (a multiple choice: one row per option chosen), for the reports.
  await db.schema
    .createTable('survey_answers')
    .addColumn('response_id', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('score', 'text')
    .addColumn('value', 'integer')
    .addColumn('option_id', 'text')
    .addColumn('text', 'text')
    .execute();
  await db.schema.createIndex('survey_answers_response').on('survey_answers').column('response_id').execute();
  await db.schema.createIndex('survey_answers_question').on('survey_answers').columns(['survey_id', 'question_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['survey_answers', 'survey_responses', 'survey_versions', 'surveys']) {
    await db.schema.dropTable(table).execute();
  }
}
