import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import { isDatabaseUnavailable } from '../../src/server/db/unavailable.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { aCounterTablet, eventually, expectExactlyOnce, givenBranchWithCounters, seededRandom, sleep, type Tablet } from './given.ts';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';

// PostgreSQL stopped (pg_ctl stop -m fast, as a restart or a failover does) while three counter
// tablets keep taking ratings and pushing, then started again. A cluster of the test's own:
// the shared one is never touched. The server must say 503 'unavailable' meanwhile, not 500,
// and come back by itself: the pool opens new connections; no restart of ours.

const BIN = postgresBinaries();
if (!BIN) console.warn('tests/faults/postgres-restart.test.ts skipped: no initdb/pg_ctl under /usr/lib/postgresql/*/bin (install the postgresql package to run it).');

const TABLETS = 3;
const OUTAGE_MS = 3000;

describe.skipIf(!BIN)('PostgreSQL restarted while tablets push', () => {
  let cluster: PrivatePostgres;
  let database: TestDatabase;

  beforeAll(async () => {
    cluster = await startPrivatePostgres(BIN!);
    const handle = createDatabase({ url: cluster.url });
    database = { ...handle, url: cluster.url };
    const migrated = await migrateToLatest(database.db);
    if (!migrated.ok) throw new Error(migrated.message);
  }, 60_000);
  afterAll(async () => {
    await database?.destroy();
    await cluster?.destroy();
  });

  it('given a transaction between two statements, when PostgreSQL stops, then the transaction fails with the connection, the process lives on, and after the start the pool serves again', async () => {
    // A client checked out of the pool with no statement running when the connection dies:
    // the window every push's transaction has between its statements.
    const outcome = await database.db
      .transaction()
      .execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await cluster.stop();
        await sleep(200);
        await sql`select 1`.execute(trx);
      })
      .then(
        () => 'committed',
        (error: unknown) => (isDatabaseUnavailable(error) ? 'unavailable' : `other: ${String(error)}`),
      );
    await cluster.start();
    expect(outcome).toBe('unavailable');
    expect((await sql<{ n: number }>`select 2 as n`.execute(database.db)).rows).toEqual([{ n: 2 }]);
  }, 30_000);

  it('given tablets pushing, when PostgreSQL stops for three seconds and starts again, then the server answers 503 meanwhile, recovers by itself, and the tablets’ retries bring every rating in once', async () => {
    const counterIds = await givenBranchWithCounters(database, TABLETS);
    const statuses = new Map<string, number>();
    const app: FastifyInstance = await buildApp({ db: database.db, now: Date.now });
    // Observes the real server's answers; changes nothing.
    app.addHook('onResponse', async (request, reply) => {
      const key = `${request.routeOptions.url ?? request.url} ${reply.statusCode}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    });
    // Any error other than the database's absence, so that a failure names it.
    const serverErrors: string[] = [];
    app.addHook('onError', async (request, _reply, error) => {
      if (!isDatabaseUnavailable(error)) serverErrors.push(`${request.routeOptions.url ?? request.url}: ${(error as { code?: unknown }).code ?? ''} ${error.message}`);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const tablets: Tablet[] = [];
    for (const [i, counterId] of counterIds.entries()) {
      tablets.push(await aCounterTablet(database.db, baseUrl, counterId, { engine: { random: seededRandom(i + 1), debounceMs: 100 } }));
    }

    try {
      // Each tablet: a customer every 60 ms, the engine pushing as it does in a branch.
      let taking = true;
      const customers = tablets.map(async (tablet) => {
        while (taking) {
          await tablet.rate(1);
          await sleep(60);
        }
      });
      for (const tablet of tablets) tablet.engine.start();
      await sleep(1000);

      const stoppedAt = Date.now();
      await cluster.stop();
      const during: { status: number; code: unknown; retryAfter: string | null }[] = [];
      while (Date.now() - stoppedAt < OUTAGE_MS) {
        const answer = await fetch(`${baseUrl}/api/health`);
        during.push({ status: answer.status, code: ((await answer.json()) as { code?: unknown }).code, retryAfter: answer.headers.get('retry-after') });
        await sleep(250);
      }
      await cluster.start();
      const downMs = Date.now() - stoppedAt;
      const recoveredMs = await eventually('the health check to pass again', async () => (await fetch(`${baseUrl}/api/health`)).status === 200, 20_000, 50);
      await sleep(1000);
      taking = false;
      await Promise.all(customers);
      const drainedMs = await eventually('every tablet’s outbox to empty', async () => (await Promise.all(tablets.map((t) => t.outboxDepth()))).every((d) => d === 0), 30_000);

      const answers = Object.fromEntries(statuses);
      console.log(`[faults] PostgreSQL restarted: the server's answers ${JSON.stringify(answers)}`);
      expect(during.length).toBeGreaterThan(0);
      expect(during.filter((d) => d.status !== 503 || d.code !== 'unavailable' || d.retryAfter === null)).toEqual([]);
      expect({ fiveHundreds: Object.keys(answers).filter((k) => / 500$/.test(k)), serverErrors }).toEqual({ fiveHundreds: [], serverErrors: [] });
      expect(answers['/api/sync/push 503'] ?? 0).toBeGreaterThan(0);
      const figures = await expectExactlyOnce(database.db, tablets.flatMap((t) => t.written));
      console.log(
        `[faults] PostgreSQL restarted (private cluster): down ${downMs} ms (stop + ${OUTAGE_MS} ms + start), health 503 ×${during.length} meanwhile, back ${recoveredMs} ms after the start, tablets drained ${drainedMs} ms after the last tap; ` +
          `${figures.records} ratings from ${TABLETS} tablets held once, ${figures.rolledUp} rolled up`,
      );
    } finally {
      for (const tablet of tablets) await tablet.discard();
      await app.close();
    }
  }, 60_000);
});
