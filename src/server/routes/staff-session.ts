import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { STAFF_SESSION_HEADER, StaffSignInSchema, type StaffSessionGrant } from '../../domain/staff-session.ts';
import { describeIssues, type ApiError, type ApiErrorCode } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { limitAttempts, type AttemptLimits } from '../plugins/attempt-limits.ts';
import { deviceAuth } from '../plugins/device-auth.ts';
import { StaffPinChangeSchema } from '../../domain/pin-change.ts';
import { changeOwnPin } from '../services/staff-pins.ts';
import { endStaffSessionOfRequest, startStaffSession, type StaffSignInError } from '../services/staff-sessions.ts';

export type StaffSessionRoutesOptions = { db: Kysely<Database>; now: () => number; limits: AttemptLimits };

const API_CODE_OF: Record<StaffSignInError, ApiErrorCode> = {
  'staff-credentials-invalid': 'staff-credentials-invalid',
  'role-not-here': 'forbidden',
  'pin-too-short': 'pin-too-short',
};

/** Staff sign-in on a tablet, checked by the server (decision 0014); every route needs a device token. */
export const staffSessionRoutes: FastifyPluginAsync<StaffSessionRoutesOptions> = async (app, { db, now, limits }) => {
  app.decorateRequest('device', null as never);
  app.addHook('onRequest', deviceAuth(db, now));

  // PINs are short: a few wrong ones per staff member on one tablet, and a few more per
  // tablet whatever the staff number, then a wait. Counted per tablet, not per member of
  // staff network-wide, so that no one can keep a manager locked out from every tablet.
  const limited = limitAttempts(
    db,
    [
      {
        name: 'staff PIN by device',
        limit: limits.pinByDevice,
        keyOf: (request) => request.device.id,
        refusal: (minutes) => `Too many wrong PINs on this tablet; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      },
      {
        name: 'staff PIN by staff number on a device',
        limit: limits.pinByStaffOnDevice,
        keyOf: (request) => {
          const staffNumber = staffNumberOf(request);
          return staffNumber === undefined ? undefined : `${request.device.id}|${staffNumber}`;
        },
        refusal: (minutes) => `Too many wrong PINs for this staff number on this tablet; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
      },
    ],
    now,
  );

  /** POST /api/staff-session {staffNumber, pin, deviceTime}: answers the session and its key, once. */
  app.post<{ Reply: StaffSessionGrant | ApiError }>('/staff-session', limited, async (request, reply) => {
    const body = v.safeParse(StaffSignInSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const started = await startStaffSession(db, request.device, body.output, now());
    if (!started.ok) {
      // Who tried helps an admin read a run of failures; the PIN is never logged.
      request.log.info({ deviceId: request.device.id, reason: started.reason }, 'staff sign-in refused');
      return sendApiError(reply, API_CODE_OF[started.reason], started.message);
    }
    request.log.info({ deviceId: request.device.id, staffId: started.value.staff.id, role: started.value.staff.role }, 'staff signed in');
    // The key is a secret: never kept by a cache on the way.
    reply.header('cache-control', 'no-store');
    return started.value;
  });

  /**
   * POST /api/staff-session/pin {currentPin, newPin} (x-staff-session): the member signed in
   * chooses their own PIN (decision 0021). A wrong current PIN counts against this tablet's
   * PIN allowance like a wrong sign-in; 204 once stored.
   */
  app.post('/staff-session/pin', limited, async (request, reply) => {
    const body = v.safeParse(StaffPinChangeSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const changed = await changeOwnPin(db, request.device, headerOf(request), body.output, { now: now(), address: request.ip });
    if (!changed.ok) {
      request.log.info({ deviceId: request.device.id, reason: changed.reason }, 'staff PIN change refused');
      return sendApiError(reply, changed.reason, changed.message);
    }
    request.log.info({ deviceId: request.device.id }, 'staff PIN changed');
    return reply.code(204).send();
  });

  /** DELETE /api/staff-session (x-staff-session): sign-out; fine when the session is already over. */
  app.delete('/staff-session', async (request, reply) => {
    await endStaffSessionOfRequest(db, request.device, headerOf(request), now());
    return reply.code(204).send();
  });
};

/** The staff session a request names, as sent. */
export const headerOf = (request: FastifyRequest): string | undefined => {
  const value = request.headers[STAFF_SESSION_HEADER];
  return Array.isArray(value) ? value[0] : value;
};

function staffNumberOf(request: FastifyRequest): string | undefined {
  const staffNumber = (request.body as { staffNumber?: unknown } | null)?.staffNumber;
  return typeof staffNumber === 'string' && staffNumber.trim().length > 0 ? staffNumber.trim().slice(0, 40).toUpperCase() : undefined;
}
