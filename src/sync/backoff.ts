/** The longest a device waits between two tries: five minutes (docs/architecture.md, "The sync protocol"). */
export const MAX_BACKOFF_MS = 5 * 60 * 1000;
export const BASE_BACKOFF_MS = 1000;

/**
 * The wait before try number `attempt` (1 for the first retry): doubling from one second,
 * capped at five minutes, with "equal jitter": half the wait is fixed, half random, so forty
 * tablets that lost the network together do not all come back in the same second, and none
 * retries almost at once.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * The wait before the next try when the server said how long (a busy server at day end, a
 * rate limit): that long plus up to a tenth again at random; never past the cap. A busy
 * server books each tablet it turns away a slot of its own, to the millisecond
 * (server/plugins/push-admission.ts), so the tablets are spread already: more jitter would
 * only leave the server idle while they dawdle. Without a word from the server, the backoff above.
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs === undefined) return backoffDelay(attempt, random);
  return Math.min(MAX_BACKOFF_MS, Math.round(retryAfterMs + random() * (retryAfterMs / 10)));
}
