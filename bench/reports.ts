/**
 * Report latency benchmark: `npx tsx bench/reports.ts` (also in `npm run bench`).
 *
 * The dashboard's reports read roll-ups kept on ingest, so they stay fast with a
 * year of data from a thousand branches. On SQLite, then on PostgreSQL (TEST_POSTGRES_URL or
 * DATABASE_URL), it measures:
 *
 * 1. One branch, a year: a branch with 5 counters and 8 tellers, every rating, opinion-box
 *    entry and case event of 365 days pushed through the real ingest (`seedDemo`), then each
 *    report. Baseline in the same run: the same figures read the way a system without
 *    roll-ups would, a GROUP BY over the raw `ratings` rows (the overview's score counts,
 *    and per teller).
 * 2. A hundred branches, a year: the roll-up rows such a network makes (the rows 100× the
 *    first branch's year would leave: 5 counters, a teller per counter per day, reasons,
 *    entries, cases), written straight into the roll-up tables, since the reports read
 *    nothing else; then head office's reports over all of them. Its baseline is the raw
 *    scan of part 1: what ONE branch costs without roll-ups.
 *
 * Each report runs twice to warm up, then RUNS times; the median and p95 are printed in ms,
 * with the ratio to the baseline.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { HEAD_OFFICE, type Viewer } from '../src/domain/access.ts';
import { addDays, localDayOf, type DayRange } from '../src/domain/period.ts';
import { DEFAULT_REASONS } from '../src/domain/reason.ts';
import { DEFAULT_TOPICS } from '../src/domain/topic.ts';
import { createDatabase, type DatabaseHandle, type DialectName } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import type { Database } from '../src/server/db/schema.ts';
import { seedDemo } from '../src/server/demo/seed.ts';
import type { DemoBranch } from '../src/server/demo/world.ts';
import { branchesReport, complaintsReport, countersReport, dayReport, overviewReport, tellersReport } from '../src/server/reports/index.ts';
import { addBranch, addCounter } from '../src/server/services/branches.ts';
import { hashNewPin } from '../src/server/services/tellers.ts';
import { uuidv7 } from 'uuidv7';

const RUNS = 15;
const NOW = Date.UTC(2026, 10, 30, 17, 0);
const ZONE = 'Asia/Shanghai';
const TODAY = localDayOf(NOW, ZONE);
const YEAR: DayRange = { from: addDays(TODAY, -364), to: TODAY };
const QUARTER: DayRange = { from: addDays(TODAY, -89), to: TODAY };
const BRANCHES = 100;
/** Who reads the complaints in the bench: head office. */
const HEAD_OFFICE_VIEWER: Viewer = { staffNumber: 'HQ1', name: 'Head office', role: HEAD_OFFICE, branchId: null, mustChangePassword: false };

const PROFILE_ROTA = ['star', 'steady', 'learning', 'struggling'] as const;

const ONE_BRANCH: DemoBranch = {
  key: 'BENCH',
  name: 'Bench branch',
  timeZone: ZONE,
  language: 'zh-Hans',
  counters: ['1', '2', '3', '4', '5'].map((n) => `${n}号窗口`),
  tellers: Array.from({ length: 8 }, (_, i) => ({ staffNumber: `B${101 + i}`, name: `柜员${i + 1}`, profile: PROFILE_ROTA[i % PROFILE_ROTA.length]! })),
  lobbyStaff: { staffNumber: 'B201', name: '大堂' },
  complaintManager: { staffNumber: 'B301', name: '投诉管理' },
  branchManager: { staffNumber: 'B401', name: '负责人' },
  ratingsPerCounter: 80,
  directComplaintsPerDay: 1.5,
  opinionsPerDay: 4,
  followUpChance: 0.35,
  lateChance: 0.05,
};

type Timing = { median: number; p95: number };

async function time(run: () => Promise<unknown>): Promise<Timing> {
  await run();
  await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(RUNS / 2)]!, p95: samples[Math.ceil(RUNS * 0.95) - 1]! };
}

const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1).padStart(8);

function print(title: string, rows: [string, Timing][], baseline: Timing): void {
  console.log(`\n${title}`);
  console.log(`${'report'.padEnd(44)}${'median ms'.padStart(10)}${'p95 ms'.padStart(10)}${'× raw scan'.padStart(12)}`);
  for (const [name, t] of rows) console.log(`${name.padEnd(44)}${ms(t.median).padStart(10)}${ms(t.p95).padStart(10)}${(t.median / baseline.median).toFixed(3).padStart(12)}`);
  console.log(`${'baseline: raw GROUP BY over ratings'.padEnd(44)}${ms(baseline.median).padStart(10)}${ms(baseline.p95).padStart(10)}${'1.000'.padStart(12)}`);
}

/** What a report over one branch's year costs without roll-ups: the score counts, and per teller. */
async function rawScan(db: Kysely<Database>, branchId: string, range: DayRange): Promise<void> {
  await db
    .selectFrom('ratings')
    .select(['score', (eb) => eb.fn.countAll<number>().as('n')])
    .where('branch_id', '=', branchId)
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .groupBy('score')
    .execute();
  await db
    .selectFrom('ratings')
    .select(['teller_id', 'score', (eb) => eb.fn.countAll<number>().as('n')])
    .where('branch_id', '=', branchId)
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .groupBy(['teller_id', 'score'])
    .execute();
}

async function oneBranchYear(db: Kysely<Database>): Promise<{ branchId: string; baseline: Timing }> {
  const started = performance.now();
  // Its ratings only: the waiting report has a bench of its own (waiting.ts).
  const seeded = await seedDemo(db, { now: NOW, days: 365, branches: [ONE_BRANCH], seed: 7, queueSystems: false });
  const seconds = (performance.now() - started) / 1000;
  const { ratings, opinions, caseEvents } = seeded.counts;
  console.log(`\nOne branch, a year: ${ratings} ratings, ${opinions} entries, ${caseEvents} case events through ingest in ${seconds.toFixed(1)} s (${Math.round(ratings / seconds)} ratings/s with roll-ups, one batch at a time)`);
  const branchId = seeded.branches[0]!.id;
  const one = [branchId];
  const baseline = await time(() => rawScan(db, branchId, YEAR));
  print('One branch, a year of data', [
    ['overview, year', await time(() => overviewReport(db, one, YEAR))],
    ['overview, quarter', await time(() => overviewReport(db, one, QUARTER))],
    ['tellers, year', await time(() => tellersReport(db, one, YEAR))],
    ['counters, year', await time(() => countersReport(db, one, YEAR))],
    ['complaints, year', await time(() => complaintsReport(db, one, YEAR, NOW, HEAD_OFFICE_VIEWER))],
    ['day report, today', await time(() => dayReport(db, branchId, TODAY, NOW))],
  ], baseline);
  return { branchId, baseline };
}

/**
 * The roll-up rows of BRANCHES branches over YEAR, written directly: per branch 5 counters,
 * 8 tellers (one per counter per day, a rota), ~80 ratings per counter per day, reasons on
 * the unhappy ones, a few entries and cases a day. Same shapes and sizes as ingest leaves.
 */
async function hundredBranches(db: Kysely<Database>): Promise<string[]> {
  const started = performance.now();
  const pin = await hashNewPin('2468');
  const branchIds: string[] = [];
  const days: string[] = [];
  for (let day = YEAR.from; day <= YEAR.to; day = addDays(day, 1)) days.push(day);
  let random = 12345;
  const rand = () => ((random = (random * 1103515245 + 12345) % 2147483648) / 2147483648);
  const reasons = DEFAULT_REASONS.map((r) => r.id);
  const topics = DEFAULT_TOPICS.map((t) => t.id);
  let ratingRows = 0;
  for (let b = 0; b < BRANCHES; b++) {
    const branch = await addBranch(db, { name: `Branch ${String(b + 1).padStart(3, '0')}`, defaultLanguage: 'zh-Hans', timeZone: ZONE }, NOW);
    if (!branch.ok) throw new Error(branch.message);
    branchIds.push(branch.value.id);
    const counters: string[] = [];
    for (let c = 0; c < 5; c++) {
      const counter = await addCounter(db, { branchId: branch.value.id, name: `${c + 1}号窗口` }, NOW);
      if (!counter.ok) throw new Error(counter.message);
      counters.push(counter.value.id);
    }
    const tellers = Array.from({ length: 8 }, () => uuidv7());
    await db
      .insertInto('tellers')
      .values(tellers.map((id, i) => ({ id, branch_id: branch.value.id, staff_number: `${b}-${i}`, name: `柜员 ${b}-${i}`, photo: null, stars: 3, pin_salt: pin.salt, pin_hash: pin.hash, pin_iterations: pin.iterations, role: 'teller', active: 1, created_at: NOW })))
      .execute();
    const ratingDays: Database['rating_days'][] = [];
    const reasonDays: Database['rating_reason_days'][] = [];
    const branchDays: Database['rating_branch_days'][] = [];
    const opinionDays: Database['opinion_days'][] = [];
    const caseDays: Database['case_days'][] = [];
    for (const [d, day] of days.entries()) {
      const sum = { very_satisfied: 0, satisfied: 0, neutral: 0, dissatisfied: 0 };
      counters.forEach((counterId, c) => {
        const tellerId = tellers[(c + d) % tellers.length]!;
        const n = 60 + Math.floor(rand() * 40);
        const row = { very_satisfied: Math.round(n * 0.5), satisfied: Math.round(n * 0.32), neutral: Math.round(n * 0.12), dissatisfied: 0 };
        row.dissatisfied = n - row.very_satisfied - row.satisfied - row.neutral;
        ratingDays.push({ branch_id: branch.value.id, day, counter_id: counterId, teller_id: tellerId, ...row } as never);
        for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += row[key];
        for (const reason of reasons.slice(0, 3)) reasonDays.push({ branch_id: branch.value.id, day, counter_id: counterId, teller_id: tellerId, reason_id: reason, count: 1 + Math.floor(rand() * 5) } as never);
        ratingRows += n;
      });
      branchDays.push({ branch_id: branch.value.id, day, ...sum } as never);
      opinionDays.push({ branch_id: branch.value.id, day, opinion_kind: 'complaint', topic_id: topics[d % topics.length]!, count: 2, with_contact: 1 } as never);
      caseDays.push({ branch_id: branch.value.id, day, channel: 'phone', topic_id: topics[d % topics.length]!, opened: 2, replied: 2, followed_up: 1, at_fault: 1, not_at_fault: 1, escalated: 0, signed_off: 2 } as never);
    }
    for (const [table, rows] of [['rating_days', ratingDays], ['rating_reason_days', reasonDays], ['rating_branch_days', branchDays], ['opinion_days', opinionDays], ['case_days', caseDays]] as const) {
      for (let i = 0; i < rows.length; i += 500) await db.insertInto(table).values(rows.slice(i, i + 500) as never).execute();
    }
  }
  console.log(`\n${BRANCHES} branches, a year: roll-ups standing for ${(ratingRows / 1e6).toFixed(1)} million ratings written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return branchIds;
}

async function benchOn(kind: DialectName, handle: DatabaseHandle): Promise<void> {
  console.log(`\n===== ${kind === 'sqlite' ? 'SQLite (a file, WAL)' : 'PostgreSQL'} =====`);
  const migrated = await migrateToLatest(handle.db);
  if (!migrated.ok) throw new Error(migrated.message);
  const { branchId, baseline } = await oneBranchYear(handle.db);
  const others = await hundredBranches(handle.db);
  if (kind === 'postgres') await sql`analyze`.execute(handle.db);
  print(`Head office, ${BRANCHES + 1} branches, a year (baseline: one branch's raw scan above)`, [
    ['overview, all branches, year', await time(() => overviewReport(handle.db, 'all', YEAR))],
    ['overview, all branches, quarter', await time(() => overviewReport(handle.db, 'all', QUARTER))],
    ['branches side by side, year', await time(() => branchesReport(handle.db, 'all', YEAR, NOW))],
    ['complaints, all branches, year', await time(() => complaintsReport(handle.db, 'all', YEAR, NOW, HEAD_OFFICE_VIEWER))],
    ['tellers, one branch of 101, year', await time(() => tellersReport(handle.db, [others[42]!], YEAR))],
    ['overview, the first branch, year', await time(() => overviewReport(handle.db, [branchId], YEAR))],
  ], baseline);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bv-bench-reports-'));
  const sqlite = createDatabase({ sqliteFile: join(dir, 'bench.sqlite') });
  try {
    await benchOn('sqlite', sqlite);
  } finally {
    await sqlite.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.TEST_POSTGRES_URL ?? process.env.DATABASE_URL;
  if (!url) {
    console.log('\nPostgreSQL skipped: set TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres).');
    return;
  }
  const name = `bv_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const postgres = createDatabase({ url: target.toString() });
  try {
    await benchOn('postgres', postgres);
  } finally {
    await postgres.destroy();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
