import Dexie, { RangeSet } from 'dexie';
import { uuidv7 } from 'uuidv7';
import type { BranchVoiceDB, OutboxRow } from './db.ts';
// Types only: the re-queue is loaded when a push first answers id-taken, rare enough to stay
// out of the counter's first JavaScript (its budget), and precached for offline use.
import type { Resign } from './requeue.ts';

export interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
}

/**
 * Reads the next batch after the last key seen. Reading from the start of an index while
 * draining makes IndexedDB skip every deleted entry again (17 → 150+ ms per read at 50,000
 * rows in Chromium); a primary-key range from the last key stays flat (docs/architecture.md, "The sync protocol").
 * The first row is always included, whatever its size, so one large record cannot stall.
 */
export async function readOutboxBatch(db: BranchVoiceDB, afterSeq: number, limits: BatchLimits): Promise<OutboxRow[]> {
  const rows = await db.outbox.where(':id').above(afterSeq).limit(limits.maxRecords).toArray();
  const batch: OutboxRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (batch.length > 0 && bytes + row.bytes > limits.maxBytes) break;
    batch.push(row);
    bytes += row.bytes;
  }
  return batch;
}

export interface Rejection {
  seq: number;
  reason: string;
  message: string;
}

/** What the server's answers to a pushed batch say to do with its rows, by outbox key. */
export interface Settlement {
  /** Held by the server: they leave the outbox. */
  acknowledged: number[];
  /** Refused, or a changed re-send of an id used before: they move to the quarantine. */
  rejected: Rejection[];
  /** Their id is held for another device: they go again under new ids (requeue.ts). */
  taken: number[];
}

export interface SettleOptions {
  now: number;
  /** Signs renamed records anew; without it, a renamed record signed by a staff session becomes the tablet's word (requeue.ts). */
  resign?: Resign;
  /** Makes the new ids of re-queued records: UUIDv7s, as the stores make them. */
  newId?: () => string;
}

/** How often a re-queue is planned again when staff change a case while it is being planned. */
const PLAN_ATTEMPTS = 5;

/**
 * Deletes the rows `done` names. A batch all settled is one run of keys: one range deletion
 * where the range holds exactly those rows (a count makes sure), else one deletion per key.
 */
async function leave(db: BranchVoiceDB, done: ReadonlySet<number>): Promise<void> {
  if (done.size === 0) return;
  const keys = [...done];
  const range = db.outbox.where(':id').between(Math.min(...keys), Math.max(...keys), true, true);
  if ((await range.count()) === done.size) await range.delete();
  else await db.outbox.bulkDelete(keys);
}

/**
 * Settles a pushed batch in one transaction: acknowledged rows leave the outbox, rejected
 * ones move to the quarantine with the server's reason, and taken ones go again under new
 * ids at the end of the outbox (requeue.ts). Answers the keys of the rows appended.
 */
export async function settleOutbox(db: BranchVoiceDB, settled: Settlement, { now, resign, newId = uuidv7 }: SettleOptions): Promise<number[]> {
  const { acknowledged, rejected, taken } = settled;
  if (acknowledged.length === 0 && rejected.length === 0 && taken.length === 0) return [];
  const done = new Set([...acknowledged, ...rejected.map((r) => r.seq)]);
  for (let attempt = 1; ; attempt++) {
    // Planned outside the transaction: a re-sign is not IndexedDB work, and awaiting it inside
    // would let IndexedDB commit the transaction half way.
    const requeue = taken.length === 0 ? null : await import('./requeue.ts');
    const plan = requeue ? await requeue.planRequeue(db, taken, done, newId, resign) : null;
    try {
      return await db.transaction('rw', [db.outbox, db.quarantine, ...(requeue ? requeue.requeueTables(db) : [])], async () => {
        const rows = await db.outbox.bulkGet(rejected.map((r) => r.seq));
        await db.quarantine.bulkPut(
          rows.flatMap((row, i) => {
            const rejection = rejected[i];
            if (!row || !rejection) return [];
            return [{ recordId: row.recordId, kind: row.kind, record: row.record, reason: rejection.reason, message: rejection.message, quarantinedAt: now }];
          }),
        );
        await leave(db, done);
        return requeue && plan ? requeue.applyRequeue(db, plan, done) : [];
      });
    } catch (error) {
      if (!(requeue && error instanceof requeue.StalePlan) || attempt === PLAN_ATTEMPTS) throw error;
    }
  }
}

/** Outbox keys from `first` to `last`, both included: a batch, read as one run of keys (readOutboxBatch). */
export interface KeyRange {
  first: number;
  last: number;
}

/** The keys a batch of rows spans, or null for none. */
export function keyRangeOf(rows: readonly OutboxRow[]): KeyRange | null {
  const [first, last] = [rows[0], rows.at(-1)];
  return first && last ? { first: first.seq, last: last.seq } : null;
}

/**
 * The outbox's depth through one sync run, without counting the whole outbox for every push
 * (a count walks every row). It counts once, at the run's first batch: the rows there were
 * and the newest key then. Every batch read is noted. The depth once a batch is settled is
 * the rows there were, less those read into batches since, plus those written since (keys
 * above the newest then: few), less those of them in the batches being carried.
 */
export class OutboxTally {
  #base: { depth: number; newestKey: number } | null = null;
  #readBefore = 0;
  /** The highest key noted: a batch read ahead and dropped is read again, and counts once. */
  #noted = 0;

  /** Notes a batch read this run (keys only grow along a run); the first takes the count. */
  async noteRead(db: BranchVoiceDB, rows: readonly OutboxRow[]): Promise<void> {
    if (!this.#base) {
      const [depth, newestKey] = await db.transaction('r', db.outbox, () => Promise.all([db.outbox.count(), db.outbox.toCollection().lastKey()]));
      this.#base = { depth, newestKey: (newestKey as number | undefined) ?? 0 };
    }
    const { newestKey } = this.#base;
    const fresh = rows.filter((row) => row.seq > this.#noted);
    this.#readBefore += fresh.filter((row) => row.seq <= newestKey).length;
    this.#noted = Math.max(this.#noted, ...fresh.map((row) => row.seq));
  }

  /** The rows waiting once the rows of `carried` (a run of keys read this run) are settled; null before the first batch. */
  async depthWithout(db: BranchVoiceDB, carried: KeyRange): Promise<number | null> {
    if (!this.#base) return null;
    const { depth, newestKey } = this.#base;
    const newer = db.outbox.where(':id').above(newestKey);
    const [written, carriedNewer] = await Promise.all([
      newer.count(),
      carried.last > newestKey ? db.outbox.where(':id').between(Math.max(carried.first, newestKey + 1), carried.last, true, true).count() : 0,
    ]);
    return depth - this.#readBefore + written - carriedNewer;
  }
}

/**
 * How much is waiting, and since when: the health report and the status corner. `settling`
 * is the run of keys a push is carrying right now: its rows are left out, so that the health
 * sent with that push describes the outbox as it will be once the push is settled. With a
 * run's `tally`, the depth needs no count of the whole outbox; the rest is a row read either
 * side of the batch and a count of the quarantine.
 */
export async function outboxStats(
  db: BranchVoiceDB,
  settling: KeyRange | null = null,
  tally: OutboxTally | null = null,
): Promise<{ depth: number; oldestCreatedAt: number | null; quarantined: number }> {
  return db.transaction('r', db.outbox, db.quarantine, async () => {
    if (!settling) {
      const [depth, first, quarantined] = await Promise.all([db.outbox.count(), db.outbox.orderBy(':id').first(), db.quarantine.count()]);
      return { depth, oldestCreatedAt: first?.createdAt ?? null, quarantined };
    }
    const { first, last } = settling;
    const counted = async () => (await db.outbox.count()) - (await db.outbox.where(':id').between(first, last, true, true).count());
    const [depth, before, after, quarantined] = await Promise.all([
      tally ? tally.depthWithout(db, settling).then((known) => known ?? counted()) : counted(),
      db.outbox.where(':id').below(first).first(),
      db.outbox.where(':id').above(last).first(),
      db.quarantine.count(),
    ]);
    // The oldest waiting row is the first by key outside the batch (keys grow with time; a
    // record sent again under a new id keeps its time, and is found as it was before).
    return { depth, oldestCreatedAt: (before ?? after)?.createdAt ?? null, quarantined };
  });
}

/**
 * Settles a batch the server acknowledged whole, read as one run of keys: one range deletion.
 *
 * It is the drain's hot step (a batch every few milliseconds), so it goes to IndexedDB
 * directly: through Dexie, a range deletion counts the range first and costs the drain about
 * a third of its time (docs/decisions/0018-tablet-speed.md). Relaxed durability is enough:
 * the server holds these records, and should the deletion be lost with the power, the rows
 * go again and the server answers them as duplicates. Dexie is then told what changed, as it
 * tells itself after a commit, so live queries and the status corner in this tab and in
 * others see the outbox shrink (the database runs without Dexie's query cache, which would
 * not hear of it).
 */
export async function settleAcknowledgedRun(db: BranchVoiceDB, run: KeyRange): Promise<void> {
  if (!db.isOpen()) await db.open();
  const idb = db.backendDB();
  await new Promise<void>((resolve, reject) => {
    const tx = idb.transaction(db.outbox.name, 'readwrite', { durability: 'relaxed' });
    tx.objectStore(db.outbox.name).delete(IDBKeyRange.bound(run.first, run.last));
    tx.oncomplete = () => resolve();
    // A failed request aborts the transaction, and the abort carries its error.
    tx.onabort = () => reject(tx.error ?? new Error('The outbox deletion was aborted.'));
  });
  const table = `idb://${db.name}/${db.outbox.name}/`;
  Dexie.on('storagemutated').fire({ [table]: new RangeSet(run.first, run.last), [`${table}:dels`]: new RangeSet(run.first, run.last) });
}
