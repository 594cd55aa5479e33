import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import type { QueueSystem } from '../repositories/queue-systems.ts';
import { authenticateQueueKey } from '../services/queue-systems.ts';
import { addressKey, createAttemptCounter, type AttemptLimit } from './attempt-limits.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The queue system behind the bearer key; set by queueSystemAuth before any handler runs. */
    queueSystem: QueueSystem;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * An onRequest hook that finds the queue system behind `Authorization: Bearer <key>`, like
 * deviceAuth finds a tablet: before the body is read, so a stranger's post costs a header
 * and one indexed lookup. Keys are 256 random bits, so no one guesses one; the limit on
 * refused keys per address is for the misconfigured system that retries a revoked key in a
 * loop: it is told to wait (429, Retry-After). Only refusals count, and a valid key is never
 * limited, so a branch's system keeps posting beside a neighbour's broken one behind one NAT.
 */
export function queueSystemAuth(db: Kysely<Database>, now: () => number, limit: AttemptLimit): onRequestAsyncHookHandler {
  const attempts = createAttemptCounter(db);
  return async function authenticateQueueSystem(request: FastifyRequest, reply: FastifyReply) {
    const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!key) return sendApiError(reply, 'unauthorized', 'Send the queue system key as "Authorization: Bearer <key>"; make one for the branch on Manage › Queue system.');
    const found = await authenticateQueueKey(db, key);
    if (found.ok) {
      request.queueSystem = found.value;
      return undefined;
    }
    const counted = await attempts.take(createHash('sha256').update(`queue key by address|${addressKey(request)}`).digest('hex'), limit, now());
    if (!counted.ok) {
      const seconds = Math.max(1, Math.ceil(counted.retryAfterMs / 1000));
      request.log.warn({ limit: 'queue key by address', retryAfterS: seconds }, 'attempts limited');
      reply.header('retry-after', String(seconds));
      return sendApiError(reply, 'rate-limited', `Too many refused queue system keys from this address; try again in ${Math.ceil(seconds / 60)} minutes, with a key made on Manage › Queue system.`);
    }
    return sendApiError(reply, found.reason, found.message);
  };
}
