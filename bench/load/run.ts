/**
 * One load run: a network set up through the services, the server started as its own
 * process(es), every device pushing its day at the same instant, then the server's tables
 * read back and compared with what was sent (bench/load.ts prints it; tests/faults/load.test.ts
 * runs it small).
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { SyncRecord } from '../../src/domain/wire.ts';
import { createDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { listenOverflows, machineCpuMs, processCpuMs } from './cpu.ts';
import { measuredFetch, newMetrics, prepareEngineDevice, prepareLeanDevice, type Driver, type LoadMetrics, type PreparedDevice } from './devices.ts';
import { dayOfRecords, setUpFleet, type LoadDevice } from './fleet.ts';
import { startServer, type ServerProcess } from './servers.ts';
import { verifyStored, type Verification } from './verify.ts';

export type LoadOptions = {
  devices: number;
  records: number;
  database: 'sqlite' | 'postgres';
  /** Server processes sharing the database; SQLite has one writer, so always one there. */
  servers: number;
  /** Counters (and tablets) per branch. */
  perBranch: number;
  driver: Driver;
  /** The push phase gives up after this long, and the run fails. */
  timeLimitMs: number;
  /** An admin URL of PostgreSQL, where a database of the run's own is made and dropped. */
  postgresUrl?: string;
  cpuProfDir?: string;
  /** Keep the run's directory (the servers' logs, the SQLite file) instead of deleting it; its path is `LoadResult.kept`. */
  keep?: boolean;
  /** Progress lines (setup, start); silent when absent. */
  log?: (line: string) => void;
};

export type Cpu = { cores: number; machine: number | null; devices: number; servers: number | null; postgres: number | null };

export type Spread = { count: number; p50: number; p95: number; p99: number; max: number };

export type LoadResult = {
  options: LoadOptions;
  servers: number;
  records: number;
  setupMs: number;
  /** From the start to the last device's outbox empty; null when some never got there. */
  allInMs: number | null;
  timedOut: boolean;
  recordsPerSecond: number;
  push: Spread;
  /** Latency of the pushes answered 200 alone. */
  accepted: Spread;
  batch: Spread;
  deviceDone: Spread;
  answers: Record<string, number>;
  /** Push attempts that failed and were tried again. */
  retries: number;
  rejected: LoadMetrics['rejected'];
  failed: LoadMetrics['failed'];
  /** Connections the kernel dropped while pushing, its accept queue full (the whole machine's count); null where unknown. */
  listenOverflows: number | null;
  /** PostgreSQL only: what the run's connections were waiting on, sampled every 250 ms. */
  waits: Record<string, number>;
  /** CPU time used during the push phase, in ms: by the whole machine (all cores) and by each part of the load; null where unknown. */
  cpu: Cpu;
  verification: Verification;
  goals: { goal: string; met: boolean; figure: string }[];
  /** The run's directory, when kept. */
  kept: string | null;
};

/** The day-end goals (docs/architecture.md, "Tests"; docs/reliability.md, "Load"). */
export const GOALS = { allInMs: 20_000, p99Ms: 2_000 };

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? (() => {});
  const work = mkdtempSync(join(tmpdir(), 'bv-load-'));
  const cleanups: (() => Promise<unknown>)[] = options.keep ? [] : [async () => rmSync(work, { recursive: true, force: true })];
  const servers: ServerProcess[] = [];
  const prepared: PreparedDevice[] = [];
  try {
    const setupStarted = performance.now();
    const database = options.database === 'postgres' ? await newPostgresDatabase(options.postgresUrl, cleanups) : { dataDir: join(work, 'data') };
    const handle = createDatabase('url' in database ? { url: database.url } : { sqliteFile: join(database.dataDir, 'branchvoice.sqlite') });
    let fleet: LoadDevice[];
    try {
      const migrated = await migrateToLatest(handle.db);
      if (!migrated.ok) throw new Error(migrated.message);
      const now = Date.now();
      log(`  setting up ${Math.ceil(options.devices / options.perBranch)} branches × ${options.perBranch} counters, tellers and enrolled tablets…`);
      fleet = await setUpFleet(handle.db, { devices: options.devices, perBranch: options.perBranch }, now);
    } finally {
      await handle.destroy();
    }
    const now = Date.now();
    const sent = fleet.map((device) => ({ device, records: dayOfRecords(device, options.records, now) }));
    if (options.driver === 'engine') await installFakeIndexedDb();
    for (const { device, records } of sent) {
      prepared.push(options.driver === 'engine' ? await prepareEngineDevice(device, records) : prepareLeanDevice(device, records));
    }

    const serverCount = options.database === 'sqlite' ? 1 : options.servers;
    if (options.cpuProfDir) mkdirSync(options.cpuProfDir, { recursive: true });
    servers.push(
      ...(await Promise.all(
        Array.from({ length: serverCount }, (_, i) =>
          startServer({ database, logFile: join(work, `server-${i + 1}.log`), ...(options.cpuProfDir && { cpuProfDir: options.cpuProfDir }) }),
        ),
      )),
    );
    const setupMs = performance.now() - setupStarted;

    log(`  ${sent.length.toLocaleString('en')} devices × ${options.records} records → ${servers.map((s) => s.baseUrl).join(', ')} (${options.driver} devices)…`);
    const metrics = newMetrics();
    const stop = new AbortController();
    // Every device and every request in flight listens to it.
    setMaxListeners(0, stop.signal);
    const timer = setTimeout(() => stop.abort(), options.timeLimitMs);
    const sampler = 'url' in database ? await sampleWaits(database.url) : undefined;
    const overflowsBefore = listenOverflows();
    const cpuBefore = { machine: machineCpuMs(), devices: process.cpuUsage(), servers: servers.map((s) => processCpuMs(s.pid)) };
    const startedAt = performance.now();
    const fetch = measuredFetch(metrics, stop.signal, prepared.length);
    // Closing the day at once: every device starts in this same turn of the event loop;
    // device i pushes to server i mod n, as a load balancer would spread them.
    const done = await Promise.all(
      prepared.map((device, i) => device.run({ http: { baseUrl: servers[i % servers.length]!.baseUrl, fetch }, metrics, stop: stop.signal, startedAt })),
    );
    const elapsed = performance.now() - startedAt;
    clearTimeout(timer);
    const devicesCpu = process.cpuUsage(cpuBefore.devices);
    const overflowsAfter = listenOverflows();
    const overflows = overflowsAfter === null || overflowsBefore === null ? null : overflowsAfter - overflowsBefore;
    const machineAfter = machineCpuMs();
    const serversAfter = servers.map((s) => processCpuMs(s.pid));
    const sampled = await sampler?.stop();
    const cpu: Cpu = {
      cores: availableParallelism(),
      machine: machineAfter === null || cpuBefore.machine === null ? null : machineAfter - cpuBefore.machine,
      devices: (devicesCpu.user + devicesCpu.system) / 1000,
      servers: serversAfter.some((c, i) => c === null || cpuBefore.servers[i] === null) ? null : serversAfter.reduce((sum: number, c, i) => sum + c! - cpuBefore.servers[i]!, 0),
      postgres: sampled?.cpuMs ?? null,
    };
    const waits = sampled?.waits ?? {};
    const timedOut = stop.signal.aborted;

    await Promise.all(servers.splice(0).map((s) => s.stop()));
    const verifying = createDatabase('url' in database ? { url: database.url } : { sqliteFile: join(database.dataDir, 'branchvoice.sqlite') });
    const verification = await verifyStored(verifying.db, sent).finally(() => verifying.destroy());

    return summarize(options, work, { servers: serverCount, sent, setupMs, elapsed, allDone: done.every(Boolean), timedOut, metrics, waits, cpu, overflows, verification });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(prepared.map((d) => d.dispose()));
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

/**
 * IndexedDB for the engine's devices in Node. Dexie reads its globals when first imported
 * (devices.ts imports the engine's settlement() before any device exists), so it is told too.
 */
async function installFakeIndexedDb(): Promise<void> {
  const [{ indexedDB, IDBKeyRange }, { default: Dexie }] = await Promise.all([import('fake-indexeddb'), import('dexie')]);
  Dexie.dependencies.indexedDB = indexedDB;
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
}

function summarize(
  options: LoadOptions,
  work: string,
  run: {
    servers: number;
    sent: { records: readonly SyncRecord[] }[];
    setupMs: number;
    elapsed: number;
    allDone: boolean;
    timedOut: boolean;
    metrics: LoadMetrics;
    waits: Record<string, number>;
    cpu: Cpu;
    overflows: number | null;
    verification: Verification;
  },
): LoadResult {
  const { metrics, verification } = run;
  const records = run.sent.reduce((sum, d) => sum + d.records.length, 0);
  const allInMs = run.allDone && !run.timedOut ? Math.max(0, ...metrics.devicesDone) : null;
  const push = spread(metrics.pushLatencies);
  const accepted = spread(metrics.acceptedLatencies);
  const answers = Object.fromEntries([...metrics.answers.entries()].sort());
  const retries = Object.entries(answers).reduce((sum, [status, n]) => (status === '200' ? sum : sum + n), 0);
  const lost = verification.problems.length + metrics.rejected.length + metrics.failed.length;
  const goals = [
    {
      goal: `all in within ${GOALS.allInMs / 1000} s`,
      met: allInMs !== null && allInMs <= GOALS.allInMs,
      figure: allInMs === null ? `not all in after ${seconds(run.elapsed)}` : seconds(allInMs),
    },
    {
      goal: 'nothing lost',
      met: lost === 0,
      figure: lost === 0 ? 'exact' : [...verification.problems, ...(metrics.rejected.length ? [`${metrics.rejected.length} rejected`] : []), ...metrics.failed.map((f) => `device ${f.index}: ${f.reason}`)].slice(0, 5).join('; '),
    },
    { goal: `push p99 under ${GOALS.p99Ms / 1000} s`, met: push.count > 0 && push.p99 < GOALS.p99Ms, figure: seconds(push.p99) },
  ];
  return {
    options,
    servers: run.servers,
    records,
    setupMs: run.setupMs,
    allInMs,
    timedOut: run.timedOut,
    recordsPerSecond: allInMs ? records / (allInMs / 1000) : 0,
    push,
    accepted,
    batch: spread(metrics.batchLatencies),
    deviceDone: spread(metrics.devicesDone),
    answers,
    retries,
    rejected: metrics.rejected,
    failed: metrics.failed,
    waits: run.waits,
    cpu: run.cpu,
    listenOverflows: run.overflows,
    verification,
    goals,
    kept: options.keep ? work : null,
  };
}

/** Nearest-rank percentiles. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? 0 };
}

export const seconds = (ms: number): string => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

/** Loopback only: the load must never be pointed at a database on another machine. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** A database of the run's own in the PostgreSQL at `adminUrl`, dropped at the end of the run. */
async function newPostgresDatabase(adminUrl: string | undefined, cleanups: (() => Promise<unknown>)[]): Promise<{ url: string }> {
  if (!adminUrl) throw new Error('PostgreSQL: set TEST_POSTGRES_URL or DATABASE_URL');
  const url = new URL(adminUrl);
  if (!LOOPBACK.has(url.hostname)) throw new Error(`PostgreSQL at ${url.hostname}: the load runs on loopback only (127.0.0.1, localhost)`);
  const name = `bv_load_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  cleanups.push(async () => {
    const dropper = new pg.Client({ connectionString: adminUrl });
    await dropper.connect();
    await dropper.query(`drop database if exists ${name} with (force)`).finally(() => dropper.end());
  });
  url.pathname = `/${name}`;
  return { url: url.toString() };
}

/**
 * What the servers' connections to the run's database wait on, sampled from
 * pg_stat_activity: "Lock:transactionid" is a push waiting for another's roll-up row,
 * "LWLock:WALWrite" or "IO:WALSync" a commit flushing, "CPU" a backend working. Also the
 * CPU those backends use from now on (PostgreSQL runs on this machine: loopback only).
 */
async function sampleWaits(url: string): Promise<{ stop(): Promise<{ waits: Record<string, number>; cpuMs: number | null }> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const waits = new Map<string, number>();
  const cpuAtStart = new Map<number, number>();
  const backends = async () => {
    const { rows } = await client.query<{ pid: number; state: string | null; wait: string }>(
      `select pid, state, coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return rows;
  };
  for (const { pid } of await backends()) cpuAtStart.set(pid, processCpuMs(pid) ?? 0);
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const { pid, state, wait } of await backends()) {
        if (!cpuAtStart.has(pid)) cpuAtStart.set(pid, 0);
        if (state === 'active') waits.set(wait, (waits.get(wait) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })().catch(() => undefined);
  return {
    async stop() {
      running = false;
      await loop;
      await client.end().catch(() => undefined);
      const used = [...cpuAtStart].map(([pid, before]) => {
        const now = processCpuMs(pid);
        return now === null ? null : now - before;
      });
      return {
        waits: Object.fromEntries([...waits.entries()].sort((a, b) => b[1] - a[1])),
        cpuMs: used.every((ms) => ms === null) ? null : used.reduce((sum: number, ms) => sum + (ms ?? 0), 0),
      };
    },
  };
}
