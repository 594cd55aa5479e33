import { sql, type Kysely, type RawBuilder } from 'kysely';
import { foldCases, type CaseEvent } from '../../domain/case.ts';
import { addDays, localDayOf, startOfLocalDay, type LocalDay } from '../../domain/period.ts';
import { SCORES } from '../../domain/rating.ts';
import { ok, type Result } from '../../domain/result.ts';
import { isPostgres } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { listBranches } from '../repositories/branches.ts';
import { readSettings, writeSettings } from '../repositories/settings.ts';
import { projectCases } from './case-events.ts';
import { branchNotFound, type AdminError } from './input.ts';

/**
 * The roll-ups rebuilt from the raw records (decision 0009). Ingest keeps them as records
 * arrive; a rebuild recomputes them when what they were computed with changes: a branch's
 * time zone (every day moves), or how they are computed (ROLLUPS_VERSION).
 */

/**
 * The version of the roll-ups' definition. Raise it when what a roll-up counts changes: the
 * server rebuilds every branch once at its next start. 1: the roll-ups of migration 0006,
 * created empty beside the records already stored.
 */
export const ROLLUPS_VERSION = 1;
const VERSION_KEY = 'rollups-version';

const MS_PER_DAY = 86_400_000;

/**
 * A stretch of time in which the day of an instant is simple to compute in SQL: either each
 * of its days lasts 24 hours at one offset from UTC, so the day is the UTC date of the
 * instant plus that offset; or it is one day of another length (a clock change), named.
 */
export type DaySegment = { until: number } & ({ offsetMs: number } | { day: LocalDay });

/**
 * The segments that cover every instant from `fromMs` to `toMs` in `timeZone`, in order:
 * a year of a zone with summer time is five (two 24-hour stretches and the two days the
 * clocks change, between three stretches). SQL has no time zones on SQLite, and only the
 * server's own tz data on PostgreSQL; these let both compute exactly what localDayOf does.
 */
export function daySegments(timeZone: string, fromMs: number, toMs: number): DaySegment[] {
  const segments: DaySegment[] = [];
  const last = localDayOf(toMs, timeZone);
  let day = localDayOf(fromMs, timeZone);
  let start = startOfLocalDay(day, timeZone);
  while (day <= last) {
    const next = addDays(day, 1);
    const end = startOfLocalDay(next, timeZone);
    const previous = segments.at(-1);
    if (end - start !== MS_PER_DAY) segments.push({ until: end, day });
    else {
      const offsetMs = Date.parse(`${day}T00:00:00Z`) - start;
      if (previous && 'offsetMs' in previous && previous.offsetMs === offsetMs) previous.until = end;
      else segments.push({ until: end, offsetMs });
    }
    day = next;
    start = end;
  }
  return segments;
}

/** The UTC date of `created_at + offsetMs`, written YYYY-MM-DD, on each database. */
function shiftedDate(db: Kysely<Database>, offsetMs: number): RawBuilder<string> {
  return isPostgres(db)
    ? sql<string>`to_char(to_timestamp(((created_at + ${offsetMs}::bigint) / 1000)::double precision) at time zone 'UTC', 'YYYY-MM-DD')`
    : sql<string>`strftime('%Y-%m-%d', (created_at + ${offsetMs}) / 1000, 'unixepoch')`;
}

/** `day` for each `created_at` by the segments; rows outside them keep theirs. */
function dayBySegments(db: Kysely<Database>, segments: readonly DaySegment[]): RawBuilder<string> {
  const whens = segments.map((s) => sql`when created_at < ${s.until} then ${'day' in s ? sql`${s.day}` : shiftedDate(db, s.offsetMs)}`);
  return sql<string>`case ${sql.join(whens, sql` `)} else day end`;
}

/**
 * Sets `day` of a branch's ratings or opinions from `created_at` in `timeZone`, touching only
 * rows whose day changes (a rebuild in the zone they were stamped in rewrites nothing).
 */
async function restampDays(db: Kysely<Database>, table: 'ratings' | 'opinions', branchId: string, timeZone: string): Promise<void> {
  const span = await db
    .selectFrom(table)
    .select((eb) => [eb.fn.min('created_at').as('first'), eb.fn.max('created_at').as('last')])
    .where('branch_id', '=', branchId)
    .executeTakeFirst();
  if (span?.first === null || span?.first === undefined || span.last === null) return;
  const day = dayBySegments(db, daySegments(timeZone, Number(span.first), Number(span.last)));
  await db
    .updateTable(table)
    .set({ day })
    .where('branch_id', '=', branchId)
    .where(sql<boolean>`day <> ${day}`)
    .execute();
}

const ROLLUP_TABLES = ['rating_days', 'rating_branch_days', 'rating_reason_days', 'opinion_days', 'complaint_cases', 'case_days'] as const;

/** Each score's count among grouped ratings. */
const scoreSums = () => SCORES.map((score) => sql<number>`sum(case when score = ${score} then 1 else 0 end)`);

/** Recomputes one branch's roll-ups and case projection from its raw records, in the caller's transaction. */
async function rebuildBranch(trx: Kysely<Database>, branchId: string, timeZone: string): Promise<void> {
  const pg = isPostgres(trx);
  // Ingest adds to these rows as it stores records; on PostgreSQL it must wait until they
  // are rebuilt, or its additions could land in rows this is about to replace. (SQLite's
  // BEGIN IMMEDIATE already holds every writer off.) Self-exclusive, so two rebuilds queue.
  if (pg) await sql`lock table ratings, opinions, case_events in share row exclusive mode`.execute(trx);
  await restampDays(trx, 'ratings', branchId, timeZone);
  await restampDays(trx, 'opinions', branchId, timeZone);
  for (const table of ROLLUP_TABLES) await trx.deleteFrom(table).where('branch_id', '=', branchId).execute();

  const [verySatisfied, satisfied, neutral, dissatisfied] = scoreSums();
  await trx
    .insertInto('rating_days')
    .columns(['branch_id', 'day', 'counter_id', 'teller_id', 'very_satisfied', 'satisfied', 'neutral', 'dissatisfied'])
    .expression((eb) =>
      eb
        .selectFrom('ratings')
        .select(['branch_id', 'day', 'counter_id', sql<string>`coalesce(teller_id, '')`.as('teller_id'), verySatisfied!.as('vs'), satisfied!.as('s'), neutral!.as('n'), dissatisfied!.as('d')])
        .where('branch_id', '=', branchId)
        .groupBy(['branch_id', 'day', 'counter_id', sql`coalesce(teller_id, '')`]),
    )
    .execute();
  await trx
    .insertInto('rating_branch_days')
    .columns(['branch_id', 'day', 'very_satisfied', 'satisfied', 'neutral', 'dissatisfied'])
    .expression((eb) =>
      eb
        .selectFrom('rating_days')
        .select((e) => ['branch_id', 'day', e.fn.sum('very_satisfied').as('vs'), e.fn.sum('satisfied').as('s'), e.fn.sum('neutral').as('n'), e.fn.sum('dissatisfied').as('d')])
        .where('branch_id', '=', branchId)
        .groupBy(['branch_id', 'day']),
    )
    .execute();
  // One count per rating and reason, as ingest counts them (a reason twice in one rating once).
  const reasons = pg ? sql`cross join lateral jsonb_array_elements_text(r.reasons::jsonb) as j(value)` : sql`cross join json_each(r.reasons) as j`;
  await sql`insert into rating_reason_days (branch_id, day, counter_id, teller_id, reason_id, count)
    select r.branch_id, r.day, r.counter_id, coalesce(r.teller_id, ''), j.value, count(distinct r.seq)
    from ratings r ${reasons} where r.branch_id = ${branchId}
    group by r.branch_id, r.day, r.counter_id, coalesce(r.teller_id, ''), j.value`.execute(trx);
  await trx
    .insertInto('opinion_days')
    .columns(['branch_id', 'day', 'opinion_kind', 'topic_id', 'count', 'with_contact'])
    .expression((eb) =>
      eb
        .selectFrom('opinions')
        .select((e) => [
          'branch_id',
          'day',
          'opinion_kind',
          'topic_id',
          e.fn.countAll().as('count'),
          // As hasContact: a phone number or an e-mail address; NULL columns (no contact) count as none.
          sql<number>`sum(case when contact_phone <> '' or contact_email <> '' then 1 else 0 end)`.as('with_contact'),
        ])
        .where('branch_id', '=', branchId)
        .groupBy(['branch_id', 'day', 'opinion_kind', 'topic_id']),
    )
    .execute();

  // Cases are the fold of their applied events in seq order: exactly what ingest folded.
  const events = await trx.selectFrom('case_events').select('payload').where('branch_id', '=', branchId).where('status', '=', 'applied').orderBy('seq').execute();
  const { cases } = foldCases(events.map((e) => JSON.parse(e.payload) as CaseEvent));
  await projectCases(trx, branchId, new Map(), cases, timeZone);
}

/**
 * Recomputes `ratings.day` and `opinions.day` from each branch's time zone, then every
 * roll-up and the case projection from the raw records: one transaction per branch, so a
 * large network is not one long transaction. All branches, or the one given.
 */
export async function rebuildRollups(db: Kysely<Database>, branchId?: string): Promise<Result<{ branches: number }, AdminError>> {
  const branches = (await listBranches(db)).filter((b) => branchId === undefined || b.id === branchId);
  if (branchId !== undefined && branches.length === 0) return branchNotFound(branchId);
  for (const branch of branches) await inTransaction(db, (trx) => rebuildBranch(trx, branch.id, branch.timeZone));
  return ok({ branches: branches.length });
}

/**
 * On server start: rebuilds every branch's roll-ups once when they were computed by an older
 * definition than ROLLUPS_VERSION (or never, as after migration 0006), then records the
 * version. Answers how many branches it rebuilt (0 when they were current).
 */
export async function ensureRollupsCurrent(db: Kysely<Database>, now: number): Promise<number> {
  const stored = (await readSettings(db, [VERSION_KEY])).get(VERSION_KEY);
  if (typeof stored === 'number' && stored >= ROLLUPS_VERSION) return 0;
  const rebuilt = await rebuildRollups(db);
  if (!rebuilt.ok) throw new Error(rebuilt.message); // no branch was named: it cannot be "not found"
  await writeSettings(db, new Map([[VERSION_KEY, ROLLUPS_VERSION]]), now);
  return rebuilt.value.branches;
}
