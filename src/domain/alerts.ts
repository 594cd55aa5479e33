import * as v from 'valibot';
import { storableText } from './text.ts';

/**
 * Alerts (docs/architecture.md, "Alerts"): rules that notice a customer leaving unhappy while
 * they may still be in the branch, the alerts they raise, who has each alert (the level it
 * has been escalated to) and what is sent outside. Shared by the server, which raises and
 * delivers, and the dashboard and lobby tablet, which show and acknowledge. Pure.
 */

/** What raises an alert. */
export const ALERT_KINDS = [
  /** A "dissatisfied" rating. */
  'dissatisfied',
  /** A neutral or dissatisfied rating that gives one of the rule's reasons (any reason when the list is empty). */
  'low-with-reasons',
  /** `count` neutral or dissatisfied ratings at one counter within `minutes`. */
  'low-burst',
  /** The branch's satisfaction today, once it has `minRatings` ratings, under the programme's target. */
  'day-below-target',
  /** An opinion-box complaint whose customer asked for a reply. */
  'complaint-wants-reply',
  /** An open complaint case whose reply deadline is within `hours`. */
  'case-deadline',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const Minutes = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 60));

/** Each kind's parameters. */
export const AlertParamsSchemas = {
  dissatisfied: v.strictObject({}),
  'low-with-reasons': v.strictObject({ reasonIds: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(64))), v.maxLength(50)) }),
  'low-burst': v.strictObject({ count: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(50)), minutes: Minutes }),
  'day-below-target': v.strictObject({ minRatings: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)) }),
  'complaint-wants-reply': v.strictObject({}),
  'case-deadline': v.strictObject({ hours: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(24 * 14)) }),
} as const satisfies Record<AlertKind, v.GenericSchema>;

export type AlertParams<K extends AlertKind = AlertKind> = v.InferOutput<(typeof AlertParamsSchemas)[K]>;

/** One rule as it applies to a branch: the branch's own row, or the network's, or the default. */
export interface AlertRule<K extends AlertKind = AlertKind> {
  kind: K;
  enabled: boolean;
  params: AlertParams<K>;
  /** Minutes it may wait unacknowledged before it goes up a level. */
  ackMinutes: number;
}

/** The rules a network starts with: every kind on, acknowledged within ten minutes while the customer may still be near. */
export const DEFAULT_ALERT_RULES: { [K in AlertKind]: AlertRule<K> } = {
  dissatisfied: { kind: 'dissatisfied', enabled: true, params: {}, ackMinutes: 10 },
  'low-with-reasons': { kind: 'low-with-reasons', enabled: false, params: { reasonIds: [] }, ackMinutes: 10 },
  'low-burst': { kind: 'low-burst', enabled: true, params: { count: 3, minutes: 15 }, ackMinutes: 10 },
  'day-below-target': { kind: 'day-below-target', enabled: true, params: { minRatings: 20 }, ackMinutes: 60 },
  'complaint-wants-reply': { kind: 'complaint-wants-reply', enabled: true, params: {}, ackMinutes: 30 },
  'case-deadline': { kind: 'case-deadline', enabled: true, params: { hours: 24 }, ackMinutes: 60 },
};

export const AckMinutesSchema = Minutes;

/**
 * Who has an alert: the branch (its branch manager on the dashboard, its complaint managers
 * and lobby staff on the lobby tablet), then the branch's region (its regional manager), then
 * head office. A branch with no region goes from the branch straight to head office.
 */
export const ALERT_LEVELS = ['branch', 'region', 'head-office'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** The level above `level` for a branch with or without a region; null at the top. */
export function nextLevel(level: AlertLevel, hasRegion: boolean): AlertLevel | null {
  if (level === 'branch') return hasRegion ? 'region' : 'head-office';
  if (level === 'region') return 'head-office';
  return null;
}

/**
 * A record that reaches the server more than this long after it was made raised its alert
 * late: the alert says so and shows the record's own time, and it is never sounded as new.
 */
export const LATE_AFTER_MS = 15 * 60 * 1000;

export const isLate = (occurredAt: number, raisedAt: number): boolean => raisedAt - occurredAt > LATE_AFTER_MS;

/** What an alert tells, by kind (kept as JSON in alerts.detail). */
export type AlertDetail =
  | { kind: 'dissatisfied' | 'low-with-reasons'; score: string; reasonIds: string[] }
  | { kind: 'low-burst'; count: number; minutes: number; ratingIds: string[] }
  | { kind: 'day-below-target'; day: string; satisfaction: number; target: number; ratings: number }
  | { kind: 'complaint-wants-reply'; referenceCode: string; topicId: string }
  | { kind: 'case-deadline'; dueAt: number; hours: number };

/**
 * The key that makes raising an alert idempotent: per rating, per entry, per case, per
 * branch and day, and per counter and window for a burst (its first low rating's id, so one
 * burst is one alert however many servers notice it).
 */
export const alertDedupeKey = (kind: AlertKind, subject: string): string => `${kind}:${subject}`;

export const ALERT_EVENT_TYPES = ['raised', 'escalated', 'acknowledged', 'case-opened'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** What a webhook or e-mail recipient subscribes to. */
export const NOTIFICATION_EVENTS = ['alert-raised', 'alert-escalated', 'alert-acknowledged', 'digest'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** How an acknowledgement was checked: a dashboard password session, or a staff session on a lobby tablet (PIN checked by the server). */
export type AckVia = 'dashboard-session' | 'staff-session';

/** An alert as the dashboard and the lobby tablet see it (GET /api/alerts). */
export interface AlertView {
  id: string;
  seq: number;
  kind: AlertKind;
  branchId: string;
  branchName: string;
  counterId: string | null;
  counterName: string | null;
  tellerId: string | null;
  tellerName: string | null;
  detail: AlertDetail;
  occurredAt: number;
  raisedAt: number;
  late: boolean;
  level: AlertLevel;
  escalateAt: number | null;
  acknowledged: { at: number; by: string; name: string; via: AckVia; comment: string } | null;
  caseId: string | null;
}

/** One message of the live stream (server-sent event `alert`): an alert changed; its state after the change. */
export interface AlertStreamMessage {
  seq: number;
  type: AlertEventType;
  alert: AlertView;
}

/** An acknowledgement: who is taken from the session, never from the body. */
export const AckSchema = v.strictObject({
  comment: v.pipe(v.string(), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(1000, 'is longer than 1000 characters')),
});

/** Time to acknowledge, over the alerts raised in a period (the dashboard's figure). */
export interface AckTimes {
  raised: number;
  acknowledged: number;
  /** Medians and 90th percentile in ms; null without acknowledged alerts. */
  medianMs: number | null;
  p90Ms: number | null;
  /** Alerts that went up at least one level. */
  escalated: number;
}

/**
 * The webhook's signature header: `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<delivery id>.<body>"
 * with the webhook's secret>`. The receiver recomputes it, compares in constant time, refuses a `t`
 * too far from its clock (a replayed capture), and drops a delivery id it has seen (a retry
 * after a lost answer).
 */
export const SIGNATURE_HEADER = 'x-branchvoice-signature';
export const DELIVERY_HEADER = 'x-branchvoice-delivery';
export const EVENT_HEADER = 'x-branchvoice-event';
