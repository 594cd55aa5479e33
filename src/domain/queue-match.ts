import { addDays, localDayOf, startOfLocalDay, type LocalDay } from './period.ts';
import {
  BURST_MIN_RATINGS,
  FLAG_KINDS,
  MAX_CORRECTION_MS,
  MIN_SERVICE_MS,
  OPEN_TICKET_MS,
  QUEUE_EVENT_TYPES,
  RATE_AFTER_END_MS,
  SAME_SCORE_MAX_CHANCE,
  SAME_SCORE_MIN_RUN,
  WAIT_BUCKETS,
  waitBandOf,
  waitBucketOf,
  type FlagEvidence,
  type FlagKind,
  type QueueEventType,
} from './queue.ts';
import { SCORES, type Score } from './rating.ts';

// The join of ratings to queue tickets, one branch-day ("unit") at a time (decision 0027).
// Everything here is a function of the unit's raw facts: its queue events, the ratings whose
// corrected time falls on it, the counters mapped to the queue system and the exclusions.
// Every list is put in a total order first (times, then ids), so the answer does not depend on
// the order the facts arrived in or were read in; a property test shuffles them. A unit is a
// few hundred tickets and ratings: each is sorted once and then swept once, counter by counter.

/** One queue event of the unit, as stored (`counterId` already mapped from the queue system's code). */
export interface UnitQueueEvent {
  ticket: string;
  type: QueueEventType;
  at: number;
  counterId: string | null;
  serviceType: string | null;
}

/** A rating at one of the branch's counters that may fall on the unit: the matcher keeps those whose corrected day it is. */
export interface CandidateRating {
  id: string;
  counterId: string;
  tellerId: string | null;
  score: Score;
  /** The tablet's clock. */
  createdAt: number;
  /** Server minus tablet, as its push reported it; null: unknown. */
  clockOffsetMs: number | null;
}

/** Everything one branch-day's derived rows are computed from. */
export interface BranchDayInput {
  day: LocalDay;
  /** The branch's IANA time zone: its days and hours. */
  timeZone: string;
  /** The unit's queue events (those whose day is `day`). */
  events: readonly UnitQueueEvent[];
  /** Ratings at the branch's counters around the day (candidateWindowOf); others are ignored. */
  ratings: readonly CandidateRating[];
  /** The branch's counters that have a queue code. */
  queueCounterIds: ReadonlySet<string>;
  /** Ratings a manager excluded. */
  excludedRatingIds: ReadonlySet<string>;
}

/** A ticket as its events leave it, with the rating the join gave it (a `tickets` row). */
export interface DerivedTicket {
  ticket: string;
  serviceType: string | null;
  counterId: string | null;
  issuedAt: number | null;
  calledAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  waitMs: number | null;
  serviceMs: number | null;
  hour: number;
  ratingId: string | null;
  ratingScore: Score | null;
  /** The rating's corrected time. */
  ratedAt: number | null;
}

/** A flagged rating of the unit (a `rating_flags` row). */
export interface DerivedFlag {
  ratingId: string;
  counterId: string;
  tellerId: string | null;
  score: Score;
  createdAt: number;
  correctedAt: number;
  /** In FLAG_KINDS order. */
  kinds: FlagKind[];
  evidence: FlagEvidence;
}

/** Ticket counts of a group: `buckets[i]` counts waits in bucket i (waitBucketOf), the columns w0…w25. */
export interface WaitCounts {
  tickets: number;
  waited: number;
  buckets: number[];
  served: number;
  serviceMs: number;
}

/** Tickets by counter ('' while not called) and local hour of issue (a `wait_days` row). */
export interface WaitDay extends WaitCounts {
  counterId: string;
  hour: number;
}

/** Tickets by local hour of issue, and the counters they were at (a `wait_hours` row). */
export interface WaitHour extends WaitCounts {
  hour: number;
  counters: number;
}

/** Matched, non-excluded ratings by counter and the waiting band of their ticket (a `wait_score_days` row). */
export interface WaitScore {
  counterId: string;
  band: number;
  counts: Record<Score, number>;
}

/** Every derived row of one branch-day, each list in a fixed order. */
export interface BranchDay {
  tickets: DerivedTicket[];
  flags: DerivedFlag[];
  waitDays: WaitDay[];
  waitHours: WaitHour[];
  waitScores: WaitScore[];
}

/** The offset applied to a rating's time: its tablet's, unless unknown or too large to be an offset (a broken clock). */
export const correctionOf = (clockOffsetMs: number | null): number =>
  clockOffsetMs === null || !Number.isFinite(clockOffsetMs) || Math.abs(clockOffsetMs) > MAX_CORRECTION_MS ? 0 : clockOffsetMs;

/** The time the join reads a rating at: the tablet's, corrected by its clock's offset. */
export const correctedTimeOf = (createdAt: number, clockOffsetMs: number | null): number => createdAt + correctionOf(clockOffsetMs);

/** The branch-local day a rating's corrected time falls on: the unit it is joined in (ingest marks it). */
export const correctedDayOf = (createdAt: number, clockOffsetMs: number | null, timeZone: string): LocalDay => localDayOf(correctedTimeOf(createdAt, clockOffsetMs), timeZone);

/**
 * The `created_at` span that holds every rating whose corrected time can fall on the day:
 * the day widened by the largest correction on either side, `from` included, `to` not.
 */
export function candidateWindowOf(day: LocalDay, timeZone: string): { from: number; to: number } {
  return { from: startOfLocalDay(day, timeZone) - MAX_CORRECTION_MS, to: startOfLocalDay(addDays(day, 1), timeZone) + MAX_CORRECTION_MS };
}

/** Derives a branch-day's tickets, their ratings, the flags and the waiting roll-ups from its raw facts. Pure. */
export function deriveBranchDay(input: BranchDayInput): BranchDay {
  const dayStart = startOfLocalDay(input.day, input.timeZone);
  const dayEnd = startOfLocalDay(addDays(input.day, 1), input.timeZone);
  const hourOf = hourReader(input.timeZone, dayStart, dayEnd);
  const tickets = foldTickets(input.events, hourOf);

  const ratings: UnitRating[] = [];
  for (const r of input.ratings) {
    const correctedAt = correctedTimeOf(r.createdAt, r.clockOffsetMs);
    if (correctedAt < dayStart || correctedAt >= dayEnd) continue;
    // Built field by field: an object spread costs more than the rest of the day's work.
    ratings.push({ id: r.id, counterId: r.counterId, tellerId: r.tellerId, score: r.score, createdAt: r.createdAt, clockOffsetMs: r.clockOffsetMs, correctedAt, excluded: input.excludedRatingIds.has(r.id) });
  }
  ratings.sort(byCorrectedTime);

  const flags = new Map<string, { rating: UnitRating; evidence: FlagEvidence }>();
  const flag = <K extends FlagKind>(rating: UnitRating, kind: K, evidence: NonNullable<FlagEvidence[K]>) => {
    let entry = flags.get(rating.id);
    if (!entry) flags.set(rating.id, (entry = { rating, evidence: {} }));
    entry.evidence[kind] = evidence;
  };

  const share = scoreShares(ratings);
  const ticketsByCounter = groupBy(tickets.filter((t) => t.counterId !== null), (t) => t.counterId!);
  for (const [counterId, atCounter] of groupBy(ratings, (r) => r.counterId)) {
    const noTicket = matchCounter(atCounter, ticketsByCounter.get(counterId) ?? []);
    if (input.queueCounterIds.has(counterId) && tickets.length > 0) {
      for (const { rating, evidence } of noTicket) flag(rating, 'no-ticket', evidence);
    }
    for (const run of runsOf(atCounter, (a, b) => b.correctedAt - a.correctedAt < MIN_SERVICE_MS)) {
      if (run.length < BURST_MIN_RATINGS) continue;
      let shortestGapMs = Infinity;
      for (let i = 1; i < run.length; i++) shortestGapMs = Math.min(shortestGapMs, run[i]!.correctedAt - run[i - 1]!.correctedAt);
      const evidence = { ratings: run.length, firstAt: run[0]!.correctedAt, lastAt: run.at(-1)!.correctedAt, shortestGapMs };
      for (const rating of run) flag(rating, 'burst', evidence);
    }
    // The score's share at this counter, when higher than the branch's: a teller whose customers
    // are happier than the branch's is judged by their own customers, never flagged for being good.
    const counterShare = scoreShares(atCounter);
    for (const run of runsOf(atCounter, (a, b) => a.score === b.score)) {
      const score = run[0]!.score;
      const p = Math.max(share[score], counterShare[score]);
      // Expected runs this long in the counter's day, by chance: about its ratings times p^length.
      if (run.length < SAME_SCORE_MIN_RUN || atCounter.length * p ** run.length >= SAME_SCORE_MAX_CHANCE) continue;
      const evidence = { score, length: run.length, share: p, firstAt: run[0]!.correctedAt, lastAt: run.at(-1)!.correctedAt };
      for (const rating of run) flag(rating, 'same-score-run', evidence);
    }
  }

  return {
    tickets: tickets.map(ticketOf),
    flags: [...flags.values()]
      .map(({ rating, evidence }) => ({
        ratingId: rating.id,
        counterId: rating.counterId,
        tellerId: rating.tellerId,
        score: rating.score,
        createdAt: rating.createdAt,
        correctedAt: rating.correctedAt,
        kinds: FLAG_KINDS.filter((kind) => evidence[kind] !== undefined),
        evidence: orderedEvidence(evidence),
      }))
      .sort((a, b) => compareText(a.ratingId, b.ratingId)),
    ...waitRollups(tickets),
  };
}

/** A candidate that falls on the unit, at its corrected time. */
type UnitRating = CandidateRating & { correctedAt: number; excluded: boolean };

/** A ticket while the join works on it: when its service began, its call when no start was told. */
type WorkTicket = DerivedTicket & { serviceStart: number | null };

const ticketOf = (t: WorkTicket): DerivedTicket => ({
  ticket: t.ticket,
  serviceType: t.serviceType,
  counterId: t.counterId,
  issuedAt: t.issuedAt,
  calledAt: t.calledAt,
  startedAt: t.startedAt,
  endedAt: t.endedAt,
  waitMs: t.waitMs,
  serviceMs: t.serviceMs,
  hour: t.hour,
  ratingId: t.ratingId,
  ratingScore: t.ratingScore,
  ratedAt: t.ratedAt,
});

const byCorrectedTime = (a: UnitRating, b: UnitRating): number => a.correctedAt - b.correctedAt || compareText(a.id, b.id);

/** Code-unit order: the same in every runtime and locale. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const TYPE_RANK: Record<QueueEventType, number> = Object.fromEntries(QUEUE_EVENT_TYPES.map((type, i) => [type, i])) as Record<QueueEventType, number>;

/**
 * Which of two events of a ticket is the later: by time, then by step (an `ended` told at the
 * same millisecond as its `started` comes after it), then by what it says, so that even two
 * events a database would hold as one are ordered the same way every time.
 */
function isLater(a: UnitQueueEvent, b: UnitQueueEvent): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.type !== b.type) return TYPE_RANK[a.type] > TYPE_RANK[b.type];
  if (a.counterId !== b.counterId) return compareText(a.counterId ?? '', b.counterId ?? '') > 0;
  return compareText(a.serviceType ?? '', b.serviceType ?? '') > 0;
}

/**
 * The unit's tickets from their events: issued and called at their first telling, started
 * and ended at their last (a ticket served again was started again), at the counter of its
 * last call, start or end, with the last service type told. In ticket order.
 */
function foldTickets(events: readonly UnitQueueEvent[], hourOf: (at: number) => number): WorkTicket[] {
  type Fold = { ticket: string; issuedAt: number | null; calledAt: number | null; startedAt: number | null; endedAt: number | null; first: number; atCounter: UnitQueueEvent | null; service: UnitQueueEvent | null };
  const folds = new Map<string, Fold>();
  for (const e of events) {
    let f = folds.get(e.ticket);
    if (!f) folds.set(e.ticket, (f = { ticket: e.ticket, issuedAt: null, calledAt: null, startedAt: null, endedAt: null, first: e.at, atCounter: null, service: null }));
    f.first = Math.min(f.first, e.at);
    switch (e.type) {
      case 'issued':
        f.issuedAt = f.issuedAt === null ? e.at : Math.min(f.issuedAt, e.at);
        break;
      case 'called':
        f.calledAt = f.calledAt === null ? e.at : Math.min(f.calledAt, e.at);
        break;
      case 'started':
        f.startedAt = f.startedAt === null ? e.at : Math.max(f.startedAt, e.at);
        break;
      case 'ended':
        f.endedAt = f.endedAt === null ? e.at : Math.max(f.endedAt, e.at);
        break;
    }
    if (e.type !== 'issued' && (f.atCounter === null || isLater(e, f.atCounter))) f.atCounter = e;
    if (e.serviceType !== null && (f.service === null || isLater(e, f.service))) f.service = e;
  }
  const tickets: WorkTicket[] = [];
  for (const f of folds.values()) {
    const reached = f.calledAt ?? f.startedAt;
    const waitMs = f.issuedAt !== null && reached !== null && reached >= f.issuedAt ? reached - f.issuedAt : null;
    const serviceMs = f.startedAt !== null && f.endedAt !== null && f.endedAt >= f.startedAt ? f.endedAt - f.startedAt : null;
    tickets.push({
      ticket: f.ticket,
      serviceType: f.service?.serviceType ?? null,
      counterId: f.atCounter?.counterId ?? null,
      issuedAt: f.issuedAt,
      calledAt: f.calledAt,
      startedAt: f.startedAt,
      endedAt: f.endedAt,
      waitMs,
      serviceMs,
      hour: hourOf(f.issuedAt ?? f.first),
      ratingId: null,
      ratingScore: null,
      ratedAt: null,
      serviceStart: f.startedAt ?? f.calledAt,
    });
  }
  return tickets.sort((a, b) => compareText(a.ticket, b.ticket));
}

type NoTicket = { rating: UnitRating; evidence: NonNullable<FlagEvidence['no-ticket']> };

/**
 * Joins one counter's ratings (in corrected-time order) to its tickets, writing the rating
 * onto the ticket it takes; answers the ratings left without one, with what was around them.
 *
 * One sweep in time: `recent` holds the tickets that ended within RATE_AFTER_END_MS before the
 * rating, `serving` those in service at it (begun, and not ended yet; an open ticket until the
 * counter's next ticket begins, for OPEN_TICKET_MS at most). Both only ever lose tickets as
 * time moves on, so each ticket enters and leaves each once. A rating takes the unrated ticket
 * that ended last, else the unrated one that began last; an excluded rating takes none, and
 * is without a ticket only when no ticket, rated or not, was there for it.
 */
function matchCounter(ratings: readonly UnitRating[], tickets: readonly WorkTicket[]): NoTicket[] {
  const byStart = tickets.filter((t) => t.serviceStart !== null).sort((a, b) => a.serviceStart! - b.serviceStart! || compareText(a.ticket, b.ticket));
  const byEnd = tickets.filter((t) => t.endedAt !== null).sort((a, b) => a.endedAt! - b.endedAt! || compareText(a.ticket, b.ticket));
  // An open ticket is served until the next ticket at its counter begins, and OPEN_TICKET_MS at most.
  const servedUntil = new Map<WorkTicket, number>();
  let nextStart = Infinity;
  for (let i = byStart.length - 1; i >= 0; i--) {
    const t = byStart[i]!;
    if (t.endedAt === null) servedUntil.set(t, Math.min(nextStart, t.serviceStart! + OPEN_TICKET_MS));
    if (i > 0 && byStart[i - 1]!.serviceStart! < t.serviceStart!) nextStart = t.serviceStart!;
  }
  const inServiceAt = (t: WorkTicket, at: number) => (t.endedAt !== null ? at < t.endedAt : at <= servedUntil.get(t)!);

  const left: UnitRating[] = [];
  let recent: WorkTicket[] = [];
  let serving: WorkTicket[] = [];
  for (let r = 0, s = 0, e = 0; r < ratings.length; r++) {
    const rating = ratings[r]!;
    const at = rating.correctedAt;
    while (s < byStart.length && byStart[s]!.serviceStart! <= at) serving.push(byStart[s++]!);
    serving = serving.filter((t) => inServiceAt(t, at));
    while (e < byEnd.length && byEnd[e]!.endedAt! <= at) recent.push(byEnd[e++]!);
    recent = recent.filter((t) => t.endedAt! >= at - RATE_AFTER_END_MS);
    // A ticket counts once its service began before the rating: an end told before its start is no service.
    const ended = recent.filter((t) => t.serviceStart !== null && t.serviceStart <= at);
    if (rating.excluded) {
      if (ended.length === 0 && serving.length === 0) left.push(rating);
      continue;
    }
    const ticket = latest(ended, (t) => t.endedAt!) ?? latest(serving, (t) => t.serviceStart!);
    if (!ticket) {
      left.push(rating);
      continue;
    }
    ticket.ratingId = rating.id;
    ticket.ratingScore = rating.score;
    ticket.ratedAt = at;
  }
  return evidenceOfNoTicket(left, byStart, byEnd);

  /** The unrated ticket with the largest `key`, ties to the later service start, then the later ticket number. */
  function latest(candidates: readonly WorkTicket[], key: (t: WorkTicket) => number): WorkTicket | undefined {
    let best: WorkTicket | undefined;
    for (const t of candidates) {
      if (t.ratingId !== null) continue;
      if (!best || key(t) > key(best) || (key(t) === key(best) && ((t.serviceStart ?? -Infinity) > (best.serviceStart ?? -Infinity) || (t.serviceStart === best.serviceStart && t.ticket > best.ticket)))) best = t;
    }
    return best;
  }
}

/**
 * What the server saw around each rating left without a ticket, once the whole counter is
 * joined (so `ratedBy` names the rating that finally took the ticket): the ticket that ended
 * last at or before it, and the next one begun after it. Ratings in time order, one sweep.
 */
function evidenceOfNoTicket(left: readonly UnitRating[], byStart: readonly WorkTicket[], byEnd: readonly WorkTicket[]): NoTicket[] {
  const answers: NoTicket[] = [];
  for (let i = 0, e = 0, s = 0; i < left.length; i++) {
    const rating = left[i]!;
    while (e < byEnd.length && byEnd[e]!.endedAt! <= rating.correctedAt) e++;
    while (s < byStart.length && byStart[s]!.serviceStart! <= rating.correctedAt) s++;
    const previous = byEnd[e - 1];
    const next = byStart[s];
    answers.push({
      rating,
      evidence: {
        previous: previous ? { ticket: previous.ticket, startedAt: previous.serviceStart, endedAt: previous.endedAt, ratedBy: previous.ratingId } : null,
        next: next ? { ticket: next.ticket, startedAt: next.serviceStart! } : null,
      },
    });
  }
  return answers;
}

/** The maximal runs of consecutive items that `together` joins, in order. */
function runsOf<T>(items: readonly T[], together: (previous: T, next: T) => boolean): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  for (const item of items) {
    if (run.length > 0 && !together(run.at(-1)!, item)) {
      runs.push(run);
      run = [];
    }
    run.push(item);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Each score's share of these ratings (excluded ones too). */
function scoreShares(ratings: readonly UnitRating[]): Record<Score, number> {
  const counts = zeroScores();
  for (const r of ratings) counts[r.score] += 1;
  const shares = zeroScores();
  if (ratings.length > 0) for (const score of SCORES) shares[score] = counts[score] / ratings.length;
  return shares;
}

const zeroScores = (): Record<Score, number> => ({ 'very-satisfied': 0, satisfied: 0, neutral: 0, dissatisfied: 0 });

/** The evidence with its kinds in FLAG_KINDS order, so its JSON is the same however it was found. */
function orderedEvidence(evidence: FlagEvidence): FlagEvidence {
  const ordered: FlagEvidence = {};
  for (const kind of FLAG_KINDS) if (evidence[kind] !== undefined) (ordered as Record<FlagKind, unknown>)[kind] = evidence[kind];
  return ordered;
}

/** The waiting roll-ups of the unit's tickets, and the scores of the ratings they got by waiting band. */
function waitRollups(tickets: readonly WorkTicket[]): Pick<BranchDay, 'waitDays' | 'waitHours' | 'waitScores'> {
  const days = new Map<string, WaitDay>();
  const hours = new Map<number, WaitHour & { counterIds: Set<string> }>();
  const scores = new Map<string, WaitScore>();
  for (const t of tickets) {
    const counterId = t.counterId ?? '';
    const dayKey = `${counterId}\u0000${t.hour}`;
    let day = days.get(dayKey);
    if (!day) days.set(dayKey, (day = { counterId, hour: t.hour, ...zeroCounts() }));
    let hour = hours.get(t.hour);
    if (!hour) hours.set(t.hour, (hour = { hour: t.hour, counters: 0, counterIds: new Set(), ...zeroCounts() }));
    addTicket(day, t);
    addTicket(hour, t);
    if (t.counterId !== null) hour.counterIds.add(t.counterId);
    if (t.ratingScore !== null && t.waitMs !== null && t.counterId !== null) {
      const band = waitBandOf(t.waitMs);
      const scoreKey = `${t.counterId}\u0000${band}`;
      let score = scores.get(scoreKey);
      if (!score) scores.set(scoreKey, (score = { counterId: t.counterId, band, counts: zeroScores() }));
      score.counts[t.ratingScore] += 1;
    }
  }
  return {
    waitDays: [...days.values()].sort((a, b) => compareText(a.counterId, b.counterId) || a.hour - b.hour),
    waitHours: [...hours.values()].sort((a, b) => a.hour - b.hour).map(({ counterIds, ...hour }) => ({ ...hour, counters: counterIds.size })),
    waitScores: [...scores.values()].sort((a, b) => compareText(a.counterId, b.counterId) || a.band - b.band),
  };
}

const zeroCounts = (): WaitCounts => ({ tickets: 0, waited: 0, buckets: new Array<number>(WAIT_BUCKETS).fill(0), served: 0, serviceMs: 0 });

/** A ticket counts as issued; as waited when its wait is known; as served when its service time is. */
function addTicket(counts: WaitCounts, t: DerivedTicket): void {
  counts.tickets += 1;
  if (t.waitMs !== null) {
    counts.waited += 1;
    counts.buckets[waitBucketOf(t.waitMs)]! += 1;
  }
  if (t.serviceMs !== null) {
    counts.served += 1;
    counts.serviceMs += t.serviceMs;
  }
}

const HOUR_MS = 3_600_000;
const QUARTER_HOUR_MS = 900_000;
const hourFormatters = new Map<string, Intl.DateTimeFormat>();
const hourCache = new Map<string, number>();
const HOUR_CACHE_MAX = 4096;

/**
 * The branch-local hour (0–23) of instants of the unit. A day of 24 hours has one offset all
 * day, so its hour is counted from its start; a day the clocks change (or an instant outside
 * the day) asks Intl, cached by quarter hour like period.ts localDayOf (zones' offsets are
 * whole quarter hours).
 */
function hourReader(timeZone: string, dayStart: number, dayEnd: number): (at: number) => number {
  const even = dayEnd - dayStart === 24 * HOUR_MS;
  return (at) => (even && at >= dayStart && at < dayEnd ? Math.floor((at - dayStart) / HOUR_MS) : localHourOf(at, timeZone));
}

function localHourOf(at: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(at / QUARTER_HOUR_MS)}`;
  const cached = hourCache.get(key);
  if (cached !== undefined) return cached;
  let formatter = hourFormatters.get(timeZone);
  if (!formatter) hourFormatters.set(timeZone, (formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' })));
  const hour = Number(formatter.format(at));
  if (hourCache.size >= HOUR_CACHE_MAX) hourCache.delete(hourCache.keys().next().value!);
  hourCache.set(key, hour);
  return hour;
}

/** Groups items by key, keeping their order within each group. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
