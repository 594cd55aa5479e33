/**
 * The page side of bench/tap.ts, bundled by Vite and run in Chromium: the same tap (a rating
 * and its outbox row, one read-write transaction) written five ways, each into a database of
 * its own with our schema, so the store function is measured beside its raw baseline.
 */
import { uuidv7 } from 'uuidv7';
import type { Rating } from '../src/domain/rating.ts';
import { SCORES } from '../src/domain/rating.ts';
import { createDatabase, type OutboxRow } from '../src/store/db.ts';
import { setMeta } from '../src/store/meta.ts';
import { recordRating } from '../src/store/ratings.ts';

export const VARIANTS = ['raw-strict', 'raw-default', 'dexie-strict', 'dexie-strict-together', 'recordRating'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface RunOptions {
  /** Unsynced ratings (and their outbox rows) already stored before the first tap. */
  prefill: number;
  taps: number;
  warmup: number;
  /** Taps per variant in a row before moving to the next: variants take turns, so drift hits all alike. */
  block: number;
}

/** Milliseconds from tap to committed transaction, per variant, warm-up excluded. */
export type RunResult = Record<Variant, number[]>;

declare global {
  interface Window {
    tapBench: { run(options: RunOptions): Promise<RunResult> };
  }
}

const BRANCH_ID = '0190a0b0-0000-7000-8000-000000000001';
const COUNTER_ID = '0190a0b0-0000-7000-8000-000000000002';
const TELLER_ID = '0190a0b0-0000-7000-8000-000000000003';
const SIGN_IN_ID = '0190a0b0-0000-7000-8000-000000000004';
const SETTLE_MS = 5000;

type Tap = (n: number) => Promise<void>;
interface Writer {
  tap: Tap;
  close(): void;
}

// Every variant pays for the same per-tap work (a UUIDv7, the clock, the byte count), so the
// difference left is the write path itself.
function aRating(n: number, createdAt = Date.now()): Rating {
  return { kind: 'rating', id: uuidv7(), branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID, signInId: SIGN_IN_ID, score: SCORES[n % 4]!, reasons: [], language: 'zh-Hant', createdAt };
}
function outboxRow(rating: Rating): Omit<OutboxRow, 'seq'> {
  return { recordId: rating.id, kind: rating.kind, record: rating, bytes: JSON.stringify(rating).length, createdAt: rating.createdAt };
}

/** Creates the database with our schema (through Dexie, as the app does) and fills it. */
async function prepare(name: string, prefill: number): Promise<void> {
  const db = createDatabase(name);
  await db.open();
  const start = Date.now() - prefill;
  for (let done = 0; done < prefill; ) {
    const ratings = Array.from({ length: Math.min(10_000, prefill - done) }, (_, i) => aRating(done + i, start + done + i));
    await db.transaction('rw', db.ratings, db.outbox, async () => {
      await db.ratings.bulkAdd(ratings);
      await db.outbox.bulkAdd(ratings.map(outboxRow) as OutboxRow[]);
    });
    done += ratings.length;
  }
  db.close();
}

function openRaw(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Bare IndexedDB: one transaction over the two stores, resolved on `complete`. */
async function rawWriter(name: string, durability: IDBTransactionDurability | undefined): Promise<Writer> {
  const db = await openRaw(name);
  const options = durability ? { durability } : undefined;
  const tap: Tap = (n) =>
    new Promise((resolve, reject) => {
      const rating = aRating(n);
      const tx = db.transaction(['ratings', 'outbox'], 'readwrite', options);
      tx.objectStore('ratings').add(rating);
      tx.objectStore('outbox').add(outboxRow(rating));
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  return { tap, close: () => db.close() };
}

/** Dexie's own two-table transaction, with our schema and durability, without our wrapper. */
async function dexieWriter(name: string): Promise<Writer> {
  const db = createDatabase(name);
  await db.open();
  const tap: Tap = async (n) => {
    const rating = aRating(n);
    await db.transaction('rw', db.ratings, db.outbox, async () => {
      await db.ratings.add(rating);
      await db.outbox.add(outboxRow(rating) as OutboxRow);
    });
  };
  return { tap, close: () => db.close() };
}

/**
 * The same, with both adds issued before either is awaited, as the raw variant does: shows
 * what the sequential `await`s inside the transaction cost.
 */
async function dexieTogetherWriter(name: string): Promise<Writer> {
  const db = createDatabase(name);
  await db.open();
  const tap: Tap = async (n) => {
    const rating = aRating(n);
    await db.transaction('rw', db.ratings, db.outbox, () => Promise.all([db.ratings.add(rating), db.outbox.add(outboxRow(rating) as OutboxRow)]));
  };
  return { tap, close: () => db.close() };
}

/** The store function the counter screen calls. */
async function storeWriter(name: string): Promise<Writer> {
  const db = createDatabase(name);
  await db.open();
  // The window is open, as it is whenever a customer can tap: recordRating checks that in its transaction.
  await setMeta(db, 'shift', { state: 'open', tellerId: TELLER_ID, signInId: SIGN_IN_ID, since: Date.now() });
  const tap: Tap = async (n) => {
    const result = await recordRating(db, { branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID, signInId: SIGN_IN_ID, score: SCORES[n % 4]!, reasons: [], language: 'zh-Hant' });
    if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  };
  return { tap, close: () => db.close() };
}

const OPEN: Record<Variant, (name: string) => Promise<Writer>> = {
  'raw-strict': (name) => rawWriter(name, 'strict'),
  'raw-default': (name) => rawWriter(name, undefined),
  'dexie-strict': dexieWriter,
  'dexie-strict-together': dexieTogetherWriter,
  recordRating: storeWriter,
};

async function run({ prefill, taps, warmup, block }: RunOptions): Promise<RunResult> {
  const names = Object.fromEntries(VARIANTS.map((v) => [v, `tap-bench-${v}-${prefill}-${Date.now()}`])) as Record<Variant, string>;
  for (const variant of VARIANTS) await prepare(names[variant], prefill);
  // Let LevelDB finish compacting the bulk load first: on a tablet the backlog built up over
  // days, so its taps do not land in the middle of a compaction.
  if (prefill > 0) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const writers = {} as Record<Variant, Writer>;
  for (const variant of VARIANTS) writers[variant] = await OPEN[variant](names[variant]);

  const samples = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as RunResult;
  let n = 0;
  for (const variant of VARIANTS) for (let i = 0; i < warmup; i++) await writers[variant].tap(n++);
  for (let done = 0; done < taps; done += block) {
    for (const variant of VARIANTS) {
      for (let i = 0; i < Math.min(block, taps - done); i++) {
        const started = performance.now();
        await writers[variant].tap(n++);
        samples[variant].push(performance.now() - started);
      }
    }
  }

  for (const variant of VARIANTS) {
    writers[variant].close();
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(names[variant]);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    });
  }
  return samples;
}

window.tapBench = { run };
