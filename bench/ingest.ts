/**
 * Server ingest benchmark: `npx tsx bench/ingest.ts`.
 *
 * Pushes 20,000 fresh records (three times; the median counts) in batches of 200 from 4 concurrent clients over loopback HTTP
 * to our server (SQLite, then PostgreSQL when TEST_POSTGRES_URL or DATABASE_URL is set), and
 * measures beside each a raw baseline in the same run (docs/architecture.md, "Tests"):
 * bare Fastify + a prepared better-sqlite3 multi-row insert; bare Fastify + a pg multi-row
 * insert (and, for reference, that insert with no HTTP). The baselines write to a table made
 * by our migration, so both sides pay for the same indexes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import { PROTOCOL_VERSION } from '../src/domain/wire.ts';
import type { Rating } from '../src/domain/rating.ts';
import type { ShiftEvent } from '../src/domain/shift.ts';
import { buildApp } from '../src/server/app.ts';
import { createDatabase, type DatabaseHandle } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { countRatings } from '../src/server/repositories/ratings.ts';
import { countShiftEvents } from '../src/server/repositories/shift-events.ts';
import { addBranch, addCounter } from '../src/server/services/branches.ts';
import { enrollDevice, issueEnrollmentCode } from '../src/server/services/enrollment.ts';
import { addTeller } from '../src/server/services/tellers.ts';
import { aRating, aShiftEvent } from '../tests/builders/rating.ts';

const RECORDS = 20_000;
const BATCH = 200;
const CLIENTS = 4;
const WARMUP_BATCHES = 10;
const ROUNDS = 3;
const BUDGET = { sqlite: 30_000, postgres: 40_000 };

type Row = { path: string; perSecond: number; baseline?: number; budget?: number; aim?: number };

/** PostgreSQL's ingest is held to this share of its baseline's rate, measured in the same run. */
const RATIO_AIM = { postgres: 0.8 };

const COLUMNS = ['id', 'branch_id', 'counter_id', 'device_id', 'teller_id', 'sign_in_id', 'score', 'reasons', 'language', 'created_at', 'received_at'];
const valuesOf = (r: Rating, deviceId: string, receivedAt: number) => [
  r.id, r.branchId, r.counterId, deviceId, r.tellerId, r.signInId, r.score, JSON.stringify(r.reasons), r.language, r.createdAt, receivedAt,
];

type Scope = { branchId: string; counterId: string; tellerId: string };

/** Batches of ratings only, as the baselines store them. */
function batches(count: number, scope: Scope): Rating[][] {
  return Array.from({ length: count }, () => Array.from({ length: BATCH }, () => aRating(scope)));
}

/**
 * Batches as a counter sends them: mostly ratings, and a shift event now and then (a
 * sign-in, a pause; one in 200 is more than a real shift has), so both inserts run.
 */
function mixedBatches(count: number, scope: Scope): (Rating | ShiftEvent)[][] {
  return batches(count, scope).map(([, ...ratings]) => [aShiftEvent({ ...scope, type: 'paused' }), ...ratings]);
}

/**
 * Runs `work` over the batches from CLIENTS workers at once; answers records per second.
 * Worker i stands for device i: a device pushes one batch at a time (its sync engine holds
 * a Web Lock), so concurrency comes from several devices, as in a branch.
 */
async function drive<T>(items: T[], work: (item: T, worker: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, worker) => {
      while (next < items.length) await work(items[next++]!, worker);
    }),
  );
  return (items.length * BATCH) / ((performance.now() - started) / 1000);
}

/**
 * A warm-up, then ROUNDS measured runs of fresh records; the median, as one run of 20,000
 * lasts well under a second and another process can steal a core from it.
 */
async function rounds<T>(make: () => T[], work: (item: T, worker: number) => Promise<void>): Promise<number> {
  await drive(make().slice(0, WARMUP_BATCHES), work);
  const results: number[] = [];
  for (let i = 0; i < ROUNDS; i++) results.push(await drive(make(), work));
  return results.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

/** POSTs pre-serialised bodies, so the client's JSON.stringify is not measured. */
function pusher(baseUrl: string, tokens: string[]) {
  return async (body: string, worker: number) => {
    const token = tokens[worker % tokens.length];
    const response = await fetch(`${baseUrl}/api/sync/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    if (response.status !== 200) throw new Error(`push answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const bodies = (list: (Rating | ShiftEvent)[][]) => list.map((records) => JSON.stringify({ protocol: PROTOCOL_VERSION, records }));

/** How many tellers the bench branch has: the push looks the branch's tellers up. */
const TELLERS = 30;

/** Our server, with a branch, a counter, its tellers and enrolled devices, measured end to end. */
async function measureServer(handle: DatabaseHandle): Promise<number> {
  const result = await migrateToLatest(handle.db);
  if (!result.ok) throw new Error(result.message);
  const now = Date.now();
  const branch = await addBranch(handle.db, { name: 'Bench' }, now);
  if (!branch.ok) throw new Error(branch.message);
  const tellerIds: string[] = [];
  for (let i = 0; i < TELLERS; i++) {
    const teller = await addTeller(handle.db, { branchId: branch.value.id, staffNumber: `${1000 + i}`, name: `Teller ${i}`, pin: '1234' }, now);
    if (!teller.ok) throw new Error(teller.message);
    tellerIds.push(teller.value.id);
  }
  // Device i stands at counter i with its own teller, as in a branch: two devices never
  // push one counter's records, so only the branch's own day totals are shared between them.
  const tokens: string[] = [];
  const scopes: Scope[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const counter = await addCounter(handle.db, { branchId: branch.value.id, name: `W${i + 1}` }, now);
    if (!counter.ok) throw new Error(counter.message);
    const code = await issueEnrollmentCode(handle.db, { counterId: counter.value.id }, now);
    if (!code.ok) throw new Error(code.message);
    const device = await enrollDevice(handle.db, { code: code.value.code }, now);
    if (!device.ok) throw new Error(device.message);
    tokens.push(device.value.token);
    scopes.push({ branchId: branch.value.id, counterId: counter.value.id, tellerId: tellerIds[i]! });
  }

  const app = await buildApp({ db: handle.db });
  const push = pusher(await listen(app), tokens);
  try {
    // drive() hands batches to whichever device is free, and a device may push only its own
    // counter's records: each device takes the next body from a queue of its own, made long
    // enough for it to take every batch of the round.
    const perSecond = await rounds(
      () => {
        const queues = scopes.map((scope) => bodies(mixedBatches(RECORDS / BATCH, scope)));
        return queues[0]!.map(() => queues);
      },
      (queues, worker) => push(queues[worker]!.pop()!, worker),
    );
    const stored = (await countRatings(handle.db)) + (await countShiftEvents(handle.db));
    if (stored !== ROUNDS * RECORDS + WARMUP_BATCHES * BATCH) throw new Error(`stored ${stored} records`);
    return perSecond;
  } finally {
    await app.close();
  }
}

/** Makes our tables in a new database, so that the baselines write to the very same table and indexes. */
async function migrated(options: { url?: string; sqliteFile?: string }): Promise<void> {
  const handle = createDatabase(options);
  const result = await migrateToLatest(handle.db);
  await handle.destroy();
  if (!result.ok) throw new Error(result.message);
}

/** Bare Fastify + better-sqlite3: a prepared multi-row insert per batch, no validation. */
async function measureSqliteBaseline(file: string): Promise<number> {
  await migrated({ sqliteFile: file });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL'); // as our server: an acknowledged batch is on disk
  const placeholders = `(${COLUMNS.map(() => '?').join(',')})`;
  const insert = sqlite.prepare(
    `insert into ratings (${COLUMNS.join(',')}) values ${Array(BATCH).fill(placeholders).join(',')} on conflict (id) do nothing`,
  );
  const insertBatch = sqlite.transaction((records: Rating[], now: number) =>
    insert.run(records.flatMap((r) => valuesOf(r, 'device', now))),
  );
  const app = Fastify();
  app.post<{ Body: { records: Rating[] } }>('/api/sync/push', async (request) => {
    const now = Date.now();
    insertBatch(request.body.records, now);
    return { results: request.body.records.map((r) => ({ id: r.id, status: 'accepted' })), serverTime: now };
  });
  const push = pusher(await listen(app), ['none']);
  const scope = { branchId: 'b', counterId: 'c', tellerId: 't' };
  try {
    return await rounds(() => bodies(batches(RECORDS / BATCH, scope)), push);
  } finally {
    await app.close();
    sqlite.close();
  }
}

/** The bare pg insert of a batch: one multi-row statement into a copy of our ratings table, from a pool of CLIENTS connections. */
async function bareInsert(url: string) {
  await migrated({ url });
  const pool = new pg.Pool({ connectionString: url, max: CLIENTS });
  await pool.query('create table baseline_ratings (like ratings including all)');
  const params = (row: number) => `(${COLUMNS.map((_, c) => `$${row * COLUMNS.length + c + 1}`).join(',')})`;
  const text = `insert into baseline_ratings (${COLUMNS.join(',')}) values ${Array.from({ length: BATCH }, (_, i) => params(i)).join(',')} on conflict (id) do nothing`;
  const insert = async (records: Rating[]) => {
    await pool.query(text, records.flatMap((r) => valuesOf(r, 'device', Date.now())));
  };
  return { insert, end: () => pool.end() };
}

/**
 * Bare Fastify + pg, as the SQLite baseline is bare Fastify + better-sqlite3: the same HTTP
 * from the same clients, then a multi-row insert per batch, no validation. This is the
 * baseline the server is held to: what any server that takes pushes over HTTP into this table
 * pays before it does anything of its own.
 */
async function measurePostgresBaseline(url: string): Promise<number> {
  const bare = await bareInsert(url);
  const app = Fastify();
  app.post<{ Body: { records: Rating[] } }>('/api/sync/push', async (request) => {
    const now = Date.now();
    await bare.insert(request.body.records);
    return { results: request.body.records.map((r) => ({ id: r.id, status: 'accepted' })), serverTime: now };
  });
  const push = pusher(await listen(app), ['none']);
  const scope = { branchId: 'b', counterId: 'c', tellerId: 't' };
  try {
    return await rounds(() => bodies(batches(RECORDS / BATCH, scope)), push);
  } finally {
    await app.close();
    await bare.end();
  }
}

/** For reference: the same inserts from CLIENTS connections with no HTTP at all, the database's own speed. */
async function measurePostgresInsertAlone(url: string): Promise<number> {
  const bare = await bareInsert(url);
  const scope = { branchId: 'b', counterId: 'c', tellerId: 't' };
  try {
    return await rounds(() => batches(RECORDS / BATCH, scope), bare.insert);
  } finally {
    await bare.end();
  }
}

async function benchSqlite(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bv-bench-'));
  try {
    const baseline = await measureSqliteBaseline(join(dir, 'baseline.sqlite'));
    const handle = createDatabase({ sqliteFile: join(dir, 'branchvoice.sqlite') });
    const ours = await measureServer(handle).finally(() => handle.destroy());
    return [
      { path: 'baseline: Fastify + better-sqlite3', perSecond: baseline },
      { path: 'server: push → SQLite', perSecond: ours, baseline, budget: BUDGET.sqlite },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(adminUrl: string): Promise<Row[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const names: string[] = [];
  // A database of its own for each measure, so that none finds another's rows and indexes.
  const fresh = async () => {
    const name = `bv_bench_${randomBytes(4).toString('hex')}`;
    await admin.query(`create database ${name}`);
    names.push(name);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  try {
    const alone = await measurePostgresInsertAlone(await fresh());
    const baseline = await measurePostgresBaseline(await fresh());
    const handle = createDatabase({ url: await fresh() });
    const ours = await measureServer(handle).finally(() => handle.destroy());
    return [
      { path: `for reference: pg multi-row insert alone, no HTTP (${CLIENTS} conns)`, perSecond: alone },
      { path: 'baseline: Fastify + pg multi-row insert', perSecond: baseline },
      { path: 'server: push → PostgreSQL', perSecond: ours, baseline, budget: BUDGET.postgres, aim: RATIO_AIM.postgres },
    ];
  } finally {
    for (const name of names) await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

function printTable(rows: Row[]): void {
  const lines = [['path', 'records/s', 'ratio to baseline', 'budget'], ...rows.map((r) => [
    r.path,
    Math.round(r.perSecond).toLocaleString('en'),
    r.baseline ? `${(r.perSecond / r.baseline).toFixed(2)}×${r.aim ? ` (aim ≥ ${r.aim.toFixed(2)}×: ${r.perSecond / r.baseline >= r.aim ? 'met' : 'MISSED'})` : ''}` : '',
    r.budget ? `≥ ${r.budget.toLocaleString('en')} ${r.perSecond >= r.budget ? 'met' : 'MISSED'}` : '',
  ])];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

async function main(): Promise<void> {
  console.log(`Ingest: ${RECORDS.toLocaleString('en')} fresh records (ratings, 1 in ${BATCH} a shift event) per round (median of ${ROUNDS}), batches of ${BATCH}, ${CLIENTS} clients, loopback HTTP\n`);
  const rows = await benchSqlite();
  const pgUrl = process.env.TEST_POSTGRES_URL || process.env.DATABASE_URL;
  if (pgUrl) rows.push(...(await benchPostgres(pgUrl)));
  printTable(rows);
  if (!pgUrl) console.log('\nPostgreSQL: skipped (set TEST_POSTGRES_URL or DATABASE_URL to measure it).');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
