import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { canReview, REVIEW_ROLES, type ReviewPage } from '../../domain/review.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { deviceAuth } from '../plugins/device-auth.ts';
import { recordAudit } from '../services/audit.ts';
import { reviewOf } from '../services/review.ts';
import { staffOfRequest } from '../services/staff-sessions.ts';
import { QueryNumber } from './query.ts';
import { headerOf } from './staff-session.ts';

export type ReviewRoutesOptions = { db: Kysely<Database>; now: () => number };

const ReviewQuerySchema = v.object({
  /** Epoch ms: the tablet sends the start of its day, and gets older entries only while open. */
  since: QueryNumber(0, Number.MAX_SAFE_INTEGER),
});

/** The daily review of the opinion box on lobby tablets; every route here needs a device token. */
export const reviewRoutes: FastifyPluginAsync<ReviewRoutesOptions> = async (app, { db, now }) => {
  app.decorateRequest('device', null as never);
  app.addHook('onRequest', deviceAuth(db, now));

  /** GET /api/review?since=<ms>: the entries received since then and every older open one, newest first (domain/review.ts). */
  app.get<{ Reply: ReviewPage | ApiError }>('/review', async (request, reply) => {
    // The entries carry customers' contact details: they go to lobby tablets only, for a
    // complaint or branch manager whose PIN the server checked on that very tablet.
    if (request.device.mode !== 'lobby') {
      return sendApiError(reply, 'forbidden', 'The opinion-box review goes only to lobby tablets; this device is enrolled at a counter.');
    }
    const reader = await staffOfRequest(db, request.device, headerOf(request), now());
    if (!reader.ok) return sendApiError(reply, 'staff-session-required', reader.message);
    if (!canReview(reader.value.staff.role)) {
      return sendApiError(reply, 'forbidden', `The opinion-box review is for the ${REVIEW_ROLES.join(' and the ')}; ${reader.value.staff.name} is on the roster as ${reader.value.staff.role}.`);
    }
    const query = v.safeParse(ReviewQuerySchema, request.query);
    if (!query.success) {
      return sendApiError(reply, 'bad-request', `${describeIssues(query.issues)} (since: epoch milliseconds, e.g. the start of today)`);
    }
    const at = now();
    const page = await reviewOf(db, request.device.branchId, query.output.since, at);
    // Who read customers' words and contact details, and how many entries: never the entries.
    request.log.info({ deviceId: request.device.id, staffId: reader.value.staff.id, sessionId: reader.value.sessionId, entries: page.entries.length }, 'review read');
    // The audit log (docs/privacy.md): the entries whose contact details were shown, by id.
    await recordAudit(
      db,
      { actor: reader.value.staff.id, role: reader.value.staff.role, verified: 'staff-session', deviceId: request.device.id, address: request.ip },
      {
        action: 'contact-view',
        branchId: request.device.branchId,
        subject: 'tablet-review',
        detail: { sessionId: reader.value.sessionId, entries: page.entries.length, withContact: page.entries.filter((e) => e.opinion.contact !== null).map((e) => e.opinion.id) },
      },
      at,
    );
    return page;
  });
};
