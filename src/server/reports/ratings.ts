import type { Kysely } from 'kysely';
import { addScores, emptyScores, satisfactionRate, satisfiedRatings, totalRatings } from '../../domain/metrics.ts';
import { bucketsOf, type DayRange } from '../../domain/period.ts';
import type { RatingRow, RatingsReport, ReasonCount } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { bucketSql, byText, periodOf, reasonLabels, scoresOf, scoreSums, selectsNothing, sumOf, type BranchSelection } from './common.ts';

/** How many reasons a row lists. */
export const TOP_REASONS = 5;

/** Whose ratings a report rows: each teller's, or each counter's. */
type RatedBy = 'teller' | 'counter';
const COLUMN = { teller: 'teller_id', counter: 'counter_id' } as const;

/** GET /api/reports/tellers: each teller's ratings in the period, their scores, top reasons and trend. */
export const tellersReport = (db: Kysely<Database>, selection: BranchSelection, range: DayRange): Promise<RatingsReport> => ratingsReport(db, selection, range, 'teller');

/** GET /api/reports/counters: the same by counter. */
export const countersReport = (db: Kysely<Database>, selection: BranchSelection, range: DayRange): Promise<RatingsReport> => ratingsReport(db, selection, range, 'counter');

/** The names a row shows: a teller's name and staff number, or a counter's name. */
type Named = { name: string; staffNumber: string | null };

/**
 * One row per teller (or counter) and branch with ratings in the period, from rating_days
 * grouped by trend bucket (the totals are the buckets' sum) and rating_reason_days. Ratings
 * from before tellers existed are a row of their own with teller '' and no name.
 */
async function ratingsReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange, by: RatedBy): Promise<RatingsReport> {
  const period = periodOf(range);
  if (selectsNothing(selection)) return { period, rows: [] };
  const column = COLUMN[by];
  const bucket = bucketSql(period.bucket);
  const [buckets, reasons, branches] = await Promise.all([
    db
      .selectFrom('rating_days')
      .select(['branch_id', `${column} as id`, bucket.as('bucket'), ...scoreSums()])
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
      .groupBy(['branch_id', column, bucket])
      .execute(),
    db
      .selectFrom('rating_reason_days')
      .select(['branch_id', `${column} as id`, 'reason_id', sumOf('count').as('count')])
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
      .groupBy(['branch_id', column, 'reason_id'])
      .execute(),
    listBranchRefs(db, selection),
  ]);
  const branchIds = branches.map((b) => b.id);
  const [names, labels] = await Promise.all([namesOf(db, by, branchIds), reasonLabels(db, branchIds)]);
  const branchNames = new Map(branches.map((b) => [b.id, b.name]));
  const emptyTrend = () => new Map(bucketsOf(range, period.bucket).map((b) => [b, { bucket: b, ratings: 0, satisfied: 0 }]));

  const rows = new Map<string, RatingRow>();
  const trends = new Map<string, Map<string, RatingRow['trend'][number]>>();
  for (const found of buckets) {
    const key = `${found.branch_id}/${found.id}`;
    let row = rows.get(key);
    if (!row) {
      const named = names.get(key);
      row = {
        id: found.id,
        name: named?.name ?? '',
        staffNumber: named?.staffNumber ?? null,
        branchId: found.branch_id,
        branchName: branchNames.get(found.branch_id) ?? '',
        ratings: 0,
        scores: emptyScores(),
        satisfaction: null,
        topReasons: [],
        trend: [],
      };
      rows.set(key, row);
      trends.set(key, emptyTrend());
    }
    const scores = scoresOf(found);
    addScores(row.scores, scores);
    const point = trends.get(key)!.get(found.bucket)!;
    point.ratings += totalRatings(scores);
    point.satisfied += satisfiedRatings(scores);
  }
  const reasonsOf = new Map<string, ReasonCount[]>();
  for (const r of reasons) {
    const key = `${r.branch_id}/${r.id}`;
    const list = reasonsOf.get(key) ?? [];
    list.push({ reasonId: r.reason_id, labels: labels.get(`${r.branch_id}/${r.reason_id}`) ?? null, count: Number(r.count) });
    reasonsOf.set(key, list);
  }
  for (const [key, row] of rows) {
    row.ratings = totalRatings(row.scores);
    row.satisfaction = satisfactionRate(row.scores);
    row.trend = [...trends.get(key)!.values()];
    row.topReasons = (reasonsOf.get(key) ?? []).sort((a, b) => b.count - a.count || byText(a.reasonId, b.reasonId)).slice(0, TOP_REASONS);
  }
  return { period, rows: [...rows.values()].sort((a, b) => byText(a.branchName, b.branchName) || byText(a.branchId, b.branchId) || byText(a.name, b.name) || byText(a.id, b.id)) };
}

/** The names of the selected branches' tellers or counters, by `branchId/id`. */
async function namesOf(db: Kysely<Database>, by: RatedBy, branchIds: readonly string[]): Promise<Map<string, Named>> {
  if (branchIds.length === 0) return new Map();
  if (by === 'teller') {
    const tellers = await db.selectFrom('tellers').select(['branch_id', 'id', 'name', 'staff_number']).where('branch_id', 'in', branchIds).execute();
    return new Map(tellers.map((t) => [`${t.branch_id}/${t.id}`, { name: t.name, staffNumber: t.staff_number }]));
  }
  const counters = await db.selectFrom('counters').select(['branch_id', 'id', 'name']).where('branch_id', 'in', branchIds).execute();
  return new Map(counters.map((c) => [`${c.branch_id}/${c.id}`, { name: c.name, staffNumber: null }]));
}
