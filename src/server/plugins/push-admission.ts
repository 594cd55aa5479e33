import type { FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import { sendApiError } from '../errors.ts';

/**
 * Admission control for pushes (`npm run load`, docs/reliability.md "Load"): at day end a thousand tablets may
 * push at once. Taken all in, every push waits behind every other one, seconds each; on a
 * slow machine past the tablets' 30-second timeout, and a push that times out is sent
 * again, which is work done twice. So a server takes at most `inFlight` pushes at a time
 * (SQLite writes one transaction at a time whatever we do), lets `queue` more wait up to
 * `waitMs` for a turn, and answers the rest at once: 503 `unavailable` with a Retry-After
 * sized to the work in front of them. The sync engine waits that long, plus jitter, and
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
 * Generous on purpose, as measured with `npm run load` (1,000 tablets × 500 records, two
 * servers on PostgreSQL, 2 cores): with 8 in flight and a 1.5-s wait, PostgreSQL sat idle
 * between the tablets' returns and all took 32 s; with these, 18.7 s as with no limit, and
 * the slowest push 7.8 s instead of 12–15 s, since turns go in arrival order rather than to
 * whichever socket the event loop reads next. A push still waiting after 10 s is turned away
 * long before the tablet's own 30-s timeout would have sent it a second time.
 */
export const PUSH_ADMISSION: PushAdmissionLimits = { inFlight: 64, queue: 1024, waitMs: 10_000 };

/** Never ask a tablet to wait less than this, or more. */
const MIN_RETRY_S = 1;
const MAX_RETRY_S = 60;
/** The window over which the server measures how many pushes it finishes a second. */
const RATE_WINDOW_MS = 5000;

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
  // Finish times of recent pushes: the rate the Retry-After is sized by.
  const finished: number[] = [];

  const forget = (times: number[], at: number) => {
    while (times.length > 0 && times[0]! < at - RATE_WINDOW_MS) times.shift();
  };

  // When the next turned-away push should come back: each refusal books the next free slot
  // at the rate the server has been finishing pushes, so the tablets it turned away return
  // one after the other rather than all together (and the server is not left idle meanwhile).
  let nextSlotAt = 0;

  /**
   * Seconds until a turned-away push is likely to find room: after the pushes in flight and
   * waiting, and after every push turned away before it, at the rate the server has been
   * finishing them (before it knows one, ten pushes a second per turn).
   */
  function retryAfterSeconds(): number {
    const at = now();
    forget(finished, at);
    const perSecond = finished.length > 0 ? finished.length / (RATE_WINDOW_MS / 1000) : limits.inFlight * 10;
    const slotMs = 1000 / perSecond;
    nextSlotAt = Math.max(nextSlotAt, at + (inFlight + waiting.length) * slotMs) + slotMs;
    return Math.min(MAX_RETRY_S, Math.max(MIN_RETRY_S, Math.ceil((nextSlotAt - at) / 1000)));
  }

  function release(): void {
    const at = now();
    finished.push(at);
    // Kept to the window here too, not only when a push is turned away: a server that never
    // turns one away would otherwise keep a number for every push it ever took.
    forget(finished, at);
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

  function turnAway(reply: FastifyReply): FastifyReply {
    turnedAway += 1;
    const seconds = retryAfterSeconds();
    reply.header('retry-after', String(seconds));
    return sendApiError(reply, 'unavailable', `The server is busy with other tablets' pushes; nothing was stored. Try again in ${seconds} s.`);
  }

  const hook: onRequestAsyncHookHandler = async (_request, reply) => {
    if (inFlight < limits.inFlight) {
      inFlight += 1;
      holdTurn(reply);
      return;
    }
    if (waiting.length >= limits.queue) return turnAway(reply);
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
    busy: () => inFlight > 0 || waiting.length > 0 || (finished.length > 0 && now() - finished[finished.length - 1]! < QUIET_MS),
  };
}
