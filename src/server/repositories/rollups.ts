import { CompiledQuery, sql, type Insertable, type Kysely, type QueryCreator } from 'kysely';
import type { ComplaintCase } from '../../domain/case.ts';
import { CASE_TALLY_FIELDS, type CaseTally } from '../../domain/metrics.ts';
import { localDayOf } from '../../domain/period.ts';
import { SCORES, type Score } from '../../domain/rating.ts';
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
 * that stores the records they count, so a report never scans the raw tables. Every add is an
 * upsert `count = count + excluded.count`, and only rows an insert actually stored are
 * counted: a batch sent again adds nothing. Rows are upserted sorted by their key, so two
 * pushes that touch the same rows on PostgreSQL lock them in the same order and never deadlock.
 * Across tables the order holds too: on PostgreSQL a counter's push (at most 200 records, no
 * case events) is always the one statement, so ratings' tables are only ever locked by it, and
 * the two ways a lobby's push takes meet on one table, opinion_days, sorted alike.
 */

/** What a stored rating adds to the roll-ups (a row as inserted: the teller may be left out). */
export type RatingFacts = Pick<RatingRow, 'branch_id' | 'day' | 'counter_id' | 'score' | 'reasons'> & { teller_id?: string | null };
/** The columns PostgreSQL's one-statement push returns from its insert for the roll-up CTEs; seq tells ratings apart. */
export const RATING_FACTS = ['seq', 'branch_id', 'day', 'counter_id', 'teller_id', 'score', 'reasons'] as const satisfies readonly (keyof RatingRow)[];

/** What a stored opinion adds to the roll-ups (a row as inserted: contact columns may be left out). */
export type OpinionFacts = Pick<OpinionRow, 'branch_id' | 'day' | 'opinion_kind' | 'topic_id'> & { contact_phone?: string | null; contact_email?: string | null };
export const OPINION_FACTS = ['branch_id', 'day', 'opinion_kind', 'topic_id', 'contact_phone', 'contact_email'] as const satisfies readonly (keyof OpinionFacts)[];

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

/** The roll-up column of each score. */
export const SCORE_COLUMNS = {
  'very-satisfied': 'very_satisfied',
  satisfied: 'satisfied',
  neutral: 'neutral',
  dissatisfied: 'dissatisfied',
} as const satisfies Record<Score, keyof RatingDayTable>;
const SCORE_COLUMN_LIST = SCORES.map((score) => SCORE_COLUMNS[score]);

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

export type RatingDayRow = Insertable<RatingDayTable> & Record<(typeof SCORE_COLUMN_LIST)[number], number>;
export type RatingBranchDayRow = Insertable<RatingBranchDayTable> & Record<(typeof SCORE_COLUMN_LIST)[number], number>;
export type RatingReasonDayRow = Insertable<RatingReasonDayTable> & { count: number };
export type OpinionDayRow = Insertable<OpinionDayTable> & { count: number; with_contact: number };
export type CaseDayRow = Insertable<CaseDayTable> & Record<(typeof TALLY_COLUMN_LIST)[number], number>;
export type ComplaintCaseRowInput = Insertable<ComplaintCaseTable>;

/** A rating stored before tellers existed has no teller: '' in a key, which cannot hold a null. */
export const tellerKey = (tellerId: string | null | undefined): string => tellerId ?? '';

/** An opinion counts as "with contact" when the customer left a phone number or an e-mail address. */
export const hasContact = (o: Pick<OpinionFacts, 'contact_phone' | 'contact_email'>): boolean => !!o.contact_phone || !!o.contact_email;

/** Groups rows by a key, adding each one's counts into the group's row; answers the groups sorted by key. */
function groupSorted<T>(items: Iterable<{ key: string; row: T }>, add: (into: T, row: T) => void): T[] {
  const groups = new Map<string, T>();
  for (const { key, row } of items) {
    const group = groups.get(key);
    if (group) add(group, row);
    else groups.set(key, row);
  }
  return sortedByKey(groups);
}

const sortedByKey = <T>(groups: ReadonlyMap<string, T>): T[] => [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);

// Keys join their parts with a character no id or day contains, so the sort is the key's order.
const SEPARATOR = '\u0000';
const keyOf = (...parts: string[]): string => parts.join(SEPARATOR);

const addColumns =
  <C extends string>(columns: readonly C[]) =>
  (into: Record<C, number>, row: Record<C, number>): void => {
    for (const column of columns) into[column] += row[column];
  };

const NO_SCORES = { very_satisfied: 0, satisfied: 0, neutral: 0, dissatisfied: 0 } as const;

/**
 * What stored ratings add to each rating roll-up, one row per key, sorted by key. Pure. It
 * runs on every push (a counter's 200 ratings fall in one or two groups), so it counts into
 * the groups directly rather than making a row per rating.
 */
export function ratingRollups(ratings: readonly RatingFacts[]): { days: RatingDayRow[]; branchDays: RatingBranchDayRow[]; reasonDays: RatingReasonDayRow[] } {
  const days = new Map<string, RatingDayRow>();
  const branchDays = new Map<string, RatingBranchDayRow>();
  const reasonDays = new Map<string, RatingReasonDayRow>();
  for (const r of ratings) {
    const column = SCORE_COLUMNS[r.score as Score];
    const teller_id = tellerKey(r.teller_id);
    const branchKey = r.branch_id + SEPARATOR + r.day;
    const dayKey = branchKey + SEPARATOR + r.counter_id + SEPARATOR + teller_id;
    let day = days.get(dayKey);
    if (!day) days.set(dayKey, (day = { branch_id: r.branch_id, day: r.day, counter_id: r.counter_id, teller_id, ...NO_SCORES }));
    day[column] += 1;
    let branchDay = branchDays.get(branchKey);
    if (!branchDay) branchDays.set(branchKey, (branchDay = { branch_id: r.branch_id, day: r.day, ...NO_SCORES }));
    branchDay[column] += 1;
    if (r.reasons === '[]') continue;
    // A reason picked twice in one rating (a device's mistake) still counts once for it.
    for (const reason_id of new Set(JSON.parse(r.reasons) as string[])) {
      const reasonKey = dayKey + SEPARATOR + reason_id;
      const reason = reasonDays.get(reasonKey);
      if (reason) reason.count += 1;
      else reasonDays.set(reasonKey, { branch_id: r.branch_id, day: r.day, counter_id: r.counter_id, teller_id, reason_id, count: 1 });
    }
  }
  return { days: sortedByKey(days), branchDays: sortedByKey(branchDays), reasonDays: sortedByKey(reasonDays) };
}

/** What stored opinions add to opinion_days, one row per key, sorted by key. Pure. */
export function opinionRollups(opinions: readonly OpinionFacts[]): OpinionDayRow[] {
  return groupSorted(
    opinions.map((o) => ({
      key: keyOf(o.branch_id, o.day, o.opinion_kind, o.topic_id),
      row: { branch_id: o.branch_id, day: o.day, opinion_kind: o.opinion_kind, topic_id: o.topic_id, count: 1, with_contact: hasContact(o) ? 1 : 0 },
    })),
    addColumns(['count', 'with_contact'] as const),
  );
}

// SQLite allows 32,766 bound values per statement; the widest roll-up row has 11 columns.
const ROLLUP_ROWS_PER_STATEMENT = 1000;

async function inChunks<R>(rows: readonly R[], upsert: (chunk: R[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += ROLLUP_ROWS_PER_STATEMENT) await upsert(rows.slice(start, start + ROLLUP_ROWS_PER_STATEMENT));
}

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
    text =
      `insert into ${table} (${columns.join(', ')}) values ${Array.from({ length: rows }, row).join(', ')} ` +
      `on conflict (${keys.join(', ')}) do update set ${counts.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;
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

/** Adds stored opinions to opinion_days. Run it in the transaction that stored them. */
export async function addOpinionRollups(db: Kysely<Database>, opinions: readonly OpinionFacts[]): Promise<void> {
  await addTo(db, 'opinion_days', opinionRollups(opinions));
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
  return groupSorted(
    rows.map((row) => ({ key: keyOf(row.branch_id, row.day, row.channel, row.topic_id), row: { ...row } })),
    addColumns(TALLY_COLUMN_LIST),
  ).filter((row) => TALLY_COLUMN_LIST.some((c) => row[c] !== 0));
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

/** The tables of PostgreSQL's one-statement push as its roll-up CTEs read them (pushed-records.ts). */
export type StoredRows = Database & { stored_ratings: Pick<RatingRow, (typeof RATING_FACTS)[number]>; stored_opinions: Pick<OpinionRow, (typeof OPINION_FACTS)[number]> };

/**
 * ORDER BY in byte order (collation "C"), the order JS sorts strings in: a push stored by the
 * CTEs and one stored in a transaction (ratingRollups, sorted in JS) lock shared rows alike.
 * The items are our own column names and expressions, never input.
 */
const byteOrder = (items: readonly string[]) => sql.raw(items.map((item) => `${item} collate "C"`).join(', '));

/**
 * PostgreSQL only: adds to `query` the CTEs that roll up what the `stored_ratings` CTE
 * returns (the rows its insert actually stored), in the same statement. Grouped, so no
 * upsert touches a row twice, and ordered by key, so concurrent pushes lock rows in one order.
 * `withReasons`: whether any rating of the push names a reason; most pushes have none, and
 * then the reasons' CTE (a JSON parse and two sorts) is left out.
 */
export function withRatingRollups(query: QueryCreator<StoredRows>, withReasons: boolean): QueryCreator<StoredRows> {
  const scores = sql.join(SCORES.map((score) => sql`sum(case when score = ${score} then 1 else 0 end)`));
  const scoreColumns = sql.join(SCORE_COLUMN_LIST.map((c) => sql.ref(c)));
  const addScores = (table: string) => sql.join(SCORE_COLUMN_LIST.map((c) => sql`${sql.ref(c)} = ${sql.ref(`${table}.${c}`)} + excluded.${sql.ref(c)}`));
  const rolledUp = query
    .with(
      'rated_days',
      () => sql`(insert into rating_days (branch_id, day, counter_id, teller_id, ${scoreColumns})
        select branch_id, day, counter_id, coalesce(teller_id, ''), ${scores} from stored_ratings
        group by branch_id, day, counter_id, coalesce(teller_id, '') order by ${byteOrder(['branch_id', 'day', 'counter_id', "coalesce(teller_id, '')"])}
        on conflict (branch_id, day, counter_id, teller_id) do update set ${addScores('rating_days')})`,
    )
    .with(
      'rated_branch_days',
      () => sql`(insert into rating_branch_days (branch_id, day, ${scoreColumns})
        select branch_id, day, ${scores} from stored_ratings
        group by branch_id, day order by ${byteOrder(['branch_id', 'day'])}
        on conflict (branch_id, day) do update set ${addScores('rating_branch_days')})`,
    ) as unknown as QueryCreator<StoredRows>;
  if (!withReasons) return rolledUp;
  return rolledUp.with(
    'rated_reasons',
    // count(distinct seq): a reason picked twice in one rating counts once, as ratingRollups counts it.
    () => sql`(insert into rating_reason_days (branch_id, day, counter_id, teller_id, reason_id, count)
      select s.branch_id, s.day, s.counter_id, coalesce(s.teller_id, ''), r.reason_id, count(distinct s.seq)
      from stored_ratings s cross join lateral jsonb_array_elements_text(s.reasons::jsonb) as r(reason_id)
      group by 1, 2, 3, 4, 5 order by ${byteOrder(['s.branch_id', 's.day', 's.counter_id', "coalesce(s.teller_id, '')", 'r.reason_id'])}
      on conflict (branch_id, day, counter_id, teller_id, reason_id) do update set count = rating_reason_days.count + excluded.count)`,
  ) as unknown as QueryCreator<StoredRows>;
}

/** PostgreSQL only: the CTE that rolls up what the `stored_opinions` CTE returns into opinion_days. */
export function withOpinionRollups(query: QueryCreator<StoredRows>): QueryCreator<StoredRows> {
  return query.with(
    'opinion_days_added',
    // NULL contact columns (no contact details) compare as unknown: counted as no contact, as hasContact does.
    () => sql`(insert into opinion_days (branch_id, day, opinion_kind, topic_id, count, with_contact)
      select branch_id, day, opinion_kind, topic_id, count(*), sum(case when contact_phone <> '' or contact_email <> '' then 1 else 0 end)
      from stored_opinions group by branch_id, day, opinion_kind, topic_id order by ${byteOrder(['branch_id', 'day', 'opinion_kind', 'topic_id'])}
      on conflict (branch_id, day, opinion_kind, topic_id) do update set count = opinion_days.count + excluded.count, with_contact = opinion_days.with_contact + excluded.with_contact)`,
  ) as unknown as QueryCreator<StoredRows>;
}
