import * as v from 'valibot';
import { DeviceConfigSchema, DeviceModeSchema } from './config.ts';
import { EpochMsSchema, IdSchema } from './ids.ts';
import { OpinionSchema, REFERENCE_PREFIXES } from './opinion.ts';
import { RatingSchema } from './rating.ts';
import { ShiftEventSchema } from './shift.ts';

/**
 * The wire protocol between devices and the server. Client and server import these
 * schemas, so a record is checked by the very same rules on both sides.
 */
export const PROTOCOL_VERSION = 1;

/** A push carries at most this many records … */
export const MAX_BATCH_RECORDS = 200;
/** … and at most this many bytes of JSON (DESIGN.md "Sync"). */
export const MAX_BATCH_BYTES = 256 * 1024;
/** The server refuses bodies over this size with 413: a full batch plus headroom. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Every kind of record a device can push. New kinds join this variant. */
export const SyncRecordSchema = v.variant('kind', [RatingSchema, ShiftEventSchema, OpinionSchema], 'has an unknown kind');
export type SyncRecord = v.InferOutput<typeof SyncRecordSchema>;
export type RecordKind = SyncRecord['kind'];

/** The device's health, sent with every push; the fleet view is built from these. */
export const DeviceHealthSchema = v.object({
  outboxDepth: v.pipe(v.number(), v.integer(), v.minValue(0)),
  oldestUnsyncedAt: v.nullable(EpochMsSchema),
  quarantined: v.pipe(v.number(), v.integer(), v.minValue(0)),
  storageUsed: v.nullable(v.number()),
  storageQuota: v.nullable(v.number()),
  storagePersisted: v.nullable(v.boolean()),
  appVersion: v.pipe(v.string(), v.maxLength(64)),
  clockOffsetMs: v.nullable(v.number()),
  reportedAt: EpochMsSchema,
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
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The server's answer for one record, in the order they were sent. */
export type PushResult =
  | { id: string; status: 'accepted' }
  | { id: string | null; status: 'rejected'; reason: RejectReason; message: string };

export type PushResponse = {
  results: PushResult[];
  /** The server's clock when it answered, for the device's clock offset. */
  serverTime: number;
  /** The configuration version the device should hold; it pulls when its own differs. */
  configVersion: number;
};

export const EnrollRequestSchema = v.strictObject({
  code: v.pipe(v.string(), v.maxLength(32)),
  deviceLabel: v.optional(v.pipe(v.string(), v.maxLength(100))),
  appVersion: v.optional(v.pipe(v.string(), v.maxLength(64))),
});
export type EnrollRequest = v.InferOutput<typeof EnrollRequestSchema>;

export const EnrollResponseSchema = v.object({
  deviceId: IdSchema,
  token: v.pipe(v.string(), v.minLength(32)),
  mode: DeviceModeSchema,
  /** The device's reference-code prefix, unique in its branch and never reused (decision 0004). */
  referencePrefix: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(REFERENCE_PREFIXES - 1)),
  config: DeviceConfigSchema,
});
export type EnrollResponse = v.InferOutput<typeof EnrollResponseSchema>;

/** Error codes the API answers with, in a JSON body `{ code, message }`. */
export const API_ERROR_CODES = [
  'bad-request',
  'unauthorized',
  'device-revoked',
  'payload-too-large',
  'not-found',
  'enrollment-code-invalid',
  'rate-limited',
  'unavailable',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
export type ApiError = { code: ApiErrorCode; message: string };

/** Turns valibot issues into one readable line: "score: must be …; createdAt: is before …". */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
