import type { Kysely } from 'kysely';
import { emptyScores, emptyTally, programmeFigures, TARGETS, totalRatings, type Targets } from '../../domain/metrics.ts';
import type { DayRange } from '../../domain/period.ts';
import type { BranchesReport, BranchRow } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { readCaseDeadlines } from '../services/settings.ts';
import { isOverdue, openCases } from './cases.ts';
import { periodOf, scoresOf, scoreSums, selectsNothing, tallyOf, tallySums, type BranchSelection } from './common.ts';

/**
 * Head office's branches side by side: each selected branch's ratings and figures in the
 * period (rating_branch_days and case_days grouped by branch), and its open and overdue
 * cases now. Every selected branch has a row, with zeros when it had nothing.
 */
export async function branchesReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange, now: number, targets: Targets = TARGETS): Promise<BranchesReport> {
  const period = periodOf(range);
  if (selectsNothing(selection)) return { period, rows: [] };
  const [branches, ratings, cases, open, deadlines] = await Promise.all([
    listBranchRefs(db, selection),
    db
      .selectFrom('rating_branch_days')
      .select(['branch_id', ...scoreSums()])
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
      .groupBy('branch_id')
      .execute(),
    db
      .selectFrom('case_days')
      .select(['branch_id', ...tallySums()])
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
      .groupBy('branch_id')
      .execute(),
    openCases(db, selection),
    readCaseDeadlines(db),
  ]);
  const scoresBy = new Map(ratings.map((r) => [r.branch_id, scoresOf(r)]));
  const casesBy = new Map(cases.map((r) => [r.branch_id, tallyOf(r)]));
  const rows = branches.map((branch): BranchRow => {
    const scores = scoresBy.get(branch.id) ?? emptyScores();
    const tally = casesBy.get(branch.id) ?? emptyTally();
    const waiting = open.filter((c) => c.branchId === branch.id);
    return {
      branchId: branch.id,
      name: branch.name,
      ratings: totalRatings(scores),
      scores,
      figures: programmeFigures({ scores, cases: tally }, targets),
      cases: tally,
      openCases: waiting.length,
      overdueCases: waiting.filter((c) => isOverdue(c, now, deadlines)).length,
    };
  });
  return { period, rows };
}
