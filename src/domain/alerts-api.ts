import * as v from 'valibot';
import { AckSchema, type AlertView } from './alerts.ts';
import { RecordIdSchema } from './ids.ts';
import { storableText } from './text.ts';
import { TopicIdSchema } from './topic-id.ts';

/**
 * The alerts' routes as the dashboard and the lobby tablet call them (src/server/routes/alerts.ts,
 * src/server/routes/staff-alerts.ts): what each sends and gets. The alert itself, the ack's
 * comment and the stream's message are in alerts.ts.
 */

/** `open`: not acknowledged yet; `all`: those and the acknowledged ones. */
export const ALERT_STATES = ['open', 'all'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** How many alerts one page of GET /api/alerts carries unless asked for fewer, and at most. */
export const ALERTS_PAGE_DEFAULT = 50;
export const ALERTS_PAGE_MAX = 200;

/** GET /api/alerts: newest first, and the latest alert event seq the viewer may see, to open the stream after. */
export interface AlertsPage {
  alerts: AlertView[];
  cursor: number;
}

/** An alert's id in a path: the server makes them as UUIDv7. */
export const AlertParamsSchema = v.object({ alertId: RecordIdSchema });

/**
 * POST /api/alerts/:alertId/case: a complaint case opened from an alert by its branch's
 * manager. The summary is the case's, as a tablet's "opened" event carries it (domain/case.ts):
 * the dashboard fills it in with the teller, counter and reasons for the manager to complete.
 */
export const CaseFromAlertSchema = v.strictObject({
  summary: v.pipe(v.string(), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(2000, 'is longer than 2000 characters')),
  topicId: v.optional(v.nullable(TopicIdSchema)),
});
export type CaseFromAlert = v.InferOutput<typeof CaseFromAlertSchema>;

/**
 * POST /api/staff/alerts/:alertId/ack on a lobby tablet: the comment, and the case the tablet
 * has just opened for it through its own outbox, when it did. Who acknowledges is the staff
 * session's, never the body's.
 */
export const StaffAckSchema = v.strictObject({
  ...AckSchema.entries,
  caseId: v.optional(RecordIdSchema),
});
export type StaffAck = v.InferOutput<typeof StaffAckSchema>;

/** GET /api/staff/alerts: the branch's open alerts and those acknowledged today, newest first. */
export interface StaffAlertsPage {
  alerts: AlertView[];
}
