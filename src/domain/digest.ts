import type { Figure } from './metrics.ts';
import type { LocalDay } from './period.ts';

/**
 * The morning digest (src/server/services/digest.ts): one branch's or one region's yesterday,
 * sent by e-mail and to webhooks each morning. Its figures are the dashboard's own, from the
 * same report functions over that one day; it carries counts and names of places, never a
 * customer's contact details or words. Pure shapes.
 */

/** The local hour from which a branch's (or region's) yesterday is sent: early enough to read before the doors open. */
export const DIGEST_HOUR = 7;

/**
 * A counter is among the worst only with at least this many ratings that day: one unhappy
 * customer out of two is a bad moment, not a bad counter; five is about an hour of a quiet
 * window, and few enough that a small branch still shows its counters.
 */
export const DIGEST_MIN_COUNTER_RATINGS = 5;

/** How many of the worst counters a digest lists. */
export const DIGEST_WORST_COUNTERS = 3;

export type DigestScope = { kind: 'branch'; branchId: string } | { kind: 'region'; regionId: string };

/** A counter among the day's worst, by satisfaction, as the counters report rows it. */
export interface DigestCounter {
  counterId: string;
  counterName: string;
  branchId: string;
  branchName: string;
  ratings: number;
  satisfaction: number;
}

export interface Digest {
  scope: DigestScope;
  /** The branch's or region's name. */
  name: string;
  /** The day it tells, in `timeZone`. */
  day: LocalDay;
  /** The zone the day is counted in: the branch's, or the region's (its first branch's by id). */
  timeZone: string;
  /** The branches it covers, by name. */
  branches: { id: string; name: string }[];
  /** Satisfaction, complaint rate and follow-up rate against their targets, as the overview reports them for that day. */
  figures: Figure[];
  /** Ratings and opinion-box entries that day. */
  ratings: number;
  entries: number;
  /** Up to DIGEST_WORST_COUNTERS counters with at least DIGEST_MIN_COUNTER_RATINGS ratings, lowest satisfaction first. */
  worstCounters: DigestCounter[];
  minCounterRatings: number;
  /** Complaint cases waiting for their reply when the digest was made, and those past their deadline. */
  openCases: number;
  overdueCases: number;
  /** When it was made (the server's clock). */
  madeAt: number;
}
