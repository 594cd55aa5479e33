import { describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from '../../bench/load/run.ts';
import { TEST_POSTGRES_URL } from '../helpers/db.ts';
import { runTsx } from '../server/process.ts';

// `npm run load` small, so the command cannot rot: the same setup, server processes,
// devices and exact check as the thousand-tablet run (bench/load.ts), at 20 tablets of
// 100 records. Latency goals are the big run's business; here every record must arrive once.

// The time limit is how long the command waits for every tablet to be done, not a goal: a run
// that passes ends as soon as they are, and one on a busy machine must not fail for being slow.
const SMALL: LoadOptions = { devices: 20, records: 100, database: 'sqlite', servers: 1, perBranch: 10, driver: 'lean', timeLimitMs: 120_000 };
// 100 records a tablet: a sign-in, a pause and a resume, a sign-out, and 96 ratings.
const STORED = { ratings: 20 * 96, shiftEvents: 20 * 4 };

describe('npm run load, small', { timeout: 180_000 }, () => {
  it('given 20 tablets closing the day at once on SQLite, when the command runs, then it prints the exact counts and that nothing was lost', async () => {
    const run = await runTsx('bench/load.ts', ['--devices', '20', '--records', '100', '--db', 'sqlite', '--time-limit', '120'], { TEST_POSTGRES_URL: '', DATABASE_URL: '' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('SQLite, one server: 20 devices × 100 records = 2,000 records');
    expect(run.stdout).toContain('ratings 1,920 of 1,920, shift events 80 of 80; missing 0, twice 0, never sent 0, under another device 0');
    expect(run.stdout).toContain('20 of 20 with every record stored; 20 last reported an empty outbox');
    expect(run.stdout).toMatch(/goal: nothing lost +met/);
    expect(run.stdout).toContain('PostgreSQL: skipped');
  });

  it('given 20 tablets running the real sync engine on fake-indexeddb, when they close the day at once, then the server holds each record once and the roll-ups add up', async () => {
    const result = await runLoad({ ...SMALL, driver: 'engine' });
    expect(result.verification.problems).toEqual([]);
    expect(result.verification.stored).toEqual(STORED);
    expect(result.verification.rollups.branchDays).toBe(STORED.ratings);
    expect(result.allInMs).not.toBeNull();
    expect(result.answers).toEqual({ '200': 20 });
  });

  it.skipIf(!TEST_POSTGRES_URL)('given two servers sharing PostgreSQL, when 20 tablets close the day at once, then the database holds each record once and the roll-ups add up', async () => {
    const result = await runLoad({ ...SMALL, database: 'postgres', servers: 2, postgresUrl: TEST_POSTGRES_URL });
    expect(result.servers).toBe(2);
    expect(result.verification.problems).toEqual([]);
    expect(result.verification.stored).toEqual(STORED);
    expect(result.verification.rollups.branchDays).toBe(STORED.ratings);
    expect(result.allInMs).not.toBeNull();
  });
});
