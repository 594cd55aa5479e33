import type { Ok } from '../domain/result.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { watchNewestOutboxKey } from '../store/status.ts';
import { retryDelay } from './backoff.ts';
import type { HttpFailure, TransportFailure } from './http.ts';

/** What can start a sync (docs/architecture.md, "The sync protocol"). */
export type SyncTrigger = 'start' | 'new-record' | 'online' | 'visible' | 'timer' | 'retry' | 'manual';

export type SyncSkip = 'busy' | 'not-enrolled' | 'stopped';
/**
 * Why a run failed: the transport's reasons (an answer out of shape is 'bad-response'), the
 * tablet's storage refusing what the run had to keep, or IndexedDB failing it otherwise
 * ('unknown': logged, tried again with the backoff).
 */
export type SyncFailure = TransportFailure | 'storage-full' | 'unknown';
/** How a run ended; a failure carries `retryAfterMs` when the server said how long to wait. */
export type SyncOutcome = Ok<{ pushed: number; rejected: number }> | HttpFailure<SyncFailure> | { ok: 'skipped'; why: SyncSkip };

// 'forbidden' was answered as 'bad-request' before it had a name of its own; it is retried as that was.
const RETRYABLE: ReadonlySet<SyncFailure> = new Set(['offline', 'unreachable', 'timeout', 'server-error', 'rate-limited', 'bad-response', 'payload-too-large', 'bad-request', 'forbidden', 'storage-full', 'unknown']);

export interface ScheduleOptions {
  now: () => number;
  random: () => number;
  /** Time between syncs when all is well. */
  intervalMs: number;
  /** Wait after a new record, so that a burst of taps travels as one batch. */
  debounceMs: number;
}

/**
 * When the next run is: one timer, kept at the earliest time asked for; the wait after a run
 * from how it ended (the interval, the backoff with jitter, or the server's Retry-After); and
 * the count of failures in a row that the backoff grows with.
 */
export class SyncSchedule {
  readonly #options: ScheduleOptions;
  readonly #run: () => void;
  readonly #changed: () => void;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #at: number | null = null;
  #attempt = 0;

  /** `run` is called when the timer fires; `changed` whenever a try is newly scheduled. */
  constructor(options: ScheduleOptions, run: () => void, changed: () => void) {
    this.#options = options;
    this.#run = run;
    this.#changed = changed;
  }

  /** When the next try is due, if one is scheduled. */
  get nextAt(): number | null {
    return this.#at;
  }

  /**
   * Asks for a run. A fresh signal (a new record, the network back, staff pressing the
   * button) starts the backoff over: it is news that the last failure may be over.
   */
  request(trigger: SyncTrigger): void {
    if (trigger !== 'timer' && trigger !== 'retry') this.#attempt = 0;
    this.#wait(trigger === 'new-record' ? this.#options.debounceMs : 0);
  }

  /** Runs again soon: what was asked during a run goes as one batch after it. */
  soon(): void {
    this.#wait(this.#options.debounceMs);
  }

  /** Plans the next run from how the last one ended; a failure that will not pass by waiting (a 401) plans none. */
  after(outcome: SyncOutcome): void {
    if (outcome.ok === true || outcome.ok === 'skipped') {
      this.#attempt = 0;
      if (outcome.ok !== 'skipped' || outcome.why === 'busy') this.#wait(this.#options.intervalMs);
      return;
    }
    if (!RETRYABLE.has(outcome.reason)) return;
    this.#attempt += 1;
    this.#wait(retryDelay(this.#attempt, outcome.retryAfterMs, this.#options.random));
  }

  /** Cancels the next try. */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#at = null;
  }

  #wait(delayMs: number): void {
    const at = this.#options.now() + delayMs;
    if (this.#at !== null && this.#at <= at) return;
    this.clear();
    this.#at = at;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#at = null;
      this.#run();
    }, delayMs);
    this.#changed();
  }
}

/**
 * Listens for what should start a sync: the network coming back, the page becoming visible,
 * a new record in the outbox. Returns what stops listening.
 */
export function listenForTriggers(db: BranchVoiceDB, request: (trigger: SyncTrigger) => void): () => void {
  const onOnline = () => request('online');
  const onVisible = () => globalThis.document?.visibilityState === 'visible' && request('visible');
  globalThis.addEventListener?.('online', onOnline);
  globalThis.document?.addEventListener('visibilitychange', onVisible);
  // The newest key at the last reading: keys only grow, so a key above it is a record written
  // since (or one sent again under a new id), whichever rows were settled meanwhile.
  let newest: number | null = null;
  const subscription = watchNewestOutboxKey(db).subscribe({
    next: (key) => {
      if (newest !== null && key > newest) request('new-record');
      newest = key;
    },
    error: () => undefined,
  });
  return () => {
    globalThis.removeEventListener?.('online', onOnline);
    globalThis.document?.removeEventListener('visibilitychange', onVisible);
    subscription.unsubscribe();
  };
}
