import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type SqliteDatabase,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { makePrivateDir, makePrivateFile, restrictIfPresent } from '../private-files.ts';
import type { Database } from './schema.ts';

export type DialectName = 'sqlite' | 'postgres';

/** An open database; `destroy()` closes its connections. */
export type DatabaseHandle = {
  db: Kysely<Database>;
  dialect: DialectName;
  destroy(): Promise<void>;
};

export type DatabaseOptions = {
  /** A postgres:// or postgresql:// URL selects PostgreSQL. */
  url?: string;
  /** The SQLite file used when there is no PostgreSQL URL. */
  sqliteFile?: string;
};

export const DEFAULT_DATA_DIR = './data';
export const SQLITE_FILE_NAME = 'branchvoice.sqlite';

/** True when the URL names a PostgreSQL server. */
export const isPostgresUrl = (url: string | undefined): url is string =>
  url !== undefined && /^postgres(ql)?:\/\//.test(url);

/** True for a Kysely instance (or transaction) on PostgreSQL: for the few statements that differ. */
export const isPostgres = (db: Kysely<Database>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** Opens SQLite (the default) or PostgreSQL; one `create...()` per process or test (no hidden singletons). */
export function createDatabase(options: DatabaseOptions = {}): DatabaseHandle {
  if (isPostgresUrl(options.url)) return openPostgres(options.url);
  return openSqlite(options.sqliteFile ?? join(DEFAULT_DATA_DIR, SQLITE_FILE_NAME));
}

/** Reads DATABASE_URL and DATA_DIR the same way for the server and the admin CLI. */
export function createDatabaseFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseHandle {
  return createDatabase({
    url: env.DATABASE_URL,
    sqliteFile: join(env.DATA_DIR || DEFAULT_DATA_DIR, SQLITE_FILE_NAME),
  });
}

function openSqlite(file: string): DatabaseHandle {
  // Only the server's own account may read the database: it holds customers' contact details.
  makePrivateDir(dirname(file));
  makePrivateFile(file);
  const sqlite = new SQLite(file);
  // WAL lets the admin CLI read while the server writes; busy_timeout makes a second
  // process wait for the write lock instead of failing at once.
  sqlite.pragma('journal_mode = WAL');
  // A device deletes a record once we acknowledge it, so an acknowledged batch must survive
  // a power cut: sync the WAL at every commit (NORMAL would be faster and could lose it).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite makes its -wal and -shm with the database file's mode; these may be older than that.
  for (const suffix of ['-wal', '-shm']) restrictIfPresent(file + suffix);
  const path = resolve(file);
  connectionsTo.set(path, (connectionsTo.get(path) ?? 0) + 1);
  const alone = () => connectionsTo.get(path) === 1;
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, alone) });
  let destroyed = false;
  const destroy = async () => {
    if (!destroyed) connectionsTo.set(path, connectionsTo.get(path)! - 1);
    destroyed = true;
    await db.destroy();
  };
  return { db, dialect: 'sqlite', destroy };
}

const STATEMENT_CACHE_SIZE = 64;

/**
 * Kysely prepares every query afresh; SQLite then parses the SQL again, which for a 200-row
 * insert (1,800 parameters) costs about as much as validating the batch. Our queries repeat
 * the same few texts, so prepared statements are kept by text (least recently used out).
 * Safe because Kysely runs each statement to completion (all/run) before the next.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) cache.delete(text);
      else statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return statement;
    },
  };
}

/**
 * Every transaction of ours writes, so it starts with BEGIN IMMEDIATE: it takes the write
 * lock at once and waits (busy_timeout) for another process, instead of failing when a
 * read turns into a write. With that, migrations can run in a transaction too (SQLite has
 * transactional DDL), and a server and an admin CLI starting together on a new file do not
 * both try to create the tables.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #alone: () => boolean;
  constructor(config: SqliteDialectConfig, alone: () => boolean) {
    super(config);
    this.#config = config;
    this.#alone = alone;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config, this.#alone);
  }
  override createAdapter() {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  readonly #alone: () => boolean;
  constructor(config: SqliteDialectConfig, alone: () => boolean) {
    super(config);
    this.#alone = alone;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /**
   * The connection, whose statements give the event loop a turn when this one has lasted long
   * enough (takeTurns), while it is the process's only connection to its file. A second one in
   * the same thread (tests standing in for two servers) would wait for the first's write lock
   * with the thread blocked (busy_timeout), and the first could never finish its transaction:
   * then statements run at once, as before.
   */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    return {
      executeQuery: async (query) => {
        if (this.#alone()) await takeTurns();
        return connection.executeQuery(query);
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }
}

/** How long the statements of SQLite run before they let the event loop take a turn. */
const TURN_MS = 2;
let turnStartedAt = performance.now();

/**
 * better-sqlite3 runs each statement at once, in this thread, and Kysely resolves its promise
 * as a microtask: without a pause, a push's dozens of statements, and a group commit's
 * hundreds (db/group-commit.ts), ran in one turn of the event loop, 100–200 ms at day end.
 * Meanwhile no socket is read, no push is turned away with its time to come back, and libuv
 * accepts one new connection per turn: a thousand tablets connecting at once waited up to
 * half a minute to be heard (`npm run load`). So before a statement, once the statements of
 * this turn have run for TURN_MS, the loop gets its turn (setImmediate, after its I/O) and
 * the statement runs in the next. A transaction stays open across the pause; the other
 * requests' statements wait for its connection, as they always did.
 */
async function takeTurns(): Promise<void> {
  const at = performance.now();
  if (at - turnStartedAt < TURN_MS) return;
  await new Promise((resolve) => setImmediate(resolve));
  turnStartedAt = performance.now();
}

/** How many connections this process has open to each SQLite file, by its full path. */
const connectionsTo = new Map<string, number>();

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

// bigint columns (times, seq) come back from pg as strings by default; epoch ms and our
// sequences fit a double for 285,000 years, so both databases return plain numbers.
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
  // An idle connection can drop (a PostgreSQL restart, a failover); the pool replaces it on
  // the next query, and without a listener the error would end the whole process.
  pool.on('error', () => {});
  // So can one checked out between two statements of a transaction: the pool listens only to
  // idle clients, so the client's 'error' would end the process (`pg_ctl stop -m fast` in that
  // window did, tests/faults/postgres-restart.test.ts). With a listener, the next
  // statement fails ("not queryable"), the transaction rolls back, the request answers 503,
  // and the pool drops the client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', destroy: () => db.destroy() };
}
