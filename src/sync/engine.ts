import { err, ok, type Ok } from '../domain/result.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS } from '../domain/wire.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { loadDevice, type EnrolledDevice } from '../store/device.ts';
import type { Resign } from '../store/requeue.ts';
import { isQuotaExceeded, probeStorage } from '../store/write.ts';
import type { HttpFailure, HttpOptions } from './http.ts';
import { pushOutbox, type OutboxCursor, type PushOptions, type Pushed } from './push.ts';
import { listenForTriggers, SyncSchedule, type SyncFailure, type SyncOutcome, type SyncTrigger } from './schedule.ts';
import { readSyncState, recordRunOutcome } from './sync-state.ts';
import { rotateToken } from './token-rotation.ts';

export type { SyncFailure, SyncOutcome, SyncSkip, SyncTrigger } from './schedule.ts';

export interface EngineStatus {
  syncing: boolean;
  /** When the next try is due, if one is scheduled. */
  nextAttemptAt: number | null;
  /**
   * How this tab's last run ended, kept in memory too: with the storage full, the run's
   * outcome cannot be written to IndexedDB, and the status corner must not show a stale one.
   */
  lastRun: { at: number; failure: SyncFailure | null } | null;
}

export interface SyncEngineOptions {
  db: BranchVoiceDB;
  http: HttpOptions;
  appVersion: string;
  now?: () => number;
  random?: () => number;
  /** Web Locks, so that one tab of the app syncs at a time; null where there are none. */
  locks?: LockManager | null;
  /** Time between syncs when all is well. */
  intervalMs?: number;
  /** Wait after a new record, so that a burst of taps travels as one batch. */
  debounceMs?: number;
  limits?: { maxRecords: number; maxBytes: number };
  /** Signs records anew when they must go again under new ids (store/requeue.ts); without it they become the tablet's word. */
  resign?: Resign;
}

const LOCK_NAME = 'branchvoice-sync';

/**
 * Moves the outbox to the server, coordinating the sync's parts: when to run (schedule.ts),
 * the push and its settling (push.ts), a lobby tablet's case events (case-pull.ts) and what
 * the server blanked (blankings-pull.ts), a new token when the server asks (token-rotation.ts),
 * the outcome kept for the status corner (sync-state.ts), and the tablet's pruning after a
 * good run and at start-up (#prune).
 * It owns no records: everything it knows is read from IndexedDB on each run, so a reload, a
 * second tab or a new enrollment never finds it holding stale state.
 */
export class SyncEngine {
  readonly #db: BranchVoiceDB;
  readonly #push: PushOptions;
  readonly #locks: LockManager | null;
  readonly #schedule: SyncSchedule;

  #running: Promise<SyncOutcome> | null = null;
  #again = false;
  #started = false;
  readonly #cursor: OutboxCursor = { deviceId: null, seq: 0 };
  #lastRun: EngineStatus['lastRun'] = null;
  #listeners = new Set<(status: EngineStatus) => void>();
  #stopListening: (() => void) | null = null;

  constructor(options: SyncEngineOptions) {
    const now = options.now ?? Date.now;
    this.#db = options.db;
    this.#push = {
      db: options.db,
      http: options.http,
      appVersion: options.appVersion,
      now,
      limits: options.limits ?? { maxRecords: MAX_BATCH_RECORDS, maxBytes: MAX_BATCH_BYTES },
      resign: options.resign,
    };
    this.#locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
    this.#schedule = new SyncSchedule(
      { now, random: options.random ?? Math.random, intervalMs: options.intervalMs ?? 60_000, debounceMs: options.debounceMs ?? 500 },
      () => void this.syncNow(),
      () => this.#emit(),
    );
  }

  /**
   * Listens to the triggers and syncs once now. At start-up the tablet also prunes what it
   * keeps past its retention, network or not (#prune); every successful run prunes again.
   */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#stopListening = listenForTriggers(this.#db, (trigger) => this.requestSync(trigger));
    this.requestSync('start');
    void loadDevice(this.#db)
      .then((device) => device && this.#prune(device))
      .catch((error: unknown) => console.error('sync: the start-up pruning failed', error));
  }

  /** Stops listening and cancels the next try; a run under way finishes. */
  stop(): void {
    this.#started = false;
    this.#stopListening?.();
    this.#stopListening = null;
    this.#schedule.clear();
  }

  /** Asks for a sync; a fresh signal starts the backoff over (SyncSchedule.request). */
  requestSync(trigger: SyncTrigger): void {
    this.#schedule.request(trigger);
  }

  /** Syncs now and says how it went: the staff "sync now" button and tests. */
  syncNow(): Promise<SyncOutcome> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#schedule.clear();
    this.#running = this.#runLocked()
      .catch((error: unknown) => this.#failedLocally(error))
      .finally(() => {
        this.#running = null;
        this.#emit();
      });
    this.#emit();
    void this.#running.then((outcome) => this.#afterRun(outcome));
    return this.#running;
  }

  /** Follows the engine's in-memory status (syncing, next try). */
  subscribe(listener: (status: EngineStatus) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#status());
    return () => this.#listeners.delete(listener);
  }

  #status(): EngineStatus {
    return { syncing: this.#running !== null, nextAttemptAt: this.#schedule.nextAt, lastRun: this.#lastRun };
  }

  #emit(): void {
    const status = this.#status();
    for (const listener of this.#listeners) listener(status);
  }

  #afterRun(outcome: SyncOutcome): void {
    if (!this.#started) return;
    if (!this.#again) return this.#schedule.after(outcome);
    this.#again = false;
    this.#schedule.soon();
  }

  /**
   * A run that threw: IndexedDB refused a write (the storage is full) or went away. Either
   * way the engine must keep its timer, or a tablet whose storage filled up once would never
   * sync by itself again; the outbox is as the last settled batch left it.
   */
  #failedLocally(error: unknown): SyncOutcome {
    this.#cursor.seq = 0;
    if (isQuotaExceeded(error)) {
      this.#db.storagePressure.refused();
      this.#lastRun = { at: this.#push.now(), failure: 'storage-full' };
      return err('storage-full', 'The tablet is out of storage: sync what waits, then free space.');
    }
    console.error('sync: a run failed on the device', error);
    this.#lastRun = { at: this.#push.now(), failure: 'unknown' };
    return err('unknown', `The sync failed on this device: ${error instanceof Error ? error.message : String(error)}`);
  }

  // One tab at a time: the lock is held across the HTTP requests on purpose, because what
  // it guards is exactly "this outbox is being pushed"; it is released whatever happens.
  async #runLocked(): Promise<SyncOutcome> {
    if (!this.#locks) return this.#run();
    return this.#locks.request(LOCK_NAME, { ifAvailable: true }, (lock) =>
      lock ? this.#run() : ({ ok: 'skipped', why: 'busy' } as const),
    );
  }

  async #run(): Promise<SyncOutcome> {
    const device = await loadDevice(this.#db);
    if (!device) return { ok: 'skipped', why: 'not-enrolled' };
    const state = await readSyncState(this.#db);
    if (state.stopped) return { ok: 'skipped', why: 'stopped' };

    const { db, http } = this.#push;
    let result: Ok<Pushed> | HttpFailure = await pushOutbox(this.#push, device, this.#cursor);
    // A lobby tablet also brings back its branch's case events: after the push, so that its
    // own events come back with the server's verdict in the same run.
    // Loaded by a lobby tablet only: a counter's first JavaScript has no case code.
    if (result.ok && device.identity.mode === 'lobby') {
      const { pullCaseEvents } = await import('./case-pull.ts');
      const pulled = await pullCaseEvents(db, http, device);
      if (!pulled.ok) result = pulled;
    }
    // Then what the server blanked (retention, a customer's erasure): after the case events,
    // so that a case pulled in this very run is removed in it too.
    if (result.ok && device.identity.mode === 'lobby') {
      const { pullBlankings } = await import('./blankings-pull.ts');
      const pulled = await pullBlankings(db, http, device);
      if (!pulled.ok) result = pulled;
    }
    // Once the records are in: the old token works until the new one is used (decision 0016).
    if (result.ok && result.value.rotateToken) await rotateToken(db, http, device.identity);
    // Kept in memory too: with the storage full, the outcome cannot be written to IndexedDB.
    const at = this.#push.now();
    this.#lastRun = { at, failure: result.ok ? null : result.reason };
    await recordRunOutcome(db, state, result, at);
    // A run that went well: the tablet drops what it no longer needs to keep.
    if (result.ok) await this.#prune(device);
    // The outbox may have shrunk: staff who were told the storage is full learn whether a
    // record fits again without waiting for a customer to try.
    if (db.storagePressure.full) await probeStorage(db);
    return result.ok ? ok({ pushed: result.value.pushed, rejected: result.value.rejected }) : result;
  }

  /**
   * Prunes by the configuration's retention, at the engine's clock (store/quarantine.ts,
   * store/case-retention.ts): refused records past `quarantineDays` on every tablet, and on a
   * lobby tablet the events of cases signed off more than `closedCaseDays` ago. Nothing in the
   * outbox is touched. Loaded when first run, so a counter's first JavaScript carries none of
   * it. A failure is logged and tried again next time: it never fails a sync.
   */
  async #prune(device: EnrolledDevice): Promise<void> {
    try {
      const { pruneTablet } = await import('../store/quarantine.ts');
      await pruneTablet(this.#db, device, this.#push.now());
    } catch (error) {
      console.error('sync: pruning the tablet failed; it is tried again after the next sync', error);
    }
  }
}
