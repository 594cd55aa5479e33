import type { FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import { sendApiError } from '../errors.ts';

/**
 * Admission control for pushes (`npm run load`, docs/reliability.md "Load"): at day end a thousand tablets may
 * push at once. Taken all in, every push waits behind every other one, seconds each; on a
 * slow machine past the tablets' 30-second timeout, and a push that times out is sent
 * again, which is work done twice. So a server takes at most `inFlight` pushes at a time
 * (SQLite writes one transaction at a time whatever we do), lets `queue` more wait up to
 * `waitMs` for a turn (as many as it will have taken by then), and answers the rest at
 * once: 503 `unavailable` with a time to come back, booked at the rate the server finishes
 * pushes, one slot after another. The sync engine waits that long, plus a little jitter, and
 * tries again (src/sync/backoff.ts retryDelay). Nothing is lost: a refused push stored
 * nothing, and its records stay in the tablet's outbox.
 *
 * Per process, like the attempt limits: several instances each admit their own share.
 */
export type PushAdmissionLimits = {
  /** Pushes handled at once. */
  inFlight: number;
  /** Pushes that may wait for a turn; the rest are turned away at once. */
  queue: number;
  /** How long a waiting push waits before it is turned away. */
  waitMs: number;
};

/**
 * As measured with `npm run load` (1,000 tablets × 500 records, 2 cores; docs/reliability.md
 * "Load"). A push is answered within about two seconds either way: admitted at once or within
 * `waitMs`, or turned away with its slot. 16 in flight keep SQLite's group commit fed and two
 * PostgreSQL servers busy (32 made PostgreSQL's lock waits longer, not its work faster); each
 * push in flight is one more that the others wait behind.
 */
export const PUSH_ADMISSION: PushAdmissionLimits = { inFlight: 16, queue: 1024, waitMs: 1000 };

/** Never ask a tablet to wait less than this, or more. */
const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 60_000;
/** The busy time over which the server measures how many pushes it finishes a second. */
const RATE_WINDOW_MS = 5000;
/** The shortest busy time the rate is measured over, and the time per push assumed until then. */
const MIN_RATE_SPAN_MS = 250;
const PRIOR_SLOT_MS = 5;

type Waiter = { admit: () => void; timer: ReturnType<typeof setTimeout> };

export interface PushAdmission {
  /** The onRequest hook of the push route: admits the request, makes it wait, or answers 503. */
  hook: onRequestAsyncHookHandler;
  /** What it holds now, for tests and the log. */
  stats(): { inFlight: number; waiting: number; turnedAway: number };
  /**
   * Whether tablets are pushing: a push in flight or waiting, or one finished within the last
   * `QUIET_MS`. Background work that can wait (the queue matcher) gives them the server meanwhile.
   */
  busy(): boolean;
}

/** How long after the last push the server counts as quiet again. */
export const QUIET_MS = 1000;

export function createPushAdmission(limits: PushAdmissionLimits = PUSH_ADMISSION, now: () => number = () => performance.now()): PushAdmission {
  let inFlight = 0;
  let turnedAway = 0;
  const waiting: Waiter[] = [];
  // The time the server has spent with a push in flight, all told: the rate of finishing is
  // measured against it, not against the clock, so a quiet spell (tablets told to come back
  // later) does not read as a slow server, which would tell the next ones to come back later still.
  let busyMs = 0;
  let changedAt = now();
  const tick = (at: number) => {
    if (inFlight > 0) busyMs += at - changedAt;
    changedAt = at;
  };
  // Recent pushes' finish times, and the busy time then: the rate the time to come back is
  // sized by. Those of the last RATE_WINDOW_MS of busy time are kept, however long ago: a server
  // that was quiet for an hour is as quick as it was.
  const finished: { at: number; busy: number }[] = [];
  const forget = (at: number) => {
    tick(at);
    while (finished.length > 0 && finished[0]!.busy < busyMs - RATE_WINDOW_MS) finished.shift();
  };

  // When the next turned-away push should come back: each refusal books the next free slot
  // at the rate the server has been finishing pushes, so the tablets it turned away return
  // one after the other rather than all together (and the server is not left idle meanwhile).
  let nextSlotAt = 0;

  /**
   * How long the server takes, lately, for each push: the busy time between the first and the
   * last push finished within the window, over the pushes finished since the first. Until that
   * spans MIN_RATE_SPAN_MS (a group commit finishes a dozen pushes at once, and a cold server
   * its first ones slowly), PRIOR_SLOT_MS: a guess on the quick side, since a tablet that comes
   * back too early is only told again, while one told to come back too late leaves the server idle.
   */
  function slotMs(at: number): number {
    forget(at);
    const first = finished[0];
    const last = finished[finished.length - 1];
    if (!first || !last || last.busy - first.busy < MIN_RATE_SPAN_MS) return PRIOR_SLOT_MS;
    return (last.busy - first.busy) / (finished.length - 1);
  }

  /**
   * Milliseconds until a turned-away push is likely to find room: after the pushes in flight and
   * waiting, and after every push turned away before it, one slot each at the rate the server
   * has been finishing them.
   */
  function retryAfterMs(at: number, slot: number): number {
    nextSlotAt = Math.max(nextSlotAt, at + (inFlight + waiting.length) * slot) + slot;
    return Math.round(Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, nextSlotAt - at)));
  }

  /** Whether another push may wait: only as many as the server will have taken within `waitMs`, at its rate; the next is told its time at once. */
  function roomToWait(slot: number): boolean {
    return waiting.length < limits.queue && waiting.length < Math.max(1, Math.floor(limits.waitMs / slot));
  }

  function release(): void {
    const at = now();
    // Kept to the window here too, not only when a push is turned away: a server that never
    // turns one away would otherwise keep a number for every push it ever took.
    forget(at);
    finished.push({ at, busy: busyMs });
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.admit();
    } else {
      inFlight -= 1;
    }
  }

  /**
   * Holds a turn until the answer is sent or the connection closes (a client that gave up),
   * whichever comes first. A client that left while it waited gives its turn straight back.
   */
  function holdTurn(reply: FastifyReply): void {
    if (reply.raw.closed || reply.raw.destroyed) return release();
    let held = true;
    const done = () => {
      if (!held) return;
      held = false;
      release();
    };
    reply.raw.once('finish', done);
    reply.raw.once('close', done);
  }

  /**
   * The 503 names its time twice: Retry-After in whole seconds, as HTTP has it, and
   * `retryAfterMs` in the body, the slot booked to the millisecond, which the sync engine
   * keeps to (src/sync/http.ts): a thousand tablets told "1 s" would come back together.
   */
  function turnAway(reply: FastifyReply, at: number = now(), slot: number = slotMs(at)): FastifyReply {
    turnedAway += 1;
    const ms = retryAfterMs(at, slot);
    const seconds = Math.ceil(ms / 1000);
    reply.header('retry-after', String(seconds));
    return sendApiError(reply, 'unavailable', `The server is busy with other tablets' pushes; nothing was stored. Try again in ${seconds} s.`, { retryAfterMs: ms });
  }

  const hook: onRequestAsyncHookHandler = async (_request, reply) => {
    if (inFlight < limits.inFlight) {
      tick(now());
      inFlight += 1;
      holdTurn(reply);
      return;
    }
    const at = now();
    const slot = slotMs(at);
    if (!roomToWait(slot)) return turnAway(reply, at, slot);
    const admitted = await new Promise<boolean>((resolve) => {
      const waiter: Waiter = {
        // The turn passes straight from the push that finished to this one: inFlight stays.
        admit: () => resolve(true),
        timer: setTimeout(() => {
          const index = waiting.indexOf(waiter);
          if (index >= 0) waiting.splice(index, 1);
          resolve(false);
        }, limits.waitMs),
      };
      waiting.push(waiter);
    });
    if (!admitted) return turnAway(reply);
    holdTurn(reply);
  };

  return {
    hook,
    stats: () => ({ inFlight, waiting: waiting.length, turnedAway }),
    busy: () => inFlight > 0 || waiting.length > 0 || (finished.length > 0 && now() - finished[finished.length - 1]!.at < QUIET_MS),
  };
}
