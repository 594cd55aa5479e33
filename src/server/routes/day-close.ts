import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { DayCloseRequestSchema, type DayCloseStatus } from '../../domain/day-close.ts';
import { describeIssues, type ApiError, type ApiErrorCode } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { deviceAuth } from '../plugins/device-auth.ts';
import { startDayClose, type DayCloseError } from '../services/day-close.ts';
import { staffOfRequest } from '../services/staff-sessions.ts';
import { headerOf } from './staff-session.ts';

export type DayCloseRoutesOptions = { db: Kysely<Database>; now: () => number };

/** What each refusal of the day close answers over HTTP. */
export const API_CODE_OF_DAY_CLOSE: Record<DayCloseError, ApiErrorCode> = {
  forbidden: 'forbidden',
  'branch-not-found': 'not-found',
  'future-day': 'bad-request',
  // A conflict with the state of the devices, answered 400 with the devices named: the API has no 409.
  'not-synced': 'bad-request',
};

/** "Close day" on a tablet; every route here needs a device token. */
export const dayCloseRoutes: FastifyPluginAsync<DayCloseRoutesOptions> = async (app, { db, now }) => {
  app.decorateRequest('device', null as never);
  app.addHook('onRequest', deviceAuth(db, now));

  /**
   * POST /api/day-close {} with the manager's staff session (x-staff-session): after the
   * tablet's own sync; answers the branch's DayCloseStatus. The session says who pressed it.
   */
  app.post<{ Reply: DayCloseStatus | ApiError }>('/day-close', async (request, reply) => {
    // Who pressed it first: a tablet of an older version names them in the body, which no
    // longer counts, and is told what to do before anything about its body.
    const closer = await staffOfRequest(db, request.device, headerOf(request), now());
    if (!closer.ok) return sendApiError(reply, 'staff-session-required', closer.message);
    const body = v.safeParse(DayCloseRequestSchema, request.body ?? {});
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const started = await startDayClose(db, request.device, closer.value, now());
    if (!started.ok) return sendApiError(reply, API_CODE_OF_DAY_CLOSE[started.reason], started.message);
    request.log.info({ branchId: request.device.branchId, day: started.value.day, staffId: closer.value.staff.id }, 'day close pressed');
    return started.value;
  });
};
