import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { AlertParamsSchema, ALERTS_PAGE_MAX, StaffAckSchema, type StaffAlertsPage } from '../../domain/alerts-api.ts';
import type { AlertView } from '../../domain/alerts.ts';
import { STAFF_ROLES } from '../../domain/case.ts';
import { localDayOf, startOfLocalDay } from '../../domain/period.ts';
import { describeIssues, type ApiError } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { deviceAuth } from '../plugins/device-auth.ts';
import { branchAlertViews } from '../repositories/alerts.ts';
import { acknowledgeAlert } from '../services/alert-acks.ts';
import { staffOfRequest, type VerifiedStaff } from '../services/staff-sessions.ts';
import { headerOf } from './staff-session.ts';

export type StaffAlertRoutesOptions = { db: Kysely<Database>; now: () => number };

/**
 * Alerts in the lobby tablet's staff mode, under /api/staff (docs/decisions/0026): the
 * branch's open alerts and today's acknowledged ones, and an acknowledgement. A device token
 * and a staff session the server checked on that very tablet (like routes/review.ts): who
 * acknowledges is the session's member of staff, never the body's. Counter tablets face
 * customers and get none.
 */
export const staffAlertRoutes: FastifyPluginAsync<StaffAlertRoutesOptions> = async (app, { db, now }) => {
  app.decorateRequest('device', null as never);
  app.addHook('onRequest', deviceAuth(db, now));

  /** The lobby's member of staff behind the request, or the refusal already sent. */
  async function staffOf(request: FastifyRequest, reply: FastifyReply): Promise<VerifiedStaff | FastifyReply> {
    if (request.device.mode !== 'lobby') return sendApiError(reply, 'forbidden', 'Alerts go only to lobby tablets; this device is enrolled at a counter.');
    const staff = await staffOfRequest(db, request.device, headerOf(request), now());
    if (!staff.ok) return sendApiError(reply, 'staff-session-required', staff.message);
    if (!(STAFF_ROLES as readonly string[]).includes(staff.value.staff.role)) {
      return sendApiError(reply, 'forbidden', `Alerts are for the ${STAFF_ROLES.join(', ')}; ${staff.value.staff.name} is on the roster as ${staff.value.staff.role}.`);
    }
    return staff.value;
  }

  /** GET /api/staff/alerts (x-staff-session): the branch's open alerts and those acknowledged today (the branch's day), newest first. */
  app.get<{ Reply: StaffAlertsPage | ApiError }>('/staff/alerts', async (request, reply) => {
    const staff = await staffOf(request, reply);
    if (!('staff' in staff)) return staff;
    const at = now();
    const { branchId, timeZone } = request.device;
    return { alerts: await branchAlertViews(db, branchId, startOfLocalDay(localDayOf(at, timeZone), timeZone), ALERTS_PAGE_MAX) };
  });

  /**
   * POST /api/staff/alerts/:alertId/ack ({ comment, caseId? }, x-staff-session): acknowledged by
   * the session's member of staff. `caseId` is the tablet's claim that it has just opened a case
   * for the alert through its own outbox: the case event travels by the push and may not have
   * arrived yet, so only its shape is checked here, and the alert keeps it as said.
   */
  app.post<{ Reply: AlertView | ApiError }>('/staff/alerts/:alertId/ack', async (request, reply) => {
    const staff = await staffOf(request, reply);
    if (!('staff' in staff)) return staff;
    const params = v.safeParse(AlertParamsSchema, request.params);
    if (!params.success) return sendApiError(reply, 'not-found', `alertId: ${describeIssues(params.issues)}`);
    const body = v.safeParse(StaffAckSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const { branchId } = request.device;
    const actor = { by: staff.staff.staffNumber, name: staff.staff.name, via: 'staff-session', actor: staff.staff.id, mayAct: (of: string) => of === branchId } as const;
    const done = await acknowledgeAlert(db, actor, params.output.alertId, body.output, now());
    if (!done.ok) return sendApiError(reply, done.reason, done.message);
    request.log.info({ alertId: done.value.id, deviceId: request.device.id, staffId: staff.staff.id, sessionId: staff.sessionId }, 'alert acknowledged on a lobby tablet');
    return done.value;
  });
};
