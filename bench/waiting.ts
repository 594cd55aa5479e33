/**
 * Waiting-time report benchmark: `npx tsx bench/waiting.ts [--postgres <url>]` (also in `npm run bench`).
 *
 * The waiting report reads medians and 90th percentiles from bucketed roll-ups (wait_hours,
 * wait_days; decision 0027), not from the tickets. This builds a year of a network of
 * BRANCHES branches with COUNTERS counters each and about TICKETS_A_DAY tickets a weekday
 * (Saturdays a short morning, Sundays closed): every branch-day's queue events from the
 * simulator (src/server/demo/queue-day.ts) and its customers' ratings, derived by the
 * matcher's own `deriveBranchDay`, its tickets and roll-ups written in bulk (big
 * transactions, prepared multi-row inserts on SQLite, `unnest` arrays on PostgreSQL). Then,
 * for the whole network, one region and one branch over the year, it times `waitingReport`
 * against its baseline measured in the same run: the raw query over `tickets` that computes
 * the same figures exactly (percentile_cont over the raw waits, grouped the same ways: the
 * scope, each branch or counter, each hour, each weekday, each weekday's hour). And it prints
 * both answers side by side: they differ by the buckets' resolution (a minute up to ten
 * minutes, coarser after).
 *
 * On SQLite (a temporary file), and on PostgreSQL when TEST_POSTGRES_URL or --postgres names
 * a server (a database of its own, dropped after). `--branches <n>` builds a smaller network.
 * Figures and ratios only: no assertions.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import type { DayRange } from '../src/domain/period.ts';
import { DEFAULT_WAIT_TARGET_MINUTES, type WaitFigures, type WaitingReport, type WaitRow } from '../src/domain/queue.ts';
import { createDatabase, type DatabaseHandle, type DialectName } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import type { Database } from '../src/server/db/schema.ts';
import type { BranchSelection } from '../src/server/reports/index.ts';
import { waitingReport } from '../src/server/reports/waiting.ts';
import { addBranch, addCounter } from '../src/server/services/branches.ts';
import { addRegion, moveBranchToRegion } from '../src/server/services/regions.ts';
import { COUNTERS, LOADED_TABLES, NOW, TABLES, TICKETS_A_DAY, YEAR, ZONE, branchYear, type BranchYear, type LoadedTable, type Network, type YearAnswer, type YearWorkerData } from './waiting-year.ts';

const ARGS = parseArgs({ options: { postgres: { type: 'string' }, branches: { type: 'string', default: '100' } } }).values;
/** `--branches <n>` for a quicker, smaller look; the figures quoted are of 100. */
const BRANCHES = Math.max(1, Number(ARGS.branches) || 100);
const REGIONS = 10;
const REPORT_RUNS = 15;
/** The raw query reads every ticket of its scope: a few runs, and one when a run takes longer than RAW_ONCE_MS. */
const RAW_RUNS = 3;
const RAW_ONCE_MS = 5_000;

type Timing = { median: number; p95: number; runs: number };

/** Runs `run` `warmUps` times, then `runs` times timed; answers the times and the last answer. */
async function time<T>(run: () => Promise<T>, runs: number, warmUps: number): Promise<{ timing: Timing; answer: T }> {
  for (let i = 0; i < warmUps; i++) await run();
  const samples: number[] = [];
  let answer!: T;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    answer = await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { timing: { median: samples[Math.floor(runs / 2)]!, p95: samples[Math.ceil(runs * 0.95) - 1]!, runs }, answer };
}

const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
/** A wait as m:ss (a signed difference with its sign). */
function minutes(value: number | null, signed = false): string {
  if (value === null) return '-';
  const sign = value < 0 ? '-' : signed ? '+' : '';
  const s = Math.round(Math.abs(value) / 1000);
  return `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// ---- The network and its year -------------------------------------------------------------

/** The same branches, counters and regions (same ids) in every database, through the admin services. */
async function setUpNetwork(db: Kysely<Database>, network: Network): Promise<void> {
  for (const [r, id] of network.regionIds.entries()) must(await addRegion(db, { id, name: `Region ${r + 1}` }, NOW));
  for (const [b, branchId] of network.branchIds.entries()) {
    must(await addBranch(db, { id: branchId, name: `Branch ${String(b + 1).padStart(3, '0')}`, defaultLanguage: 'zh-Hans', timeZone: ZONE }, NOW));
    for (const [c, id] of network.counterIds[b]!.entries()) must(await addCounter(db, { id, branchId, name: `${c + 1}号窗口` }, NOW));
    must(await moveBranchToRegion(db, branchId, network.regionIds[b % REGIONS]!));
  }
}

function planNetwork(): Network {
  const branchIds = Array.from({ length: BRANCHES }, () => uuidv7());
  const regionIds = Array.from({ length: REGIONS }, () => uuidv7());
  return {
    branchIds,
    counterIds: branchIds.map(() => Array.from({ length: COUNTERS }, () => uuidv7())),
    regionIds,
    regionBranches: regionIds.map((_, r) => branchIds.filter((_, b) => b % REGIONS === r)),
  };
}

/**
 * Every branch's year, in branch order, generated in worker threads, a worker a core (up to
 * eight), while this thread writes what they answer; at most two branches a worker ahead of
 * the writing. Generating costs about twice what writing to SQLite does, so on two cores
 * the writing thread and the workers share them.
 */
async function* branchYears(network: Network, forPostgres: boolean): AsyncGenerator<BranchYear> {
  const count = Math.max(1, Math.min(availableParallelism(), 8, BRANCHES));
  if (availableParallelism() < 2) {
    for (let b = 0; b < BRANCHES; b++) yield branchYear(network, b, forPostgres);
    return;
  }
  // The workers load TypeScript as tsx's own loader does, registered in each.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./waiting-year.ts', import.meta.url).href)}); })`;
  const workers = Array.from({ length: count }, () => new Worker(boot, { eval: true, workerData: { waitingYear: network, forPostgres } satisfies YearWorkerData }));
  const waiting = new Map<number, { resolve: (year: YearAnswer) => void; reject: (error: Error) => void }>();
  const answers = new Map<number, Promise<YearAnswer>>();
  for (const worker of workers) {
    worker.on('message', (answer: YearAnswer) => waiting.get(answer.b)?.resolve(answer));
    worker.on('error', (error) => {
      for (const w of waiting.values()) w.reject(error);
    });
  }
  const ask = (b: number) => {
    if (b >= BRANCHES || answers.has(b)) return;
    answers.set(b, new Promise((resolve, reject) => waiting.set(b, { resolve, reject })));
    workers[b % count]!.postMessage({ b });
  };
  try {
    for (let b = 0; b < count * 2; b++) ask(b);
    for (let b = 0; b < BRANCHES; b++) {
      const year = await answers.get(b)!;
      answers.delete(b);
      waiting.delete(b);
      ask(b + count * 2);
      yield year;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

// ---- Bulk loading -------------------------------------------------------------------------

interface Loader {
  /** Writes one branch's rows, in one transaction. */
  load(year: BranchYear): Promise<void>;
  close(): Promise<void>;
}

/**
 * SQLite: a connection of its own on the bench's file, one transaction a branch, each table
 * through one prepared statement of as many rows as SQLite binds (and one of a single row for
 * the rest). Without fsync at commit: this is bench data, not a customer's tap.
 */
function sqliteLoader(file: string): Loader {
  const raw = new SQLite(file);
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -262144');
  const statements = Object.fromEntries(
    LOADED_TABLES.map((table) => {
      const columns = TABLES[table].map(([c]) => c);
      const perStatement = Math.min(500, Math.floor(30_000 / columns.length));
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      const text = (n: number) => `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: n }, () => tuple).join(', ')}`;
      return [table, { width: columns.length, perStatement, many: raw.prepare(text(perStatement)), one: raw.prepare(text(1)) }];
    }),
  ) as Record<LoadedTable, { width: number; perStatement: number; many: SQLite.Statement; one: SQLite.Statement }>;
  const write = raw.transaction(({ rows }: BranchYear) => {
    for (const table of LOADED_TABLES) {
      const { width, perStatement, many, one } = statements[table];
      const values = rows[table];
      const chunk = width * perStatement;
      let start = 0;
      for (; start + chunk <= values.length; start += chunk) many.run(values.slice(start, start + chunk));
      for (; start < values.length; start += width) one.run(values.slice(start, start + width));
    }
  });
  return {
    load: async (year) => write(year),
    close: async () => {
      raw.close();
    },
  };
}

/**
 * PostgreSQL: one statement a branch, so it is sent at once and the server inserts while this
 * thread writes SQLite: every table's insert a CTE of it, `insert … select from unnest(arrays)`,
 * a column an array. One statement is one transaction.
 */
async function postgresLoader(url: string): Promise<Loader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Bench data: a commit need not wait for the disk.
  await client.query('set synchronous_commit = off');
  let n = 0;
  const inserts = LOADED_TABLES.map((table) => {
    const columns = TABLES[table];
    return `${table}_rows as (insert into ${table} (${columns.map(([c]) => c).join(', ')}) select * from unnest(${columns.map(([, type]) => `$${++n}::${type}[]`).join(', ')}))`;
  });
  const text = `with ${inserts.join(', ')} select 1`;
  return {
    async load(year) {
      await client.query(text, LOADED_TABLES.flatMap((table) => year.postgresColumns![table]));
    },
    close: () => client.end(),
  };
}

// ---- The raw query ------------------------------------------------------------------------

/** Exact figures of one group, from the raw tickets. */
type RawFigures = { tickets: number; waited: number; medianMs: number | null; p90Ms: number | null };
interface RawReport {
  total: RawFigures;
  /** By branch (several branches) or by counter (one), as the report keys them. */
  byKey: Map<string, RawFigures>;
  byHour: Map<string, RawFigures>;
  byWeekday: Map<string, RawFigures>;
  /** The 90th percentile of each weekday's hour, `weekday|hour`. */
  peak: Map<string, number | null>;
}

/**
 * The waiting report's medians and 90th percentiles computed the way a system without roll-ups
 * would: percentile_cont over the raw `tickets` rows of the scope (null waits ignored, as
 * both databases' percentile_cont do), grouped as the report groups them.
 */
async function rawWaitingFigures(db: Kysely<Database>, dialect: DialectName, selection: BranchSelection, range: DayRange): Promise<RawReport> {
  const oneBranch = selection !== 'all' && selection.length === 1;
  const percentiles =
    dialect === 'postgres'
      ? sql`percentile_cont(0.5) within group (order by wait_ms) as median, percentile_cont(0.9) within group (order by wait_ms) as p90`
      : sql`percentile_cont(wait_ms, 0.5) as median, percentile_cont(wait_ms, 0.9) as p90`;
  // ISO weekday, 1 (Monday) to 7 (Sunday), of the branch's own day, as the report's weekdayOf.
  const weekday = dialect === 'postgres' ? sql`cast(extract(isodow from cast(day as date)) as integer)` : sql`((cast(strftime('%w', day) as integer) + 6) % 7) + 1`;
  const scope = selection === 'all' ? sql`` : sql`and branch_id in (${sql.join(selection)})`;
  // Grouped by `key`, or the whole scope in one row (key 'all') without one.
  const grouped = async (key: ReturnType<typeof sql> | null) => {
    const { rows } = await sql<{ key: string | number | null; tickets: string | number; waited: string | number; median: number | string | null; p90: number | string | null }>`
      select ${key ?? sql`'all'`} as key, count(*) as tickets, count(wait_ms) as waited, ${percentiles}
      from tickets where day >= ${range.from} and day <= ${range.to} ${scope}
      ${key === null ? sql`` : sql`group by ${key}`}`.execute(db);
    return new Map(rows.map((r) => [String(r.key), { tickets: Number(r.tickets), waited: Number(r.waited), medianMs: r.median === null ? null : Number(r.median), p90Ms: r.p90 === null ? null : Number(r.p90) }]));
  };
  const [total, byKey, byHour, byWeekday, peak] = await Promise.all([
    grouped(null),
    grouped(oneBranch ? sql`coalesce(counter_id, '')` : sql`branch_id`),
    grouped(sql`hour`),
    grouped(weekday),
    grouped(sql`cast(${weekday} as text) || '|' || cast(hour as text)`),
  ]);
  return {
    total: total.get('all') ?? { tickets: 0, waited: 0, medianMs: null, p90Ms: null },
    byKey,
    byHour,
    byWeekday,
    peak: new Map([...peak].map(([key, figures]) => [key, figures.p90Ms])),
  };
}

// ---- The bench ----------------------------------------------------------------------------

interface Scope {
  name: string;
  selection: BranchSelection;
}

/** How far the report's bucketed figures are from the exact ones, over a grouping. */
function compareRows(rows: readonly WaitRow[], raw: Map<string, RawFigures>): { groups: number; countsEqual: boolean; median: number; p90: number } {
  let countsEqual = rows.length === raw.size;
  let median = 0;
  let p90 = 0;
  for (const row of rows) {
    const exact = raw.get(row.key);
    if (!exact || exact.tickets !== row.tickets || exact.waited !== row.waited) {
      countsEqual = false;
      continue;
    }
    median = Math.max(median, Math.abs((row.medianMs ?? 0) - (exact.medianMs ?? 0)));
    p90 = Math.max(p90, Math.abs((row.p90Ms ?? 0) - (exact.p90Ms ?? 0)));
  }
  return { groups: rows.length, countsEqual, median, p90 };
}

function printFigures(scope: Scope, report: WaitingReport, raw: RawReport): void {
  const total = (label: string, f: WaitFigures | RawFigures) => `${label.padEnd(26)}${String(f.tickets).padStart(10)}${String(f.waited).padStart(10)}${minutes(f.medianMs).padStart(9)}${minutes(f.p90Ms).padStart(9)}`;
  console.log(`\n  ${scope.name}: figures${' '.repeat(Math.max(1, 17 - scope.name.length))}${'tickets'.padStart(10)}${'waited'.padStart(10)}${'median'.padStart(9)}${'p90'.padStart(9)}`);
  console.log(`  ${total('report (buckets)', report.total)}`);
  console.log(`  ${total('raw tickets (exact)', raw.total)}`);
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  console.log(`  ${'difference'.padEnd(26)}${String(report.total.tickets - raw.total.tickets).padStart(10)}${String(report.total.waited - raw.total.waited).padStart(10)}${minutes(diff(report.total.medianMs, raw.total.medianMs), true).padStart(9)}${minutes(diff(report.total.p90Ms, raw.total.p90Ms), true).padStart(9)}`);
  const groupings: [string, WaitRow[], Map<string, RawFigures>][] = [
    [report.byCounter.length > 0 ? 'by counter' : 'by branch', report.byCounter.length > 0 ? report.byCounter : report.byBranch, raw.byKey],
    ['by hour', report.byHour, raw.byHour],
    ['by weekday', report.byWeekday, raw.byWeekday],
  ];
  for (const [name, rows, exact] of groupings) {
    const c = compareRows(rows, exact);
    console.log(`  ${`${name} (${c.groups})`.padEnd(26)}${(c.countsEqual ? 'counts equal' : 'COUNTS DIFFER').padStart(20)}   largest difference: median ${minutes(c.median)}, p90 ${minutes(c.p90)}`);
  }
  let peakDiff = 0;
  for (const cell of report.peak) {
    const exact = raw.peak.get(`${cell.weekday}|${cell.hour}`);
    if (exact !== undefined && exact !== null && cell.p90Ms !== null) peakDiff = Math.max(peakDiff, Math.abs(cell.p90Ms - exact));
  }
  console.log(`  ${`peak cells (${report.peak.length})`.padEnd(26)}${''.padStart(20)}   largest difference: p90 ${minutes(peakDiff)}`);
}

async function benchOn(kind: DialectName, handle: DatabaseHandle, network: Network): Promise<void> {
  console.log(`\n===== ${kind === 'sqlite' ? 'SQLite (a file, WAL)' : 'PostgreSQL'} =====`);
  if (kind === 'postgres') await sql`analyze`.execute(handle.db);
  const counted = await handle.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  console.log(`${Number(counted.n).toLocaleString('en')} tickets in the raw table`);
  const scopes: Scope[] = [
    { name: `network (${BRANCHES})`, selection: 'all' },
    { name: `region (${network.regionBranches[0]!.length})`, selection: network.regionBranches[0]! },
    { name: 'one branch', selection: [network.branchIds[Math.min(42, BRANCHES - 1)]!] },
  ];
  const target = DEFAULT_WAIT_TARGET_MINUTES;
  const results: { scope: Scope; report: Timing; raw: Timing; figures: [WaitingReport, RawReport] }[] = [];
  for (const scope of scopes) {
    const report = await time(() => waitingReport(handle.db, scope.selection, YEAR, target), REPORT_RUNS, 2);
    const first = performance.now();
    const once = await rawWaitingFigures(handle.db, kind, scope.selection, YEAR);
    const firstMs = performance.now() - first;
    const raw = firstMs > RAW_ONCE_MS ? { timing: { median: firstMs, p95: firstMs, runs: 1 }, answer: once } : await time(() => rawWaitingFigures(handle.db, kind, scope.selection, YEAR), RAW_RUNS, 0);
    results.push({ scope, report: report.timing, raw: raw.timing, figures: [report.answer, raw.answer] });
  }
  console.log(`\nWaiting report, a year, against the raw query over tickets (percentile_cont), both measured here: median and p95 ms (report ${REPORT_RUNS} runs after 2 to warm up; raw ${RAW_RUNS} after one, or that one when it took over ${RAW_ONCE_MS / 1000} s)`);
  console.log(`${'scope'.padEnd(20)}${'report ms'.padStart(11)}${'p95'.padStart(9)}${'raw ms'.padStart(11)}${'p95'.padStart(9)}${'raw runs'.padStart(10)}${'report/raw'.padStart(12)}`);
  for (const { scope, report, raw } of results) {
    console.log(`${scope.name.padEnd(20)}${ms(report.median).padStart(11)}${ms(report.p95).padStart(9)}${ms(raw.median).padStart(11)}${ms(raw.p95).padStart(9)}${String(raw.runs).padStart(10)}${(report.median / raw.median).toFixed(4).padStart(12)}`);
  }
  console.log('\nThe same figures both ways (m:ss); the report reads buckets a minute wide up to 10 minutes, 2 to 5 minutes wide up to 45, wider after:');
  for (const { scope, figures } of results) printFigures(scope, ...figures);
}

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(`bench: ${result.message}`);
  return result.value;
}

async function main(): Promise<void> {
  const postgresUrl = ARGS.postgres ?? process.env.TEST_POSTGRES_URL;
  const dir = mkdtempSync(join(tmpdir(), 'bv-bench-waiting-'));
  const sqliteFile = join(dir, 'bench.sqlite');
  const targets: { kind: DialectName; handle: DatabaseHandle; loader?: Loader; loadMs: number; cleanUp: () => Promise<void> }[] = [];
  try {
    const sqlite = createDatabase({ sqliteFile });
    targets.push({ kind: 'sqlite', handle: sqlite, loadMs: 0, cleanUp: () => sqlite.destroy() });
    if (postgresUrl) {
      const name = `bv_bench_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      const postgres = createDatabase({ url: url.toString() });
      targets.push({
        kind: 'postgres',
        handle: postgres,
        loadMs: 0,
        cleanUp: async () => {
          await postgres.destroy();
          await admin.query(`drop database if exists ${name} with (force)`);
          await admin.end();
        },
      });
      targets.at(-1)!.loader = await postgresLoader(url.toString());
    } else {
      console.log('PostgreSQL skipped: set TEST_POSTGRES_URL or --postgres (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
    }

    const network = planNetwork();
    for (const target of targets) {
      const migrated = await migrateToLatest(target.handle.db);
      if (!migrated.ok) throw new Error(migrated.message);
      await setUpNetwork(target.handle.db, network);
    }
    targets[0]!.loader = sqliteLoader(sqliteFile);

    console.log(`\nBuilding a year of ${BRANCHES} branches (${COUNTERS} counters, ~${TICKETS_A_DAY} tickets a weekday, Saturday mornings, Sundays closed)…`);
    const started = performance.now();
    let tickets = 0;
    let units = 0;
    // PostgreSQL's first: its statement is sent at once and runs in the server while this thread writes SQLite.
    const loadOrder = [...targets].reverse();
    for await (const year of branchYears(network, postgresUrl !== undefined)) {
      tickets += year.tickets;
      units += year.days;
      await Promise.all(
        loadOrder.map(async (target) => {
          const loading = performance.now();
          await target.loader!.load(year);
          target.loadMs += performance.now() - loading;
        }),
      );
    }
    for (const target of targets) await target.loader!.close();
    const writes = targets.map((t) => `${t.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${(t.loadMs / 1000).toFixed(1)} s`).join(', ');
    console.log(`${tickets.toLocaleString('en')} tickets in ${units.toLocaleString('en')} branch-days built in ${seconds(started)} s: simulated and derived in worker threads while this thread wrote them (writing, at the same time: ${writes}).`);

    for (const target of targets) await benchOn(target.kind, target.handle, network);
  } finally {
    for (const target of targets) await target.cleanUp();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
