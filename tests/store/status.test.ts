import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { watchDeviceStatus } from '../../src/store/status.ts';
import { givenOpenCounter, givenRatings } from '../helpers/counter.ts';

// The status corner's watch on fake-indexeddb: IndexedDB's own callbacks are not timers, so
// only the watch's pause is faked, and the test moves it.
let db: BranchVoiceDB;
let seen: number[];
let stop: () => void;

beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await givenOpenCounter(db);
  seen = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(async () => {
  stop();
  vi.useRealTimers();
  await db.delete();
});

/** Lets IndexedDB's callbacks run until `done`, without moving the faked timers. */
async function until(done: () => boolean): Promise<void> {
  for (let turns = 0; !done(); turns++) {
    if (turns > 10_000) throw new Error('never happened');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function watching(everyMs: number): void {
  const subscription = watchDeviceStatus(db, everyMs).subscribe(
    (status) => seen.push(status.unsynced),
    (error) => {
      throw error;
    },
  );
  stop = () => subscription.unsubscribe();
}

describe('watchDeviceStatus', () => {
  it('given ratings written in a burst after the first reading, then the status is read once more, after the pause, with all of them', async () => {
    watching(250);
    await until(() => seen.length === 1);
    expect(seen).toEqual([0]);

    await givenRatings(db, 5);
    // Many turns of IndexedDB's callbacks: nothing is read before the pause ends.
    for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([0]);

    await vi.advanceTimersByTimeAsync(250);
    await until(() => seen.length === 2);
    expect(seen).toEqual([0, 5]);
  });

  it('given a change after the pause, then it is read at once', async () => {
    watching(250);
    await until(() => seen.length === 1);
    await vi.advanceTimersByTimeAsync(1_000);

    await givenRatings(db, 2);
    // Read on the first, without moving the clock; the second, if it came after, at the pause's end.
    await until(() => seen.length === 2);
    expect([1, 2]).toContain(seen[1]);
    await vi.advanceTimersByTimeAsync(250);
    await until(() => seen.at(-1) === 2);
  });

  it('given its tables untouched, then it reads nothing more', async () => {
    watching(250);
    await until(() => seen.length === 1);
    await db.ratings.clear();
    await vi.advanceTimersByTimeAsync(1_000);
    for (let i = 0; i < 200; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([0]);
  });
});
