import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { alertDedupeKey, isLate, type AlertRule } from '../../domain/alerts.ts';
import { figure, satisfiedRatings, totalRatings } from '../../domain/metrics.ts';
import { localDayOf } from '../../domain/period.ts';
import type { Database, NewOpinionRow, NewRatingRow } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { effectiveAlertRules, type EffectiveRules } from '../repositories/alert-rules.ts';
import { insertAlerts, type NewAlert } from '../repositories/alerts.ts';
import { scoresOf } from '../reports/common.ts';
import { recordAlertEvents } from './alert-events.ts';
import { readTargets } from './settings.ts';

/**
 * Raising alerts (docs/decisions/0026). From a push: the rules of the records' branch
 * (repositories/alert-rules.ts) against the ratings and opinion-box entries the push actually
 * stored, in the push's own transaction, so a batch sent again raises nothing and a stored
 * record never goes without its alert; every alert has its dedupe key, so nothing is raised
 * twice either. Only a push with a low rating or a complaint asking for a reply costs
 * anything (`mayRaiseAlerts`): a push of content customers takes ingest's fast path as before.
 * The day's satisfaction is an aggregate, judged by the alert scheduler every few seconds for
 * all branches at once (`raiseDayBelowTargetAlerts`), not by every push.
 */

const MINUTE = 60_000;

/** What raising reads of a stored rating: the row as ingest made it, or as the sweep reads it back. */
export type RatingFacts = Pick<NewRatingRow, 'id' | 'counter_id' | 'score' | 'reasons' | 'created_at' | 'day'> & { teller_id?: string | null };

/** What raising reads of a stored opinion-box entry: never the customer's words or contact details, only whether they asked for a reply. */
export type OpinionFacts = Pick<NewOpinionRow, 'id' | 'opinion_kind' | 'topic_id' | 'reference_code' | 'created_at'> & {
  wants_reply?: number | null;
  visit_counter_id?: string | null;
  visit_teller_id?: string | null;
};

/** The newly stored records of one branch; `timeZone`, the branch's, is read when not given. */
export type StoredRecords = { branchId: string; timeZone?: string; ratings: readonly RatingFacts[]; opinions: readonly OpinionFacts[] };

const LOW_SCORES: ReadonlySet<string> = new Set(['neutral', 'dissatisfied']);
const isLow = (rating: RatingFacts): boolean => LOW_SCORES.has(rating.score);
const wantsReply = (opinion: OpinionFacts): boolean => opinion.opinion_kind === 'complaint' && opinion.wants_reply === 1;

/** The most rating ids a burst's detail lists: a window of one counter rarely holds more. */
const BURST_IDS_MAX = 50;

// The in-process wake-up of the live streams (routes/alerts.ts): told after a transaction
// that recorded alert events has committed, so a stream on this server answers at once. The
// streams also read the table twice a second, which is how they hear other servers' events.
const changes = new EventEmitter();
changes.setMaxListeners(0);

/** Tells this process's live streams that alert events were committed. */
export const alertsChanged = (): void => {
  changes.emit('changed');
};

/** Listens for alertsChanged; answers the function that stops listening. */
export function onAlertsChanged(listener: () => void): () => void {
  changes.on('changed', listener);
  return () => changes.off('changed', listener);
}

/** Whether a push's rows can raise an alert: a low rating, or a complaint asking for a reply. Pure and cheap: ingest asks it of every push. */
export function mayRaiseAlerts(rows: { ratings: readonly RatingFacts[]; opinions: readonly OpinionFacts[] }): boolean {
  return rows.ratings.some(isLow) || rows.opinions.some(wantsReply);
}

/**
 * Raises the alerts the branch's rules ask for from the records a push has just stored (only
 * those it stored: ingest knows them), with each alert's `raised` event, inside the push's
 * transaction `trx`: the records, their alerts and what is told of them commit together or
 * not at all. The caller wakes the live streams (alertsChanged) after the commit when this
 * answered any. Answers the alerts raised now (those whose dedupe key was free).
 */
export async function raiseAlertsInTransaction(trx: Kysely<Database>, records: StoredRecords, now: number): Promise<NewAlert[]> {
  if (!mayRaiseAlerts(records)) return [];
  const rules = (await effectiveAlertRules(trx, [records.branchId])).get(records.branchId)!;
  const alerts = [
    ...(await withinRatingAlertLimit(trx, records.branchId, ratingAlerts(records.branchId, records.ratings, rules, now), now)),
    ...complaintAlerts(records.branchId, records.opinions, rules, now),
    ...(await burstAlerts(trx, records.branchId, records.ratings, rules['low-burst'], now)),
  ];
  return storeRaised(trx, alerts, now);
}

/**
 * A counter raises at most this many alerts of single ratings an hour. Beyond, its ratings
 * still count and its bursts are still raised (one per window): a tablet that floods the
 * server with made-up "dissatisfied" taps, or a backlog of a whole day, fills the region's
 * inboxes with one burst per window instead of an alert per rating.
 */
export const RATING_ALERTS_PER_COUNTER_HOUR = 30;

/** Keeps, per counter, only as many single-rating alerts as its hour's allowance has left, the earliest first. */
async function withinRatingAlertLimit(trx: Kysely<Database>, branchId: string, alerts: readonly NewAlert[], now: number): Promise<NewAlert[]> {
  if (alerts.length === 0) return [];
  const counters = [...new Set(alerts.map((a) => a.counterId!))];
  const raised = await trx
    .selectFrom('alerts')
    .select(['counter_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('branch_id', '=', branchId)
    .where('raised_at', '>', now - 60 * MINUTE)
    .where('kind', 'in', ['dissatisfied', 'low-with-reasons'])
    .where('counter_id', 'in', counters)
    .groupBy('counter_id')
    .execute();
  const left = new Map(counters.map((c) => [c, RATING_ALERTS_PER_COUNTER_HOUR]));
  for (const row of raised) left.set(row.counter_id!, RATING_ALERTS_PER_COUNTER_HOUR - Number(row.n));
  return [...alerts]
    .sort((a, b) => a.occurredAt - b.occurredAt)
    .filter((alert) => {
      const n = left.get(alert.counterId!) ?? 0;
      left.set(alert.counterId!, n - 1);
      return n > 0;
    });
}

/** Inserts the alerts whose keys are free and records a `raised` event for each, in the caller's transaction or one of its own. */
async function storeRaised(db: Kysely<Database>, alerts: readonly NewAlert[], now: number): Promise<NewAlert[]> {
  if (alerts.length === 0) return [];
  return inTransaction(db, async (trx) => {
    const inserted = await insertAlerts(trx, alerts);
    const fresh = alerts.filter((a) => inserted.has(a.id));
    await recordAlertEvents(trx, fresh.map((alert) => ({ alertId: alert.id, type: 'raised' as const, actor: null, detail: { late: alert.late } })), now);
    return fresh;
  });
}

/**
 * `day-below-target` for every branch at once: each branch's satisfaction today (its own
 * time zone's day, as the ratings' `day` is), read from the roll-up the dashboard reads
 * (rating_branch_days) and judged as the dashboard judges it (domain/metrics.ts `figure`),
 * once the day has `minRatings` ratings; one alert per branch and day. The alert scheduler
 * calls it every few seconds: a handful of reads over one row per branch, instead of one per
 * push at day end when a thousand tablets push. Answers the alerts raised now.
 */
export async function raiseDayBelowTargetAlerts(db: Kysely<Database>, now: number): Promise<NewAlert[]> {
  const branches = await db.selectFrom('branches').select(['id', 'time_zone']).execute();
  if (branches.length === 0) return [];
  const today = new Map(branches.map((b) => [b.id, localDayOf(now, b.time_zone)]));
  const days = [...new Set(today.values())];
  const rows = (
    await db.selectFrom('rating_branch_days').select(['branch_id', 'day', 'very_satisfied', 'satisfied', 'neutral', 'dissatisfied']).where('day', 'in', days).execute()
  ).filter((row) => today.get(row.branch_id) === row.day);
  if (rows.length === 0) return [];
  const keyOf = (row: { branch_id: string; day: string }) => alertDedupeKey('day-below-target', `${row.branch_id}:${row.day}`);
  const raised = new Set(
    (await db.selectFrom('alerts').select('dedupe_key').where('kind', '=', 'day-below-target').where('dedupe_key', 'in', rows.map(keyOf)).execute()).map((r) => r.dedupe_key),
  );
  const open = rows.filter((row) => !raised.has(keyOf(row)));
  if (open.length === 0) return [];
  const [rulesOf, targets] = await Promise.all([effectiveAlertRules(db, open.map((row) => row.branch_id)), readTargets(db)]);
  const alerts: NewAlert[] = [];
  for (const row of open) {
    const rule = rulesOf.get(row.branch_id)!['day-below-target'];
    if (!rule.enabled) continue;
    const scores = scoresOf(row);
    const satisfaction = figure('satisfaction', satisfiedRatings(scores), totalRatings(scores), targets);
    if (satisfaction.denominator < rule.params.minRatings || satisfaction.met !== false) continue;
    alerts.push(
      anAlert(
        rule,
        {
          dedupeKey: keyOf(row),
          branchId: row.branch_id,
          counterId: null,
          tellerId: null,
          sourceKind: 'day',
          sourceId: null,
          detail: { kind: 'day-below-target', day: row.day, satisfaction: satisfaction.value!, target: satisfaction.target.value, ratings: satisfaction.denominator },
          // It happened when it was noticed: the figure is of the day so far.
          occurredAt: now,
        },
        now,
      ),
    );
  }
  return storeRaised(db, alerts, now);
}

/**
 * An alert of a rule about something that happened at `occurredAt`. A late one (its record
 * reached the server more than LATE_AFTER_MS after it was made) has no time to go up a level:
 * the customer has long gone, so there is nobody left to reach in the branch and nothing to
 * hurry a region or head office for. It is shown and told with its real time, never escalated
 * by the clock nor sounded as new, and it still waits for someone to acknowledge it.
 */
function anAlert(rule: AlertRule, fields: Omit<NewAlert, 'id' | 'kind' | 'raisedAt' | 'late' | 'level' | 'escalateAt'>, now: number): NewAlert {
  const late = isLate(fields.occurredAt, now);
  return { id: uuidv7(), kind: rule.kind, ...fields, raisedAt: now, late, level: 'branch', escalateAt: late ? null : now + rule.ackMinutes * MINUTE };
}

/**
 * `dissatisfied` and `low-with-reasons`, one alert per rating and rule. They are two rules,
 * each on or off by itself: a dissatisfied rating that gives one of the reasons raises both
 * when both are on (a branch that wants only the one switches the other off). A rating of
 * `low-with-reasons` must give at least one reason: one of the rule's, or any when the rule
 * names none.
 */
function ratingAlerts(branchId: string, ratings: readonly RatingFacts[], rules: EffectiveRules, now: number): NewAlert[] {
  const dissatisfied = rules.dissatisfied;
  const withReasons = rules['low-with-reasons'];
  if (!dissatisfied.enabled && !withReasons.enabled) return [];
  const wanted = new Set(withReasons.params.reasonIds);
  const alerts: NewAlert[] = [];
  for (const rating of ratings) {
    if (!isLow(rating)) continue;
    const reasonIds = JSON.parse(rating.reasons) as string[];
    const about = { branchId, counterId: rating.counter_id, tellerId: rating.teller_id ?? null, sourceKind: 'rating', sourceId: rating.id, occurredAt: rating.created_at } as const;
    if (dissatisfied.enabled && rating.score === 'dissatisfied') {
      alerts.push(anAlert(dissatisfied, { ...about, dedupeKey: alertDedupeKey('dissatisfied', rating.id), detail: { kind: 'dissatisfied', score: rating.score, reasonIds } }, now));
    }
    if (withReasons.enabled && reasonIds.some((id) => wanted.size === 0 || wanted.has(id))) {
      alerts.push(anAlert(withReasons, { ...about, dedupeKey: alertDedupeKey('low-with-reasons', rating.id), detail: { kind: 'low-with-reasons', score: rating.score, reasonIds } }, now));
    }
  }
  return alerts;
}

/** `complaint-wants-reply`: one per entry, telling its reference code and topic; never the customer's words or contact details. */
function complaintAlerts(branchId: string, opinions: readonly OpinionFacts[], rules: EffectiveRules, now: number): NewAlert[] {
  const rule = rules['complaint-wants-reply'];
  if (!rule.enabled) return [];
  return opinions.filter(wantsReply).map((opinion) =>
    anAlert(
      rule,
      {
        dedupeKey: alertDedupeKey('complaint-wants-reply', opinion.id),
        branchId,
        counterId: opinion.visit_counter_id ?? null,
        tellerId: opinion.visit_teller_id ?? null,
        sourceKind: 'opinion',
        sourceId: opinion.id,
        detail: { kind: 'complaint-wants-reply', referenceCode: opinion.reference_code, topicId: opinion.topic_id },
        occurredAt: opinion.created_at,
      },
      now,
    ),
  );
}

/**
 * `low-burst`: `count` neutral or dissatisfied ratings at one counter within `minutes`, by the
 * ratings' own times (so a tablet's late batch counts where its ratings happened).
 *
 * One burst is one alert, however long it lasts. A burst is a window of `minutes` that begins
 * at a low rating not already covered by an earlier burst's window and holds at least `count`
 * low ratings; its key is the counter and that first rating (which is also the alert's
 * source_id, so the window of a raised burst is read back from its first rating's time). The
 * low ratings of the counter are walked in time order: a rating inside a raised burst's
 * window starts nothing; the first one after it may start the next burst. So a counter where
 * every customer leaves unhappy for an hour raises one alert per `minutes`, not one per rating,
 * and two servers that look at the same ratings find the same first rating and key. A late batch whose low ratings fall before a raised burst may make a burst of its own.
 * Only a burst that holds a rating of this push is raised: the others were raised (or, with
 * the rule off then, deliberately not) when their own ratings arrived. The alert happened at
 * the rating that made the count, and names the counter's teller when all its ratings are
 * that teller's.
 */
async function burstAlerts(db: Kysely<Database>, branchId: string, ratings: readonly RatingFacts[], rule: AlertRule<'low-burst'>, now: number): Promise<NewAlert[]> {
  if (!rule.enabled) return [];
  const fresh = ratings.filter(isLow);
  if (fresh.length === 0) return [];
  const windowMs = rule.params.minutes * MINUTE;
  const pushed = new Set(fresh.map((r) => r.id));
  const alerts: NewAlert[] = [];
  for (const span of burstSpans(fresh, windowMs)) {
    // The counter's low ratings that share a window with the span's (an index: counter, own
    // time), from two windows before, for the bursts that may cover its first; at most
    // BURST_ROWS_MAX, however many a tablet made up; and which of them opened a burst raised already.
    const lows = await db
      .selectFrom('ratings')
      .select(['id', 'teller_id', 'created_at'])
      .where('counter_id', '=', span.counterId)
      .where('created_at', '>=', span.first - 2 * windowMs)
      .where('created_at', '<=', span.last + windowMs)
      .where('score', 'in', [...LOW_SCORES])
      .orderBy('created_at')
      .orderBy('id')
      .limit(BURST_ROWS_MAX)
      .execute();
    const keyOf = (ratingId: string) => alertDedupeKey('low-burst', `${span.counterId}:${ratingId}`);
    const raised = new Set((await db.selectFrom('alerts').select('dedupe_key').where('dedupe_key', 'in', lows.map((r) => keyOf(r.id))).execute()).map((r) => r.dedupe_key));
    const starts = lows.filter((r) => raised.has(keyOf(r.id))).map((r) => r.created_at);
    const covered = (at: number) => starts.some((start) => at >= start && at <= start + windowMs);
    for (let i = 0; i < lows.length; i++) {
      const opening = lows[i]!;
      if (covered(opening.created_at)) continue;
      // The list is in time order: the window ends at the first rating past it.
      let end = i;
      while (end < lows.length && lows[end]!.created_at <= opening.created_at + windowMs) end++;
      const window = lows.slice(i, end);
      if (window.length < rule.params.count) continue;
      starts.push(opening.created_at);
      if (!window.some((r) => pushed.has(r.id))) continue;
      const tellers = new Set(window.map((r) => r.teller_id));
      alerts.push(
        anAlert(
          rule,
          {
            dedupeKey: keyOf(opening.id),
            branchId,
            counterId: span.counterId,
            tellerId: tellers.size === 1 ? window[0]!.teller_id : null,
            sourceKind: 'rating',
            sourceId: opening.id,
            detail: { kind: 'low-burst', count: window.length, minutes: rule.params.minutes, ratingIds: window.slice(0, BURST_IDS_MAX).map((r) => r.id) },
            occurredAt: window[rule.params.count - 1]!.created_at,
          },
          now,
        ),
      );
    }
  }
  return alerts;
}

/** The most rows one span of a burst reads: a day of low ratings at one counter is far fewer. */
const BURST_ROWS_MAX = 1000;
/** The most spans one push is looked at in: a day's late batch has a few dozen; more are made up. */
const BURST_SPANS_MAX = 50;

/**
 * A push's low ratings by counter, in spans of ratings within two windows of each other: each
 * span is read on its own, so a push whose ratings are dated years apart (a tablet's token in
 * the wrong hands) reads a few windows, never a counter's whole history. At most
 * BURST_SPANS_MAX spans, the earliest.
 */
function burstSpans(lows: readonly RatingFacts[], windowMs: number): { counterId: string; first: number; last: number }[] {
  const spans: { counterId: string; first: number; last: number }[] = [];
  const byCounter = new Map<string, number[]>();
  for (const r of lows) byCounter.set(r.counter_id, [...(byCounter.get(r.counter_id) ?? []), r.created_at]);
  for (const [counterId, times] of byCounter) {
    times.sort((a, b) => a - b);
    let span = { counterId, first: times[0]!, last: times[0]! };
    for (const at of times.slice(1)) {
      if (at - span.last <= 2 * windowMs) span.last = at;
      else {
        spans.push(span);
        span = { counterId, first: at, last: at };
      }
    }
    spans.push(span);
  }
  return spans.sort((a, b) => a.first - b.first).slice(0, BURST_SPANS_MAX);
}
