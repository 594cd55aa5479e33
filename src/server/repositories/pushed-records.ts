import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { isPostgres } from '../db/database.ts';
import type { Database, NewOpinionReadRow, NewOpinionRow, NewRatingRow, NewShiftEventRow } from '../db/schema.ts';
import type { seenAt } from './devices.ts';
import { markMatchDirty, matchDirtyCte, ratingDirtyDays } from './match-dirty.ts';
import { addOpinionRollups, addRatingRollups, rollupCtes, storedRows } from './rollup-rows.ts';

/** The tables devices push into: append-only, keyed by a device-made id, ordered by `seq`. */
export type PushedTable = 'ratings' | 'shift_events' | 'opinions' | 'case_events' | 'opinion_reads' | 'survey_responses';

// SQLite allows 32,766 bound values per statement and PostgreSQL 65,535; with at most
// eighteen columns (opinions) a full batch of 200 is one statement, and 1,000 rows still fit:
// the chunking only guards larger callers.
export const ROWS_PER_STATEMENT = 1000;

/** The rows of one push, by table. */
export type PushedRows = { ratings: NewRatingRow[]; shiftEvents: NewShiftEventRow[]; opinions: NewOpinionRow[]; entryReads: NewOpinionReadRow[] };

export const countRows = (rows: PushedRows): number => rows.ratings.length + rows.shiftEvents.length + rows.opinions.length + rows.entryReads.length;

/** The table each kind of a push's rows goes to. */
export const PUSHED_TABLES = { ratings: 'ratings', shiftEvents: 'shift_events', opinions: 'opinions', entryReads: 'opinion_reads' } as const satisfies Record<keyof PushedRows, PushedTable>;

/** The ids each insert of a push stored, by kind of row: an id it skipped is held already. */
type StoredIdLists = Partial<Record<keyof PushedRows, string[] | null>>;

export type StoredIds = Record<keyof PushedRows, Set<string>>;

const idsOf = (rows: Iterable<{ id: string }>): Set<string> => {
  const ids = new Set<string>();
  for (const { id } of rows) ids.add(id);
  return ids;
};

/**
 * Inserts a push's rows, one multi-row statement per kind, skipping ids already stored: a
 * device that lost our answer sends the same batch again. Ratings and opinions are rolled up
 * from what each insert returns, which is only the rows it stored: a batch sent again, or a
 * record twice in one batch, counts once (decision 0009). Answers the ids stored, so that
 * the push can tell the others apart (decision 0017). Run it inside the batch's transaction.
 */
export async function insertPushedRows(db: Kysely<Database>, rows: PushedRows, timeZone?: string): Promise<StoredIds> {
  const ratings = await inChunks(rows.ratings, (chunk) => insertNew(db, 'ratings', chunk));
  await addRatingRollups(db, storedRows(rows.ratings, ratings));
  // The matcher checks the ratings' days again (and their corrected days, given the branch's zone): their join to tickets and the integrity flags.
  if (rows.ratings.length > 0) await markMatchDirty(db, ratingDirtyDays(rows.ratings, timeZone), rows.ratings[0]!.received_at);
  const shiftEvents = await inChunks(rows.shiftEvents, (chunk) => insertNew(db, 'shift_events', chunk));
  const opinions = await inChunks(rows.opinions, (chunk) => insertNew(db, 'opinions', chunk));
  await addOpinionRollups(db, storedRows(rows.opinions, opinions));
  const entryReads = await inChunks(rows.entryReads, (chunk) => insertNew(db, 'opinion_reads', chunk));
  return { ratings: idsOf(ratings), shiftEvents: idsOf(shiftEvents), opinions: idsOf(opinions), entryReads: idsOf(entryReads) };
}

// A push's inserts, like the roll-ups' upserts (rollup-rows.ts), are texts made once and kept:
// Kysely builds a 200-row insert afresh for about 3 µs of CPU a record, as much as the content
// hash each record pays, and its text depends only on the table, the columns, the number of
// rows and the database.
const insertTexts = new Map<string, string>();

/**
 * `insert … on conflict (id) do nothing returning id` of rows that all have the first row's
 * columns. Rows of another shape, or a value left undefined (to Kysely: the column's default),
 * go through Kysely, as every insert did before.
 */
async function insertNew(db: Kysely<Database>, table: PushedTable, rows: readonly object[]): Promise<{ id: string }[]> {
  const columns = Object.keys(rows[0] ?? {});
  const parameters: unknown[] = [];
  const byKysely = () => db.insertInto(table).values(rows as never).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
  for (const row of rows) {
    let keys = 0;
    for (const _ in row) keys++;
    if (keys !== columns.length) return byKysely();
    for (const column of columns) {
      const value = (row as Record<string, unknown>)[column];
      if (value === undefined) return byKysely();
      parameters.push(value);
    }
  }
  const postgres = isPostgres(db);
  const key = `${table}/${columns.join(',')}/${rows.length}/${postgres}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    let n = 0;
    const row = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${Array.from({ length: rows.length }, row).join(', ')} on conflict ("id") do nothing returning "id"`;
    if (insertTexts.size >= 512) insertTexts.clear(); // a bound, never reached by pushes of up to 200 records
    insertTexts.set(key, text);
  }
  return (await db.executeQuery<{ id: string }>(CompiledQuery.raw(text, parameters))).rows;
}

/**
 * What the server holds under an id: whose record it is, and its content hash (null for rows
 * stored before migration 0007). A survey response a phone gave by a printed card is no
 * device's (null): no device may claim its id.
 */
export type HeldRecord = { deviceId: string | null; contentHash: string | null };

/** Who holds each of these ids in a pushed table, and what it says: the rows a push did not store. */
export async function heldRecords(db: Kysely<Database>, table: PushedTable, ids: readonly string[]): Promise<Map<string, HeldRecord>> {
  const held = new Map<string, HeldRecord>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += ROWS_PER_STATEMENT) {
    const rows = await db
      .selectFrom(table)
      .select(['id', 'device_id', 'content_hash'])
      .where('id', 'in', unique.slice(start, start + ROWS_PER_STATEMENT))
      .execute();
    for (const row of rows) held.set(row.id, { deviceId: row.device_id, contentHash: row.content_hash });
  }
  return held;
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
 * Stores a push's rows and marks the device seen in ONE statement, which is its own
 * transaction, where the database can: PostgreSQL, for a push of at most ROWS_PER_STATEMENT
 * rows. Answers null where it cannot (SQLite has no data-modifying CTEs, and no round trips
 * to save): the caller then stores the push in a transaction. Each statement is a round trip,
 * and BEGIN and COMMIT are two more; data-modifying CTEs make a push one round trip after the
 * lookups (+10% ingest, bench/ingest.ts). Every CTE runs even though nothing reads it:
 * PostgreSQL executes data-modifying CTEs. The roll-up CTEs count only the records whose ids
 * the inserts returned, and the statement answers those ids too, as insertPushedRows does: a
 * push whose records are all new is answered without another round trip. The ratings' days
 * (and corrected days, given the device's `timeZone`) are marked for the matcher
 * (match-dirty.ts) whether or not the ratings were new.
 */
export async function storePushAtOnce(
  db: Kysely<Database>,
  rows: PushedRows,
  device: { id: string; seen: ReturnType<typeof seenAt>; timeZone?: string },
): Promise<StoredIds | null> {
  const count = countRows(rows);
  if (!isPostgres(db) || count === 0 || count > ROWS_PER_STATEMENT) return null;
  // The CTEs' queries are parts of the one statement: built without plugins, so that a
  // plugin sees (and transforms) the statement once, whole.
  const bare = db.withoutPlugins();
  const ctes: RawBuilder<unknown>[] = [];
  // One row, a JSON array of the ids each insert stored: pg makes an object of every row it
  // returns, and 200 rows of one id cost more than one JSON.parse.
  const answers: RawBuilder<unknown>[] = [];
  for (const kind of Object.keys(PUSHED_TABLES) as (keyof PushedRows)[]) {
    const kindRows = rows[kind];
    if (kindRows.length === 0) continue;
    const table = PUSHED_TABLES[kind];
    const stored = `stored_${table}`;
    const insert = bare.insertInto(table).values(kindRows as never).onConflict((oc) => oc.column('id').doNothing()).returning('id');
    ctes.push(sql`${sql.id(stored)} as (${insert})`);
    if (kind === 'ratings') ctes.push(...rollupCtes('stored_ratings', rows.ratings), matchDirtyCte(bare, ratingDirtyDays(rows.ratings, device.timeZone), rows.ratings[0]!.received_at));
    if (kind === 'opinions') ctes.push(...rollupCtes('stored_opinions', rows.opinions));
    answers.push(sql`(select json_agg(id) from ${sql.raw(stored)}) as ${sql.id(kind)}`);
  }
  ctes.push(sql`${sql.id('device_seen')} as (${bare.updateTable('devices').set(device.seen).where('id', '=', device.id)})`);
  const { rows: returned } = await sql<StoredIdLists>`with ${sql.join(ctes)} select ${sql.join(answers)}`.execute(db);
  const ids: StoredIds = { ratings: new Set(), shiftEvents: new Set(), opinions: new Set(), entryReads: new Set() };
  for (const kind of Object.keys(ids) as (keyof PushedRows)[]) for (const id of returned[0]?.[kind] ?? []) ids[kind].add(id);
  return ids;
}
