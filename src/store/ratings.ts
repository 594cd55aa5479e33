import { uuidv7 } from 'uuidv7';
import { err, ok, type Result } from '../domain/result.ts';
import { RatingSchema, type Rating } from '../domain/rating.ts';
import type { BranchVoiceDB } from './db.ts';
import { getMeta } from './meta.ts';
import { writeRecord, type WriteFailure, type WriteOptions } from './write.ts';

/** What the screen knows when the customer taps; the store adds id and time. */
export type RatingInput = Omit<Rating, 'kind' | 'id' | 'createdAt'>;

export type RatingFailure = 'invalid-record' | 'counter-closed' | WriteFailure;

/**
 * Records a customer's rating: the rating and its outbox row in one read-write transaction.
 * Resolves only after the transaction has completed, so the screen may say "thank you".
 */
export function recordRating(
  db: BranchVoiceDB,
  input: RatingInput,
  { now = Date.now, newId = uuidv7, onFatal }: WriteOptions = {},
): Promise<Result<Rating, RatingFailure>> {
  return writeRecord(db, {
    schema: RatingSchema,
    draft: { kind: 'rating', id: newId(), createdAt: now(), ...input },
    tables: [db.ratings, db.meta],
    // The shift is read in the same transaction as the write: a teller who paused the
    // window on another tab an instant earlier still stops this rating.
    check: async (rating) => {
      const shift = await getMeta(db, 'shift');
      const open = shift?.state === 'open' && shift.signInId === rating.signInId && shift.tellerId === rating.tellerId;
      return open ? ok(undefined) : err('counter-closed', 'The window is closed or paused: no rating is taken.');
    },
    save: (rating) => db.ratings.add(rating),
    onFatal,
  });
}
