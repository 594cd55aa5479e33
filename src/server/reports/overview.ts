import type { Kysely } from 'kysely';
import { addScores, addTally, emptyScores, emptyTally, programmeFigures, satisfiedRatings, TARGETS, totalRatings, type Figure, type Targets } from '../../domain/metrics.ts';
import { OPINION_KINDS, type OpinionKind } from '../../domain/opinion.ts';
import { addDays, bucketOf, bucketsOf, daysInRange, type DayRange } from '../../domain/period.ts';
import type { OverviewReport, TrendPoint } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { opinionKindCounts, periodOf, scoresOf, scoreSums, selectsNothing, tallyOf, tallySums, type BranchSelection } from './common.ts';

/**
 * The overview of a period: the three figures against their targets with what they rest on,
 * entries by kind, and a trend. Reads rating_branch_days (one row per branch and day: a year
 * of a thousand branches is 365,000 rows), case_days and opinion_days, each grouped by day.
 */
export async function overviewReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange, targets: Targets = TARGETS): Promise<OverviewReport> {
  const period = periodOf(range);
  const branches = await listBranchRefs(db, selection);
  const before = previousRange(range);
  const [ratingDays, caseDays, opinionKinds, previousFigures] = selectsNothing(selection)
    ? [[], [], [], programmeFigures({ scores: emptyScores(), cases: emptyTally() }, targets)]
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
        figuresOver(db, selection, before, targets),
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

  return {
    period,
    branches,
    figures: programmeFigures({ scores, cases }, targets),
    scores,
    cases,
    opinions,
    trend: [...trend.values()],
    previous: { ...before, figures: previousFigures },
  };
}

/**
 * The period of the same length that ends the day before this one starts: 1–6 December is
 * compared with 25–30 November, not with the whole of November, so a partial period is
 * weighed against as many days as it has.
 */
export function previousRange(range: DayRange): DayRange {
  const days = daysInRange(range.from, range.to);
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

/** The three figures over a period, from the same roll-ups, summed in the database. */
async function figuresOver(db: Kysely<Database>, selection: BranchSelection, range: DayRange, targets: Targets): Promise<Figure[]> {
  const [ratings, cases] = await Promise.all([
    db
      .selectFrom('rating_branch_days')
      .select(scoreSums())
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
      .executeTakeFirst(),
    db
      .selectFrom('case_days')
      .select(tallySums())
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
      .executeTakeFirst(),
  ]);
  // Without rows the sums are null: scoresOf and tallyOf read those as zero.
  return programmeFigures({ scores: ratings ? scoresOf(ratings) : emptyScores(), cases: cases ? tallyOf(cases) : emptyTally() }, targets);
}
