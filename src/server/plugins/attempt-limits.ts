import type { FastifyReply, FastifyRequest, onResponseAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { sendApiError } from '../errors.ts';

/**
 * Limits on failed attempts at the doors a stranger can knock on: enrollment codes and
 * dashboard passwords (decision 0011). Each attempt counts when it starts, so a thousand sent
 * at once are limited as well as a thousand in a row; one that succeeds (2xx) or fails on our
 * side (5xx) is taken back, so an installer enrolling fifty tablets, or a tablet retrying
 * through a database outage, is never locked out. Only refusals (4xx) use up the allowance.
 *
 * The counts live in this process's memory: a restart forgets them, and each of several
 * instances behind a load balancer limits on its own (n instances allow n times the
 * attempts). Both are far below what guessing needs: an enrollment code is one of 26^8.
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
  /** … and per staff number, from any number of addresses. */
  signInByStaffNumber: AttemptLimit;
};

export const ATTEMPT_LIMITS: AttemptLimits = {
  enrollByAddress: { max: 10, windowMs: 15 * MINUTE },
  signInByAddress: { max: 20, windowMs: 15 * MINUTE },
  signInByStaffNumber: { max: 10, windowMs: 15 * MINUTE },
};

/** Keys kept at most; beyond, the oldest windows are dropped first (a flood of made-up staff numbers). */
const MAX_KEYS = 100_000;

type Window = { count: number; resetAt: number };
type Taken = { ok: true; refund: () => void } | { ok: false; retryAfterMs: number };

/** Counts attempts per key in fixed windows; fresh for every app, so tests never share counts. */
export function createAttemptCounter({ max, windowMs }: AttemptLimit): { take: (key: string, now: number) => Taken } {
  const windows = new Map<string, Window>();

  function prune(now: number): void {
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
    // Map keeps insertion order: what is left over the cap goes oldest first.
    for (const key of windows.keys()) {
      if (windows.size <= MAX_KEYS) break;
      windows.delete(key);
    }
  }

  return {
    take(key, now) {
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        if (windows.size >= MAX_KEYS) prune(now);
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      if (window.count >= max) return { ok: false, retryAfterMs: window.resetAt - now };
      window.count++;
      const counted = window;
      return {
        ok: true,
        refund: () => {
          if (counted.count > 0) counted.count--;
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
 * Retry-After; onResponse takes it back unless it was refused.
 */
export function limitAttempts(rules: readonly AttemptRule[], now: () => number): { preHandler: preHandlerAsyncHookHandler; onResponse: onResponseAsyncHookHandler } {
  const counters = rules.map((rule) => ({ rule, counter: createAttemptCounter(rule.limit) }));
  const refunds = new WeakMap<FastifyRequest, Array<() => void>>();
  return {
    async preHandler(request: FastifyRequest, reply: FastifyReply) {
      const taken: Array<() => void> = [];
      refunds.set(request, taken);
      for (const { rule, counter } of counters) {
        const key = rule.keyOf(request);
        if (key === undefined) continue;
        const attempt = counter.take(key, now());
        if (!attempt.ok) {
          // Attempts counted by earlier rules did not happen: this one never reached the handler.
          for (const refund of taken.splice(0)) refund();
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
      if (!refused) for (const refund of refunds.get(request) ?? []) refund();
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
