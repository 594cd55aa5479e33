import * as v from 'valibot';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './alerts.ts';
import { IdSchema } from './ids.ts';
import { LANGUAGES, type Language } from './language.ts';
import { storableText } from './text.ts';

/**
 * Manage › E-mail (src/server/routes/manage-email.ts): who gets alerts and digests by e-mail,
 * and whether the server can send any. Head office sets recipients for the whole network, a
 * region or a branch; a regional manager for their region or its branches; a branch manager
 * for their own branch. The SMTP server itself is set in the server's environment, never here
 * (decision 0025): it holds a password.
 */

/** PATCH /api/manage/email-recipients/:id: the recipient in the path. */
export const EmailRecipientParamsSchema = v.object({ id: IdSchema });

const NameSchema = v.pipe(v.string('must be text'), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'is longer than 100 characters'));

/** An address as a person types it: trimmed, at most the 254 characters SMTP allows. */
export const EmailAddressSchema = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(254, 'is longer than 254 characters'),
  v.email('must be an e-mail address such as name@bank.example'),
);

const LanguageFieldSchema = v.picklist(LANGUAGES, `must be one of ${LANGUAGES.join(', ')}`);

/** What the recipient is sent: at least one event, each once. */
export const EmailEventsSchema = v.pipe(
  v.array(v.picklist(NOTIFICATION_EVENTS, `must be one of ${NOTIFICATION_EVENTS.join(', ')}`), 'must be a list of events'),
  v.minLength(1, 'must name at least one event'),
  v.check((events) => new Set(events).size === events.length, 'must not name an event twice'),
);

/** At most one of region and branch: both absent (or null) is the whole network. */
const oneScope = (input: { regionId?: string | null; branchId?: string | null }) => !(input.regionId && input.branchId);
const ONE_SCOPE_MESSAGE = 'give a region or a branch, not both (neither: the whole network)';

/** POST /api/manage/email-recipients. */
export const EmailRecipientAddSchema = v.pipe(
  v.strictObject({
    name: NameSchema,
    address: EmailAddressSchema,
    language: LanguageFieldSchema,
    regionId: v.optional(v.nullable(IdSchema)),
    branchId: v.optional(v.nullable(IdSchema)),
    events: EmailEventsSchema,
  }),
  // Named as the branch's: a plain check keeps the bundle of the tablets' first screen small (valibot's forward and partialCheck are not in it).
  v.check((input) => oneScope(input), `branchId: ${ONE_SCOPE_MESSAGE}`),
);
export type EmailRecipientAdd = v.InferOutput<typeof EmailRecipientAddSchema>;

/**
 * PATCH /api/manage/email-recipients/:id: the fields that change, at least one. Giving
 * `regionId` or `branchId` (either) sets the scope to exactly what they say, the other one
 * being none: `{ branchId: null }` alone makes it the whole network's.
 */
export const EmailRecipientEditSchema = v.pipe(
  v.strictObject({
    name: v.optional(NameSchema),
    address: v.optional(EmailAddressSchema),
    language: v.optional(LanguageFieldSchema),
    regionId: v.optional(v.nullable(IdSchema)),
    branchId: v.optional(v.nullable(IdSchema)),
    events: v.optional(EmailEventsSchema),
    enabled: v.optional(v.boolean('must be true or false')),
  }),
  v.check((input) => oneScope(input), `branchId: ${ONE_SCOPE_MESSAGE}`),
  v.check((edit) => Object.values(edit).some((value) => value !== undefined), 'nothing to change: give at least one field'),
);
export type EmailRecipientEdit = v.InferOutput<typeof EmailRecipientEditSchema>;

/** A recipient as the page shows it. Its scope: both null for the whole network. */
export interface EmailRecipientView {
  id: string;
  name: string;
  address: string;
  language: Language;
  regionId: string | null;
  branchId: string | null;
  events: NotificationEvent[];
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** GET /api/manage/email-recipients: those the viewer may manage; whether they may set one for the whole network. */
export interface EmailRecipientsView {
  recipients: EmailRecipientView[];
  mayUseNetwork: boolean;
}

/**
 * GET /api/manage/email/status: whether the server has an SMTP server to send through, and
 * which (never its user name or password); whether this viewer may send a test message.
 */
export interface EmailStatus {
  configured: boolean;
  host: string | null;
  port: number | null;
  /** 'tls': TLS from the first byte (smtps://); 'starttls': upgraded before anything is sent; 'none': a local relay in clear. */
  security: 'tls' | 'starttls' | 'none' | null;
  from: string | null;
  mayTest: boolean;
}

/** POST /api/manage/email/test: where to send a test message, in which language (English unless given). */
export const EmailTestSchema = v.strictObject({ address: EmailAddressSchema, language: v.optional(LanguageFieldSchema) });
export type EmailTest = v.InferOutput<typeof EmailTestSchema>;

/** What the SMTP server said to the test message. */
export interface EmailTestResult {
  delivered: boolean;
  /** The SMTP server's refusal or the connection's failure, as it said it; null when delivered. */
  error: string | null;
}
