import { VoiceLocaleSchema } from './voice.ts';
import * as v from 'valibot';
import { ATTESTATIONS } from './attestation.ts';
import { CaseEventSchema, type CaseRefusal } from './case.ts';
import { EpochMsSchema } from './ids.ts';
import { OpinionSchema } from './opinion.ts';
import { RatingSchema } from './rating.ts';
import { EntryReadSchema } from './review.ts';
import { ShiftEventSchema } from './shift.ts';
import { SurveyResponseSchema } from './survey-record.ts';
import { storableText } from './text.ts';

/**
 * The wire protocol between devices and the server. Client and server import these
 * schemas, so a record is checked by the very same rules on both sides.
 */
export const PROTOCOL_VERSION = 1;

/** A push carries at most this many records … */
export const MAX_BATCH_RECORDS = 200;
/** … and at most this many bytes of JSON (docs/architecture.md, "The sync protocol"). */
export const MAX_BATCH_BYTES = 256 * 1024;
/** The server refuses bodies over this size with 413: a full batch plus headroom. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Every kind of record a device can push. New kinds join this variant. */
export const SyncRecordSchema = v.variant('kind', [RatingSchema, ShiftEventSchema, OpinionSchema, CaseEventSchema, EntryReadSchema, SurveyResponseSchema], 'has an unknown kind');
export type SyncRecord = v.InferOutput<typeof SyncRecordSchema>;
export type RecordKind = SyncRecord['kind'];

/** The device's health, sent with every push; the fleet view is built from these. */
export const DeviceHealthSchema = v.object({
  /** Depth and oldest unsynced describe the outbox once the push carrying them is settled: its own batch is not counted. */
  outboxDepth: v.pipe(v.number(), v.integer(), v.minValue(0)),
  oldestUnsyncedAt: v.nullable(EpochMsSchema),
  quarantined: v.pipe(v.number(), v.integer(), v.minValue(0)),
  storageUsed: v.nullable(v.number()),
  storageQuota: v.nullable(v.number()),
  storagePersisted: v.nullable(v.boolean()),
  appVersion: v.pipe(v.string(), storableText(), v.maxLength(64)),
  clockOffsetMs: v.nullable(v.number()),
  reportedAt: EpochMsSchema,
  /**
   * The voices the branch set that the tablet cannot speak (zh-HK: no Cantonese voice), whose
   * prompts it leaves unsaid; absent when it speaks them all, does not speak, or has not listed its voices yet.
   */
  speechVoiceMissing: v.optional(v.pipe(v.array(VoiceLocaleSchema), v.maxLength(8))),
});
export type DeviceHealth = v.InferOutput<typeof DeviceHealthSchema>;

/**
 * The envelope of a push. Records are checked one by one after it, so that one bad record
 * is answered as rejected instead of failing the whole batch.
 */
export const PushRequestSchema = v.strictObject({
  protocol: v.literal(PROTOCOL_VERSION),
  records: v.pipe(v.array(v.unknown()), v.maxLength(MAX_BATCH_RECORDS, `has more than ${MAX_BATCH_RECORDS} records`)),
  health: v.optional(DeviceHealthSchema),
});
export type PushRequest = { protocol: typeof PROTOCOL_VERSION; records: SyncRecord[]; health?: DeviceHealth };

export const REJECT_REASONS = [
  'invalid-record',
  'wrong-branch',
  'wrong-counter',
  'unknown-teller',
  /** A record this kind of device does not make: a rating from a lobby tablet, an opinion from a counter. */
  'wrong-device-mode',
  'unknown-topic',
  'unknown-counter',
  /** An opinion whose reference code does not carry this device's prefix (opinion.ts). */
  'wrong-reference',
  /** A case event whose staffId is not a member of the branch's staff in the role it names. */
  'unknown-staff',
  /** An entry-read for an opinion-box entry the server does not have in this branch. */
  'unknown-opinion',
  /**
   * An act that only a member of staff checked by the server may do (reading customers'
   * contact details), claimed by a record whose maker only the tablet checked (attestation.ts).
   */
  'needs-verified-session',
  /** Survey answers naming a survey or version that does not run on this channel at this branch, or answers that do not fit its questions. */
  'unknown-survey',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/**
 * Why the server does not hold a record under the id it was sent with, although the record
 * itself may be fine:
 * - `id-taken`: the id is held for another device (or, for a case's opening, the case id is
 *   another's): the device sends the record again under a new id, and nothing is lost;
 * - `changed-resend`: this device sent a different record under an id it used before: the
 *   first one is what the server holds; the device keeps the second for staff to see.
 */
export const CONFLICT_REASONS = ['id-taken', 'changed-resend'] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

/**
 * The server's answer for one record, in the order they were sent. `accepted` only when the
 * server holds that very record from that device (a re-send of the same content counts).
 */
export type PushResult =
  | { id: string; status: 'accepted' }
  | { id: string | null; status: 'rejected'; reason: RejectReason; message: string }
  | { id: string; status: 'conflict'; reason: ConflictReason; message: string };

export type PushResponse = {
  results: PushResult[];
  /** The server's clock when it answered, for the device's clock offset. */
  serverTime: number;
  /** The configuration version the device should hold; it pulls when its own differs. */
  configVersion: number;
  /**
   * Present when the token this push came with is due for replacement (device-token.ts): the
   * device asks for a new one, POST /api/device/token, once its push is done.
   */
  rotateToken?: true;
};

/**
 * A push answer as the tablet reads it. A reason is any text, not only the lists above: a
 * newer server may name one this app does not know, and the record then goes to the
 * quarantine with it, where staff see it (decision 0017). Anything else out of shape fails
 * the whole answer, so that no row is settled on an answer the tablet cannot read.
 */
export const PushResponseSchema = v.object({
  results: v.array(
    v.variant('status', [
      v.object({ id: v.string(), status: v.literal('accepted') }),
      v.object({ id: v.nullable(v.string()), status: v.literal('rejected'), reason: v.string(), message: v.string() }),
      v.object({ id: v.string(), status: v.literal('conflict'), reason: v.string(), message: v.string() }),
    ]),
  ),
  serverTime: v.number(),
  configVersion: v.pipe(v.number(), v.integer()),
  rotateToken: v.optional(v.literal(true)),
});
export type PushAnswer = v.InferOutput<typeof PushResponseSchema>;

// Every answer the server can build must pass the tablet's schema: a change to either that
// breaks this fails the typecheck here rather than a tablet's sync in the field.
const _serverAnswersParse = (answer: PushResponse): v.InferInput<typeof PushResponseSchema> => answer;

/** A pull of case events returns this many when the device does not say … */
export const CASE_EVENTS_PAGE_DEFAULT = 200;
/** … and never more than this many. */
export const CASE_EVENTS_PAGE_MAX = 500;

// Every refusal of the state machine, as a record so that a new one in case.ts fails the typecheck here.
const CASE_REFUSALS = Object.keys({
  'case-exists': true,
  'case-unknown': true,
  'wrong-branch': true,
  'role-not-allowed': true,
  'case-signed-off': true,
  'case-not-signed-off': true,
  'not-escalated': true,
  'already-escalated': true,
  'no-reply-yet': true,
  'needs-verified-session': true,
} satisfies Record<CaseRefusal, true>) as CaseRefusal[];

const SeqSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

/**
 * GET /api/case-events?after=<seq>&limit=<n>: the branch's case events with `seq > after`, in
 * `seq` order, each with what the server's fold made of it. A refused event is kept and
 * shown to staff with its reason; nothing is dropped. Send `next` as `after` the
 * next time; `more` says another page is waiting now.
 */
export const CaseEventsPageSchema = v.object({
  events: v.array(
    v.object({
      seq: SeqSchema,
      event: CaseEventSchema,
      status: v.picklist(['applied', 'refused']),
      reason: v.nullable(v.picklist(CASE_REFUSALS)),
      message: v.nullable(v.string()),
      /** How the server found its maker checked; absent from servers before attestation: the tablet's word. */
      attestation: v.optional(v.picklist(ATTESTATIONS), 'tablet'),
    }),
  ),
  /** The cursor to send as `after` next time. */
  next: SeqSchema,
  more: v.boolean(),
});
export type CaseEventsPage = v.InferOutput<typeof CaseEventsPageSchema>;
export type StoredCaseEvent = CaseEventsPage['events'][number];

export const EnrollRequestSchema = v.strictObject({
  code: v.pipe(v.string(), v.maxLength(32)),
  deviceLabel: v.optional(v.pipe(v.string(), storableText(), v.maxLength(100))),
  appVersion: v.optional(v.pipe(v.string(), storableText(), v.maxLength(64))),
});
export type EnrollRequest = v.InferOutput<typeof EnrollRequestSchema>;

// The answer's schema carries the whole configuration: it lives in enroll-wire.ts, loaded by the setup screen alone.
export type { EnrollResponse } from './enroll-wire.ts';

/**
 * POST /api/device/token (device token auth, no body): a new token for the device. The one
 * the request came with keeps working until the new one is first used (device-token.ts).
 */
export const RotateTokenResponseSchema = v.object({ token: v.pipe(v.string(), v.minLength(32)) });
export type RotateTokenResponse = v.InferOutput<typeof RotateTokenResponseSchema>;

/** Error codes the API answers with, in a JSON body `{ code, message }`. */
export const API_ERROR_CODES = [
  'bad-request',
  'unauthorized',
  'device-revoked',
  /** The device was not heard from for 60 days (device-token.ts): enroll it again. */
  'device-expired',
  /** A token the device's newer one replaced: two devices hold this tablet's token (device-token.ts). */
  'token-superseded',
  'payload-too-large',
  'not-found',
  /** What the request would make exists already: a staff number that has a dashboard account. */
  'conflict',
  /** The device is known but its mode may not do this: a counter tablet asking for case events. */
  'forbidden',
  'enrollment-code-invalid',
  /** A staff number and PIN the server checked and refused (the device itself is fine). */
  'staff-credentials-invalid',
  /** An act that takes a member of staff the server checked (a live staff session of this device). */
  'staff-session-required',
  /** A manager's PIN set before managers needed six digits: right, but too short to sign in with. */
  'pin-too-short',
  /** Signed in with a password someone else chose: POST /api/session/password first. */
  'password-change-required',
  /** A password change whose current password is not the account's. */
  'wrong-password',
  'rate-limited',
  'unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
/**
 * `retryAfterMs`: when the server booked the client a time to come back (a busy server turning
 * a push away), to the millisecond; Retry-After says it too, in whole seconds.
 */
export type ApiError = { code: ApiErrorCode; message: string; retryAfterMs?: number };

/** Turns valibot issues into one readable line: "score: must be …; createdAt: is before …". */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
