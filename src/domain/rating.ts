import * as v from 'valibot';
import { EpochMsSchema, IdSchema, RecordIdSchema } from './ids.ts';
import { LanguageSchema } from './language.ts';
import { storableText } from './text.ts';

/**
 * The four buttons of a bank counter evaluator (非常滿意 / 滿意 / 一般 / 不滿意), best first.
 */
export const SCORES = ['very-satisfied', 'satisfied', 'neutral', 'dissatisfied'] as const;
export type Score = (typeof SCORES)[number];

export const ScoreSchema = v.picklist(SCORES, 'must be very-satisfied, satisfied, neutral or dissatisfied');

/** A reason the customer picked; its text lives in the branch configuration. */
export const ReasonIdSchema = v.pipe(v.string(), storableText(), v.minLength(1), v.maxLength(64));

/**
 * A rating: one customer's score of a teller at a counter. Append-only; the device makes the
 * id and reads its own clock for `createdAt`, which is data, never the order (the server
 * stamps `receivedAt` and `seq`). The device is known from its token, not from the record.
 */
export const RatingSchema = v.strictObject({
  kind: v.literal('rating'),
  id: RecordIdSchema,
  branchId: IdSchema,
  counterId: IdSchema,
  /** The teller signed in at the counter, and the sign-in (shift) the rating belongs to. */
  tellerId: IdSchema,
  signInId: RecordIdSchema,
  score: ScoreSchema,
  reasons: v.pipe(v.array(ReasonIdSchema), v.maxLength(16, 'has more than 16 reasons')),
  language: LanguageSchema,
  createdAt: EpochMsSchema,
});
export type Rating = v.InferOutput<typeof RatingSchema>;
