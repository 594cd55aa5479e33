import type { Kysely } from 'kysely';
import { addScores, addTally, emptyScores, emptyTally, programmeFigures, satisfiedRatings, totalRatings } from '../../domain/metrics.ts';
import { OPINION_KINDS, type OpinionKind } from '../../domain/opinion.ts';
import { bucketOf, bucketsOf, type DayRange } from '../../domain/period.ts';
import type { OverviewReport, TrendPoint } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { opinionKindCounts, periodOf, scoresOf, scoreSums, selectsNothing, tallyOf, tallySums, type BranchSelection } from './common.ts';

/**
 * The overview of a period: the three figures against their targets with what they rest on,
 * entries by kind, and a trend. Reads rating_branch_days (one row per branch and day: a year
 * of a thousand branches is 365,000 rows), case_days and opinion_days, each grouped by day.
 */
export async function overviewReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange): Promise<OverviewReport> {
  const period = periodOf(range);
  const branches = await listBranchRefs(db, selection);
  const [ratingDays, caseDays, opinionKinds] = selectsNothing(selection)
    ? [[], [], []]
    : await Promise.all([
        db
          .selectFrom('rating_branch_days')
          .select(['day', ...scoreSums()])
          .where('day', '>=', range.from)
          .where('day', '<=', range.to)
          .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
          .groupBy('day')
          .execute(),
        db
          .selectFrom('case_days')
          .select(['day', ...tallySums()])
          .where('day', '>=', range.from)
          .where('day', '<=', range.to)
          .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
          .groupBy('day')
          .execute(),
        opinionKindCounts(db, selection, range),
      ]);

  const scores = emptyScores();
  const cases = emptyTally();
  // Every bucket of the period, so a day without ratings shows as zero rather than missing.
  const trend = new Map<string, TrendPoint>(bucketsOf(range, period.bucket).map((bucket) => [bucket, { bucket, ratings: 0, satisfied: 0, complaints: 0 }]));
  for (const row of ratingDays) {
    const dayScores = scoresOf(row);
    addScores(scores, dayScores);
    const point = trend.get(bucketOf(row.day, period.bucket))!;
    point.ratings += totalRatings(dayScores);
    point.satisfied += satisfiedRatings(dayScores);
  }
  for (const row of caseDays) {
    const dayCases = tallyOf(row);
    addTally(cases, dayCases);
    trend.get(bucketOf(row.day, period.bucket))!.complaints += dayCases.opened;
  }
  const opinions = Object.fromEntries(OPINION_KINDS.map((kind) => [kind, 0])) as Record<OpinionKind, number>;
  for (const row of opinionKinds) opinions[row.opinion_kind as OpinionKind] += Number(row.count);

  return { period, branches, figures: programmeFigures({ scores, cases }), scores, cases, opinions, trend: [...trend.values()] };
}
