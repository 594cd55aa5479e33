import type { Kysely } from 'kysely';
import { emptyScores } from '../../domain/metrics.ts';
import type { DayRange } from '../../domain/period.ts';
import { WAIT_BANDS, WAIT_BUCKET_COLUMNS, type WaitBandRow, type WaitingReport, type WaitRow } from '../../domain/queue.ts';
import { addWaitSums, emptyWaitSums, peakCellsOf, waitFiguresOf, waitRowOf, weekdayOf, type DayHourSums, type WaitSums } from '../../domain/waiting.ts';
import type { Database } from '../db/schema.ts';
import { byText, scoresOf, scoreSums, selectsNothing, sumOf, type BranchSelection } from './common.ts';

/**
 * GET /api/reports/waiting: how long customers waited, against the network's target, from the
 * matcher's waiting roll-ups (decision 0027), summed in SQL as every report is (decision 0009).
 * wait_hours (a row per branch, day and hour of issue, read through `(day, branch_id)`) gives
 * the scope's hours, weekdays, peak hours and total, and each branch's figures; with one branch
 * chosen, wait_days (by counter, through its primary key) gives its counters instead of its
 * branch row. Satisfaction by waiting band comes from wait_score_days. The figures themselves
 * are domain/waiting.ts's, from the sums. The branch and counter rows carry their names, read
 * beside the sums (not joined into them, so the roll-ups' scan stays as the bench measures it).
 */

/** The summed columns of a waiting roll-up. */
const WAIT_SUM_COLUMNS = ['tickets', 'waited', ...WAIT_BUCKET_COLUMNS, 'served', 'service_ms'] as const;
const waitSums = () => WAIT_SUM_COLUMNS.map((column) => sumOf(column).as(column));

/** The sums of a summed row (a sum over no rows is null: zero). */
function sumsOf(row: Record<string, unknown>): WaitSums {
  return {
    tickets: Number(row.tickets ?? 0),
    waited: Number(row.waited ?? 0),
    buckets: WAIT_BUCKET_COLUMNS.map((column) => Number(row[column] ?? 0)),
    served: Number(row.served ?? 0),
    serviceMs: Number(row.service_ms ?? 0),
  };
}

/** The waiting report of the selected branches over a period, judged against `targetMinutes`. */
export async function waitingReport(db: Kysely<Database>, selection: BranchSelection, range: DayRange, targetMinutes: number): Promise<WaitingReport> {
  const period = { from: range.from, to: range.to };
  const oneBranch = selection !== 'all' && selection.length === 1;
  const [hours, groups, bands, names] = selectsNothing(selection)
    ? [[], [], [], []]
    : await Promise.all([
        db
          .selectFrom('wait_hours')
          .select(['day', 'hour', ...waitSums(), sumOf('counters').as('counters')])
          .where('day', '>=', range.from)
          .where('day', '<=', range.to)
          .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
          .groupBy(['day', 'hour'])
          .execute(),
        oneBranch
          ? db
              .selectFrom('wait_days')
              .select(['counter_id as key', ...waitSums()])
              .where('branch_id', '=', selection[0]!)
              .where('day', '>=', range.from)
              .where('day', '<=', range.to)
              .groupBy('counter_id')
              .execute()
          : db
              .selectFrom('wait_hours')
              .select(['branch_id as key', ...waitSums()])
              .where('day', '>=', range.from)
              .where('day', '<=', range.to)
              .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
              .groupBy('branch_id')
              .execute(),
        db
          .selectFrom('wait_score_days')
          .select(['band', ...scoreSums()])
          .where('day', '>=', range.from)
          .where('day', '<=', range.to)
          .$if(selection !== 'all', (qb) => qb.where('branch_id', 'in', selection as readonly string[]))
          .groupBy('band')
          .execute(),
        oneBranch
          ? db.selectFrom('counters').select(['id', 'name']).where('branch_id', '=', selection[0]!).execute()
          : db
              .selectFrom('branches')
              .select(['id', 'name'])
              .$if(selection !== 'all', (qb) => qb.where('id', 'in', selection as readonly string[]))
              .execute(),
      ]);
  const nameOf = new Map(names.map((row) => [row.id, row.name]));

  const dayHours: DayHourSums[] = hours.map((row) => ({ day: row.day, hour: Number(row.hour), counters: Number(row.counters ?? 0), ...sumsOf(row) }));
  const total = emptyWaitSums();
  const byHour = new Map<number, WaitSums>();
  const byWeekday = new Map<number, WaitSums>();
  for (const row of dayHours) {
    addWaitSums(total, row);
    addWaitSums(sumsAt(byHour, row.hour), row);
    addWaitSums(sumsAt(byWeekday, weekdayOf(row.day)), row);
  }
  const rowsOf = (sums: Map<number, WaitSums>): WaitRow[] =>
    [...sums.keys()].sort((a, b) => a - b).map((key) => waitRowOf(String(key), sums.get(key)!, targetMinutes));
  const keyed = groups
    .map((row) => ({ ...waitRowOf(row.key, sumsOf(row), targetMinutes), name: nameOf.get(row.key) ?? null }))
    .sort((a, b) => byText(a.key, b.key));

  return {
    period,
    targetMinutes,
    total: waitFiguresOf(total, targetMinutes),
    byBranch: oneBranch ? [] : keyed,
    byCounter: oneBranch ? keyed : [],
    byHour: rowsOf(byHour),
    byWeekday: rowsOf(byWeekday),
    byBand: bandRowsOf(bands),
    peak: peakCellsOf(dayHours, targetMinutes),
    hasQueueData: total.tickets > 0,
  };
}

/** The sums under `key`, made empty the first time. */
function sumsAt(map: Map<number, WaitSums>, key: number): WaitSums {
  let sums = map.get(key);
  if (!sums) map.set(key, (sums = emptyWaitSums()));
  return sums;
}

/** Every waiting band in order, with the scores of the ratings joined to tickets that waited that long (zeros where none). */
function bandRowsOf(rows: readonly (Parameters<typeof scoresOf>[0] & { band: number | string })[]): WaitBandRow[] {
  const found = new Map(rows.map((row) => [Number(row.band), scoresOf(row)]));
  return Array.from({ length: WAIT_BANDS }, (_, band) => ({ band, counts: found.get(band) ?? emptyScores() }));
}
