import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import { err, ok, type Result } from '../domain/result.ts';
import { RatingSchema, type Rating } from '../domain/rating.ts';
import { describeIssues } from '../domain/wire.ts';
import type { BranchVoiceDB } from './db.ts';
import { withReconnect } from './reconnect.ts';
import { getMeta } from './meta.ts';
import { writeWithOutbox, type WriteFailure } from './write.ts';

/** What the screen knows when the customer taps; the store adds id and time. */
export type RatingInput = Omit<Rating, 'kind' | 'id' | 'createdAt'>;

export type RatingFailure = 'invalid-record' | 'counter-closed' | WriteFailure;

export interface RecordOptions {
  now?: () => number;
  newId?: () => string;
  onFatal?: (error: unknown) => void;
}

/**
 * Records a customer's rating: the rating and its outbox row in one read-write transaction.
 * Resolves only after the transaction has completed, so the screen may say "thank you".
 */
export async function recordRating(
  db: BranchVoiceDB,
  input: RatingInput,
  { now = Date.now, newId = uuidv7, onFatal }: RecordOptions = {},
): Promise<Result<Rating, RatingFailure>> {
  const parsed = v.safeParse(RatingSchema, { kind: 'rating', id: newId(), createdAt: now(), ...input });
  if (!parsed.success) return err('invalid-record', describeIssues(parsed.issues));
  const rating = parsed.output;
  const written = await withReconnect(
    db,
    () =>
      // The shift is read in the same transaction as the write: a teller who paused the
      // window on another tab an instant earlier still stops this rating.
      writeWithOutbox(db, db.ratings, rating, [db.meta], async () => {
        const shift = await getMeta(db, 'shift');
        return shift?.state === 'open' && shift.signInId === rating.signInId && shift.tellerId === rating.tellerId;
      }),
    onFatal,
  );
  if (written.ok) return ok(rating);
  return written.reason === 'precondition' ? err('counter-closed', 'The window is closed or paused: no rating is taken.') : err(written.reason, written.message);
}
