import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { expect } from 'vitest';
import type { Score } from '../../src/domain/rating.ts';
import type { Database } from '../../src/server/db/schema.ts';
import { addCounter } from '../../src/server/services/branches.ts';
import { issueEnrollmentCode } from '../../src/server/services/enrollment.ts';
import { rebuildRollups } from '../../src/server/services/report-rollups.ts';
export { seededRandom } from '../../src/server/demo/random.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { setMeta } from '../../src/store/meta.ts';
import { recordRating } from '../../src/store/ratings.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine, type SyncEngineOptions } from '../../src/sync/engine.ts';
import { BRANCH_ID, TELLER_ID } from '../builders/rating.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { givenBranchWithCounter } from '../server/fixtures.ts';
import { rollupsOf } from '../server/reports/given.ts';
import { ROOT } from '../server/process.ts';

// What every fault test is made of: counter tablets that are the real store and the real
// sync engine on fake-indexeddb, enrolled over HTTP; the server's rows read straight from its
// database; and the one check every fault test ends with.

/** The builders' branch with `count` counters (the first is the builders' COUNTER_ID), and their ids. */
export async function givenBranchWithCounters(database: TestDatabase, count: number, now = Date.now()): Promise<string[]> {
  const { counter } = await givenBranchWithCounter(database);
  const ids = [counter.id];
  for (let i = 1; i < count; i++) {
    const added = await addCounter(database.db, { branchId: BRANCH_ID, name: `Window ${i + 3}` }, now);
    if (!added.ok) throw new Error(added.message);
    ids.push(added.value.id);
  }
  return ids;
}

/** A counter tablet: its own IndexedDB, enrolled at a counter over HTTP, the window open, and its sync engine. */
export interface Tablet {
  readonly name: string;
  readonly db: BranchVoiceDB;
  readonly engine: SyncEngine;
  readonly deviceId: string;
  readonly counterId: string;
  /** Every rating the tablet accepted (the store said saved), in order. */
  readonly written: string[];
  /**
   * Customers tap `count` times; the ids of the ratings saved. `ids`: the ids to save them
   * under, as a tablet cloned from another, or a broken one, would make them.
   */
  rate(count: number, options?: { ids?: readonly string[] }): Promise<string[]>;
  /** How many records wait in the outbox. */
  outboxDepth(): Promise<number>;
  /** Stops the engine and deletes the tablet's database. */
  discard(): Promise<void>;
}

export type TabletOptions = {
  /** The tablet's clock, for its records and its engine; the real one unless given. */
  now?: () => number;
  engine?: Partial<Omit<SyncEngineOptions, 'db' | 'appVersion'>>;
  /** When the server's clock is not the real one, the code is issued at the server's time. */
  serverNow?: number;
};

const SCORE_CYCLE: readonly Score[] = ['very-satisfied', 'satisfied', 'satisfied', 'neutral', 'dissatisfied'];

/** Enrolls a new tablet at `counterId` through `baseUrl` (the server, or a proxy in front of it). */
export async function aCounterTablet(server: Kysely<Database>, baseUrl: string, counterId: string, options: TabletOptions = {}): Promise<Tablet> {
  const now = options.now ?? Date.now;
  const name = `fault-${crypto.randomUUID()}`;
  const db = createDatabase(name);
  const code = await issueEnrollmentCode(server, { counterId }, options.serverNow ?? Date.now());
  if (!code.ok) throw new Error(code.message);
  const enrolled = await enrollDevice(db, { baseUrl }, { code: code.value.code, appVersion: 'fault-test' }, now);
  if (!enrolled.ok) throw new Error(`${enrolled.reason}: ${enrolled.message}`);
  const signInId = uuidv7();
  await setMeta(db, 'shift', { state: 'open', tellerId: TELLER_ID, signInId, since: now() });
  const engine = new SyncEngine({ db, appVersion: 'fault-test', locks: null, now, ...options.engine, http: { baseUrl, ...options.engine?.http } });
  const written: string[] = [];
  return {
    name,
    db,
    engine,
    deviceId: enrolled.value.deviceId,
    counterId,
    written,
    async rate(count, { ids: given } = {}) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const score = SCORE_CYCLE[written.length % SCORE_CYCLE.length]!;
        const reasons = score === 'dissatisfied' ? ['waiting-time'] : score === 'neutral' && written.length % 2 === 0 ? ['attitude', 'fees'] : [];
        const newId = given?.[i] === undefined ? undefined : () => given[i]!;
        const saved = await recordRating(db, { branchId: BRANCH_ID, counterId, tellerId: TELLER_ID, signInId, score, reasons, language: 'en' }, { now, newId });
        if (!saved.ok) throw new Error(`${saved.reason}: ${saved.message}`);
        ids.push(saved.value.id);
        written.push(saved.value.id);
      }
      return ids;
    },
    outboxDepth: () => db.outbox.count(),
    async discard() {
      engine.stop();
      db.close();
      await db.delete();
    },
  };
}

/** The ids of every rating the server holds, and how many rows that is. */
export async function serverRatings(db: Kysely<Database>): Promise<{ ids: Set<string>; rows: number }> {
  const rows = await db.selectFrom('ratings').select('id').execute();
  return { ids: new Set(rows.map((r) => r.id)), rows: rows.length };
}

/** The ratings the branch's day roll-ups count, all days together. */
export async function ratingsRolledUp(db: Kysely<Database>): Promise<number> {
  const rows = await db.selectFrom('rating_branch_days').select(['very_satisfied', 'satisfied', 'neutral', 'dissatisfied']).execute();
  return rows.reduce((sum, r) => sum + Number(r.very_satisfied) + Number(r.satisfied) + Number(r.neutral) + Number(r.dissatisfied), 0);
}

/**
 * The check every fault test ends with: the server holds exactly the ratings the tablets
 * accepted, each once (by id set and by row count), the roll-ups count each once, and they
 * are what a rebuild from the records makes. Answers the figures to print.
 */
export async function expectExactlyOnce(db: Kysely<Database>, accepted: Iterable<string>): Promise<{ records: number; rolledUp: number }> {
  const expected = new Set(accepted);
  const held = await serverRatings(db);
  const missing = [...expected].filter((id) => !held.ids.has(id));
  const extra = [...held.ids].filter((id) => !expected.has(id));
  expect({ missing: missing.length, extra: extra.length }).toEqual({ missing: 0, extra: 0 });
  expect(held.rows).toBe(expected.size);
  const rolledUp = await ratingsRolledUp(db);
  expect(rolledUp).toBe(expected.size);
  await expectRollupsAsRebuilt(db);
  return { records: held.rows, rolledUp };
}

/** The roll-ups kept on ingest equal those rebuilt from the raw records (decision 0009). */
export async function expectRollupsAsRebuilt(db: Kysely<Database>): Promise<void> {
  const kept = await rollupsOf(db);
  const rebuilt = await rebuildRollups(db);
  expect(rebuilt.ok).toBe(true);
  expect(await rollupsOf(db)).toEqual(kept);
}

/** Polls until `check` holds; fails naming `what` after `timeoutMs`. Answers the milliseconds it took. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 20_000, everyMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The real server process (src/server/main.ts, as `npm run server` runs it), on a port of its own. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  /** Sends SIGKILL and resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the server process on SQLite in `dataDir`, or on PostgreSQL at `databaseUrl`. It runs
 * as node --import tsx, not through the tsx binary: that one forwards signals to a child
 * process, and a SIGKILL cannot be forwarded, so it would leave the server running.
 */
export async function startServerProcess(database: { dataDir: string } | { databaseUrl: string }, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
  const env = {
    ...process.env,
    ...extraEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    STATIC_DIR: '/nonexistent/branchvoice-fault-tests',
    DATA_DIR: 'dataDir' in database ? database.dataDir : '',
    DATABASE_URL: 'databaseUrl' in database ? database.databaseUrl : '',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    const onData = () => {
      const match = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return {
    child,
    port,
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
