import { sql, type Kysely, type RawBuilder } from 'kysely';
import { CASE_TALLY_FIELDS, emptyScores, emptyTally, type CaseTally, type ScoreCounts } from '../../domain/metrics.ts';
import { trendBucketOf, type DayRange, type TrendBucket } from '../../domain/period.ts';
import { SCORES } from '../../domain/rating.ts';
import type { Labels, Period } from '../../domain/reports.ts';
import type { Database } from '../db/schema.ts';
import { SCORE_COLUMNS, TALLY_COLUMNS } from '../repositories/rollup-rows.ts';

/**
 * What the reports share (decision 0009): they read only the roll-ups and the case
 * projection, sum in SQL and cast every sum to an integer, so SQLite and PostgreSQL answer
 * the same numbers (PostgreSQL's sum of bigints is a numeric, which pg hands over as text).
 */

/** The branches a report covers: every branch, or the ones named. */
export type BranchSelection = 'all' | readonly string[];

/** True when a selection names no branch at all: the report is empty without asking. */
export const selectsNothing = (selection: BranchSelection): boolean => selection !== 'all' && selection.length === 0;

/** The period as a report states it: its days and how its trend groups them. */
export const periodOf = (range: DayRange): Period => ({ from: range.from, to: range.to, bucket: trendBucketOf(range) });

/** `sum(column)` as an integer on both databases. */
export const sumOf = (column: string): RawBuilder<number> => sql<number>`cast(sum(${sql.ref(column)}) as bigint)`;

/** The SQL of a row's trend bucket: its day, or the month the day is in. */
export const bucketSql = (bucket: TrendBucket): RawBuilder<string> => (bucket === 'day' ? sql<string>`day` : sql<string>`substr(day, 1, 7)`);

/** The summed score columns of a roll-up, named as the columns. */
export const scoreSums = () => SCORES.map((score) => sumOf(SCORE_COLUMNS[score]).as(SCORE_COLUMNS[score]));

/** The summed tally columns of case_days, named as the columns. */
export const tallySums = () => CASE_TALLY_FIELDS.map((field) => sumOf(TALLY_COLUMNS[field]).as(TALLY_COLUMNS[field]));

type ScoreRow = Record<(typeof SCORE_COLUMNS)[keyof typeof SCORE_COLUMNS], number | string | bigint>;
type TallyRow = Record<(typeof TALLY_COLUMNS)[keyof typeof TALLY_COLUMNS], number | string | bigint>;

/** The score counts of a summed row. */
export function scoresOf(row: ScoreRow): ScoreCounts {
  const scores = emptyScores();
  for (const score of SCORES) scores[score] = Number(row[SCORE_COLUMNS[score]]);
  return scores;
}

/** The case tally of a summed case_days row. */
export function tallyOf(row: TallyRow): CaseTally {
  const tally = emptyTally();
  for (const field of CASE_TALLY_FIELDS) tally[field] = Number(row[TALLY_COLUMNS[field]]);
  return tally;
}

/** Labels as the branch configured them (reasons, topics), parsed from their JSON text. */
export const labelsOf = (text: string): Labels => JSON.parse(text) as Labels;

/** Orders text the same way on every run and database: by code unit, not by a collation. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The reasons' labels of the selected branches, by branch and reason id. */
export async function reasonLabels(db: Kysely<Database>, branchIds: readonly string[]): Promise<Map<string, Labels>> {
  if (branchIds.length === 0) return new Map();
  const rows = await db.selectFrom('reasons').select(['branch_id', 'id', 'labels']).where('branch_id', 'in', branchIds).execute();
  return new Map(rows.map((r) => [`${r.branch_id}/${r.id}`, labelsOf(r.labels)]));
}

/** The entries of the selected branches in a period, by kind (opinion_days), summed in SQL. */
export function opinionKindCounts(db: Kysely<Database>, selection: BranchSelection, range: DayRange): Promise<{ opinion_kind: string; count: number }[]> {
  if (selectsNothing(selection)) return Promise.resolve([]);
  return db
    .selectFrom('opinion_days')
    .select(['opinion_kind', sumOf('count').as('count')])
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
    .groupBy('opinion_kind')
    .execute();
}
