/**
 * The year bench/waiting.ts measures on: one branch's year of queue days, simulated
 * (src/server/demo/queue-day.ts), its customers' ratings made, and each day derived by the
 * matcher's own deriveBranchDay into the rows it would leave. Pure and seeded, so it runs in
 * worker threads (this module is also their entry) while the main thread writes the rows.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { addDays, eachDay, localDayOf, type DayRange, type LocalDay } from '../src/domain/period.ts';
import { WAIT_BUCKET_COLUMNS } from '../src/domain/queue.ts';
import { deriveBranchDay, type BranchDay, type CandidateRating, type WaitCounts } from '../src/domain/queue-match.ts';
import { SCORES, type Score } from '../src/domain/rating.ts';
import { queueDaySeed, simulateQueueDay } from '../src/server/demo/queue-day.ts';
import { seededRandom } from '../src/server/demo/random.ts';

export const NOW = Date.UTC(2026, 10, 30, 17, 0);
export const ZONE = 'Asia/Shanghai';
export const YEAR: DayRange = { from: addDays(localDayOf(NOW, ZONE), -364), to: localDayOf(NOW, ZONE) };
export const COUNTERS = 6;
export const TICKETS_A_DAY = 300;
/** Customers' business here takes a little longer than the simulator's usual: queues at the peaks, as the report is for. */
const PACE = 1.8;
/** The share of served customers who rate, and how. */
const RATED_SHARE = 0.8;
const SCORE_MIX: Record<Score, number> = { 'very-satisfied': 0.5, satisfied: 0.33, neutral: 0.12, dissatisfied: 0.05 };

/** The network's ids, the same in every database. */
export interface Network {
  branchIds: string[];
  counterIds: string[][];
  regionIds: string[];
  /** The branches of each region. */
  regionBranches: string[][];
}

// The derived tables' columns, in the order rows are built, with their PostgreSQL types for unnest.
const WAIT_COUNT_COLUMNS = ['tickets', 'waited', ...WAIT_BUCKET_COLUMNS, 'served', 'service_ms'].map((c) => [c, 'bigint'] as const);
export const TABLES = {
  tickets: [
    ['branch_id', 'text'], ['day', 'text'], ['ticket', 'text'], ['service_type', 'text'], ['counter_id', 'text'],
    ['issued_at', 'bigint'], ['called_at', 'bigint'], ['started_at', 'bigint'], ['ended_at', 'bigint'],
    ['wait_ms', 'bigint'], ['service_ms', 'bigint'], ['hour', 'integer'], ['rating_id', 'text'], ['rating_score', 'text'], ['rated_at', 'bigint'],
  ],
  wait_days: [['branch_id', 'text'], ['day', 'text'], ['counter_id', 'text'], ['hour', 'integer'], ...WAIT_COUNT_COLUMNS],
  wait_hours: [['branch_id', 'text'], ['day', 'text'], ['hour', 'integer'], ['counters', 'bigint'], ...WAIT_COUNT_COLUMNS],
  wait_score_days: [['branch_id', 'text'], ['day', 'text'], ['counter_id', 'text'], ['band', 'integer'], ['very_satisfied', 'bigint'], ['satisfied', 'bigint'], ['neutral', 'bigint'], ['dissatisfied', 'bigint']],
} as const satisfies Record<string, readonly (readonly [string, 'text' | 'bigint' | 'integer'])[]>;
export type LoadedTable = keyof typeof TABLES;
export const LOADED_TABLES = Object.keys(TABLES) as LoadedTable[];

/**
 * What the matcher would leave for one branch's year: each derived table's rows one after the
 * other in one flat list, values in TABLES order (a row is TABLES[table].length values). Flat,
 * so a worker hands over a few long arrays rather than a hundred thousand short ones.
 */
export type Rows = Record<LoadedTable, unknown[]>;

export interface BranchYear {
  rows: Rows;
  /** With `forPostgres`: each table's columns as PostgreSQL array literals, in TABLES order (for unnest). */
  postgresColumns: Record<LoadedTable, string[]> | null;
  tickets: number;
  days: number;
}

/**
 * One branch's year: each open day (Saturday a short morning, Sunday closed) simulated, most
 * served customers rating a few seconds after their service ends, then derived as the matcher
 * derives it.
 */
export function branchYear(network: Network, b: number, forPostgres = false): BranchYear {
  const branchId = network.branchIds[b]!;
  const counterIds = network.counterIds[b]!;
  const codes = counterIds.map((_, c) => String(c + 1));
  const counterOf = new Map(codes.map((code, c) => [code, counterIds[c]!]));
  const rows: Rows = { tickets: [], wait_days: [], wait_hours: [], wait_score_days: [] };
  let tickets = 0;
  let days = 0;
  for (const [d, day] of eachDay(YEAR.from, YEAR.to).entries()) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday === 0) continue;
    const saturday = weekday === 6;
    const simulated = simulateQueueDay({
      day,
      timeZone: ZONE,
      counters: codes,
      customers: saturday ? TICKETS_A_DAY * 0.45 : TICKETS_A_DAY,
      closesHour: saturday ? 13 : 17,
      pace: PACE,
      seed: queueDaySeed('bench', b, day),
    });
    const random = seededRandom(queueDaySeed('bench-ratings', b, day));
    const ratings: CandidateRating[] = [];
    for (const t of simulated.tickets) {
      if (random() >= RATED_SHARE) continue;
      const id = ratingId(b, d, ratings.length);
      ratings.push({ id, counterId: counterOf.get(t.counter)!, tellerId: null, score: pickScore(random()), createdAt: t.endedAt + 5_000 + Math.floor(random() * 45_000), clockOffsetMs: 0 });
    }
    const derived = deriveBranchDay({
      day,
      timeZone: ZONE,
      events: simulated.events.map((e) => ({ ticket: e.ticket, type: e.type, at: e.at, counterId: e.counter ? counterOf.get(e.counter)! : null, serviceType: e.service ?? null })),
      ratings,
      queueCounterIds: new Set(counterIds),
      excludedRatingIds: new Set(),
    });
    addRows(rows, branchId, day, derived);
    tickets += derived.tickets.length;
    days++;
  }
  const postgresColumns = forPostgres ? (Object.fromEntries(LOADED_TABLES.map((table) => [table, TABLES[table].map((_, i) => arrayLiteral(rows[table], TABLES[table].length, i))])) as Record<LoadedTable, string[]>) : null;
  return { rows, postgresColumns, tickets, days };
}

/**
 * Column `i` of the rows as a PostgreSQL array literal ({"a","b",NULL}). The pg driver makes
 * one too, but escapes element by element in a way that costs seconds a branch; these values
 * are text, integers and nulls only.
 */
function arrayLiteral(values: readonly unknown[], width: number, i: number): string {
  const parts = new Array<string>(values.length / width);
  for (let r = 0; r < parts.length; r++) {
    const value = values[r * width + i];
    parts[r] = value === null || value === undefined ? 'NULL' : typeof value === 'number' ? String(value) : `"${String(value).replace(/[\\"]/g, '\\$&')}"`;
  }
  return `{${parts.join(',')}}`;
}

/** A rating id shaped like the tablets' UUIDv7s (36 characters), from its place: cheap and unique. */
function ratingId(branch: number, day: number, n: number): string {
  const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
  return `${hex(branch, 8)}-${hex(day, 4)}-7000-8000-${hex(n, 12)}`;
}

function pickScore(roll: number): Score {
  let left = roll;
  for (const score of SCORES) {
    left -= SCORE_MIX[score];
    if (left < 0) return score;
  }
  return 'very-satisfied';
}

const countsOf = (w: WaitCounts) => [w.tickets, w.waited, ...w.buckets, w.served, w.serviceMs];

function addRows(rows: Rows, branchId: string, day: LocalDay, derived: BranchDay): void {
  for (const t of derived.tickets) {
    rows.tickets.push(branchId, day, t.ticket, t.serviceType, t.counterId, t.issuedAt, t.calledAt, t.startedAt, t.endedAt, t.waitMs, t.serviceMs, t.hour, t.ratingId, t.ratingScore, t.ratedAt);
  }
  for (const w of derived.waitDays) rows.wait_days.push(branchId, day, w.counterId, w.hour, ...countsOf(w));
  for (const w of derived.waitHours) rows.wait_hours.push(branchId, day, w.hour, w.counters, ...countsOf(w));
  for (const w of derived.waitScores) rows.wait_score_days.push(branchId, day, w.counterId, w.band, ...SCORES.map((s) => w.counts[s]));
}

/** A worker's side: the network (and whether PostgreSQL is written) comes with the worker, then a branch index a message, its year back. */
export type YearWorkerData = { waitingYear: Network; forPostgres: boolean };
export type YearRequest = { b: number };
export type YearAnswer = { b: number } & BranchYear;

if (!isMainThread && (workerData as Partial<YearWorkerData> | null)?.waitingYear) {
  const { waitingYear: network, forPostgres } = workerData as YearWorkerData;
  parentPort!.on('message', ({ b }: YearRequest) => parentPort!.postMessage({ b, ...branchYear(network, b, forPostgres) } satisfies YearAnswer));
}
