import * as v from 'valibot';
import { IdSchema } from './ids.ts';

/**
 * Printed survey cards (POST /api/manage/surveys/cards): for a counter whose customers get no
 * code on its screen, or a day its tablet is away, codes the server makes and signs with its
 * card key (domain/visit-code.ts, kind card), each usable once, for CARD_CODE_TTL_MS.
 */

/** The most cards one request makes: a few sheets of A4. */
export const MAX_CARDS = 100;

export const SurveyCardsRequestSchema = v.strictObject({
  counterId: IdSchema,
  count: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(MAX_CARDS, `must be at most ${MAX_CARDS}`)),
});
export type SurveyCardsRequest = v.InferOutput<typeof SurveyCardsRequestSchema>;

/** The cards made: each code and the phone page's address its QR code opens, until `expiresAt` (epoch ms). */
export interface SurveyCardsResponse {
  cards: { code: string; url: string }[];
  counter: { id: string; name: string };
  branch: { id: string; name: string };
  expiresAt: number;
}
