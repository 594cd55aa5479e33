import * as v from 'valibot';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './alerts.ts';
import { IdSchema } from './ids.ts';
import { storableText } from './text.ts';

/**
 * Manage › Webhooks (src/server/routes/manage-webhooks.ts): the outside systems alerts and
 * digests are posted to, and the delivery log of each. Head office sets them up for the
 * network, a region or a branch; a regional manager for their region or one of its branches.
 * The signature a receiver checks is made and verified in src/server/services/webhook-signature.ts
 * (node:crypto); this module holds only the shapes, shared with the dashboard. Pure.
 */

/** The longest webhook address accepted: longer ones are not addresses a bank's system gives out. */
export const WEBHOOK_URL_MAX = 2000;

/** Which rule a webhook address breaks; the dashboard says each in the reader's language. */
export type WebhookUrlProblem = 'empty' | 'too-long' | 'not-a-url' | 'scheme' | 'credentials' | 'internal';

/**
 * The rules of a webhook address, in the order a person fixes them: given, not too long, an
 * absolute address, http or https (nothing else is a request we make), and no user name or
 * password in it (it would sit in the database and the logs in clear; a receiver checks the
 * signature instead), and not a link-local or cloud metadata address: the server would post
 * to its own host's internals, which no bank system lives at (the bank's own network is
 * allowed: that is where its receivers are).
 */
export function webhookUrlProblem(url: string): WebhookUrlProblem | null {
  if (url.trim() === '') return 'empty';
  if (url.length > WEBHOOK_URL_MAX) return 'too-long';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not-a-url';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'scheme';
  if (parsed.username !== '' || parsed.password !== '') return 'credentials';
  if (isInternalHost(parsed.hostname)) return 'internal';
  return null;
}

/** Link-local addresses (IPv4 169.254/16, IPv6 fe80::/10) and the cloud metadata services' names and addresses. */
const isInternalHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    /^169\.254\.\d{1,3}\.\d{1,3}$/.test(host) ||
    /^fe[89ab][0-9a-f]?:/.test(host) ||
    host === '100.100.100.200' ||
    host === 'fd00:ec2::254' ||
    host === 'metadata.google.internal' ||
    host === 'metadata'
  );
};

const URL_MESSAGES: Record<WebhookUrlProblem, string> = {
  empty: 'must not be empty',
  'too-long': `is longer than ${WEBHOOK_URL_MAX} characters`,
  'not-a-url': 'must be an absolute address such as https://example.com/hooks/branchvoice',
  scheme: 'must start with http:// or https://',
  credentials: 'must not carry a user name or password (user:password@): the receiver checks the signature instead',
  internal: 'must not be a link-local or cloud metadata address (169.254.x.x, fe80::, 100.100.100.200, metadata.google.internal): no bank system lives there',
};

/** A webhook address; the message names the rule it breaks. */
export const WebhookUrlSchema = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.check(
    (url) => webhookUrlProblem(url) === null,
    (issue) => URL_MESSAGES[webhookUrlProblem(issue.input as string) ?? 'empty'],
  ),
);

const NameSchema = v.pipe(v.string('must be text'), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'is longer than 100 characters'));

/** What a webhook is sent: one event at least, each once. */
export const WebhookEventsSchema = v.pipe(
  v.array(v.picklist(NOTIFICATION_EVENTS, `must each be one of ${NOTIFICATION_EVENTS.join(', ')}`), 'must be a list of events'),
  v.minLength(1, 'must name at least one event'),
  v.check((events) => new Set(events).size === events.length, 'must name each event once'),
);

/**
 * POST /api/manage/webhooks: a new webhook for the network (neither id), a region or a branch
 * (one of them, never both). Its secret is made by the server and answered this once.
 */
export const WebhookAddSchema = v.pipe(
  v.strictObject({
    name: NameSchema,
    url: WebhookUrlSchema,
    regionId: v.optional(IdSchema),
    branchId: v.optional(IdSchema),
    events: WebhookEventsSchema,
  }),
  v.check((input) => input.regionId === undefined || input.branchId === undefined, 'regionId and branchId: give one of them, or neither for the whole network'),
);
export type WebhookAdd = v.InferOutput<typeof WebhookAddSchema>;

/** PATCH /api/manage/webhooks/:id: what changes, at least one field. Its scope stays: a new scope is a new webhook. */
export const WebhookEditSchema = v.pipe(
  v.strictObject({
    name: v.optional(NameSchema),
    url: v.optional(WebhookUrlSchema),
    events: v.optional(WebhookEventsSchema),
    enabled: v.optional(v.boolean('must be true or false')),
  }),
  v.check((edit) => Object.values(edit).some((value) => value !== undefined), 'nothing to change: give name, url, events or enabled'),
);
export type WebhookEdit = v.InferOutput<typeof WebhookEditSchema>;

export const WebhookParamsSchema = v.object({ id: IdSchema });
export const NotificationParamsSchema = v.object({ id: IdSchema });

/** The most deliveries one answer of the log carries. */
export const DELIVERY_LOG_MAX = 200;
export const DELIVERY_LOG_DEFAULT = 50;

/** GET /api/manage/webhooks/:id/deliveries?limit=: the newest `limit` (1–200, 50 unless given). */
export const DeliveryLogQuerySchema = v.strictObject({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${DELIVERY_LOG_MAX}`),
      v.transform(Number),
      v.minValue(1, `must be a whole number from 1 to ${DELIVERY_LOG_MAX}`),
      v.maxValue(DELIVERY_LOG_MAX, `must be a whole number from 1 to ${DELIVERY_LOG_MAX}`),
    ),
  ),
});

/** Where a webhook's events come from: the whole network, one region, or one branch. */
export type WebhookScope = { kind: 'network' } | { kind: 'region'; id: string; name: string } | { kind: 'branch'; id: string; name: string };

/** A webhook as its managers see it: never its secret. */
export interface WebhookView {
  id: string;
  name: string;
  url: string;
  scope: WebhookScope;
  events: NotificationEvent[];
  enabled: boolean;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  /** Its notifications waiting, given up on, and delivered in the last 7 days. */
  counts: { pending: number; failed: number; deliveredLastWeek: number };
}

/** GET /api/manage/webhooks: the webhooks the viewer manages, and the scopes they may give a new one. */
export interface WebhookList {
  webhooks: WebhookView[];
  scopes: {
    /** Head office only: a webhook for the whole network. */
    network: boolean;
    regions: { id: string; name: string }[];
    branches: { id: string; name: string; regionId: string | null }[];
  };
}

/** The answer of a new webhook or a new secret: the secret is in this answer only, never again. */
export interface WebhookSecretAnswer {
  webhook: WebhookView;
  secret: string;
}

export const NOTIFICATION_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** One try to deliver, as the log shows it. */
export interface DeliveryAttemptView {
  at: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** Who asked for this try by hand; null for the worker's own. */
  replayBy: string | null;
}

/** One notification to a webhook, with its tries, oldest first. */
export interface DeliveryView {
  id: string;
  event: NotificationEvent | null;
  subject: { kind: string; id: string };
  status: NotificationStatus;
  attempts: number;
  /** When the next try is due; null once delivered or given up. */
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  tries: DeliveryAttemptView[];
}

/** GET /api/manage/webhooks/:id/deliveries: newest first. */
export interface DeliveryLog {
  webhookId: string;
  deliveries: DeliveryView[];
}

/** Whether a notification may be replayed: one given up on, or one delivered that the receiver lost. */
export const mayReplay = (status: NotificationStatus): boolean => status === 'failed' || status === 'delivered';
