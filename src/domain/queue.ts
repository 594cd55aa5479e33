import * as v from 'valibot';
import { IdSchema } from './ids.ts';
import type { LocalDay } from './period.ts';
import { QUEUE_EVENT_TYPES, WAIT_BAND_EDGES_MIN } from './queue-terms.ts';
import type { Score } from './rating.ts';
import { storableText } from './text.ts';

export { MAX_QUEUE_CSV_BYTES, QUEUE_CSV_COLUMNS, QUEUE_EVENT_TYPES, WAIT_BAND_EDGES_MIN, type QueueEventType } from './queue-terms.ts';

// A branch's queue system (排队叫号) issues a ticket, calls it to a counter, serves it and
// closes it. It tells the server each step as a queue event, posted as it happens or imported
// from its daily export. The server joins ratings to the ticket served at the counter at the
// rating's clock-corrected time (services/queue-match.ts); tablets never wait for it.

/** A ticket number as the queue system prints it: A023, 1045, VIP-7. Unique in a branch for a day. */
export const TicketNumberSchema = v.pipe(
  v.string('must be a ticket number such as A023'),
  v.trim(),
  v.minLength(1, 'must be a ticket number such as A023'),
  v.maxLength(16, 'must be at most 16 characters'),
  v.regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/, 'must be letters, digits, dots, dashes or underscores, such as A023'),
);

/** A counter as the queue system numbers it ("3", "W03"): mapped to one of ours by `counters.queue_code`. */
export const QueueCounterCodeSchema = v.pipe(
  v.string('must be the queue system\'s counter number, such as 3'),
  v.trim(),
  v.minLength(1, 'must be the queue system\'s counter number, such as 3'),
  v.maxLength(16, 'must be at most 16 characters'),
  v.regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/, 'must be letters, digits, dots, dashes or underscores, such as 3 or W03'),
);

/** A service type as the queue system names it: "deposits", "foreign-exchange", "VIP". */
export const ServiceTypeSchema = v.pipe(v.string('must be text'), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(40, 'must be at most 40 characters'), storableText());

/** When: epoch milliseconds, or an ISO 8601 time with its zone (2026-12-07T09:15:02+08:00). */
export const QueueTimeSchema = v.union(
  [
    v.pipe(v.number(), v.integer(), v.minValue(Date.UTC(2000, 0, 1)), v.maxValue(Date.UTC(2100, 0, 1))),
    v.pipe(
      v.string(),
      v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/),
      v.check((s) => Number.isFinite(Date.parse(s))),
      v.transform((s) => Date.parse(s)),
      v.minValue(Date.UTC(2000, 0, 1)),
      v.maxValue(Date.UTC(2100, 0, 1)),
    ),
  ],
  'must be epoch milliseconds or an ISO 8601 time with its zone, such as 2026-12-07T09:15:02+08:00',
);

/**
 * One queue event as a queue system posts it. `counter` is required for called, started and
 * ended, and ignored for issued; `service` is the ticket's service type, usually sent with issued.
 */
export const QueueEventSchema = v.pipe(
  v.strictObject({
    ticket: TicketNumberSchema,
    type: v.picklist(QUEUE_EVENT_TYPES, 'must be issued, called, started or ended'),
    at: QueueTimeSchema,
    counter: v.optional(v.nullable(QueueCounterCodeSchema)),
    service: v.optional(v.nullable(ServiceTypeSchema)),
  }),
  v.check((e) => e.type === 'issued' || (e.counter ?? null) !== null, 'counter: called, started and ended name the counter, such as "counter": "3"'),
);
export type QueueEvent = v.InferOutput<typeof QueueEventSchema>;

/** At most this many events per post; a day's export is imported in chunks of it. */
export const MAX_QUEUE_EVENTS = 1000;

/** POST /api/queue/events, with `Authorization: Bearer <queue system key>`. Events are checked one by one. */
export const QueuePostSchema = v.strictObject({
  events: v.pipe(v.array(v.unknown()), v.minLength(1, 'has no events'), v.maxLength(MAX_QUEUE_EVENTS, `has more than ${MAX_QUEUE_EVENTS} events`)),
});

/**
 * The answer for each event, in request order (like a tablet's push): `stored` the first time,
 * `duplicate` when the same event (branch, day, ticket, type, at) is already held, `rejected`
 * with a reason and a message naming the field.
 */
export type QueueEventResult =
  | { index: number; status: 'stored' | 'duplicate' }
  | { index: number; status: 'rejected'; reason: QueueRejectReason; message: string };
export type QueueRejectReason = 'invalid-event' | 'unknown-counter';
export type QueuePostResponse = { results: QueueEventResult[]; serverTime: number };

/** A queue system's key: shown once when made, then only its hash is kept. */
export const QueueSystemNameSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(60, 'must be at most 60 characters'), storableText());
export const CreateQueueSystemSchema = v.strictObject({ branchId: IdSchema, name: QueueSystemNameSchema });

// ---- The join, its windows and the flags -------------------------------------------------

/** A rating counts for the ticket that ended this long before it at most: the customer rates after the service. */
export const RATE_AFTER_END_MS = 5 * 60_000;
/** A ticket still open (no `ended`) is served for this long at most when no later ticket was started at its counter. */
export const OPEN_TICKET_MS = 45 * 60_000;
/** A tablet's offset larger than this is a broken clock, not an offset: the rating keeps its own time. */
export const MAX_CORRECTION_MS = 36 * 3_600_000;

/** Ratings closer together than this at one counter are faster than a customer can be served. */
export const MIN_SERVICE_MS = 45_000;
/** A burst is at least this many ratings in a row each within MIN_SERVICE_MS of the one before. */
export const BURST_MIN_RATINGS = 3;
/** A run of one score is flagged from this length, when also as unlikely as SAME_SCORE_MAX_CHANCE. */
export const SAME_SCORE_MIN_RUN = 10;
/**
 * How unlikely a run must be to be flagged: the counter's ratings that day times share^length
 * (about how many runs that long its day would hold by chance) below this. The share is the
 * score's share of the branch's day or of the counter's own day, whichever is higher, so a
 * teller whose customers are happier than the branch's is judged by their own customers: a
 * counter rated "very satisfied" by 90% of 100 customers is not flagged for a run of 60, one
 * whose customers give a score 40% of the time is, from 13 in a row.
 */
export const SAME_SCORE_MAX_CHANCE = 0.001;

export const FLAG_KINDS = ['no-ticket', 'burst', 'same-score-run'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** What the server saw, per flag: shown to the manager beside the rating. */
export type FlagEvidence = {
  /** No ticket was being served at the counter then, or its ticket was rated already. */
  'no-ticket'?: {
    /** The ticket that ended last before the rating at that counter, or null. */
    previous: { ticket: string; startedAt: number | null; endedAt: number | null; ratedBy: string | null } | null;
    /** The next ticket started at that counter after the rating, or null. */
    next: { ticket: string; startedAt: number } | null;
  };
  burst?: { ratings: number; firstAt: number; lastAt: number; shortestGapMs: number };
  'same-score-run'?: { score: Score; length: number; share: number; firstAt: number; lastAt: number };
};

// ---- Waiting-time roll-ups ----------------------------------------------------------------

/**
 * The upper edges of the waiting-time buckets, in minutes: bucket i holds waits in
 * [edge i-1, edge i), the last bucket (index WAIT_BUCKET_EDGES_MIN.length) every wait of two
 * hours or more. Columns w0…w25 of wait_days and wait_hours. Percentiles are read from them
 * (waitPercentile), so a median is exact to the bucket: a minute up to ten, then coarser.
 */
export const WAIT_BUCKET_EDGES_MIN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 75, 90, 120] as const;
export const WAIT_BUCKETS = WAIT_BUCKET_EDGES_MIN.length + 1;
export type WaitBucketColumn = `w${number}`;
export const WAIT_BUCKET_COLUMNS: readonly WaitBucketColumn[] = Array.from({ length: WAIT_BUCKETS }, (_, i) => `w${i}` as const);

/** The bucket of a wait in milliseconds. */
export function waitBucketOf(waitMs: number): number {
  const minutes = Math.max(0, waitMs) / 60_000;
  for (let i = 0; i < WAIT_BUCKET_EDGES_MIN.length; i++) if (minutes < WAIT_BUCKET_EDGES_MIN[i]!) return i;
  return WAIT_BUCKET_EDGES_MIN.length;
}

/**
 * The p-th percentile (0 < p < 1) of waits counted in buckets, in milliseconds: the wait
 * below which p of them fall, interpolated in its bucket; null with no waits. In the last
 * (open) bucket it answers the bucket's lower edge, two hours: "two hours or more".
 */
export function waitPercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : WAIT_BUCKET_EDGES_MIN[i - 1]!;
      if (i >= WAIT_BUCKET_EDGES_MIN.length) return lower * 60_000;
      const upper = WAIT_BUCKET_EDGES_MIN[i]!;
      return Math.round((lower + ((rank - below) / n) * (upper - lower)) * 60_000);
    }
    below += n;
  }
  return WAIT_BUCKET_EDGES_MIN[WAIT_BUCKET_EDGES_MIN.length - 1]! * 60_000;
}

/** Satisfaction by waiting band (edges in queue-terms.ts WAIT_BAND_EDGES_MIN). */
export const WAIT_BANDS = WAIT_BAND_EDGES_MIN.length + 1;
export function waitBandOf(waitMs: number): number {
  const minutes = Math.max(0, waitMs) / 60_000;
  for (let i = 0; i < WAIT_BAND_EDGES_MIN.length; i++) if (minutes < WAIT_BAND_EDGES_MIN[i]!) return i;
  return WAIT_BAND_EDGES_MIN.length;
}

/** The network's waiting-time target when none is set: 90% of customers called within 15 minutes is the programme's aim. */
export const DEFAULT_WAIT_TARGET_MINUTES = 15;

// ---- What the dashboard reads -------------------------------------------------------------

/** Waiting figures of one group (a branch, a counter, an hour, a weekday, the whole scope). */
export interface WaitFigures {
  /** Tickets issued in the period (in the scope), and those called so their wait is known. */
  tickets: number;
  waited: number;
  medianMs: number | null;
  p90Ms: number | null;
  /** Of the waited tickets, those called within the target. */
  withinTarget: number;
  /** Mean service time of the tickets served start to end; null when none. */
  meanServiceMs: number | null;
}

export interface WaitRow extends WaitFigures {
  /** Branch id, counter id, hour "0"…"23" or weekday "1" (Monday)…"7". */
  key: string;
  /**
   * The branch's or counter's name, on the byBranch and byCounter rows only, so the page needs
   * no other read to name them; null for the tickets no counter served (key '').
   */
  name?: string | null;
}

/** Ratings matched to a ticket, by the ticket's waiting band, score by score. */
export interface WaitBandRow {
  band: number;
  counts: Record<Score, number>;
}

/** One cell of the peak-hours view: a weekday's hour across the period. */
export interface PeakCell {
  weekday: number;
  hour: number;
  /** Tickets issued per such hour on average (per day of that weekday in the period that had tickets). */
  ticketsPerHour: number;
  /** Counters that served a ticket in that hour, on average. */
  countersOpen: number;
  p90Ms: number | null;
  /** p90 above the target: a flexible window opened then would help. */
  overTarget: boolean;
}

export interface WaitingReport {
  period: { from: LocalDay; to: LocalDay };
  targetMinutes: number;
  total: WaitFigures;
  /** Per branch (head office, regional manager), per counter (one branch chosen). */
  byBranch: WaitRow[];
  byCounter: WaitRow[];
  byHour: WaitRow[];
  byWeekday: WaitRow[];
  byBand: WaitBandRow[];
  peak: PeakCell[];
  /** Whether any branch in scope sent queue events in the period: without, the page says how to connect one. */
  hasQueueData: boolean;
}

/** A flagged rating, as the Flags page lists it. */
export interface FlaggedRating {
  ratingId: string;
  branchId: string;
  counterId: string;
  tellerId: string | null;
  /** The names the ids stand for, read with the flags so the page needs no other read per branch; the teller's null when no one was signed in. */
  branchName: string;
  counterName: string;
  tellerName: string | null;
  tellerStaffNumber: string | null;
  score: Score;
  /** The tablet's time, and the time the join used (the tablet's corrected by its clock offset). */
  createdAt: number;
  correctedAt: number;
  day: LocalDay;
  kinds: FlagKind[];
  evidence: FlagEvidence;
  excluded: { reason: string; by: string; at: number } | null;
}

export interface FlagsReport {
  period: { from: LocalDay; to: LocalDay };
  rows: FlaggedRating[];
  /** More flagged ratings than the page shows (newest first, FLAGS_PAGE_SIZE). */
  more: boolean;
}
export const FLAGS_PAGE_SIZE = 200;

/** Why a rating is kept out of the assessment: the branch manager's words, for the audit. */
export const ExclusionReasonSchema = v.pipe(v.string(), v.trim(), v.minLength(3, 'must say why, in a few words'), v.maxLength(500, 'must be at most 500 characters'), storableText());
export const ExcludeRatingSchema = v.strictObject({ reason: ExclusionReasonSchema });
