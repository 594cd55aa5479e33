import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../src/server/db/unavailable.ts';
import { TEST_POSTGRES_URL } from '../../helpers/db.ts';
import { freePort } from '../../faults/given.ts';

// Real errors from real databases: which say "try again shortly" (503) and which say a bug (500).

/** What a promise rejects with. */
const rejection = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

describe('a database error that says the database is unavailable', () => {
  it('given SQLite’s write lock held by another connection past its busy timeout, then SQLITE_BUSY is unavailability', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bv-busy-'));
    const holder = new SQLite(join(dir, 'db.sqlite'));
    const other = new SQLite(join(dir, 'db.sqlite'));
    try {
      holder.pragma('journal_mode = WAL');
      holder.exec('create table t (x integer); begin immediate; insert into t values (1)');
      other.pragma('busy_timeout = 0');
      let thrown: unknown;
      try {
        other.exec('begin immediate');
      } catch (error) {
        thrown = error;
      }
      expect((thrown as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(isDatabaseUnavailable(thrown)).toBe(true);
    } finally {
      holder.close();
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given no PostgreSQL listening, then the refused connection is unavailability', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await freePort(), user: 'postgres' });
    const error = await rejection(client.connect());
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.skipIf(!TEST_POSTGRES_URL)('given PostgreSQL answering, then a bad statement, a duplicate key or a plain bug is not', async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      const syntax = await rejection(client.query('selec 1'));
      const duplicate = await rejection(client.query('create temp table u (id int primary key); insert into u values (1), (1)'));
      expect((syntax as { code?: string }).code).toBe('42601');
      expect((duplicate as { code?: string }).code).toBe('23505');
      expect([syntax, duplicate, new TypeError('x is undefined'), { statusCode: 400, message: 'Bad JSON' }, null].map(isDatabaseUnavailable)).toEqual([false, false, false, false, false]);
    } finally {
      await client.end();
    }
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command', true],
    ['57P03', 'the database system is starting up', true],
    ['08006', 'connection failure', true],
    ['53300', 'sorry, too many clients already', true],
    ['40P01', 'deadlock detected', false],
  ])('given PostgreSQL’s %s (%s), then unavailable is %s', (code, message, expected) => {
    expect(isDatabaseUnavailable(Object.assign(new Error(message), { code }))).toBe(expected);
  });

  it.each([['Connection terminated unexpectedly'], ['Client has encountered a connection error and is not queryable']])('given node-postgres’s “%s”, then it is unavailability', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });
});
