import type { Kysely } from 'kysely';
import type { Rating, Score } from '../../domain/rating.ts';
import type { Language } from '../../domain/language.ts';
import { localDayOf } from '../../domain/period.ts';
import { contentHash } from '../content-hash.ts';
import type { Database, NewRatingRow, RatingRow } from '../db/schema.ts';
import { countPushed } from './pushed-records.ts';

/**
 * A rating as stored: the device's record plus what the server stamped on arrival. Teller
 * and sign-in are null only for ratings stored before tellers existed (migration 0002).
 */
export type StoredRating = Omit<Rating, 'kind' | 'tellerId' | 'signInId'> & {
  tellerId: string | null;
  signInId: string | null;
  seq: number;
  deviceId: string;
  receivedAt: number;
};

/**
 * The row for a rating that arrived from `deviceId` at `receivedAt`; its day is the
 * customer's day at the branch (`timeZone`), read from the tablet's clock (decision 0008).
 * Its content hash tells a re-send from another rating under the same id (decision 0017).
 * `clockOffsetMs`: the tablet's clock offset the push reported, kept for the join to tickets.
 */
export const ratingToRow = (rating: Rating, deviceId: string, receivedAt: number, timeZone: string, clockOffsetMs: number | null = null): NewRatingRow => ({
  id: rating.id,
  branch_id: rating.branchId,
  counter_id: rating.counterId,
  device_id: deviceId,
  teller_id: rating.tellerId,
  sign_in_id: rating.signInId,
  score: rating.score,
  reasons: JSON.stringify(rating.reasons),
  language: rating.language,
  created_at: rating.createdAt,
  received_at: receivedAt,
  day: localDayOf(rating.createdAt, timeZone),
  content_hash: contentHash(rating),
  clock_offset_ms: clockOffsetMs,
});

export const ratingRowToStoredRating = (row: RatingRow): StoredRating => ({
  id: row.id,
  seq: row.seq,
  branchId: row.branch_id,
  counterId: row.counter_id,
  deviceId: row.device_id,
  tellerId: row.teller_id,
  signInId: row.sign_in_id,
  score: row.score as Score,
  reasons: JSON.parse(row.reasons) as string[],
  language: row.language as Language,
  createdAt: row.created_at,
  receivedAt: row.received_at,
});

/** The latest ratings by arrival order, newest first. */
export async function latestRatings(db: Kysely<Database>, limit: number): Promise<StoredRating[]> {
  const rows = await db.selectFrom('ratings').selectAll().orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(ratingRowToStoredRating);
}

/** How many ratings are stored; tests and the bench use it to check nothing was lost or doubled. */
export const countRatings = (db: Kysely<Database>): Promise<number> => countPushed(db, 'ratings');
