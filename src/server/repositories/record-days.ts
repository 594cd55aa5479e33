import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { LocalDay } from '../../domain/period.ts';
import { isPostgres } from '../db/database.ts';
import type { Database } from '../db/schema.ts';

/**
 * A stretch of time in which the day of an instant is simple to compute in SQL: either each
 * of its days lasts 24 hours at one offset from UTC, so the day is the UTC date of the
 * instant plus that offset; or it is one day of another length (a clock change), named.
 */
export type DaySegment = { until: number } & ({ offsetMs: number } | { day: LocalDay });

/** The tables whose rows carry the branch's day beside the instant they were made (a queue event's: the queue system's time). */
export type DayStampedTable = 'ratings' | 'opinions' | 'queue_events';

/** The instant each table's day is of. */
const TIME_COLUMN = { ratings: 'created_at', opinions: 'created_at', queue_events: 'at' } as const satisfies Record<DayStampedTable, string>;

/** The UTC date of `<time> + offsetMs`, written YYYY-MM-DD, on each database. */
function shiftedDate(db: Kysely<Database>, time: RawBuilder<number>, offsetMs: number): RawBuilder<string> {
  return isPostgres(db)
    ? sql<string>`to_char(to_timestamp(((${time} + ${offsetMs}::bigint) / 1000)::double precision) at time zone 'UTC', 'YYYY-MM-DD')`
    : sql<string>`strftime('%Y-%m-%d', (${time} + ${offsetMs}) / 1000, 'unixepoch')`;
}

/** `day` for each row's instant by the segments; rows outside them keep theirs. */
function dayBySegments(db: Kysely<Database>, table: DayStampedTable, segments: readonly DaySegment[]): RawBuilder<string> {
  // Our own column names, never input.
  const time = sql.raw<number>(TIME_COLUMN[table]);
  const whens = segments.map((s) => sql`when ${time} < ${s.until} then ${'day' in s ? sql`${s.day}` : shiftedDate(db, time, s.offsetMs)}`);
  return sql<string>`case ${sql.join(whens, sql` `)} else day end`;
}

/** The first and last instant of a branch's rows; undefined when it has none. */
export async function createdAtSpan(db: Kysely<Database>, table: DayStampedTable, branchId: string): Promise<{ first: number; last: number } | undefined> {
  const time = sql.raw<number>(TIME_COLUMN[table]);
  const span = await db
    .selectFrom(table)
    .select((eb) => [eb.fn.min(time).as('first'), eb.fn.max(time).as('last')])
    .where('branch_id', '=', branchId)
    .executeTakeFirst();
  if (span?.first === null || span?.first === undefined || span.last === null) return undefined;
  return { first: Number(span.first), last: Number(span.last) };
}

/**
 * Sets `day` of a branch's rows from their instant by the segments (which cover every row),
 * touching only rows whose day changes: a rebuild in the zone they were stamped in rewrites nothing.
 */
export async function restampDays(db: Kysely<Database>, table: DayStampedTable, branchId: string, segments: readonly DaySegment[]): Promise<void> {
  const day = dayBySegments(db, table, segments);
  await db
    .updateTable(table)
    .set({ day })
    .where('branch_id', '=', branchId)
    .where(sql<boolean>`day <> ${day}`)
    .execute();
}
