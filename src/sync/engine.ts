import * as v from 'valibot';
import { DeviceConfigSchema } from '../domain/config.ts';
import { err, ok, type Result } from '../domain/result.ts';
import {
  CASE_EVENTS_PAGE_DEFAULT,
  CaseEventsPageSchema,
  MAX_BATCH_BYTES,
  MAX_BATCH_RECORDS,
  PROTOCOL_VERSION,
  RotateTokenResponseSchema,
  type DeviceHealth,
  type PushRequest,
  type PushResponse,
} from '../domain/wire.ts';
import { savePulledCaseEvents } from '../store/cases.ts';
import { SYNC_STOPS, type BranchVoiceDB, type DeviceIdentity, type OutboxRow, type SyncState, type SyncStop } from '../store/db.ts';
import { loadDevice, saveConfig, saveRotatedToken, type EnrolledDevice } from '../store/device.ts';
import { getMeta, setMeta } from '../store/meta.ts';
import { outboxStats, readOutboxBatch, settleOutbox, type Settlement } from '../store/outbox.ts';
import type { Resign } from '../store/requeue.ts';
import { storageEstimate } from '../store/persistence.ts';
import { watchOutboxDepth } from '../store/status.ts';
import { isQuotaExceeded, probeStorage } from '../store/write.ts';
import { retryDelay } from './backoff.ts';
import { requestJson, type HttpOptions, type TransportFailure } from './http.ts';

/** What can start a sync (DESIGN.md "Sync"). */
export type SyncTrigger = 'start' | 'new-record' | 'online' | 'visible' | 'timer' | 'retry' | 'manual';

export type SyncSkip = 'busy' | 'not-enrolled' | 'stopped';
/**
 * Why a run failed: the transport's reasons, the tablet's storage refusing what the run had to
 * keep, or IndexedDB failing it otherwise ('unknown': logged, tried again with the backoff).
 */
export type SyncFailure = TransportFailure | 'storage-full' | 'unknown';
export type SyncOutcome = Result<{ pushed: number; rejected: number }, SyncFailure> | { ok: 'skipped'; why: SyncSkip };

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
// 'forbidden' was answered as 'bad-request' before it had a name of its own; it is retried as that was.
const RETRYABLE: ReadonlySet<SyncFailure> = new Set(['offline', 'unreachable', 'timeout', 'server-error', 'rate-limited', 'bad-response', 'payload-too-large', 'bad-request', 'forbidden', 'storage-full', 'unknown']);

/**
 * Moves the outbox to the server: push in batches, settle each answer, back off on failure,
 * stop on 401, take a new token when the server asks. It owns no records: everything it knows is read from IndexedDB on each run,
 * so a reload, a second tab or a new enrollment never finds it holding stale state.
 */
export class SyncEngine {
  readonly #db: BranchVoiceDB;
  readonly #http: HttpOptions;
  readonly #appVersion: string;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #locks: LockManager | null;
  readonly #intervalMs: number;
  readonly #debounceMs: number;
  readonly #limits: { maxRecords: number; maxBytes: number };
  readonly #resign: Resign | undefined;

  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt: number | null = null;
  #attempt = 0;
  #running: Promise<SyncOutcome> | null = null;
  #again = false;
  #started = false;
  /** The last outbox key pushed; reading resumes after it (see readOutboxBatch). */
  #lastSeq = 0;
  /**
   * The device #lastSeq belongs to. A tablet whose database the browser deleted is enrolled
   * again into a new one, whose outbox keys start again from 1: they must not be skipped.
   */
  #lastSeqDevice: string | null = null;
  #lastRun: EngineStatus['lastRun'] = null;
  #listeners = new Set<(status: EngineStatus) => void>();
  #teardown: Array<() => void> = [];

  constructor(options: SyncEngineOptions) {
    this.#db = options.db;
    this.#http = options.http;
    this.#appVersion = options.appVersion;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#locks = options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#debounceMs = options.debounceMs ?? 500;
    this.#limits = options.limits ?? { maxRecords: MAX_BATCH_RECORDS, maxBytes: MAX_BATCH_BYTES };
    this.#resign = options.resign;
  }

  /** Listens to the triggers and syncs once now. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    const onOnline = () => this.requestSync('online');
    const onVisible = () => globalThis.document?.visibilityState === 'visible' && this.requestSync('visible');
    globalThis.addEventListener?.('online', onOnline);
    globalThis.document?.addEventListener('visibilitychange', onVisible);
    let depth: number | null = null;
    const subscription = watchOutboxDepth(this.#db).subscribe({
      next: (next) => {
        if (depth !== null && next > depth) this.requestSync('new-record');
        depth = next;
      },
      error: () => undefined,
    });
    this.#teardown.push(
      () => globalThis.removeEventListener?.('online', onOnline),
      () => globalThis.document?.removeEventListener('visibilitychange', onVisible),
      () => subscription.unsubscribe(),
    );
    this.requestSync('start');
  }

  /** Stops listening and cancels the next try; a run under way finishes. */
  stop(): void {
    this.#started = false;
    for (const undo of this.#teardown.splice(0)) undo();
    this.#clearTimer();
  }

  /**
   * Asks for a sync. A fresh signal (a new record, the network back, staff pressing the
   * button) starts the backoff over: it is news that the last failure may be over.
   */
  requestSync(trigger: SyncTrigger): void {
    if (trigger !== 'timer' && trigger !== 'retry') this.#attempt = 0;
    this.#schedule(trigger === 'new-record' ? this.#debounceMs : 0);
  }

  /** Syncs now and says how it went: the staff "sync now" button and tests. */
  syncNow(): Promise<SyncOutcome> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#clearTimer();
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

  /**
   * A run that threw: IndexedDB refused a write (the storage is full) or went away. Either
   * way the engine must keep its timer, or a tablet whose storage filled up once would never
   * sync by itself again; the outbox is as the last settled batch left it.
   */
  #failedLocally(error: unknown): SyncOutcome {
    this.#lastSeq = 0;
    if (isQuotaExceeded(error)) {
      this.#db.storagePressure.refused();
      this.#lastRun = { at: this.#now(), failure: 'storage-full' };
      return err('storage-full', 'The tablet is out of storage: sync what waits, then free space.');
    }
    console.error('sync: a run failed on the device', error);
    this.#lastRun = { at: this.#now(), failure: 'unknown' };
    return err('unknown', `The sync failed on this device: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** Follows the engine's in-memory status (syncing, next try). */
  subscribe(listener: (status: EngineStatus) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#status());
    return () => this.#listeners.delete(listener);
  }

  #status(): EngineStatus {
    return { syncing: this.#running !== null, nextAttemptAt: this.#timerAt, lastRun: this.#lastRun };
  }

  #emit(): void {
    const status = this.#status();
    for (const listener of this.#listeners) listener(status);
  }

  #schedule(delayMs: number): void {
    const at = this.#now() + delayMs;
    if (this.#timerAt !== null && this.#timerAt <= at) return;
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAt = null;
      void this.syncNow();
    }, delayMs);
    this.#emit();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = null;
  }

  #afterRun(outcome: SyncOutcome): void {
    if (!this.#started) return;
    if (this.#again) {
      this.#again = false;
      this.#schedule(this.#debounceMs);
      return;
    }
    if (outcome.ok === true || outcome.ok === 'skipped') {
      this.#attempt = 0;
      if (outcome.ok !== 'skipped' || outcome.why === 'busy') this.#schedule(this.#intervalMs);
      return;
    }
    if (RETRYABLE.has(outcome.reason)) {
      this.#attempt += 1;
      const retryAfterMs = 'retryAfterMs' in outcome ? (outcome.retryAfterMs as number | undefined) : undefined;
      this.#schedule(retryDelay(this.#attempt, retryAfterMs, this.#random));
    }
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
    if (device.identity.deviceId !== this.#lastSeqDevice) {
      this.#lastSeq = 0;
      this.#lastSeqDevice = device.identity.deviceId;
    }
    const state = (await getMeta(this.#db, 'syncState')) ?? emptyState();
    if (state.stopped) return { ok: 'skipped', why: 'stopped' };

    let result = await this.#drain(device);
    // A lobby tablet also brings back its branch's case events (issue #6): after the push,
    // so that its own events come back with the server's verdict in the same run.
    if (result.ok && device.identity.mode === 'lobby') {
      const pulled = await this.#pullCaseEvents(device);
      if (!pulled.ok) result = pulled;
    }
    // Once the records are in: the old token works until the new one is used (decision 0016).
    if (result.ok && result.value.rotateToken) await this.#rotateToken(device.identity);
    await this.#recordOutcome(state, result);
    // The outbox may have shrunk: staff who were told the storage is full learn whether a
    // record fits again without waiting for a customer to try.
    if (this.#db.storagePressure.full) await probeStorage(this.#db);
    return result.ok ? ok({ pushed: result.value.pushed, rejected: result.value.rejected }) : result;
  }

  async #drain(device: EnrolledDevice): Promise<DrainResult> {
    let pushed = 0;
    let rejected = 0;
    let clockOffsetMs: number | null = null;
    let rotateToken = false;
    /** Keys of rows this run sent again under new ids: one answered id-taken once more waits for the next run. */
    const requeued = new Set<number>();
    // Always one push, even with nothing to send: it carries the health report and
    // brings back the configuration version.
    for (let first = true; ; first = false) {
      const rows = await readOutboxBatch(this.#db, this.#lastSeq, this.#limits);
      if (rows.length === 0 && !first) break;
      const sentAt = this.#now();
      const health = await this.#health(clockOffsetMs, rows.map((row) => row.seq));
      const body: PushRequest = { protocol: PROTOCOL_VERSION, records: rows.map((row) => row.record), health };
      const answer = await requestJson<PushResponse>(this.#http, '/api/sync/push', { method: 'POST', token: device.identity.token, body });
      if (!answer.ok) {
        this.#lastSeq = 0;
        return answer;
      }
      const settled = settlement(rows, answer.value);
      if (!settled.ok) {
        this.#lastSeq = 0;
        return settled;
      }
      const appended = await settleOutbox(this.#db, settled.value, { now: this.#now(), resign: this.#resign });
      clockOffsetMs = answer.value.serverTime - (sentAt + this.#now()) / 2;
      rotateToken ||= answer.value.rotateToken === true;
      pushed += settled.value.acknowledged.length;
      rejected += settled.value.rejected.length;
      // Re-queued rows were appended with keys above the last one read, so reading on from
      // this batch's last key reaches them.
      const last = rows.at(-1);
      if (last) this.#lastSeq = last.seq;
      const takenAgain = settled.value.taken.some((seq) => requeued.has(seq));
      for (const seq of appended) requeued.add(seq);
      if (answer.value.configVersion !== device.config.version) {
        const pulled = await this.#pullConfig(device);
        if (!pulled.ok) return pulled;
        device = { ...device, config: pulled.value };
      }
      // A server that keeps taking every new id would keep this loop going: it ends the run.
      if (rows.length === 0 || takenAgain) break;
    }
    return ok({ pushed, rejected, clockOffsetMs, rotateToken });
  }

  /** Pulls case events page by page from the cursor kept in IndexedDB, each page kept with its cursor in one transaction. */
  async #pullCaseEvents(device: EnrolledDevice): Promise<Result<number, TransportFailure>> {
    let pulled = 0;
    for (;;) {
      const after = (await getMeta(this.#db, 'caseCursor')) ?? 0;
      const answer = await requestJson<unknown>(this.#http, `/api/case-events?after=${after}&limit=${CASE_EVENTS_PAGE_DEFAULT}`, { method: 'GET', token: device.identity.token });
      if (!answer.ok) return answer;
      const page = v.safeParse(CaseEventsPageSchema, answer.value);
      if (!page.success) return err('bad-response', 'The server sent case events this app does not understand.');
      await this.#db.transaction('rw', this.#db.caseEvents, this.#db.meta, async () => {
        await savePulledCaseEvents(this.#db, page.output.events);
        await setMeta(this.#db, 'caseCursor', Math.max(after, page.output.next));
      });
      pulled += page.output.events.length;
      if (!page.output.more || page.output.events.length === 0) return ok(pulled);
    }
  }

  /**
   * Asks the server for a new token and keeps it. Nothing here fails the run: its records are
   * in, and the old token works until the new one is first used, so a rotation that does not
   * happen now (no answer, the storage full) happens after a later push, which asks again.
   */
  async #rotateToken(identity: DeviceIdentity): Promise<void> {
    const answer = await requestJson<unknown>(this.#http, '/api/device/token', { method: 'POST', token: identity.token });
    if (!answer.ok) return;
    const parsed = v.safeParse(RotateTokenResponseSchema, answer.value);
    if (!parsed.success) return;
    try {
      await saveRotatedToken(this.#db, identity.deviceId, identity.token, parsed.output.token);
    } catch (error) {
      if (!isQuotaExceeded(error)) throw error;
      this.#db.storagePressure.refused();
    }
  }

  async #pullConfig(device: EnrolledDevice) {
    const answer = await requestJson<unknown>(this.#http, '/api/sync/config', { method: 'GET', token: device.identity.token });
    if (!answer.ok) return answer;
    const parsed = v.safeParse(DeviceConfigSchema, answer.value);
    if (!parsed.success) return err('bad-response', 'The server sent a configuration this app does not understand.');
    await saveConfig(this.#db, parsed.output);
    return ok(parsed.output);
  }

  /**
   * The health sent with a push describes the outbox as it will be once that push is settled
   * (`batch`: the seqs it carries). Reporting the depth before it would leave the server
   * believing the last batch of a full sync is still waiting, and the day close would name a
   * synced tablet as a gap. Should the push fail, the next one reports again.
   */
  async #health(clockOffsetMs: number | null, batch: readonly number[]): Promise<DeviceHealth> {
    const [stats, storage, persistence, state] = await Promise.all([
      outboxStats(this.#db, batch),
      storageEstimate(),
      getMeta(this.#db, 'persistence'),
      getMeta(this.#db, 'syncState'),
    ]);
    return {
      outboxDepth: stats.depth,
      oldestUnsyncedAt: stats.oldestCreatedAt,
      quarantined: stats.quarantined,
      storageUsed: storage.used,
      storageQuota: storage.quota,
      storagePersisted: persistence?.granted ?? null,
      appVersion: this.#appVersion,
      clockOffsetMs: clockOffsetMs ?? state?.clockOffsetMs ?? null,
      reportedAt: this.#now(),
    };
  }

  async #recordOutcome(previous: SyncState, result: DrainResult): Promise<void> {
    const at = this.#now();
    const next: SyncState = result.ok
      ? { ...previous, lastAttemptAt: at, lastSuccessAt: at, lastError: null, clockOffsetMs: result.value.clockOffsetMs ?? previous.clockOffsetMs }
      : {
          ...previous,
          lastAttemptAt: at,
          lastError: { reason: result.reason, message: result.message, at },
          stopped: isStop(result.reason) ? result.reason : null,
        };
    this.#lastRun = { at, failure: result.ok ? null : result.reason };
    try {
      await setMeta(this.#db, 'syncState', next);
    } catch (error) {
      // With the storage full the outcome cannot be kept; #lastRun tells the status corner.
      if (!isQuotaExceeded(error)) throw error;
      this.#db.storagePressure.refused();
    }
  }
}

type DrainResult = Result<{ pushed: number; rejected: number; clockOffsetMs: number | null; rotateToken: boolean }, TransportFailure>;

const isStop = (reason: string): reason is SyncStop => (SYNC_STOPS as readonly string[]).includes(reason);

const emptyState = (): SyncState => ({ lastAttemptAt: null, lastSuccessAt: null, lastError: null, stopped: null, clockOffsetMs: null });

/**
 * Pairs the server's per-record answers with the rows sent. The answers come in request
 * order; one that does not match is a protocol fault, and then nothing is settled. A
 * conflict (decision 0017) names the record's own id: `id-taken` sends the record again
 * under a new id; `changed-resend`, and any reason this app does not know, go to the
 * quarantine as a rejection does, where staff see them.
 */
export function settlement(rows: readonly OutboxRow[], response: PushResponse): Result<Settlement, 'bad-response'> {
  if (!Array.isArray(response?.results)) return err('bad-response', 'The server answered a push without results.');
  if (response.results.length !== rows.length) return err('bad-response', `The server answered ${response.results.length} results for ${rows.length} records.`);
  const settled: Settlement = { acknowledged: [], rejected: [], taken: [] };
  for (const [i, row] of rows.entries()) {
    const result = response.results[i];
    if (!result) return err('bad-response', `The server gave no result for record ${row.recordId}.`);
    if (result.status === 'accepted') {
      if (result.id !== row.recordId) return err('bad-response', `The server acknowledged ${result.id} in place of ${row.recordId}.`);
      settled.acknowledged.push(row.seq);
    } else if (result.status === 'conflict') {
      if (result.id !== row.recordId) return err('bad-response', `The server answered a conflict for ${result.id} in place of ${row.recordId}.`);
      if (result.reason === 'id-taken') settled.taken.push(row.seq);
      else settled.rejected.push({ seq: row.seq, reason: result.reason, message: result.message });
    } else {
      settled.rejected.push({ seq: row.seq, reason: result.reason, message: result.message });
    }
  }
  return ok(settled);
}
