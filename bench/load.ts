/**
 * `npm run load`: a thousand tablets closing the day at once (docs/reliability.md, "Load").
 *
 *   npm run load -- [--devices 1000] [--records 500] [--db sqlite|postgres|both] [--servers 2]
 *                   [--per-branch 10] [--driver lean|engine] [--time-limit 180] [--cpu-prof <dir>] [--keep]
 *
 * Each database gets a network of its own (100 branches × 10 counters, a teller and an
 * enrolled tablet at each counter, made through the services), the server as its own
 * process on loopback (one on a SQLite file; `--servers` processes sharing one PostgreSQL
 * database, the devices split between them), and every device pushes its day's records
 * at the same instant, as its sync engine would (bench/load/devices.ts). It prints
 * records/s, push latency, the answers and retries, then reads the tables back and checks
 * that they hold exactly what was sent, and that the roll-ups add up to it. It exits 1 when
 * anything was lost or a goal was missed: all in within 20 s, push p99 under 2 s.
 * PostgreSQL runs when TEST_POSTGRES_URL or DATABASE_URL is set (a database of its own,
 * dropped afterwards).
 */
import { parseArgs } from 'node:util';
import { GOALS, runLoad, seconds, type LoadOptions, type LoadResult } from './load/run.ts';

const LIMITS = { devices: 5000, records: 5000, servers: 8, timeLimit: 600 };

function options(): { runs: LoadOptions[]; skipped: string | null } {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string', default: '1000' },
      records: { type: 'string', default: '500' },
      db: { type: 'string' },
      servers: { type: 'string', default: '2' },
      'per-branch': { type: 'string', default: '10' },
      driver: { type: 'string', default: 'lean' },
      'time-limit': { type: 'string', default: '180' },
      'cpu-prof': { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const postgresUrl = process.env.TEST_POSTGRES_URL || process.env.DATABASE_URL || undefined;
  const db = values.db ?? (postgresUrl ? 'both' : 'sqlite');
  if (!['sqlite', 'postgres', 'both'].includes(db)) usage(`--db must be sqlite, postgres or both, not ${db}`);
  if (db !== 'sqlite' && !postgresUrl) usage('--db postgres needs TEST_POSTGRES_URL or DATABASE_URL (a loopback PostgreSQL)');
  if (values.driver !== 'lean' && values.driver !== 'engine') usage(`--driver must be lean or engine, not ${values.driver}`);
  const base = {
    devices: whole('devices', values.devices, LIMITS.devices),
    records: whole('records', values.records, LIMITS.records),
    servers: whole('servers', values.servers, LIMITS.servers),
    perBranch: whole('per-branch', values['per-branch'], 676),
    driver: values.driver,
    timeLimitMs: whole('time-limit', values['time-limit'], LIMITS.timeLimit) * 1000,
    ...(postgresUrl && { postgresUrl }),
    ...(values['cpu-prof'] && { cpuProfDir: values['cpu-prof'] }),
    keep: values.keep,
    log: (line: string) => console.log(line),
  } satisfies Omit<LoadOptions, 'database'>;
  const databases: LoadOptions['database'][] = db === 'both' ? ['sqlite', 'postgres'] : [db as LoadOptions['database']];
  return {
    runs: databases.map((database) => ({ ...base, database })),
    skipped: postgresUrl ? null : 'PostgreSQL: skipped (set TEST_POSTGRES_URL or DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres, to run it too).',
  };
}

function whole(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) usage(`--${name} must be a whole number from 1 to ${max}, not ${value}`);
  return n;
}

function usage(message: string): never {
  console.error(`npm run load: ${message}`);
  process.exit(2);
}

const n = (value: number) => Math.round(value).toLocaleString('en');

function print(result: LoadResult): void {
  const { options: o, verification: v, push, batch, deviceDone } = result;
  const where = o.database === 'sqlite' ? 'SQLite, one server' : `PostgreSQL, ${result.servers} servers`;
  const answers = Object.entries(result.answers)
    .map(([status, count]) => `${n(count)} × ${status}`)
    .join(', ');
  const lines = [
    '',
    `${where}: ${n(o.devices)} devices × ${n(o.records)} records = ${n(result.records)} records (${o.driver} devices; setup ${seconds(result.setupMs)})`,
    `  all in after        ${result.allInMs === null ? `NOT ALL IN (${result.timedOut ? `gave up after ${o.timeLimitMs / 1000} s` : 'devices stopped'})` : seconds(result.allInMs)}`,
    `  records/s           ${n(result.recordsPerSecond)}`,
    `  push latency        p50 ${seconds(push.p50)} · p95 ${seconds(push.p95)} · p99 ${seconds(push.p99)} · max ${seconds(push.max)} (${n(push.count)} pushes)`,
    `  accepted pushes     p50 ${seconds(result.accepted.p50)} · p99 ${seconds(result.accepted.p99)} · max ${seconds(result.accepted.max)} (${n(result.accepted.count)} answered 200; the rest were turned away at once, 503 + Retry-After)`,
    ...(batch.count ? [`  batch, first try → acknowledged   p50 ${seconds(batch.p50)} · p99 ${seconds(batch.p99)} · max ${seconds(batch.max)}`] : []),
    `  device all in       p50 ${seconds(deviceDone.p50)} · p99 ${seconds(deviceDone.p99)} · last ${seconds(deviceDone.max)}`,
    `  answers             ${answers || 'none'}; retries ${n(result.retries)}; records rejected ${n(result.rejected.length)}; devices failed ${n(result.failed.length)}`,
    ...(result.listenOverflows ? [`  connections dropped ${n(result.listenOverflows)} (the server's accept queue was full; each costs a device a SYN retry of 1 s, then 3 s)`] : []),
    `  CPU while pushing   ${cpuLine(result)}`,
    ...(Object.keys(result.waits).length
      ? [`  PostgreSQL waits    ${Object.entries(result.waits).slice(0, 6).map(([wait, count]) => `${wait} ${count}`).join(', ')} (active backends, sampled every 250 ms)`]
      : []),
    `  stored              ratings ${n(v.stored.ratings)} of ${n(v.sent.ratings)}, shift events ${n(v.stored.shiftEvents)} of ${n(v.sent.shiftEvents)}; ` +
      `missing ${n(v.missing)}, twice ${n(v.twice)}, never sent ${n(v.unexpected)}, under another device ${n(v.wrongDevice)}`,
    `  devices             ${n(v.devicesComplete)} of ${n(o.devices)} with every record stored; ${n(v.devicesReportingEmpty)} last reported an empty outbox`,
    `  roll-ups            rating_branch_days ${n(v.rollups.branchDays)}, rating_days ${n(v.rollups.days)} ratings; reasons ${n(v.rollups.reasonPicks)} of ${n(v.rollups.reasonPicksSent)} picks; rows differing ${n(v.rollups.rowsDiffering)}`,
    ...result.goals.map((g) => `  goal: ${g.goal.padEnd(22)} ${g.met ? 'met   ' : 'MISSED'}  ${g.figure}`),
  ];
  for (const line of lines) console.log(line);
  for (const r of result.rejected.slice(0, 3)) console.log(`  rejected ${r.id}: ${r.reason}: ${r.message}`);
  if (result.kept) console.log(`  kept                ${result.kept} (the servers' logs, and the SQLite file)`);
}

/** How the machine's cores were spent while the devices pushed: ours, and whatever else ran beside them. */
function cpuLine({ cpu, allInMs, options }: LoadResult): string {
  const wall = allInMs ?? options.timeLimitMs;
  const ours = cpu.devices + (cpu.servers ?? 0) + (cpu.postgres ?? 0);
  const parts = [
    `servers ${cpu.servers === null ? '?' : seconds(cpu.servers)}`,
    `devices ${seconds(cpu.devices)}`,
    ...(cpu.postgres === null ? [] : [`PostgreSQL ${seconds(cpu.postgres)}`]),
    ...(cpu.machine === null ? [] : [`other work on the machine ${seconds(Math.max(0, cpu.machine - ours))}`]),
  ];
  const machine = cpu.machine === null ? '' : `machine busy ${seconds(cpu.machine)} of ${seconds(cpu.cores * wall)} (${cpu.cores} cores): `;
  return machine + parts.join(', ');
}

async function main(): Promise<number> {
  const { runs, skipped } = options();
  console.log(`Load: ${runs[0]!.devices} devices closing the day at once, ${runs[0]!.records} records each; goals: all in within ${GOALS.allInMs / 1000} s, nothing lost, push p99 under ${GOALS.p99Ms / 1000} s.`);
  let failed = false;
  for (const run of runs) {
    console.log(`\n${run.database === 'sqlite' ? 'SQLite' : 'PostgreSQL'}…`);
    const result = await runLoad(run);
    print(result);
    if (result.goals.some((g) => !g.met)) failed = true;
  }
  if (skipped) console.log(`\n${skipped}`);
  console.log(failed ? '\nLoad: FAILED (see the goals above).' : '\nLoad: every goal met.');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
