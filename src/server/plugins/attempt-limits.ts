import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onResponseAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';

/**
 * Limits on failed attempts at the doors a stranger can knock on: enrollment codes, dashboard
 * passwords and staff PINs (decisions 0011 and 0014), queue system keys (plugins/queue-auth.ts,
 * which counts refusals only), visit codes on the phone page (refusals only too). Each attempt counts when it starts, so a
 * thousand sent at once are limited as well as a thousand in a row; one that succeeds (2xx)
 * or fails on our side (5xx) is taken back, so an installer enrolling fifty tablets, or a
 * tablet retrying through a database outage, is never locked out. Only refusals (4xx) use up
 * the allowance.
 *
 * The counts live in the database (table `attempts`), one row per key and window: every
 * server process on one database shares them, and a restart forgets nothing. A count is one
 * upsert, atomic on both databases, so two processes racing on one key both count.
 */

/** At most `max` refused attempts per key in a window of `windowMs`, which starts at the first. */
export type AttemptLimit = { max: number; windowMs: number };

const MINUTE = 60_000;

/** The limits of the app; AppOptions.attemptLimits may change them (the fuzz tests lift them). */
export type AttemptLimits = {
  /** Enrollment: mistyped codes per client address. */
  enrollByAddress: AttemptLimit;
  /** Dashboard sign-in: refusals per client address (a head office behind one NAT) … */
  signInByAddress: AttemptLimit;
  /**
   * … and per staff number from one address. Not per staff number from anywhere: whoever
   * knows a manager's staff number could then keep their sign-in locked for good.
   */
  signInByStaffNumber: AttemptLimit;
  /** Staff PINs checked by the server: refusals per staff number on one tablet … */
  pinByStaffOnDevice: AttemptLimit;
  /** … and per tablet, whatever staff number it tries (no walking the roster). */
  pinByDevice: AttemptLimit;
  /** Queue systems: unknown or revoked keys per client address (a valid key is never limited). */
  queueKeyByAddress: AttemptLimit;
  /** The phone page: codes that are not valid per client address (a valid one is never limited; routes/survey-phone.ts). */
  visitCodeByAddress: AttemptLimit;
};

export const ATTEMPT_LIMITS: AttemptLimits = {
  enrollByAddress: { max: 10, windowMs: 15 * MINUTE },
  signInByAddress: { max: 20, windowMs: 15 * MINUTE },
  signInByStaffNumber: { max: 10, windowMs: 15 * MINUTE },
  pinByStaffOnDevice: { max: 5, windowMs: 15 * MINUTE },
  pinByDevice: { max: 20, windowMs: 15 * MINUTE },
  queueKeyByAddress: { max: 30, windowMs: 15 * MINUTE },
  visitCodeByAddress: { max: 30, windowMs: 15 * MINUTE },
};

type Taken = { ok: true; refund: () => Promise<void> } | { ok: false; retryAfterMs: number };

/** Expired windows are deleted once every this many attempts of a process. */
const PURGE_EVERY = 256;

/**
 * Counts attempts per key in fixed windows, in the database. `take` counts one and says
 * whether it is within the limit; its `refund` takes it back (the attempt was no refusal).
 */
export function createAttemptCounter(db: Kysely<Database>): { take: (key: string, limit: AttemptLimit, now: number) => Promise<Taken> } {
  let untilPurge = PURGE_EVERY;
  return {
    async take(key, { max, windowMs }, now) {
      if (--untilPurge <= 0) {
        untilPurge = PURGE_EVERY;
        await db.deleteFrom('attempts').where('window_ends_at', '<=', now).execute();
      }
      const window = await db
        .insertInto('attempts')
        .values({ key, count: 1, window_ends_at: now + windowMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            // A window that has ended starts again at this attempt.
            count: eb.case().when('attempts.window_ends_at', '<=', now).then(1).else(eb('attempts.count', '+', 1)).end(),
            window_ends_at: eb.case().when('attempts.window_ends_at', '<=', now).then(now + windowMs).else(eb.ref('attempts.window_ends_at')).end(),
          })),
        )
        .returning(['count', 'window_ends_at'])
        .executeTakeFirstOrThrow();
      const endsAt = Number(window.window_ends_at);
      if (Number(window.count) > max) return { ok: false, retryAfterMs: endsAt - now };
      return {
        ok: true,
        refund: async () => {
          // Only within the same window: a refund must not eat into the next one.
          await db.updateTable('attempts').set((eb) => ({ count: eb('count', '-', 1) })).where('key', '=', key).where('window_ends_at', '=', endsAt).where('count', '>', 0).execute();
        },
      };
    },
  };
}

/** One limit of a route: what it counts by, and what a refused client is told. */
export type AttemptRule = {
  /** Named in the log line of a refusal, e.g. 'sign-in by staff number'. */
  name: string;
  limit: AttemptLimit;
  /** The key to count under; undefined skips this rule for the request. */
  keyOf: (request: FastifyRequest) => string | undefined;
  /** The refusal's message, given the minutes to wait. */
  refusal: (minutes: number, key: string) => string;
};

/**
 * The hooks of a route limited by `rules`, checked in order: preHandler counts the attempt
 * (after the body is parsed, so a rule may key on it) or answers 429 rate-limited with
 * Retry-After; onResponse takes it back unless it was refused. Keys are namespaced by the
 * rule's name, so two rules never share a count.
 */
export function limitAttempts(db: Kysely<Database>, rules: readonly AttemptRule[], now: () => number): { preHandler: preHandlerAsyncHookHandler; onResponse: onResponseAsyncHookHandler } {
  const counter = createAttemptCounter(db);
  const refunds = new WeakMap<FastifyRequest, Array<() => Promise<void>>>();
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      const taken: Array<() => Promise<void>> = [];
      refunds.set(request, taken);
      for (const rule of rules) {
        const key = rule.keyOf(request);
        if (key === undefined) continue;
        // Stored by a hash of what the client sent: any length, any character (a NUL is no text PostgreSQL keeps).
        const attempt = await counter.take(createHash('sha256').update(`${rule.name}|${key}`).digest('hex'), rule.limit, now());
        if (!attempt.ok) {
          // Attempts counted by earlier rules did not happen: this one never reached the handler.
          await Promise.all(taken.splice(0).map((refund) => refund()));
          const seconds = Math.max(1, Math.ceil(attempt.retryAfterMs / 1000));
          request.log.warn({ limit: rule.name, retryAfterS: seconds }, 'attempts limited');
          reply.header('retry-after', String(seconds));
          return sendApiError(reply, 'rate-limited', rule.refusal(Math.ceil(seconds / 60), key));
        }
        taken.push(attempt.refund);
      }
      return undefined;
    },
    async onResponse(request: FastifyRequest, reply: FastifyReply) {
      const refused = reply.statusCode >= 400 && reply.statusCode < 500;
      if (!refused) await Promise.all((refunds.get(request) ?? []).map((refund) => refund()));
    },
  };
}

/**
 * The client's address as a key. IPv6 clients are counted by their /64, which one home or
 * office gets whole; an IPv4 address mapped into IPv6 counts as itself. Behind a reverse
 * proxy this is the proxy's address unless TRUST_PROXY names it (README, Settings).
 */
export function addressKey(request: FastifyRequest): string {
  const ip = request.ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  return expandIpv6(ip).slice(0, 4).join(':') + '::/64';
}

function expandIpv6(ip: string): string[] {
  const [head = '', tail] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((part) => part.toLowerCase().replace(/^0+(?=.)/, ''));
}
