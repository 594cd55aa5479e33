import { CompiledQuery, sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { ComplaintCase } from '../../domain/case.ts';
import { CASE_TALLY_FIELDS, type CaseTally } from '../../domain/metrics.ts';
import { localDayOf } from '../../domain/period.ts';
import type { Score } from '../../domain/rating.ts';
import { isPostgres } from '../db/database.ts';
import type {
  CaseDayTable,
  ComplaintCaseTable,
  Database,
  OpinionDayTable,
  OpinionRow,
  RatingBranchDayTable,
  RatingDayTable,
  RatingReasonDayTable,
  RatingRow,
} from '../db/schema.ts';

/**
 * The report roll-ups (decision 0009): counts by branch and day, added to in the transaction
 * that stores the records they count, so a report never scans the raw tables. What a record
 * adds is stated once, here, by ratingAdditions and opinionAdditions; ingest adds what the
 * records it stored add, and a rebuild adds what every stored record adds, so the two cannot
 * disagree. Every add is an upsert `count = count + excluded.count`, and only rows an insert
 * actually stored are counted: a batch sent again adds nothing. Rows are upserted sorted by
 * their key, so two pushes that touch the same rows on PostgreSQL lock them in the same order
 * and never deadlock. Across tables the order holds too: on PostgreSQL a counter's push (at
 * most 200 records, no case events) is always the one statement, so ratings' tables are only
 * ever locked by it, and the two ways a lobby's push takes meet on one table, opinion_days,
 * sorted alike.
 */

/** What a stored rating adds to the roll-ups (a row as inserted: the teller may be left out). */
export type RatingFacts = Pick<RatingRow, 'id' | 'branch_id' | 'day' | 'counter_id' | 'score' | 'reasons'> & { teller_id?: string | null };

/** What a stored opinion adds to the roll-ups: `had_contact` outlives the contact details themselves (retention). */
export type OpinionFacts = Pick<OpinionRow, 'id' | 'branch_id' | 'day' | 'opinion_kind' | 'topic_id'> & { had_contact?: number };

/**
 * The rows an insert stored, from the ids it returned: each id's first row, as an insert with
 * `on conflict do nothing` stores the first of two rows with one id and skips the second.
 * Returning only the ids and reading the rest from the rows sent is a third of the cost of
 * returning every column (bench/ingest.ts on SQLite).
 */
export function storedRows<R extends { id: string }>(sent: readonly R[], storedIds: Iterable<{ id: string }>): R[] {
  const stored = new Set<string>();
  for (const { id } of storedIds) stored.add(id);
  const rows: R[] = [];
  for (const row of sent) {
    if (!stored.delete(row.id)) continue;
    rows.push(row);
  }
  return rows;
}

/** Each id's first row: the one an insert with `on conflict do nothing` would store. */
function firstOfEachId<R extends { id: string }>(rows: readonly R[]): R[] {
  const seen = new Set<string>();
  return rows.filter((row) => !seen.has(row.id) && seen.add(row.id));
}

/** The roll-up column of each score. */
export const SCORE_COLUMNS = {
  'very-satisfied': 'very_satisfied',
  satisfied: 'satisfied',
  neutral: 'neutral',
  dissatisfied: 'dissatisfied',
} as const satisfies Record<Score, keyof RatingDayTable>;
const SCORE_COLUMN_LIST = Object.values(SCORE_COLUMNS);

/** The roll-up column of each case-tally field. */
export const TALLY_COLUMNS = {
  opened: 'opened',
  replied: 'replied',
  followedUp: 'followed_up',
  atFault: 'at_fault',
  notAtFault: 'not_at_fault',
  escalated: 'escalated',
  signedOff: 'signed_off',
} as const satisfies Record<keyof CaseTally, keyof CaseDayTable>;
const TALLY_COLUMN_LIST = CASE_TALLY_FIELDS.map((field) => TALLY_COLUMNS[field]);

/** The additive roll-ups: their key columns and the counts an upsert adds to. */
const ADDITIVE = {
  rating_days: { keys: ['branch_id', 'day', 'counter_id', 'teller_id'], counts: SCORE_COLUMN_LIST },
  rating_branch_days: { keys: ['branch_id', 'day'], counts: SCORE_COLUMN_LIST },
  rating_reason_days: { keys: ['branch_id', 'day', 'counter_id', 'teller_id', 'reason_id'], counts: ['count'] },
  opinion_days: { keys: ['branch_id', 'day', 'opinion_kind', 'topic_id'], counts: ['count', 'with_contact'] },
  case_days: { keys: ['branch_id', 'day', 'channel', 'topic_id'], counts: TALLY_COLUMN_LIST },
} as const satisfies Record<string, { keys: readonly string[]; counts: readonly string[] }>;
type AdditiveTable = keyof typeof ADDITIVE;
type AdditiveRow<T extends AdditiveTable> = Record<(typeof ADDITIVE)[T]['keys'][number], string> & Record<(typeof ADDITIVE)[T]['counts'][number], number>;

export type RatingDayRow = Insertable<RatingDayTable> & AdditiveRow<'rating_days'>;
export type RatingBranchDayRow = Insertable<RatingBranchDayTable> & AdditiveRow<'rating_branch_days'>;
export type RatingReasonDayRow = Insertable<RatingReasonDayTable> & AdditiveRow<'rating_reason_days'>;
export type OpinionDayRow = Insertable<OpinionDayTable> & AdditiveRow<'opinion_days'>;
export type CaseDayRow = Insertable<CaseDayTable> & AdditiveRow<'case_days'>;
export type ComplaintCaseRowInput = Insertable<ComplaintCaseTable>;

/** What one record adds to each roll-up table it counts in: a row per table, or several (a rating's reasons). */
type Additions = { [T in AdditiveTable]?: AdditiveRow<T>[] };

/** A rating stored before tellers existed has no teller: '' in a key, which cannot hold a null. */
export const tellerKey = (tellerId: string | null | undefined): string => tellerId ?? '';

/** One rating's score counts: 1 in its score's column. */
function scoreCounts(score: string): Record<(typeof SCORE_COLUMN_LIST)[number], number> {
  // Made whole, then set: a literal with a computed key is many times slower to make and to add up.
  const counts = { very_satisfied: 0, satisfied: 0, neutral: 0, dissatisfied: 0 };
  counts[SCORE_COLUMNS[score as Score]] = 1;
  return counts;
}

/**
 * What one stored rating adds: 1 to its score under its counter and teller, and under its
 * branch; and 1 to each reason it names. A reason picked twice in one rating (a device's
 * mistake) still counts once for it.
 */
export function ratingAdditions(r: RatingFacts): Additions {
  const teller_id = tellerKey(r.teller_id);
  const reasons = r.reasons === '[]' ? [] : [...new Set(JSON.parse(r.reasons) as string[])];
  return {
    rating_days: [{ branch_id: r.branch_id, day: r.day, counter_id: r.counter_id, teller_id, ...scoreCounts(r.score) }],
    rating_branch_days: [{ branch_id: r.branch_id, day: r.day, ...scoreCounts(r.score) }],
    rating_reason_days: reasons.map((reason_id) => ({ branch_id: r.branch_id, day: r.day, counter_id: r.counter_id, teller_id, reason_id, count: 1 })),
  };
}

/** What one stored opinion adds: 1 under its kind and topic, and 1 "with contact" when it came with contact details. */
export function opinionAdditions(o: OpinionFacts): Additions {
  return {
    opinion_days: [
      { branch_id: o.branch_id, day: o.day, opinion_kind: o.opinion_kind, topic_id: o.topic_id, count: 1, with_contact: o.had_contact === 1 ? 1 : 0 },
    ],
  };
}

// Keys join their parts with a character no id or day contains, so the sort is the key's order.
const SEPARATOR = '\u0000';
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The key of a roll-up row: its key columns joined, so that keys sort as their columns do. */
const keyOf = <T extends AdditiveTable>(table: T, row: AdditiveRow<T>): string =>
  ADDITIVE[table].keys.map((k) => (row as Record<string, string>)[k]).join(SEPARATOR);

/** Sums the rows of `table` that share a key (each a copy), sorted by key. Pure. */
function grouped<T extends AdditiveTable>(table: T, rows: Iterable<AdditiveRow<T>>): AdditiveRow<T>[] {
  const counts: readonly string[] = ADDITIVE[table].counts;
  const groups = new Map<string, Record<string, number | string>>();
  for (const row of rows) {
    const key = keyOf(table, row);
    const group = groups.get(key);
    if (!group) groups.set(key, { ...row });
    else for (const c of counts) (group[c] as number) += (row as Record<string, number>)[c]!;
  }
  return [...groups.keys()].sort(byKey).map((key) => groups.get(key) as AdditiveRow<T>);
}

/** The rows of `table` that `additions` hold. */
const rowsFor = <T extends AdditiveTable>(additions: readonly Additions[], table: T): AdditiveRow<T>[] => additions.flatMap((a) => (a[table] ?? []) as AdditiveRow<T>[]);

/** What stored ratings add to each rating roll-up, one row per key, sorted by key. Pure. */
export function ratingRollups(ratings: readonly RatingFacts[]): { days: RatingDayRow[]; branchDays: RatingBranchDayRow[]; reasonDays: RatingReasonDayRow[] } {
  const additions = ratings.map(ratingAdditions);
  return {
    days: grouped('rating_days', rowsFor(additions, 'rating_days')),
    branchDays: grouped('rating_branch_days', rowsFor(additions, 'rating_branch_days')),
    reasonDays: grouped('rating_reason_days', rowsFor(additions, 'rating_reason_days')),
  };
}

/** What stored opinions add to opinion_days, one row per key, sorted by key. Pure. */
export function opinionRollups(opinions: readonly OpinionFacts[]): OpinionDayRow[] {
  return grouped('opinion_days', rowsFor(opinions.map(opinionAdditions), 'opinion_days'));
}

// SQLite allows 32,766 bound values per statement; the widest roll-up row has 11 columns.
const ROLLUP_ROWS_PER_STATEMENT = 1000;

async function inChunks<R>(rows: readonly R[], upsert: (chunk: R[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += ROLLUP_ROWS_PER_STATEMENT) await upsert(rows.slice(start, start + ROLLUP_ROWS_PER_STATEMENT));
}

/** How an upsert into `table` adds to the row already there: the same on both databases. */
const addOnConflict = (table: AdditiveTable): string => {
  const { keys, counts } = ADDITIVE[table];
  return `on conflict (${keys.join(', ')}) do update set ${counts.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
};

// Every push runs one to three of these upserts, and Kysely builds and compiles each afresh,
// which cost as much as the statements (bench/ingest.ts on SQLite). Their text depends only
// on the table, the database and the number of rows, so it is made once and kept.
const upsertTexts = new Map<string, string>();

function upsertText(table: AdditiveTable, rows: number, postgres: boolean): string {
  const cacheKey = `${table}/${rows}/${postgres}`;
  let text = upsertTexts.get(cacheKey);
  if (text === undefined) {
    const { keys, counts } = ADDITIVE[table];
    const columns = [...keys, ...counts];
    let n = 0;
    const row = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
    text = `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, row).join(', ')} ${addOnConflict(table)}`;
    if (upsertTexts.size >= 512) upsertTexts.clear(); // a bound, never reached by pushes of up to 200 records
    upsertTexts.set(cacheKey, text);
  }
  return text;
}

/** Upserts roll-up rows, adding their counts to the rows already there; `rows` are grouped and sorted by key. */
async function addTo<T extends AdditiveTable>(db: Kysely<Database>, table: T, rows: readonly AdditiveRow<T>[]): Promise<void> {
  const { keys, counts } = ADDITIVE[table];
  const columns: readonly string[] = [...keys, ...counts];
  await inChunks(rows, async (chunk) => {
    const parameters = chunk.flatMap((row) => columns.map((c) => (row as Record<string, string | number>)[c]));
    await db.executeQuery(CompiledQuery.raw(upsertText(table, chunk.length, isPostgres(db)), parameters));
  });
}

/** Adds stored ratings to rating_days, rating_branch_days and rating_reason_days. Run it in the transaction that stored them. */
export async function addRatingRollups(db: Kysely<Database>, ratings: readonly RatingFacts[]): Promise<void> {
  if (ratings.length === 0) return;
  const { days, branchDays, reasonDays } = ratingRollups(ratings);
  await addTo(db, 'rating_days', days);
  await addTo(db, 'rating_branch_days', branchDays);
  await addTo(db, 'rating_reason_days', reasonDays);
}

/**
 * Takes stored ratings back out of rating_days, rating_branch_days and rating_reason_days: the
 * very additions addRatingRollups made, negated (a manager's exclusion of a rating). A row left
 * with nothing in it is deleted, as a rebuild without those ratings would not have made it: a
 * teller whose one rating was excluded is not a row of zeros in the tellers report. Run it in
 * the transaction that records why.
 */
export async function subtractRatingRollups(db: Kysely<Database>, ratings: readonly RatingFacts[]): Promise<void> {
  if (ratings.length === 0) return;
  const { days, branchDays, reasonDays } = ratingRollups(ratings);
  // The same tables in the same order as an addition, each sorted by key: no deadlock with a push.
  await addTo(db, 'rating_days', negated('rating_days', days));
  await addTo(db, 'rating_branch_days', negated('rating_branch_days', branchDays));
  await addTo(db, 'rating_reason_days', negated('rating_reason_days', reasonDays));
  await deleteEmptyRows(db, 'rating_days', days);
  await deleteEmptyRows(db, 'rating_branch_days', branchDays);
  await deleteEmptyRows(db, 'rating_reason_days', reasonDays);
}

/** Roll-up rows with every count negated. Pure. */
function negated<T extends AdditiveTable>(table: T, rows: readonly AdditiveRow<T>[]): AdditiveRow<T>[] {
  const counts: readonly string[] = ADDITIVE[table].counts;
  return rows.map((row) => {
    const copy = { ...row } as Record<string, string | number>;
    for (const c of counts) copy[c] = -(copy[c] as number);
    return copy as AdditiveRow<T>;
  });
}

/** Deletes the rows under these rows' keys whose counts are all zero. */
async function deleteEmptyRows<T extends AdditiveTable>(db: Kysely<Database>, table: T, rows: readonly AdditiveRow<T>[]): Promise<void> {
  const { keys, counts } = ADDITIVE[table];
  for (const row of rows) {
    const values = row as Record<string, string | number>;
    // The items are our own column names, never input; the values are bound.
    const conditions = [...keys.map((k) => sql`${sql.ref(k)} = ${values[k]}`), ...counts.map((c) => sql`${sql.ref(c)} = 0`)];
    await sql`delete from ${sql.table(table)} where ${sql.join(conditions, sql` and `)}`.execute(db);
  }
}

/** Adds stored opinions to opinion_days. Run it in the transaction that stored them. */
export async function addOpinionRollups(db: Kysely<Database>, opinions: readonly OpinionFacts[]): Promise<void> {
  await addTo(db, 'opinion_days', opinionRollups(opinions));
}

/**
 * PostgreSQL only: the CTEs that add to the roll-ups what the records of `sent` add, counting
 * only those whose id the CTE `stored` returned (the rows its insert stored), in the same
 * statement (pushed-records.ts). What each record adds is worked out here by the same
 * additions as addRatingRollups; the statement only sums, by key, those of the stored records.
 * Sums are grouped, so no upsert touches a row twice, and ordered by key in byte order
 * (collation "C", the order JS sorts strings in), so concurrent pushes lock rows in one order.
 */
export function rollupCtes(stored: 'stored_ratings' | 'stored_opinions', sent: readonly RatingFacts[] | readonly OpinionFacts[]): RawBuilder<unknown>[] {
  // An id twice in one push: only its first row is stored, and only it may count.
  const records = firstOfEachId<RatingFacts | OpinionFacts>(sent);
  const additions = stored === 'stored_ratings' ? (records as RatingFacts[]).map(ratingAdditions) : (records as OpinionFacts[]).map(opinionAdditions);
  const tables = stored === 'stored_ratings' ? (['rating_days', 'rating_branch_days', 'rating_reason_days'] as const) : (['opinion_days'] as const);
  return tables.flatMap((table) => {
    const ids: string[] = [];
    const rows: AdditiveRow<typeof table>[] = [];
    additions.forEach((a, i) => {
      for (const row of (a[table] ?? []) as AdditiveRow<typeof table>[]) {
        ids.push(records[i]!.id);
        rows.push(row);
      }
    });
    return rows.length === 0 ? [] : [sumStoredCte(table, stored, ids, rows)];
  });
}

/** `<table>_added as (insert … select sums from the rows, of stored ids, … on conflict add)`; one array parameter a column. */
function sumStoredCte<T extends AdditiveTable>(table: T, stored: string, ids: readonly string[], rows: readonly AdditiveRow<T>[]): RawBuilder<unknown> {
  const { keys, counts } = ADDITIVE[table];
  const columns: readonly string[] = [...keys, ...counts];
  const arrays = [
    sql`${ids}::text[]`,
    ...keys.map((k) => sql`${rows.map((row) => (row as Record<string, string>)[k])}::text[]`),
    ...counts.map((c) => sql`${rows.map((row) => (row as Record<string, number>)[c])}::integer[]`),
  ];
  const keyList = sql.raw(keys.join(', '));
  // The items are our own column names, never input.
  return sql`${sql.id(`${table}_added`)} as (insert into ${sql.table(table)} (${sql.raw(columns.join(', '))})
    select ${keyList}, ${sql.raw(counts.map((c) => `sum(${c})`).join(', '))}
    from unnest(${sql.join(arrays)}) as a(id, ${sql.raw(columns.join(', '))})
    where a.id in (select id from ${sql.table(stored)})
    group by ${keyList} order by ${sql.raw(keys.map((k) => `${k} collate "C"`).join(', '))}
    ${sql.raw(addOnConflict(table))})`;
}

/** The case_days row of a tally (or of a tally's change) for a case's branch, opening day, channel and topic. */
export const caseDayRow = (key: { branchId: string; day: string; channel: string; topicId: string | null }, tally: CaseTally): CaseDayRow => ({
  branch_id: key.branchId,
  day: key.day,
  channel: key.channel,
  topic_id: key.topicId ?? '',
  ...(Object.fromEntries(CASE_TALLY_FIELDS.map((field) => [TALLY_COLUMNS[field], tally[field]])) as Record<(typeof TALLY_COLUMN_LIST)[number], number>),
});

/** Sums case_days rows that share a key, sorted by key, leaving out rows that add nothing. Pure. */
export function groupCaseDays(rows: readonly CaseDayRow[]): CaseDayRow[] {
  return grouped('case_days', rows).filter((row) => TALLY_COLUMN_LIST.some((c) => row[c] !== 0));
}

/** Adds case tallies (or their changes) to case_days. */
export async function addCaseDays(db: Kysely<Database>, rows: readonly CaseDayRow[]): Promise<void> {
  await addTo(db, 'case_days', groupCaseDays(rows));
}

/**
 * A case's topic: the one staff chose when opening it, else, for a case opened from an
 * opinion-box entry, the entry's (`entryTopics`, by opinion id); null when neither has one.
 */
export const topicOfCase = (c: ComplaintCase, entryTopics: ReadonlyMap<string, string>): string | null =>
  c.topicId ?? (c.opinionId === null ? null : (entryTopics.get(c.opinionId) ?? null));

/**
 * The complaint_cases row of a case as its fold stands, with its topic resolved (so the
 * state says what the reports count it under) and the day it was opened in the branch's zone.
 */
export function complaintCaseRow(c: ComplaintCase, topicId: string | null, timeZone: string): ComplaintCaseRowInput {
  return {
    id: c.id,
    branch_id: c.branchId,
    opened_day: localDayOf(c.openedAt, timeZone),
    channel: c.channel,
    topic_id: topicId,
    status: c.status,
    opened_at: c.openedAt,
    state: JSON.stringify({ ...c, topicId }),
    updated_at: c.updatedAt,
  };
}

/** The topics of a branch's opinion-box entries among `opinionIds`, by entry id. */
export async function topicsOfEntries(db: Kysely<Database>, branchId: string, opinionIds: readonly string[]): Promise<Map<string, string>> {
  const topics = new Map<string, string>();
  const ids = [...new Set(opinionIds)];
  for (let start = 0; start < ids.length; start += ROLLUP_ROWS_PER_STATEMENT) {
    const rows = await db
      .selectFrom('opinions')
      .select(['id', 'topic_id'])
      .where('branch_id', '=', branchId)
      .where('id', 'in', ids.slice(start, start + ROLLUP_ROWS_PER_STATEMENT))
      .execute();
    for (const row of rows) topics.set(row.id, row.topic_id);
  }
  return topics;
}

/** Stores each case as its fold now stands, replacing the row it had; sorted by id, for the lock order. */
export async function upsertComplaintCases(db: Kysely<Database>, rows: readonly ComplaintCaseRowInput[]): Promise<void> {
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await inChunks(sorted, (chunk) =>
    db
      .insertInto('complaint_cases')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          opened_day: eb.ref('excluded.opened_day'),
          channel: eb.ref('excluded.channel'),
          topic_id: eb.ref('excluded.topic_id'),
          status: eb.ref('excluded.status'),
          opened_at: eb.ref('excluded.opened_at'),
          state: eb.ref('excluded.state'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute(),
  );
}


/** Every table the reports read that ingest keeps: what a rebuild empties and fills again. */
const ROLLUP_TABLES = ['rating_days', 'rating_branch_days', 'rating_reason_days', 'opinion_days', 'complaint_cases', 'case_days'] as const;

/**
 * Holds ingest off a rebuild's tables until its transaction ends: on PostgreSQL ingest adds to
 * these rows as it stores records, and its additions could land in rows a rebuild is about
 * to replace. A manager's exclusion (services/rating-exclusions.ts) writes rating_exclusions
 * and subtracts from the same rows, so it waits too, and a rebuild never counts a rating whose
 * exclusion is half done. Self-exclusive, so two rebuilds queue. SQLite's BEGIN IMMEDIATE
 * already holds every writer off.
 */
export async function holdOffIngest(trx: Kysely<Database>): Promise<void> {
  if (isPostgres(trx)) await sql`lock table ratings, opinions, case_events, rating_exclusions in share row exclusive mode`.execute(trx);
}

/** Empties a branch's roll-ups and case projection. */
export async function clearRollups(trx: Kysely<Database>, branchId: string): Promise<void> {
  for (const table of ROLLUP_TABLES) await trx.deleteFrom(table).where('branch_id', '=', branchId).execute();
}

/** How many stored records a rebuild reads and adds at a time: a large branch is never all in memory. */
const REBUILD_PAGE = 5000;

/**
 * Adds every stored rating and opinion of a branch to the roll-ups, a page at a time in seq
 * order, by the same additions ingest makes: what a rebuild counts is what ingest counted.
 * Ratings a manager excluded are left out, as their exclusion took them out.
 */
export async function addStoredRecordsToRollups(trx: Kysely<Database>, branchId: string): Promise<void> {
  // An exclusion remembers its rating's day; a rebuild after a change of zone moves it with the rating's.
  await trx
    .updateTable('rating_exclusions')
    .set((eb) => ({ day: eb.selectFrom('ratings').select('ratings.day').whereRef('ratings.id', '=', 'rating_exclusions.rating_id') }))
    .where('branch_id', '=', branchId)
    .where((eb) => eb.exists(eb.selectFrom('ratings').select('ratings.id').whereRef('ratings.id', '=', 'rating_exclusions.rating_id').whereRef('ratings.day', '<>', 'rating_exclusions.day')))
    .execute();
  await inPages(
    (after) =>
      trx
        .selectFrom('ratings')
        .select(['seq', 'id', 'branch_id', 'day', 'counter_id', 'teller_id', 'score', 'reasons'])
        .where('branch_id', '=', branchId)
        .where('seq', '>', after)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('rating_exclusions').select('rating_exclusions.rating_id').whereRef('rating_exclusions.rating_id', '=', 'ratings.id'))))
        .orderBy('seq')
        .limit(REBUILD_PAGE)
        .execute(),
    (ratings) => addRatingRollups(trx, ratings),
  );
  await inPages(
    (after) =>
      trx
        .selectFrom('opinions')
        .select(['seq', 'id', 'branch_id', 'day', 'opinion_kind', 'topic_id', 'had_contact'])
        .where('branch_id', '=', branchId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(REBUILD_PAGE)
        .execute(),
    (opinions) => addOpinionRollups(trx, opinions),
  );
}

/** Hands `add` each page `page(after)` reads, in seq order from the start, until one comes back empty. */
async function inPages<Row extends { seq: number }>(page: (after: number) => Promise<Row[]>, add: (rows: Row[]) => Promise<void>): Promise<void> {
  for (let after = 0; ; ) {
    const rows = await page(after);
    const last = rows.at(-1);
    if (!last) return;
    await add(rows);
    after = last.seq;
  }
}
