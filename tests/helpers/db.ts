import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { describe } from 'vitest';
import { createDatabase, type DatabaseHandle, type DialectName } from '../../src/server/db/database.ts';
import { migrateTo, migrateToLatest } from '../../src/server/db/migrate.ts';

/** PostgreSQL for tests, e.g. postgres://postgres@127.0.0.1:5432/postgres; unset skips those suites. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL;

/** A migrated database of its own for one suite; `url` reaches it from another process. */
export type TestDatabase = DatabaseHandle & { url: string };

/**
 * A fresh, migrated database: a temp SQLite file, or a new PostgreSQL database
 * `bv_test_<random>` made through an admin connection and dropped again on destroy().
 * `upTo` stops at an older migration, for tests of an upgrade.
 */
export async function createTestDatabase(kind: DialectName, options: { upTo?: string } = {}): Promise<TestDatabase> {
  const made = kind === 'sqlite' ? await makeSqlite() : await makePostgres();
  const migrated = options.upTo === undefined ? await migrateToLatest(made.db) : await migrateTo(made.db, options.upTo);
  if (!migrated.ok) {
    await made.destroy();
    throw new Error(migrated.message);
  }
  return made;
}

async function makeSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'bv-test-'));
  const url = join(dir, 'branchvoice.sqlite');
  const handle = createDatabase({ sqliteFile: url });
  // The server syncs the WAL at every commit so that an acknowledged batch survives a power
  // cut; a test database need not survive one, and thousands of syncs to disk are minutes of
  // a run. Only this connection: a server or CLI started as a process (the fault drills, the
  // admin tests) opens the file with the server's own settings.
  await sql`pragma synchronous = off`.execute(handle.db);
  return {
    ...handle,
    url,
    destroy: async () => {
      await handle.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function makePostgres(): Promise<TestDatabase> {
  if (!TEST_POSTGRES_URL) throw new Error('TEST_POSTGRES_URL is not set');
  const name = `bv_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    await admin.query(`create database ${name}`);
    // As for SQLite above: a commit need not wait for the disk in a test database, which no
    // crash of this server is asked to keep (the restart drill runs a cluster of its own).
    await admin.query(`alter database ${name} set synchronous_commit = off`);
  });
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const handle = createDatabase({ url: url.toString() });
  return {
    ...handle,
    url: url.toString(),
    destroy: async () => {
      await handle.destroy();
      await dropDatabase(name);
    },
  };
}

/**
 * Drops a test database once its connections have closed. `with (force)` at once would kill
 * connections that are still closing, and their clients would report it as an error.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 0; attempt < 40; attempt++) {
    try {
      await withAdmin((admin) => admin.query(`drop database if exists ${name}`));
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006') throw error; // 55006: still in use
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
}

async function withAdmin(fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await fn(admin);
  } finally {
    await admin.end();
  }
}

/** Empties every table, children first, so each test starts from nothing; in one transaction, one commit. */
export async function clearDatabase(handle: DatabaseHandle): Promise<void> {
  const tables = ['survey_answers', 'survey_responses', 'survey_versions', 'surveys', 'wait_score_days', 'wait_hours', 'wait_days', 'rating_flags', 'tickets', 'rating_exclusions', 'match_dirty', 'queue_events', 'queue_systems', 'notification_attempts', 'notifications', 'alert_events', 'alerts', 'alert_rules', 'webhooks', 'email_recipients', 'audit_log', 'blankings', 'job_runs', 'attempts', 'retired_tokens', 'staff_sessions', 'sessions', 'staff_accounts', 'day_closes', 'case_days', 'complaint_cases', 'opinion_days', 'rating_reason_days', 'rating_branch_days', 'rating_days', 'ratings', 'shift_events', 'opinions', 'opinion_reads', 'case_events', 'settings', 'reasons', 'topics', 'tellers', 'enrollment_codes', 'devices', 'counters', 'branches', 'regions'] as const;
  await handle.db.transaction().execute(async (trx) => {
    for (const table of tables) await trx.deleteFrom(table).execute();
  });
}

/**
 * `describe.each` over SQLite and PostgreSQL. Without TEST_POSTGRES_URL the PostgreSQL
 * suite is still listed, as skipped and saying why, so a green run cannot hide it.
 */
export function describeEachDatabase(name: string, suite: (kind: DialectName) => void): void {
  describe.each(['sqlite' as const])(`${name} (%s)`, suite);
  if (TEST_POSTGRES_URL) describe.each(['postgres' as const])(`${name} (%s)`, suite);
  else {
    warnPostgresSkipped();
    describe.skip(`${name} (PostgreSQL (skipped: TEST_POSTGRES_URL not set))`, () => suite('postgres'));
  }
}

let warned = false;
function warnPostgresSkipped(): void {
  if (warned) return;
  warned = true;
  console.warn('PostgreSQL suites skipped: TEST_POSTGRES_URL not set (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
}
