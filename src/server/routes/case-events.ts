import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { CASE_EVENTS_PAGE_DEFAULT, CASE_EVENTS_PAGE_MAX, describeIssues, type ApiError, type CaseEventsPage } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { deviceAuth } from '../plugins/device-auth.ts';
import { pullCaseEvents } from '../services/case-events.ts';
import { blankingsAfter } from '../services/privacy.ts';
import { BLANKINGS_PAGE_MAX, type BlankingsPage } from '../../domain/privacy.ts';
import { QueryNumber } from './query.ts';

export type CaseEventRoutesOptions = { db: Kysely<Database>; now: () => number };

const CaseEventsQuerySchema = v.object({
  /** The `next` of the last page; 0 (the default) for everything. */
  after: v.optional(QueryNumber(0, Number.MAX_SAFE_INTEGER), '0'),
  limit: v.optional(QueryNumber(1, CASE_EVENTS_PAGE_MAX)),
});

const BlankingsQuerySchema = v.object({
  after: v.optional(QueryNumber(0, Number.MAX_SAFE_INTEGER), '0'),
  limit: v.optional(QueryNumber(1, BLANKINGS_PAGE_MAX)),
});

/** The lobby tablets' pull of their branch's case events; every route here needs a device token. */
export const caseEventRoutes: FastifyPluginAsync<CaseEventRoutesOptions> = async (app, { db, now }) => {
  app.decorateRequest('device', null as never);
  app.addHook('onRequest', deviceAuth(db, now));

  /** GET /api/case-events?after=<seq>&limit=<n>: a page of the branch's case events by cursor (decision 0006). */
  app.get<{ Reply: CaseEventsPage | ApiError }>('/case-events', async (request, reply) => {
    // Case events carry customers' complaints and contact details: complaint handling happens
    // on lobby tablets only, never on a counter's evaluator.
    if (request.device.mode !== 'lobby') {
      return sendApiError(reply, 'forbidden', 'Case events go only to lobby tablets; this device is enrolled at a counter.');
    }
    const query = v.safeParse(CaseEventsQuerySchema, request.query);
    if (!query.success) {
      return sendApiError(reply, 'bad-request', `${describeIssues(query.issues)} (after: a seq, default 0; limit: 1–${CASE_EVENTS_PAGE_MAX}, default ${CASE_EVENTS_PAGE_DEFAULT})`);
    }
    return pullCaseEvents(db, request.device.branchId, query.output.after, query.output.limit);
  });

  /**
   * GET /api/blankings?after=<seq>&limit=<n>: what retention or a customer's erasure blanked
   * in the branch, by cursor; the tablet removes its own copies (docs/privacy.md).
   */
  app.get<{ Reply: BlankingsPage | ApiError }>('/blankings', async (request, reply) => {
    if (request.device.mode !== 'lobby') {
      return sendApiError(reply, 'forbidden', 'Blankings go only to lobby tablets; this device is enrolled at a counter.');
    }
    const query = v.safeParse(BlankingsQuerySchema, request.query);
    if (!query.success) {
      return sendApiError(reply, 'bad-request', `${describeIssues(query.issues)} (after: a seq, default 0; limit: 1–${BLANKINGS_PAGE_MAX}, default ${BLANKINGS_PAGE_MAX})`);
    }
    return blankingsAfter(db, request.device.branchId, query.output.after, query.output.limit ?? BLANKINGS_PAGE_MAX);
  });
};
