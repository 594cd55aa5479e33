/**
 * Draining a tablet's outbox after an outage, in real Chromium: `npx tsx bench/drain.ts`.
 *
 * The built app (as `npm start` serves it) runs in Chromium, enrolled as a counter with a
 * teller signed in. The server goes down, RECORDS ratings wait in the tablet's outbox, the
 * server comes back on the same port, and the page hears the network return: the time from
 * there to an empty outbox is the app's drain. Beside it, in the same page and against the
 * same server, the baseline: a bare outbox (raw IndexedDB, batches of 200, strict
 * durability, one request at a time) draining as many; and PouchDB replicating as many from
 * a local PouchDB to a PouchDB server in batches of 200 (bench/pouch.ts), what a team would
 * use instead of writing an outbox. Rounds rotate the three, so drift on a busy machine hits
 * all alike. The server's own clock gives the time spent inside push
 * requests and the gaps between one answer and the next request; a long-task observer in the
 * page says whether the screen stayed free for the next customer while it drained.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import type { Rating } from '../src/domain/rating.ts';
import { PROTOCOL_VERSION } from '../src/domain/wire.ts';
import { countRatings } from '../src/server/repositories/ratings.ts';
import { enrollTablet, openTablet, readTabletDb, signInAtCounter, tabletMeta } from '../tests/e2e/harness.ts';
import { buildTheApp, givenServer, TELLER } from './app-server.ts';
import { drainPouch, openPouchPage, startPouch } from './pouch.ts';

const RECORDS = Number(process.env.DRAIN_RECORDS ?? 10_000);
const ROUNDS = Number(process.env.DRAIN_ROUNDS ?? 3);
const BATCH = 200;
const AIM = { ofBare: 1.2, pouchOverApp: 2.5 };
type Path = 'app' | 'bare' | 'pouchdb';

/** Nearest-rank percentile of unsorted samples. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** RECORDS ratings for the teller signed in at the tablet, a second apart and ending now. */
async function ratingsFor(page: Page): Promise<Rating[]> {
  const config = await tabletMeta<{ branch: { id: string }; counter: { id: string } }>(page, 'config');
  const shift = await tabletMeta<{ tellerId: string; signInId: string }>(page, 'shift');
  if (!config || !shift) throw new Error('the tablet is not enrolled with a teller signed in');
  const start = Date.now() - RECORDS * 1000;
  return Array.from({ length: RECORDS }, (_, i) => ({
    kind: 'rating',
    id: uuidv7(),
    branchId: config.branch.id,
    counterId: config.counter.id,
    tellerId: shift.tellerId,
    signInId: shift.signInId,
    score: (['very-satisfied', 'satisfied', 'neutral', 'satisfied'] as const)[i % 4]!,
    reasons: [],
    language: 'en',
    createdAt: start + i * 1000,
  }));
}

/** Puts ratings and their outbox rows into a database (`app`: the tablet's own; else the bare one), as the write path leaves them. */
function fill(page: Page, ratings: Rating[], into: 'app' | 'bare'): Promise<void> {
  return page.evaluate(
    ({ ratings, into }) =>
      new Promise<void>((resolve, reject) => {
        const open = into === 'app' ? indexedDB.open('branchvoice') : indexedDB.open('bare-outbox', 1);
        open.onupgradeneeded = () => open.result.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const stores = into === 'app' ? ['ratings', 'outbox'] : ['outbox'];
          const tx = db.transaction(stores, 'readwrite');
          for (const record of ratings) {
            if (into === 'app') tx.objectStore('ratings').add(record);
            tx.objectStore('outbox').add({ recordId: record.id, kind: record.kind, record, bytes: JSON.stringify(record).length, createdAt: record.createdAt });
          }
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { ratings, into },
  );
}

/** Starts watching the main thread for long tasks (over 50 ms), from now on. */
function watchLongTasks(page: Page): Promise<void> {
  return page.evaluate(() => {
    const seen: number[] = [];
    (globalThis as unknown as { longTasks: number[] }).longTasks = seen;
    new PerformanceObserver((list) => seen.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: false });
  });
}

const longTasks = (page: Page): Promise<number[]> => page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks.splice(0));

/**
 * The app's drain: the network comes back, and the outbox is watched until empty. The watch
 * asks for the first key only (one index step, not a count over what is left) on one open
 * connection, so it adds next to nothing to the IndexedDB work it measures.
 */
function drainApp(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('branchvoice');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const empty = () =>
      new Promise<boolean>((resolve, reject) => {
        const request = db.transaction('outbox').objectStore('outbox').getKey(IDBKeyRange.lowerBound(0));
        request.onsuccess = () => resolve(request.result === undefined);
        request.onerror = () => reject(request.error);
      });
    const started = performance.now();
    dispatchEvent(new Event('online'));
    while (!(await empty())) await new Promise((resolve) => setTimeout(resolve, 20));
    const ms = performance.now() - started;
    db.close();
    return ms;
  });
}

/** The baseline: read 200, push, delete them (strict), until empty; one request at a time. */
function drainBare(page: Page, token: string, batch: number, protocol: number): Promise<number> {
  return page.evaluate(
    async ({ token, batch, protocol }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('bare-outbox', 1);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const done = (request: IDBRequest | IDBTransaction) =>
        new Promise<void>((resolve, reject) => {
          if (request instanceof IDBTransaction) {
            request.oncomplete = () => resolve();
            request.onerror = () => reject(request.error);
          } else {
            request.onsuccess = () => resolve();
            request.onerror = () => reject(request.error);
          }
        });
      const started = performance.now();
      for (let after = 0; ; ) {
        const read = db.transaction('outbox').objectStore('outbox').getAll(IDBKeyRange.lowerBound(after, true), batch);
        await done(read);
        const rows = read.result as { seq: number; record: unknown }[];
        if (rows.length === 0) break;
        const response = await fetch('/api/sync/push', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ protocol, records: rows.map((row) => row.record) }),
        });
        if (!response.ok) throw new Error(`push answered ${response.status}`);
        await response.json();
        const first = rows[0]!.seq;
        after = rows.at(-1)!.seq;
        const write = db.transaction('outbox', 'readwrite', { durability: 'strict' });
        write.objectStore('outbox').delete(IDBKeyRange.bound(first, after));
        await done(write);
      }
      const ms = performance.now() - started;
      db.close();
      return ms;
    },
    { token, batch, protocol },
  );
}

interface Round {
  path: Path;
  ms: number;
  pushes: number;
  insideMs: number;
  gaps: number[];
  longTasks: number[];
}

function describePushes(pushes: Array<[number, number]>): Pick<Round, 'pushes' | 'insideMs' | 'gaps'> {
  const gaps = pushes.slice(1).map(([start], i) => start - pushes[i]![1]);
  return { pushes: pushes.length, insideMs: pushes.reduce((sum, [start, end]) => sum + end - start, 0), gaps };
}

async function main(): Promise<void> {
  if (!process.env.BENCH_NO_BUILD) buildTheApp();
  const work = mkdtempSync(join(tmpdir(), 'bv-drain-bench-'));
  const { server, code } = await givenServer(work, { ratingCooldownMs: 0 });
  const tablet = await openTablet(join(work, 'profile'));
  const pouch = await startPouch(work);
  const rounds: Round[] = [];
  try {
    const { page } = tablet;
    page.on('pageerror', (error) => console.error('page error:', error));
    if (process.env.DRAIN_CONSOLE) page.on('console', (m) => console.log(m.text()));
    // tsx keeps function names with a helper the page does not have.
    await page.addInitScript('globalThis.__name = (f) => f');
    await enrollTablet(page, server.baseUrl, code);
    await signInAtCounter(page, TELLER.staffNumber, TELLER.pin);
    const token = (await tabletMeta<{ token: string }>(page, 'device'))!.token;
    const expected = { value: await countRatings(server.handle.db) };
    const pouchPage = await tablet.context.newPage();
    await openPouchPage(pouchPage, pouch);
    const paths: Path[] = ['app', 'bare', 'pouchdb'];
    const order = Array.from({ length: ROUNDS }, (_, i) => [...paths.slice(i % 3), ...paths.slice(0, i % 3)]).flat();
    for (const [n, path] of order.entries()) {
      const ratings = await ratingsFor(page);
      if (path === 'pouchdb') {
        const ms = await drainPouch(pouchPage, pouch, `outbox-${n}`, ratings.map((r) => ({ _id: r.id, ...r })), BATCH);
        rounds.push({ path, ms, pushes: 0, insideMs: Number.NaN, gaps: [], longTasks: [] });
        console.log(`  ${path.padEnd(7)} ${RECORDS.toLocaleString('en')} in ${(ms / 1000).toFixed(2)} s`);
        continue;
      }
      if (path === 'app') {
        // The outage: the server goes, the ratings wait (the tablet's tries fail and back off).
        await server.stop();
        await fill(page, ratings, 'app');
        await server.start();
      } else {
        await fill(page, ratings, 'bare');
      }
      server.pushes = [];
      await watchLongTasks(page);
      const ms = path === 'app' ? await drainApp(page) : await drainBare(page, token, BATCH, PROTOCOL_VERSION);
      // The tablet's first push after the outage may be an empty one from its own retry.
      const pushes = describePushes(server.pushes);
      rounds.push({ path, ms, ...pushes, longTasks: await longTasks(page) });
      expected.value += RECORDS;
      const held = await countRatings(server.handle.db);
      if (held !== expected.value) throw new Error(`the server holds ${held} ratings, ${expected.value} expected`);
      if ((await readTabletDb<number>(page, 'outbox', 'count')) !== 0) throw new Error('the outbox is not empty');
      console.log(`  ${path.padEnd(7)} ${RECORDS.toLocaleString('en')} in ${(ms / 1000).toFixed(2)} s, ${pushes.pushes} pushes, ${(pushes.insideMs / 1000).toFixed(2)} s inside them, median gap ${percentile(pushes.gaps, 50).toFixed(1)} ms`);
    }
  } finally {
    await tablet.context.close();
    await pouch.close();
    await server.stop();
    await server.handle.destroy();
    rmSync(work, { recursive: true, force: true });
  }
  report(rounds);
}

function report(rounds: readonly Round[]): void {
  const of = (path: Round['path']) => rounds.filter((r) => r.path === path);
  const median = (path: Round['path'], pick: (r: Round) => number) => percentile(of(path).map(pick), 50);
  const app = median('app', (r) => r.ms);
  const bare = median('bare', (r) => r.ms);
  const ratio = app / bare;
  const pouchdb = median('pouchdb', (r) => r.ms);
  const appLong = of('app').flatMap((r) => r.longTasks);
  console.log('');
  console.log(`drain of ${RECORDS.toLocaleString('en')} ratings after an outage, median of ${ROUNDS} rounds each; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const header = ['path', 'median s', 'records/s', 'inside pushes s', 'median gap ms', 'p95 gap ms', 'long tasks', 'longest ms'];
  const lines = (['app', 'bare', 'pouchdb'] as const).map((path) => {
    const gaps = of(path).flatMap((r) => r.gaps);
    const tasks = of(path).flatMap((r) => r.longTasks);
    const ms = median(path, (r) => r.ms);
    // PouchDB's requests are its own (changes, revs-diff, bulk-docs): only its total is comparable.
    if (path === 'pouchdb') return [path, (ms / 1000).toFixed(2), Math.round(RECORDS / (ms / 1000)).toLocaleString('en'), '-', '-', '-', '-', '-'];
    return [path, (ms / 1000).toFixed(2), Math.round(RECORDS / (ms / 1000)).toLocaleString('en'), (median(path, (r) => r.insideMs) / 1000).toFixed(2), percentile(gaps, 50).toFixed(1), percentile(gaps, 95).toFixed(1), String(tasks.length), tasks.length ? Math.max(...tasks).toFixed(0) : '0'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log('');
  console.log(`${ratio <= AIM.ofBare ? 'ok  ' : 'OVER'} the app drains in ${ratio.toFixed(2)}× the bare outbox's time (aim ≤ ${AIM.ofBare}×)`);
  console.log(`${pouchdb / app >= AIM.pouchOverApp ? 'ok  ' : 'OVER'} the app drains ${(pouchdb / app).toFixed(2)}× faster than PouchDB replication (aim ≥ ${AIM.pouchOverApp}×)`);
  console.log(`${appLong.length === 0 ? 'ok  ' : 'note'} ${appLong.length} long tasks (> 50 ms) on the tablet's main thread while it drained${appLong.length ? `, the longest ${Math.max(...appLong).toFixed(0)} ms` : ''}`);
}

await main();
