// `npm run demo`: a living dashboard for a new user. Seeds a month of a small branch network
// (four branches in four zones, tellers with different profiles, complaint cases in every
// state, a fleet with a silent and a lagging tablet, a queue system at each branch whose
// tickets the ratings are joined to, a few ratings flagged) into its own database, ./data-demo
// unless DATA_DIR or DATABASE_URL say otherwise, then starts the server on it as `npm start`
// does. `npm run demo -- --seed-only` seeds and stops; `--days <n>` sets the length.
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { localDayOf, addDays, startOfLocalDay } from '../src/domain/period.ts';
import { createDatabaseFromEnv } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { seedDemo, DEMO_MANAGER_PIN, DEMO_PIN } from '../src/server/demo/seed.ts';
import { DEMO_BRANCHES } from '../src/server/demo/world.ts';
import { hasAnyBranch } from '../src/server/repositories/branches.ts';
import { recordDayCloseConfirmation, recordDayCloseStart } from '../src/server/repositories/day-closes.ts';
import { openStaffSession } from '../src/server/services/staff-sessions.ts';
import { addHeadOfficeAccount, addRosterAccount } from '../src/server/services/accounts.ts';
import { ensureRollupsCurrent } from '../src/server/services/report-rollups.ts';

/** The demo's dashboard password for every account it makes: a demo, not a bank. */
export const DEMO_PASSWORD = 'demo-password';

const { values } = parseArgs({ options: { 'seed-only': { type: 'boolean' }, days: { type: 'string' }, fresh: { type: 'boolean' } } });
const days = Number(values.days ?? 30);
if (!Number.isInteger(days) || days < 1 || days > 400) {
  console.error('--days must be a whole number from 1 to 400');
  process.exit(1);
}

process.env.DATA_DIR ||= './data-demo';
if (values.fresh && !process.env.DATABASE_URL) rmSync(process.env.DATA_DIR, { recursive: true, force: true });

const database = createDatabaseFromEnv(process.env);
const migrated = await migrateToLatest(database.db);
if (!migrated.ok) throw new Error(migrated.message);
const now = Date.now();
await ensureRollupsCurrent(database.db, now);

const HEAD_OFFICE = { staffNumber: 'HQ1', name: 'Head office service department' };
/** Each branch's queue system key, when seeded now: like a real key, it is shown this once. */
let queueKeys: (string | null)[] = [];

if (await hasAnyBranch(database.db)) {
  console.log(`The demo database already has branches (${process.env.DATABASE_URL ? 'DATABASE_URL' : process.env.DATA_DIR}); using it as it is. ` + '`npm run demo -- --fresh` seeds it again.');
} else {
  console.log(`Seeding ${days} days of ${DEMO_BRANCHES.length} branches…`);
  const started = performance.now();
  const seeded = await seedDemo(database.db, { now, days });
  // A demo to look around in: its published password is kept, not asked to be changed.
  const demoAccount = { password: DEMO_PASSWORD, mustChangePassword: false };
  must(await addHeadOfficeAccount(database.db, { ...HEAD_OFFICE, ...demoAccount }, now));
  for (const [i, branch] of seeded.branches.entries()) {
    must(await addRosterAccount(database.db, { tellerId: branch.staff['branch-manager'], ...demoAccount }, now));
    must(await addRosterAccount(database.db, { tellerId: branch.staff['complaint-manager'], ...demoAccount }, now));
    // Every past day was closed at 17:30 from the lobby tablet and confirmed by the manager.
    const plan = DEMO_BRANCHES[i]!;
    const today = localDayOf(now, plan.timeZone);
    for (let back = days - 1; back >= 1; back--) {
      const day = addDays(today, -back);
      if (new Date(`${day}T12:00:00Z`).getUTCDay() === 0) continue;
      const closedAt = startOfLocalDay(day, plan.timeZone) + 17.5 * 3_600_000;
      // The complaint manager signed in on the lobby tablet, PIN checked by the server.
      const session = await openStaffSession(database.db, {
        deviceId: branch.devices.lobby.id,
        branchId: branch.id,
        staffId: branch.staff['complaint-manager'],
        role: 'complaint-manager',
        createdAt: closedAt - 5 * 60_000,
      });
      await recordDayCloseStart(database.db, { branchId: branch.id, day, at: closedAt, staffId: session.staffId, deviceId: session.deviceId, sessionId: session.id });
      await recordDayCloseConfirmation(database.db, { branchId: branch.id, day, at: closedAt + 20 * 60_000, staffNumber: plan.branchManager.staffNumber, gaps: [] });
    }
  }
  queueKeys = seeded.branches.map((b) => b.queueKey);
  const { ratings, opinions, caseEvents, tickets, queueEvents, surveyResponses } = seeded.counts;
  console.log(
    `Seeded ${ratings} ratings, ${opinions} opinion-box entries, ${caseEvents} complaint-case events, ${tickets} queue tickets (${queueEvents} events) and ${surveyResponses} survey responses ` +
      `in ${((performance.now() - started) / 1000).toFixed(1)} s, through the same ingest and queue intake as the tablets and queue systems, ratings joined to their tickets.`,
  );
}
await database.destroy();

const port = process.env.PORT || '8080';
console.log(
  [
    '',
    '================ BranchVoice: demo ================',
    `Dashboard: http://localhost:${port}/dashboard`,
    `  head office:    staff number ${HEAD_OFFICE.staffNumber}, password ${DEMO_PASSWORD}`,
    ...DEMO_BRANCHES.map((b) => `  ${b.name}: branch manager ${b.branchManager.staffNumber}, complaint manager ${b.complaintManager.staffNumber}, password ${DEMO_PASSWORD}`),
    `Tablet staff PIN: ${DEMO_PIN} for tellers and lobby staff, ${DEMO_MANAGER_PIN} for complaint and branch managers`,
    ...queueSystemLines(),
    '===================================================',
    '',
  ].join('\n'),
);

// `npm start`'s own script: it builds the app when needed and runs the server in this process.
const START = './start.mjs';
if (!values['seed-only']) await import(START);

/**
 * Each branch's queue system key, and how to run the simulator against it (counters 1…n, the
 * branch's zone; another ticket letter, since the demo's own tickets of today are A001…).
 */
function queueSystemLines(): string[] {
  if (!queueKeys.some((key) => key !== null)) return [];
  return [
    `Queue systems (keys shown this once; \`npm run queue-sim -- --url http://localhost:${port} --key <key> …\` posts a live day):`,
    ...DEMO_BRANCHES.flatMap((b, i) => {
      const key = queueKeys[i];
      if (!key) return [];
      const counters = b.counters.map((_, n) => n + 1).join(',');
      return [`  ${b.name}: ${key}`, `    npm run queue-sim -- --url http://localhost:${port} --key ${key} --counters ${counters} --zone ${b.timeZone} --prefix B --speed 60`];
    }),
  ];
}

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(`demo: ${result.message}`);
  return result.value;
}
