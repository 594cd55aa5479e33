import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createDatabase } from '../../src/server/db/database.ts';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../helpers/db.ts';
import { aCounterTablet, eventually, expectExactlyOnce, givenBranchWithCounters } from './given.ts';

// A server told to stop (SIGTERM runs app.close(), src/server/main.ts) while a push is being
// stored: it must finish that push, answer it, and be gone, not keep the port shut for the
// 72 s of a keep-alive connection. The push is held inside its statement by a lock the test
// takes on PostgreSQL, so that it is surely in flight when the close begins.

describe.skipIf(!TEST_POSTGRES_URL)('the server closing with a push in flight', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('given a push waiting inside its transaction, when the server closes, then the push is answered, stored once, and the close ends with it', async () => {
    const [counterId] = await givenBranchWithCounters(database, 1);
    const handle = createDatabase({ url: database.url });
    const app = await buildApp({ db: handle.db, now: Date.now });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const tablet = await aCounterTablet(database.db, `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, counterId!);
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await tablet.rate(120);
      await locker.query('begin');
      await locker.query('lock table rating_branch_days in exclusive mode');
      const sync = tablet.engine.syncNow();
      await eventually('the push to wait on the lock', async () => {
        const { rows } = await locker.query<{ n: string }>("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()");
        return Number(rows[0]!.n) === 1;
      });

      const closing = app.close();
      const from = performance.now();
      await locker.query('commit');
      expect(await sync).toEqual({ ok: true, value: { pushed: 120, rejected: 0 } });
      await closing;
      const closeMs = performance.now() - from;

      // Far below the 72 s a kept-alive connection would hold close() for, and far above what
      // storing the push takes on a machine busy with other work.
      expect(closeMs).toBeLessThan(20_000);
      const figures = await expectExactlyOnce(database.db, tablet.written);
      console.log(`[faults] graceful close (postgres): a push in flight at close() answered and stored (${figures.records} ratings once); close() ended ${closeMs.toFixed(0)} ms after the push could go on (keep-alive timeout ${app.server.keepAliveTimeout} ms)`);
    } finally {
      await locker.end();
      await tablet.discard();
      await app.close();
      await handle.destroy();
    }
  });
});
