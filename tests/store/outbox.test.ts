import { liveQuery } from 'dexie';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { OutboxTally, outboxStats, readOutboxBatch, settleAcknowledgedRun, settleOutbox, type KeyRange } from '../../src/store/outbox.ts';
import { watchDeviceStatus, watchNewestOutboxKey, watchOutboxDepth } from '../../src/store/status.ts';
import { givenOpenCounter, givenRatings as givenRatingsOn } from '../helpers/counter.ts';

let db: BranchVoiceDB;
beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await givenOpenCounter(db);
});
const givenRatings = (count: number, start?: number) => givenRatingsOn(db, count, { start });

afterEach(async () => {
  await db.delete();
});

describe('the outbox', () => {
  it('given 5 rows, when read with a limit of 2 from the last key seen, then it walks forward without repeats', async () => {
    await givenRatings(5);
    const limits = { maxRecords: 2, maxBytes: 1e6 };
    const first = await readOutboxBatch(db, 0, limits);
    const second = await readOutboxBatch(db, first.at(-1)!.seq, limits);
    const third = await readOutboxBatch(db, second.at(-1)!.seq, limits);
    expect([first.length, second.length, third.length]).toEqual([2, 2, 1]);
    expect(new Set([...first, ...second, ...third].map((r) => r.recordId)).size).toBe(5);
  });

  it('given rows over the byte limit, when read, then the batch stops before the limit but always holds one row', async () => {
    await givenRatings(3);
    const [row] = await db.outbox.toArray();
    expect((await readOutboxBatch(db, 0, { maxRecords: 200, maxBytes: row!.bytes * 2 })).length).toBe(2);
    expect((await readOutboxBatch(db, 0, { maxRecords: 200, maxBytes: 1 })).length).toBe(1);
  });

  it('given a settled batch, then acknowledged rows are gone and rejected ones wait in quarantine with the reason', async () => {
    await givenRatings(3, 1_790_000_000_000);
    const rows = await db.outbox.toArray();
    await settleOutbox(db, { acknowledged: [rows[0]!.seq], rejected: [{ seq: rows[1]!.seq, reason: 'wrong-counter', message: 'not this counter' }], taken: [] }, { now: 42 });
    expect((await db.outbox.toArray()).map((r) => r.seq)).toEqual([rows[2]!.seq]);
    expect(await db.quarantine.toArray()).toEqual([
      { recordId: rows[1]!.recordId, kind: 'rating', record: rows[1]!.record, reason: 'wrong-counter', message: 'not this counter', quarantinedAt: 42 },
    ]);
    expect(await outboxStats(db)).toEqual({ depth: 1, oldestCreatedAt: 1_790_000_000_002, quarantined: 1 });
  });

  it.each([
    { settling: 'nothing', from: 0, to: -1, depth: 4, oldest: 1_790_000_000_000 },
    { settling: 'the first two rows', from: 0, to: 1, depth: 2, oldest: 1_790_000_000_002 },
    { settling: 'the middle two rows', from: 1, to: 2, depth: 2, oldest: 1_790_000_000_000 },
    { settling: 'every row', from: 0, to: 3, depth: 0, oldest: null },
  ])('given 4 rows and a push carrying $settling, then the stats describe the outbox once it is settled', async ({ from, to, depth, oldest }) => {
    await givenRatings(4, 1_790_000_000_000);
    const seqs = (await db.outbox.toArray()).map((r) => r.seq);
    const range = to < from ? null : { first: seqs[from]!, last: seqs[to]! };
    expect(await outboxStats(db, range)).toEqual({ depth, oldestCreatedAt: oldest, quarantined: 0 });
  });

  it('given acknowledged rows that are not one run of keys, when settled, then only those leave the outbox', async () => {
    await givenRatings(4, 1_790_000_000_000);
    const seqs = (await db.outbox.toArray()).map((r) => r.seq);
    await settleOutbox(db, { acknowledged: [seqs[0]!, seqs[2]!], rejected: [], taken: [] }, { now: 42 });
    expect((await db.outbox.toArray()).map((r) => r.seq)).toEqual([seqs[1], seqs[3]]);
    await settleOutbox(db, { acknowledged: [seqs[1]!, seqs[3]!], rejected: [], taken: [] }, { now: 43 });
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('the outbox tally of a sync run', () => {
  /** What a count of the whole outbox says once `carried` is settled: what the tally must equal. */
  const counted = async ({ first, last }: KeyRange) => (await db.outbox.count()) - (await db.outbox.where(':id').between(first, last, true, true).count());
  const rangeOf = (rows: { seq: number }[]): KeyRange => ({ first: rows[0]!.seq, last: rows.at(-1)!.seq });
  const batch = (after: number, size: number) => readOutboxBatch(db, after, { maxRecords: size, maxBytes: 1e6 });

  it('given batches read, records written meanwhile and a batch read twice, then its depth equals a count of the whole outbox at every step', async () => {
    await givenRatings(5, 1_790_000_000_000);
    const tally = new OutboxTally();
    expect(await tally.depthWithout(db, { first: 1, last: 1 })).toBeNull();

    const first = await batch(0, 2);
    await tally.noteRead(db, first);
    expect(await tally.depthWithout(db, rangeOf(first))).toBe(3);

    // Two customers rate while the first batch travels.
    await givenRatings(2, 1_790_000_100_000);
    expect(await tally.depthWithout(db, rangeOf(first))).toBe(5);
    expect(await tally.depthWithout(db, rangeOf(first))).toBe(await counted(rangeOf(first)));

    // The second batch read ahead while the first travels: both carried.
    const second = await batch(first.at(-1)!.seq, 3);
    await tally.noteRead(db, second);
    const both = { first: first[0]!.seq, last: second.at(-1)!.seq };
    expect(await tally.depthWithout(db, both)).toBe(2);
    expect(await tally.depthWithout(db, both)).toBe(await counted(both));

    // The first acknowledged; the read ahead dropped (an answer that was not a full
    // acknowledgement) and read again: it counts once.
    await settleAcknowledgedRun(db, rangeOf(first));
    await tally.noteRead(db, await batch(first.at(-1)!.seq, 3));
    expect(await tally.depthWithout(db, rangeOf(second))).toBe(2);
    expect(await tally.depthWithout(db, rangeOf(second))).toBe(await counted(rangeOf(second)));

    // The records written meanwhile, the last batch: nothing left once it is settled.
    await settleAcknowledgedRun(db, rangeOf(second));
    const third = await batch(second.at(-1)!.seq, 200);
    expect(third).toHaveLength(2);
    await tally.noteRead(db, third);
    expect(await tally.depthWithout(db, rangeOf(third))).toBe(0);
    expect(await outboxStats(db, rangeOf(third), tally)).toEqual({ depth: 0, oldestCreatedAt: null, quarantined: 0 });
  });

  it('given a batch acknowledged whole, when settled as a run, then exactly its rows leave', async () => {
    await givenRatings(4, 1_790_000_000_000);
    const rows = await batch(0, 2);
    await settleAcknowledgedRun(db, rangeOf(rows));
    expect((await db.outbox.toArray()).map((r) => r.createdAt)).toEqual([1_790_000_000_002, 1_790_000_000_003]);
  });

  it('given live queries and the status corner watching the outbox, when a run is settled, then each sees it shrink', async () => {
    await givenRatings(4, 1_790_000_000_000);
    const rows = await batch(0, 3);
    const seen = { depth: [] as number[], newest: [] as number[], times: [] as number[][], unsynced: [] as number[] };
    const watching = [
      watchOutboxDepth(db).subscribe((depth) => seen.depth.push(depth)),
      watchNewestOutboxKey(db).subscribe((key) => seen.newest.push(key)),
      // Reads rows, not a count: a result Dexie could have cached.
      liveQuery(() => db.outbox.toArray()).subscribe((all) => seen.times.push(all.map((row) => row.createdAt))),
      watchDeviceStatus(db, 0).subscribe((status) => seen.unsynced.push(status.unsynced), () => undefined),
    ];
    try {
      await vi.waitFor(() => expect([seen.depth.at(-1), seen.times.at(-1)?.length, seen.unsynced.at(-1)]).toEqual([4, 4, 4]));
      await settleAcknowledgedRun(db, rangeOf(rows));
      await vi.waitFor(() => {
        expect(seen.depth.at(-1)).toBe(1);
        expect(seen.times.at(-1)).toEqual([1_790_000_000_003]);
        expect(seen.unsynced.at(-1)).toBe(1);
      });
      // The newest key stays: the trigger for new records does not fire on a settling.
      expect(new Set(seen.newest)).toEqual(new Set([rows.at(-1)!.seq + 1]));
    } finally {
      for (const watch of watching) watch.unsubscribe();
    }
  });
});
