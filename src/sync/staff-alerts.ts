import * as v from 'valibot';
import { ALERT_KINDS, ALERT_LEVELS, type AlertDetail, type AlertView } from '../domain/alerts.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { describeIssues } from '../domain/wire.ts';
import { exchangeJson, type HttpOptions, type RefusalOf, type TransportFailure } from './http.ts';
import { staffSessionHeaders, type StaffSession } from './staff-session.ts';

/**
 * Alerts in the lobby tablet's staff mode (src/server/routes/staff-alerts.ts): the branch's
 * open alerts and today's acknowledged ones, and an acknowledgement by the member of staff
 * signed in with the server. Like the daily review, they need the server there and then: they
 * are plain requests with the staff session, kept in the screen's memory only, never in the
 * outbox. Without a live staff session nothing is asked.
 */

/** Why alerts could not be read or acknowledged: the transport's reasons, and two of the alerts' own. */
export type StaffAlertFailure =
  | TransportFailure
  /** 409: someone else acknowledged it first. */
  | 'conflict'
  /** 404: not an alert of this branch (any more). */
  | 'not-found';

// What the tablet reads of an alert: an answer out of this shape is 'bad-response', never shown
// half. Every field is named, and the detail (its fields vary by kind) is checked by its kind:
// no loose objects, whose code would ride in every tablet's first screen (tests/e2e/build.test.ts).
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const AlertViewSchema = v.object({
  id: v.string(),
  seq: v.number(),
  kind: v.picklist(ALERT_KINDS),
  branchId: v.string(),
  branchName: v.string(),
  counterId: v.nullable(v.string()),
  counterName: v.nullable(v.string()),
  tellerId: v.nullable(v.string()),
  tellerName: v.nullable(v.string()),
  detail: v.custom<AlertDetail>((value) => isObject(value) && (ALERT_KINDS as readonly unknown[]).includes(value.kind), 'must be an alert detail'),
  occurredAt: v.number(),
  raisedAt: v.number(),
  late: v.boolean(),
  level: v.picklist(ALERT_LEVELS),
  escalateAt: v.nullable(v.number()),
  acknowledged: v.nullable(v.object({ at: v.number(), by: v.string(), name: v.string(), via: v.picklist(['dashboard-session', 'staff-session']), comment: v.string() })),
  caseId: v.nullable(v.string()),
});
const StaffAlertsPageSchema = v.object({ alerts: v.array(AlertViewSchema) });

const refusal: RefusalOf<StaffAlertFailure> = (status, code) => {
  if (code === 'staff-session-required') return 'staff-session-required';
  if (status === 401) return code === 'device-revoked' || code === 'device-expired' || code === 'token-superseded' ? code : 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'bad-request';
};

const noSession = () => err('staff-session-required' as const, 'Alerts need a member of staff signed in with the server reachable.');

function read<S extends v.GenericSchema>(schema: S, value: unknown, what: string): Result<v.InferOutput<S>, StaffAlertFailure> {
  const parsed = v.safeParse(schema, value);
  return parsed.success ? ok(parsed.output) : err('bad-response', `The server sent ${what} this app does not understand: ${describeIssues(parsed.issues)}`);
}

/** GET /api/staff/alerts: the branch's open alerts and today's acknowledged, newest first. */
export async function fetchStaffAlerts(http: HttpOptions, token: string, session: StaffSession): Promise<Result<AlertView[], StaffAlertFailure>> {
  const headers = staffSessionHeaders(session);
  if (!headers) return noSession();
  const answer = await exchangeJson(http, '/api/staff/alerts', { method: 'GET', token, headers }, refusal);
  if (!answer.ok) return answer;
  const page = read(StaffAlertsPageSchema, answer.value, 'alerts');
  // The detail is checked for its kind only: each kind's fields are the server's, read by the screen as AlertDetail says.
  return page.ok ? ok(page.value.alerts as unknown as AlertView[]) : page;
}

/** POST /api/staff/alerts/:id/ack: acknowledged with a comment, and the case the tablet has just opened for it, if any. */
export async function acknowledgeStaffAlert(
  http: HttpOptions,
  token: string,
  session: StaffSession,
  alertId: string,
  body: { comment: string; caseId?: string },
): Promise<Result<AlertView, StaffAlertFailure>> {
  const headers = staffSessionHeaders(session);
  if (!headers) return noSession();
  const answer = await exchangeJson(http, `/api/staff/alerts/${encodeURIComponent(alertId)}/ack`, { method: 'POST', token, headers, body }, refusal);
  if (!answer.ok) return answer;
  const alert = read(AlertViewSchema, answer.value, 'an alert');
  return alert.ok ? ok(alert.value as unknown as AlertView) : alert;
}
