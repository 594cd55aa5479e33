import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase as createServerDatabase, type DatabaseHandle } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { issueEnrollmentCode } from '../../src/server/services/enrollment.ts';
import { recordCaseEvent } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { getMeta } from '../../src/store/meta.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { BRANCH_ID } from '../builders/rating.ts';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../helpers/db.ts';
import { startFaultProxy, type FaultProxy } from '../helpers/proxy.ts';
import { givenCaseStaff } from '../server/fixtures.ts';
import {
  aCounterTablet,
  eventually,
  expectExactlyOnce,
  expectRollupsAsRebuilt,
  givenBranchWithCounters,
  ratingsRolledUp,
  seededRandom,
  serverRatings,
  sleep,
  startServerProcess,
  type ServerProcess,
} from './given.ts';

// The real server process (src/server/main.ts) killed with SIGKILL: after it committed a push
// and before the tablet heard the answer, and in the middle of a push's transaction. Between
// the tablet (the real engine, fake-indexeddb) and the server sits a loopback proxy the test
// controls, so that the tablet's next try reaches the restarted server on its new port.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the server on `database` and keeps a proxy in front of it; `restart()` starts it again behind the same proxy. */
async function serverBehindProxy(where: { dataDir: string } | { databaseUrl: string }, env: Record<string, string> = {}) {
  let server: ServerProcess = await startServerProcess(where, env);
  const proxy: FaultProxy = await startFaultProxy(server.port);
  cleanups.push(() => proxy.close(), () => server.kill());
  return {
    proxy,
    get server() {
      return server;
    },
    async restart() {
      const started = Date.now();
      server = await startServerProcess(where, env);
      proxy.target = server.port;
      cleanups.push(() => server.kill());
      return Date.now() - started;
    },
  };
}

/** A SQLite file the test opens only between the server's lives, so each restart recovers the WAL on its own. */
type SqliteFile = { dataDir: string; file: string; open(): DatabaseHandle };

async function givenSqliteFile(): Promise<SqliteFile> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bv-fault-'));
  const file = join(dataDir, 'branchvoice.sqlite');
  const open = () => createServerDatabase({ sqliteFile: file });
  const first = open();
  const migrated = await migrateToLatest(first.db);
  if (!migrated.ok) throw new Error(migrated.message);
  await first.destroy();
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, file, open };
}

type Running = Awaited<ReturnType<typeof serverBehindProxy>>;
type Tablet = Awaited<ReturnType<typeof aCounterTablet>>;

/**
 * Holds the answer to the tablet's next push at the proxy, so the server has committed it and
 * the tablet has not heard; kills the server; cuts the tablet's connection; starts the server
 * again; and waits for the engine's own backoff to bring the outbox to nothing. `count` reads
 * how many ratings the server holds. Answers the figures to print.
 */
async function killAfterCommitBeforeAnswer(running: Running, tablet: Tablet, count: () => Promise<number>) {
  const before = await count();
  const waiting = await tablet.outboxDepth();
  const held = running.proxy.failNext('/api/sync/push', 'hold-response');
  tablet.engine.start();
  await held.requested;
  const from = performance.now();
  await held.done;
  const pushMs = performance.now() - from;
  // The server has answered, so it has committed: the batch is stored before the kill.
  const committed = (await count()) - before;
  expect(committed).toBe(Math.min(waiting, 200));
  await running.server.kill();
  held.cut();

  await eventually('the tablet to see its push fail', async () => (await getMeta(tablet.db, 'syncState'))?.lastError != null);
  expect(await tablet.outboxDepth()).toBe(waiting);
  const requestsBefore = running.proxy.stats.requests;
  const restartMs = await running.restart();
  const drainedMs = await eventually('the tablet’s own retries to empty its outbox', async () => (await tablet.outboxDepth()) === 0);
  tablet.engine.stop();
  return { committed, pushMs, restartMs, drainedMs, tries: running.proxy.stats.requests - requestsBefore };
}

describe('the server process killed on SQLite', () => {
  const KILLS = 3;
  const SEED = 2026;
  const BATCH = 200;

  it('given a tablet pushing, when the server is killed after committing a push it had not answered, and then at seeded random instants of large pushes, then each restart finds every batch whole or absent, and the retries store each rating once', async () => {
    const started = Date.now();
    const file = await givenSqliteFile();
    const setup = file.open();
    const [counterId] = await givenBranchWithCounters({ ...setup, url: file.file }, 1);
    const running = await serverBehindProxy({ dataDir: file.dataDir });
    // random 0: the engine's backoff at the short end of its jitter (0.5 s, 1 s, 2 s …).
    const tablet = await aCounterTablet(setup.db, running.proxy.url, counterId!, { engine: { random: () => 0 } });
    cleanups.push(() => tablet.discard());
    await setup.destroy();
    const count = async () => {
      const handle = file.open();
      try {
        return (await serverRatings(handle.db)).rows;
      } finally {
        await handle.destroy();
      }
    };

    await tablet.rate(BATCH);
    const afterCommit = await killAfterCommitBeforeAnswer(running, tablet, count);
    expect(await count()).toBe(BATCH);

    // Then killed at random instants, counted from the first byte of a push the server does not
    // have yet, spread over twice what a cold push took (one in each third of that span, so the
    // kills fall before, around and after the commit); the batches before it go by.
    const random = seededRandom(SEED);
    const rounds: string[] = [];
    let storedAhead = 0;
    for (let round = 1; round <= KILLS; round++) {
      if ((await tablet.outboxDepth()) < 3 * BATCH) await tablet.rate(5 * BATCH);
      if (round > 1) await running.restart();
      for (let i = 0; i < storedAhead; i++) running.proxy.failNext('/api/sync/push', 'pass');
      const armed = running.proxy.failNext('/api/sync/push', 'hold-response');
      let answered = false;
      void armed.answered.then(() => (answered = true));
      const sync = tablet.engine.syncNow();
      await armed.requested;
      const delay = Math.round(((round - 1 + random()) / KILLS) * 2 * afterCommit.pushMs * 10) / 10;
      await sleep(delay);
      const answeredAtKill = answered;
      await running.server.kill();
      armed.cut();
      expect((await sync).ok).toBe(false);

      // Opened only now, by this process: SQLite recovers the WAL the killed server left.
      const check = file.open();
      const stored = await serverRatings(check.db);
      const batches = batchesWholeOrAbsent(tablet.written, stored.ids, BATCH);
      expect(batches.partial).toEqual([]);
      expect(await ratingsRolledUp(check.db)).toBe(stored.rows);
      storedAhead = await batchesStoredAhead(tablet, stored.ids);
      await check.destroy();
      rounds.push(`kill ${round} ${delay} ms into a push (${answeredAtKill ? 'its answer already at the proxy' : 'before its answer'}): ${batches.present}/${batches.total} batches stored whole, 0 partial`);
    }

    await running.restart();
    expect((await tablet.engine.syncNow()).ok).toBe(true);
    expect(await tablet.outboxDepth()).toBe(0);
    await running.server.kill();
    const check = file.open();
    cleanups.push(() => check.destroy());
    const figures = await expectExactlyOnce(check.db, tablet.written);
    console.log(
      `[faults] killed after commit (sqlite): a push of ${afterCommit.committed} committed and unheard; restart ${afterCommit.restartMs} ms, the engine's retries emptied the outbox ${afterCommit.drainedMs} ms after it in ${afterCommit.tries} tries\n` +
        `[faults] killed at random (sqlite, seed ${SEED}, a cold push took the server ${afterCommit.pushMs.toFixed(1)} ms):\n  ${rounds.join('\n  ')}\n` +
        `  after the last restart: ${figures.records} ratings held once, ${figures.rolledUp} rolled up; ${Date.now() - started} ms in all`,
    );
  }, 90_000);
});

describe.skipIf(!TEST_POSTGRES_URL)('the server process killed on PostgreSQL', () => {
  it('given pushes blocked inside their statement and their transaction by a lock, when the server is killed and the lock released, then each is stored whole or not at all and the retries complete; killed after committing a push it had not answered, the engine’s retry stores nothing twice', async () => {
    const started = Date.now();
    const database = await createTestDatabase('postgres');
    cleanups.push(() => database.destroy());
    const [counterId] = await givenBranchWithCounters(database, 1);
    await givenCaseStaff(database);
    const APP = `bv-fault-${process.pid}`;
    const running = await serverBehindProxy({ databaseUrl: database.url }, { PGAPPNAME: APP });

    // A counter tablet's ratings go in one statement (inserts and roll-ups together); a lobby
    // tablet's case events in a transaction of several (events, then the cases' projection).
    const counter = await aCounterTablet(database.db, running.proxy.url, counterId!, { engine: { random: () => 0 } });
    cleanups.push(() => counter.discard());
    await counter.rate(200);
    const lobby = await aLobbyTablet(database, running.proxy.url);
    cleanups.push(() => lobby.discard());
    const CASES = 10;
    for (let i = 0; i < CASES; i++) await lobby.openAndRestate();

    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    cleanups.push(() => locker.end());
    await locker.query('begin');
    await locker.query('lock table rating_branch_days, complaint_cases in exclusive mode');
    const pushes = Promise.all([counter.engine.syncNow(), lobby.engine.syncNow()]);
    const waitingMs = await eventually('both pushes to wait on the lock', async () => (await backends(locker, APP, 'Lock')) === 2);

    await running.server.kill();
    expect((await pushes).map((o) => o.ok)).toEqual([false, false]);
    await locker.query('commit');
    // The orphaned backends finish or roll back once the lock is free; then the database is as the crash left it.
    await eventually('the killed server’s backends to end', async () => (await backends(locker, APP)) === 0);

    const ratings = (await serverRatings(database.db)).rows;
    const events = await countOf(database, 'case_events');
    const cases = await countOf(database, 'complaint_cases');
    expect([0, 200]).toContain(ratings);
    expect(await ratingsRolledUp(database.db)).toBe(ratings);
    expect([0, CASES * 2]).toContain(events);
    expect(cases).toBe(events === 0 ? 0 : CASES);
    await expectRollupsAsRebuilt(database.db);
    expect(await counter.outboxDepth()).toBe(200);
    expect(await lobby.outboxDepth()).toBe(CASES * 2);

    const restartMs = await running.restart();
    expect(await counter.engine.syncNow()).toEqual({ ok: true, value: { pushed: 200, rejected: 0 } });
    expect(await lobby.engine.syncNow()).toEqual({ ok: true, value: { pushed: CASES * 2, rejected: 0 } });
    expect(await countOf(database, 'case_events')).toBe(CASES * 2);
    expect(await countOf(database, 'complaint_cases')).toBe(CASES);

    await counter.rate(150);
    const afterCommit = await killAfterCommitBeforeAnswer(running, counter, async () => (await serverRatings(database.db)).rows);
    const figures = await expectExactlyOnce(database.db, counter.written);
    console.log(
      `[faults] killed mid-transaction (postgres): both pushes waited ${waitingMs} ms on the lock; after the kill the database held ${ratings}/200 ratings (one statement: ${ratings === 200 ? 'the orphaned backend finished and committed it whole' : 'rolled back'}) and ${events}/${CASES * 2} case events (a transaction: ${events === 0 ? 'rolled back' : 'committed whole'}); restart ${restartMs} ms, the retries stored 200 ratings, ${CASES * 2} events, ${CASES} cases\n` +
        `[faults] killed after commit (postgres): a push of ${afterCommit.committed} committed and unheard; restart ${afterCommit.restartMs} ms, the engine's retries emptied the outbox ${afterCommit.drainedMs} ms after it in ${afterCommit.tries} tries; ${figures.records} ratings held once, ${figures.rolledUp} rolled up; ${Date.now() - started} ms in all`,
    );
  }, 90_000);
});

/** Splits the written ids into the batches the engine sends (`size` each, in order) and says which are stored whole, which not at all, which in part. */
function batchesWholeOrAbsent(written: readonly string[], stored: ReadonlySet<string>, size: number) {
  const partial: number[] = [];
  let present = 0;
  for (let start = 0; start < written.length; start += size) {
    const held = written.slice(start, start + size).filter((id) => stored.has(id)).length;
    if (held === size) present++;
    else if (held > 0) partial.push(start / size);
  }
  return { total: Math.ceil(written.length / size), present, partial };
}

/** How many of the batches at the front of the tablet's outbox the server holds already. */
async function batchesStoredAhead(tablet: { db: BranchVoiceDB }, stored: ReadonlySet<string>): Promise<number> {
  const waiting = (await tablet.db.outbox.orderBy(':id').toArray()).map((row) => row.recordId);
  let ahead = 0;
  while (ahead * 200 < waiting.length && stored.has(waiting[ahead * 200]!)) ahead++;
  return ahead;
}

/** Backends of the server process (by its application name), those waiting on `waitEvent` when given. */
async function backends(client: pg.Client, applicationName: string, waitEvent?: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    'select count(*) as n from pg_stat_activity where application_name = $1 and ($2::text is null or wait_event_type = $2)',
    [applicationName, waitEvent ?? null],
  );
  return Number(rows[0]!.n);
}

const countOf = async (database: TestDatabase, table: 'case_events' | 'complaint_cases') =>
  Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/** A lobby tablet whose staff open cases and restate them: each case two events in its outbox. */
async function aLobbyTablet(database: TestDatabase, baseUrl: string) {
  const db: BranchVoiceDB = createDatabase(`fault-lobby-${crypto.randomUUID()}`);
  const code = await issueEnrollmentCode(database.db, { mode: 'lobby', branchId: BRANCH_ID }, Date.now());
  if (!code.ok) throw new Error(code.message);
  const enrolled = await enrollDevice(db, { baseUrl }, { code: code.value.code, appVersion: 'fault-test' });
  if (!enrolled.ok) throw new Error(enrolled.message);
  const engine = new SyncEngine({ db, http: { baseUrl }, appVersion: 'fault-test', locks: null });
  const staff = { staffId: STAFF_ID['lobby-staff'], role: 'lobby-staff' as const };
  return {
    db,
    engine,
    async openAndRestate() {
      const caseId = uuidv7();
      for (const input of [
        { ...staff, caseId, type: 'opened' as const, channel: 'in-person' as const, opinionId: null, summary: 'Charged twice for one transfer' },
        { ...staff, caseId, type: 'restated' as const, text: 'Two charges on 20 November' },
      ]) {
        const done = await recordCaseEvent(db, input);
        if (!done.ok) throw new Error(`${done.reason}: ${done.message}`);
      }
    },
    outboxDepth: () => db.outbox.count(),
    async discard() {
      engine.stop();
      db.close();
      await db.delete();
    },
  };
}
