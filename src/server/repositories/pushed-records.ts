import type { Kysely, QueryCreator } from 'kysely';
import type { Database, NewOpinionReadRow, NewOpinionRow, NewRatingRow, NewShiftEventRow } from '../db/schema.ts';
import type { seenAt } from './devices.ts';
import {
  addOpinionRollups,
  addRatingRollups,
  OPINION_FACTS,
  RATING_FACTS,
  storedRows,
  withOpinionRollups,
  withRatingRollups,
  type StoredRows,
} from './rollups.ts';

/** The tables devices push into: append-only, keyed by a device-made id, ordered by `seq`. */
export type PushedTable = 'ratings' | 'shift_events' | 'opinions' | 'case_events' | 'opinion_reads';

// SQLite allows 32,766 bound values per statement and PostgreSQL 65,535; with at most
// eighteen columns (opinions) a full batch of 200 is one statement, and 1,000 rows still fit:
// the chunking only guards larger callers.
export const ROWS_PER_STATEMENT = 1000;

/** The rows of one push, by table. */
export type PushedRows = { ratings: NewRatingRow[]; shiftEvents: NewShiftEventRow[]; opinions: NewOpinionRow[]; entryReads: NewOpinionReadRow[] };

export const countRows = (rows: PushedRows): number => rows.ratings.length + rows.shiftEvents.length + rows.opinions.length + rows.entryReads.length;

/**
 * Inserts a push's rows, one multi-row statement per kind, skipping ids already stored: a
 * device that lost our answer sends the same batch again. Ratings and opinions are rolled up
 * from what each insert returns, which is only the rows it stored: a batch sent again, or a
 * record twice in one batch, counts once (decision 0009). Run it inside the batch's transaction.
 */
export async function insertPushedRows(db: Kysely<Database>, rows: PushedRows): Promise<void> {
  const ratings = await inChunks(rows.ratings, (chunk) =>
    db.insertInto('ratings').values(chunk).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute(),
  );
  await addRatingRollups(db, storedRows(rows.ratings, ratings));
  await inChunks(rows.shiftEvents, (chunk) =>
    db.insertInto('shift_events').values(chunk).onConflict((oc) => oc.column('id').doNothing()).execute(),
  );
  const opinions = await inChunks(rows.opinions, (chunk) =>
    db.insertInto('opinions').values(chunk).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute(),
  );
  await addOpinionRollups(db, storedRows(rows.opinions, opinions));
  await inChunks(rows.entryReads, (chunk) =>
    db.insertInto('opinion_reads').values(chunk).onConflict((oc) => oc.column('id').doNothing()).execute(),
  );
}

/** Runs `insert` on slices of at most ROWS_PER_STATEMENT rows, one after the other; answers what they returned. */
async function inChunks<R, T>(rows: readonly R[], insert: (chunk: R[]) => Promise<T[]>): Promise<T[]> {
  const returned: T[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) returned.push(...(await insert(rows.slice(start, start + ROWS_PER_STATEMENT))));
  return returned;
}

/** How many records a pushed table holds; tests and the bench check nothing was lost or doubled. */
export async function countPushed(db: Kysely<Database>, table: PushedTable): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * PostgreSQL only: stores a push's rows and marks the device seen in ONE statement, which
 * is its own transaction. Each statement is a round trip, and BEGIN and COMMIT are two
 * more; data-modifying CTEs make a push one round trip after the lookups (+10% ingest,
 * bench/ingest.ts). SQLite has no data-modifying CTEs, and no round trips to save.
 * Every CTE runs even though nothing reads it: PostgreSQL executes data-modifying CTEs.
 * The roll-up CTEs read the stored_ CTEs' RETURNING, so they count only what was inserted.
 */
export async function insertPushedRowsAndMarkSeen(
  db: Kysely<Database>,
  rows: PushedRows,
  device: { id: string; seen: ReturnType<typeof seenAt> },
): Promise<void> {
  // Only the roll-ups read the stored_ CTEs (StoredRows names them); nothing reads the rest,
  // so forgetting their names in the type (the casts) loses nothing.
  let query = db as unknown as QueryCreator<StoredRows>;
  if (rows.ratings.length > 0) {
    query = withRatingRollups(
      query.with('stored_ratings', (qb) =>
        qb.insertInto('ratings').values(rows.ratings).onConflict((oc) => oc.column('id').doNothing()).returning(RATING_FACTS),
      ) as unknown as QueryCreator<StoredRows>,
      rows.ratings.some((r) => r.reasons !== '[]'),
    );
  }
  if (rows.shiftEvents.length > 0) {
    query = query.with('stored_shift_events', (qb) =>
      qb.insertInto('shift_events').values(rows.shiftEvents).onConflict((oc) => oc.column('id').doNothing()).returning('seq'),
    ) as unknown as QueryCreator<StoredRows>;
  }
  if (rows.opinions.length > 0) {
    query = withOpinionRollups(
      query.with('stored_opinions', (qb) =>
        qb.insertInto('opinions').values(rows.opinions).onConflict((oc) => oc.column('id').doNothing()).returning(OPINION_FACTS),
      ) as unknown as QueryCreator<StoredRows>,
    );
  }
  if (rows.entryReads.length > 0) {
    query = query.with('stored_opinion_reads', (qb) =>
      qb.insertInto('opinion_reads').values(rows.entryReads).onConflict((oc) => oc.column('id').doNothing()).returning('seq'),
    ) as unknown as QueryCreator<StoredRows>;
  }
  await query.updateTable('devices').set(device.seen).where('id', '=', device.id).execute();
}
