import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { MAX_QUEUE_EVENTS, QueuePostSchema, type QueuePostResponse } from '../../domain/queue.ts';
import { describeIssues, MAX_BODY_BYTES, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { handleError, sendApiError } from '../errors.ts';
import type { AttemptLimits } from '../plugins/attempt-limits.ts';
import { addressOf } from '../plugins/device-auth.ts';
import { queueSystemAuth } from '../plugins/queue-auth.ts';
import { touchQueueSystem } from '../repositories/queue-systems.ts';
import { postQueueEvents } from '../services/queue-events.ts';

export type QueueRoutesOptions = { db: Kysely<Database>; now: () => number; limits: AttemptLimits };

const TOO_LARGE = `The request body is over ${MAX_BODY_BYTES} bytes; post at most ${MAX_QUEUE_EVENTS} events at a time.`;

/** A route's errors as the app's, but a body over the limit told in the route's own words. */
export const tooLargeSaying =
  (message: string) =>
  (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply =>
    error.statusCode === 413 ? sendApiError(reply, 'payload-too-large', message) : handleError(error, request, reply);

/** The queue systems' API, under /api/queue: every route needs a queue system key. */
export const queueRoutes: FastifyPluginAsync<QueueRoutesOptions> = async (app, { db, now, limits }) => {
  app.decorateRequest('queueSystem', null as never);
  const authenticate = queueSystemAuth(db, now, limits.queueKeyByAddress);

  /**
   * POST /api/queue/events ({ events }): a branch's ticket events, one answer per event in
   * the order sent. They go to the key's branch: a post names none.
   */
  app.post<{ Reply: QueuePostResponse | ApiError }>('/events', { onRequest: authenticate, errorHandler: tooLargeSaying(TOO_LARGE) }, async (request, reply) => {
    const post = v.safeParse(QueuePostSchema, request.body);
    if (!post.success) {
      // Seen, though refused: the page shows the system reaches us, and the answer says what to fix.
      await touchQueueSystem(db, request.queueSystem.id, now(), addressOf(request));
      return sendApiError(reply, 'bad-request', describeIssues(post.issues));
    }
    const answer = await postQueueEvents(db, request.queueSystem, post.output.events, addressOf(request), now());
    const stored = answer.results.filter((r) => r.status === 'stored').length;
    request.log.info({ queueSystemId: request.queueSystem.id, branchId: request.queueSystem.branchId, events: answer.results.length, stored }, 'queue events posted');
    return answer;
  });
};
