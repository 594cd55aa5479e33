import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createDatabase, type DatabaseHandle, type DialectName } from '../../src/server/db/database.ts';
import { describeEachDatabase, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { aCounterTablet, expectExactlyOnce, givenBranchWithCounters, seededRandom, sleep, type Tablet } from './given.ts';

// A property of the sync engine against the real server (in-process, real HTTP) under random
// faults: whatever the history of taps on two or three tablets and of lost requests, lost
// answers, requests delivered twice, delays and server restarts, once the network heals the
// server holds exactly the ratings the tablets accepted, each once, and the roll-ups agree.
// Some tablets behave as a cloned image would, saving ratings under ids another tablet used:
// the server answers those id-taken (decision 0017), and the tablet sends them again under
// new ids, so at the end each rating is held once under the tablet that made it, its id the
// one in that tablet's own store, and nothing waits in a quarantine.
// The faults are made in the transport (the engine's `fetch`); nothing of ours is replaced.

/** What happens to one request of a tablet. */
type Fault =
  | 'none'
  /** Never reaches the server: the Wi-Fi dropped it. */
  | 'drop-request'
  /** Reaches the server, which commits and answers; the answer is lost. */
  | 'drop-response'
  /** Delivered twice at once (a retransmission racing the original); the tablet hears one. */
  | 'duplicate'
  /** Delivered, answered, then delivered again later (a proxy replaying it). */
  | 'duplicate-late'
  /** Held up before and after, a few milliseconds each way. */
  | 'delay'
  /** The server is closed and built again on the same database just before the request. */
  | 'restart-before';

type Step =
  | { kind: 'write'; device: number; count: number }
  | { kind: 'sync'; device: number; faults: Fault[] }
  | { kind: 'sync-all'; faults: Fault[][] }
  | { kind: 'restart' }
  /** Tablet `device` saves `count` ratings under ids another tablet (the `other`-th after it) saved ratings under. */
  | { kind: 'clone'; device: number; other: number; count: number };

const faultArb = fc.constantFrom<Fault>('none', 'none', 'drop-request', 'drop-response', 'duplicate', 'duplicate-late', 'delay', 'restart-before');
const faultsArb = fc.array(faultArb, { maxLength: 5 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write' as const), device: fc.nat(2), count: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), device: fc.nat(2), faults: faultsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync-all' as const), faults: fc.array(faultsArb, { minLength: 3, maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('clone' as const), device: fc.nat(2), other: fc.nat(1), count: fc.integer({ min: 1, max: 8 }) }) },
);
const historyArb = fc.record({ devices: fc.integer({ min: 2, max: 3 }), steps: fc.array(stepArb, { minLength: 3, maxLength: 16 }) });

/** Small batches, so that a sync is several pushes and a fault can fall between them. */
const LIMITS = { maxRecords: 7, maxBytes: 256 * 1024 };
const SEED = 8;
const RUNS: Record<DialectName, number> = { sqlite: 30, postgres: 15 };

/** The server, in-process over real HTTP, that a test can close and build again on the same database. */
class RestartableServer {
  #open: () => DatabaseHandle;
  #handle: DatabaseHandle | null = null;
  #app: FastifyInstance | null = null;
  baseUrl = '';
  restarts = 0;

  constructor(open: () => DatabaseHandle) {
    this.#open = open;
  }

  get db() {
    if (!this.#handle) throw new Error('the server is not running');
    return this.#handle.db;
  }

  async start(): Promise<void> {
    this.#handle = this.#open();
    this.#app = await buildApp({ db: this.#handle.db, now: Date.now });
    await this.#app.listen({ port: 0, host: '127.0.0.1' });
    this.baseUrl = `http://127.0.0.1:${(this.#app.server.address() as AddressInfo).port}`;
  }

  #restarting: Promise<void> = Promise.resolve();

  /** Closes the app (in-flight requests finish) and its database connections, then starts afresh; one restart at a time. */
  restart(): Promise<void> {
    this.#restarting = this.#restarting.then(async () => {
      await this.stop();
      await this.start();
      this.restarts++;
    });
    return this.#restarting;
  }

  async stop(): Promise<void> {
    await this.#app?.close();
    await this.#handle?.destroy();
    this.#app = null;
    this.#handle = null;
  }
}

/** Counts what the faults did over all runs, to print. */
const tally: Record<string, number> = {};
const count = (key: string) => (tally[key] = (tally[key] ?? 0) + 1);

/**
 * The tablet's transport: sends each request to the server as it is now (it moves when it is
 * built again), and does to it the next fault queued for this tablet.
 */
function faultyFetch(server: RestartableServer, queue: Fault[], random: () => number): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input));
    const to = () => new URL(url.pathname + url.search, server.baseUrl);
    const fault = queue.shift() ?? 'none';
    count('requests');
    if (fault !== 'none') count(fault);
    switch (fault) {
      case 'drop-request':
        throw new TypeError('fetch failed: the request was lost');
      case 'drop-response': {
        const answer = await fetch(to(), init);
        await answer.arrayBuffer();
        throw new TypeError('fetch failed: the answer was lost');
      }
      case 'duplicate': {
        const [first, second] = await Promise.all([fetch(to(), init), fetch(to(), init)]);
        await second.arrayBuffer();
        return first;
      }
      case 'duplicate-late': {
        const first = await fetch(to(), init);
        const body = await first.arrayBuffer();
        await (await fetch(to(), init)).arrayBuffer();
        return new Response(body, { status: first.status, headers: first.headers });
      }
      case 'delay': {
        await sleep(Math.floor(random() * 15));
        const answer = await fetch(to(), init);
        await sleep(Math.floor(random() * 15));
        return answer;
      }
      case 'restart-before':
        await server.restart();
        return fetch(to(), init);
      case 'none':
        return fetch(to(), init);
    }
  };
}

describeEachDatabase('the sync engine under random faults (property)', (kind) => {
  let database: TestDatabase;
  let counterIds: string[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // The branch once: hashing the teller's PIN is slow on purpose. Each run brings its own tablets.
    counterIds = await givenBranchWithCounters(database, 3);
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('given any history of taps on two or three tablets (some under ids another tablet used), lost requests and answers, duplicates, delays and restarts, when the network heals, then the server holds exactly the ratings accepted, each once, under the tablet that made it', async () => {
    const started = Date.now();
    const before = { ...tally };
    const server = new RestartableServer(() => (kind === 'sqlite' ? createDatabase({ sqliteFile: database.url }) : createDatabase({ url: database.url })));
    await server.start();
    try {
      await fc.assert(
        fc.asyncProperty(historyArb, fc.integer({ min: 1, max: 2 ** 30 }), async ({ devices, steps }, jitterSeed) => {
          count('runs');
          await clearRatings(server);
          const random = seededRandom(jitterSeed);
          const queues: Fault[][] = [];
          const tablets: Tablet[] = [];
          try {
            for (let d = 0; d < devices; d++) {
              const queue: Fault[] = [];
              queues.push(queue);
              tablets.push(await aCounterTablet(server.db, server.baseUrl, counterIds[d]!, { engine: { limits: LIMITS, random, http: { baseUrl: server.baseUrl, fetch: faultyFetch(server, queue, random) } } }));
            }
            for (const step of steps) {
              count('steps');
              await runStep(step, tablets, queues, server);
            }
            // The network heals: every tablet syncs until its outbox is empty.
            for (const tablet of tablets) {
              for (let attempt = 0; (await tablet.outboxDepth()) > 0; attempt++) {
                expect(attempt).toBeLessThan(3);
                expect((await tablet.engine.syncNow()).ok).toBe(true);
              }
            }
            await expectEachHeldByItsTablet(server, tablets);
          } finally {
            for (const queue of queues) queue.length = 0;
            for (const tablet of tablets) await tablet.discard();
          }
        }),
        { seed: SEED, numRuns: RUNS[kind] },
      );
    } finally {
      tally.restarts = (tally.restarts ?? 0) + server.restarts;
      await server.stop();
    }
    const done = Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, v - (before[k] ?? 0)]));
    console.log(`[faults] sync property (${kind}): seed ${SEED}, numRuns ${RUNS[kind]}; operations tried ${JSON.stringify(done)}; ${Date.now() - started} ms`);
  }, 120_000);
});

async function runStep(step: Step, tablets: Tablet[], queues: Fault[][], server: RestartableServer): Promise<void> {
  switch (step.kind) {
    case 'write': {
      const tablet = tablets[step.device % tablets.length]!;
      tally.writes = (tally.writes ?? 0) + step.count;
      await tablet.rate(step.count);
      return;
    }
    case 'sync': {
      const d = step.device % tablets.length;
      queues[d]!.splice(0, Infinity, ...step.faults);
      count('syncs');
      await tablets[d]!.engine.syncNow();
      queues[d]!.length = 0;
      return;
    }
    case 'sync-all':
      for (const [d, queue] of queues.entries()) queue.splice(0, Infinity, ...(step.faults[d] ?? []));
      await Promise.all(
        tablets.map((tablet) => {
          count('syncs');
          return tablet.engine.syncNow();
        }),
      );
      for (const queue of queues) queue.length = 0;
      return;
    case 'restart':
      await server.restart();
      return;
    case 'clone': {
      const d = step.device % tablets.length;
      const [to, from] = [tablets[d]!, tablets[(d + 1 + step.other) % tablets.length]!];
      if (to === from) return;
      const ids = from.written.filter((id) => !to.written.includes(id)).slice(-step.count);
      if (ids.length === 0) return;
      tally.cloned = (tally.cloned ?? 0) + ids.length;
      await to.rate(ids.length, { ids });
      return;
    }
  }
}

/**
 * The end of every history: each tablet still has every rating it saved (renamed or not),
 * the server holds exactly the union of them, each once, each under the tablet whose store
 * has it; the roll-ups agree; no tablet keeps anything in a quarantine.
 */
async function expectEachHeldByItsTablet(server: RestartableServer, tablets: readonly Tablet[]): Promise<void> {
  const maker = new Map<string, string>();
  for (const tablet of tablets) {
    const ids = (await tablet.db.ratings.toCollection().primaryKeys()) as string[];
    expect(ids).toHaveLength(tablet.written.length);
    for (const id of ids) {
      expect(maker.has(id)).toBe(false);
      maker.set(id, tablet.deviceId);
    }
    expect(await tablet.db.quarantine.count()).toBe(0);
  }
  await expectExactlyOnce(server.db, maker.keys());
  const rows = await server.db.selectFrom('ratings').select(['id', 'device_id']).execute();
  expect(rows.filter((row) => maker.get(row.id) !== row.device_id)).toEqual([]);
  tally.renamed = (tally.renamed ?? 0) + tablets.reduce((n, t) => n + t.written.filter((id) => maker.get(id) !== t.deviceId).length, 0);
}

/** Each run starts with no ratings on the server (the branch, counters and earlier devices stay). */
async function clearRatings(server: RestartableServer): Promise<void> {
  for (const table of ['rating_reason_days', 'rating_branch_days', 'rating_days', 'ratings'] as const) await server.db.deleteFrom(table).execute();
}
