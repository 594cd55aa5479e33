import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase } from '../helpers/db.ts';
import { startFaultProxy, type Fault, type FaultProxy } from '../helpers/proxy.ts';
import { startTestServer, useTestDatabase } from '../server/fixtures.ts';
import { aCounterTablet, expectExactlyOnce, givenBranchWithCounters, serverRatings, type Tablet } from './given.ts';

// The link between a tablet and the server cut at each step of a push, by a loopback proxy
// the test controls: the real server over real HTTP, the real engine on fake-indexeddb. What
// the tablet did not hear must stay in its outbox; what the server stored must not be
// stored again when the tablet sends it once more.

/** Each point of a push where the link can break, what the server has by then, and what the engine makes of it. */
const CUTS: { fault: Fault; serverHasIt: boolean; failure: string }[] = [
  { fault: 'cut-before-request', serverHasIt: false, failure: 'unreachable' },
  { fault: 'cut-during-request-body', serverHasIt: false, failure: 'unreachable' },
  { fault: 'cut-before-response', serverHasIt: true, failure: 'unreachable' },
  { fault: 'cut-during-response', serverHasIt: true, failure: 'bad-response' },
];

describeEachDatabase('a push whose connection is cut', (kind) => {
  const database = useTestDatabase(kind);
  let proxy: FaultProxy;
  let tablet: Tablet;

  beforeEach(async () => {
    const [counterId] = await givenBranchWithCounters(database.current, 1);
    const server = await startTestServer({ db: database.current.db, now: Date.now });
    proxy = await startFaultProxy(Number(new URL(server.baseUrl).port));
    tablet = await aCounterTablet(database.current.db, proxy.url, counterId!);
  });
  afterEach(async () => {
    await tablet.discard();
    await proxy.close();
  });

  it('given a cut at each step of a push in turn, then the tablet keeps what it did not hear acknowledged, its next sync completes, and the server holds each rating once', async () => {
    const started = Date.now();
    for (const [i, cut] of CUTS.entries()) {
      const batch = await tablet.rate(40 + i);
      const before = (await serverRatings(database.current.db)).rows;

      const armed = proxy.failNext('/api/sync/push', cut.fault);
      const outcome = await tablet.engine.syncNow();
      await armed.done;

      // Nothing the tablet did not hear acknowledged has left it.
      expect(outcome).toMatchObject({ ok: false, reason: cut.failure });
      expect(await tablet.outboxDepth()).toBe(batch.length);
      const held = await serverRatings(database.current.db);
      expect(held.rows).toBe(before + (cut.serverHasIt ? batch.length : 0));

      const retry = await tablet.engine.syncNow();
      expect(retry).toEqual({ ok: true, value: { pushed: batch.length, rejected: 0 } });
      expect(await tablet.outboxDepth()).toBe(0);
      console.log(`[faults] connection cut (${kind}) ${cut.fault}: ${batch.length} ratings, server had ${held.rows - before} after the cut, the retry pushed ${batch.length}, failure seen: ${outcome.ok === false ? outcome.reason : '-'}`);
    }
    const figures = await expectExactlyOnce(database.current.db, tablet.written);
    console.log(`[faults] connection cut (${kind}): ${CUTS.length} cuts, ${figures.records} ratings held once, ${figures.rolledUp} rolled up, ${proxy.stats.requests} requests through the proxy, ${Date.now() - started} ms`);
  });
});
