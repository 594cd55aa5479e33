import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, type BranchVoiceDB, type OutboxRow } from '../../src/store/db.ts';
import { watchNewestOutboxKey } from '../../src/store/status.ts';
import { listenForTriggers, type SyncTrigger } from '../../src/sync/schedule.ts';
import { aRating } from '../builders/rating.ts';

// What starts a sync, on fake-indexeddb: the outbox is watched through Dexie's live queries,
// as the engine watches it on a tablet.
let db: BranchVoiceDB;
let asked: SyncTrigger[];
let stop: () => void;

beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await db.open();
  asked = [];
});
afterEach(async () => {
  stop();
  await db.delete();
});

function row(): Omit<OutboxRow, 'seq'> {
  const record = aRating({ id: crypto.randomUUID() });
  return { recordId: record.id, kind: 'rating', record, bytes: JSON.stringify(record).length, createdAt: Date.now() };
}

/**
 * Listens, and waits for a second live query, subscribed after the trigger's, to have read
 * the outbox once: what is written next is news to both.
 */
async function listening(): Promise<void> {
  stop = listenForTriggers(db, (trigger) => asked.push(trigger));
  let read = false;
  const probe = watchNewestOutboxKey(db).subscribe(() => (read = true));
  await vi.waitFor(() => expect(read).toBe(true));
  probe.unsubscribe();
}

describe('listenForTriggers', () => {
  it('given a record added to the outbox, then a sync is asked for', async () => {
    await db.outbox.add(row() as OutboxRow);
    await listening();
    await db.outbox.add(row() as OutboxRow);
    await vi.waitFor(() => expect(asked.includes('new-record')).toBe(true));
  });

  it('given a record added in the same moment another is settled, so the outbox is as deep as before, then a sync is still asked for', async () => {
    const first = await db.outbox.add(row() as OutboxRow);
    await listening();
    await db.transaction('rw', db.outbox, async () => {
      await db.outbox.delete(first);
      await db.outbox.add(row() as OutboxRow);
    });
    expect(await db.outbox.count()).toBe(1);
    await vi.waitFor(() => expect(asked.includes('new-record')).toBe(true));
  });

  it('given records only settled, then no sync is asked for', async () => {
    const first = await db.outbox.add(row() as OutboxRow);
    const second = await db.outbox.add(row() as OutboxRow);
    await listening();
    await db.outbox.bulkDelete([second, first]);
    // A later record is the witness that the deletions were read before it.
    await db.outbox.add(row() as OutboxRow);
    await vi.waitFor(() => expect(asked.length > 0).toBe(true));
    expect(asked).toEqual(['new-record']);
  });
});
