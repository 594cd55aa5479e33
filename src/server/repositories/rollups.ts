import { sql, type Insertable, type Kysely, type QueryCreator, type RawBuilder } from 'kysely';
import type { ComplaintCase } from '../../domain/case.ts';
import { CASE_TALLY_FIELDS, type CaseTally } from '../../domain/metrics.ts';
import { localDayOf } from '../../domain/period.ts';
import { SCORES, type Score } from '../../domain/rating.ts';
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

/** What a stored rating adds to the roll-ups: the columns its insert returns. */
export type RatingFacts = Pick<RatingRow, 'seq' | 'branch_id' | 'day' | 'counter_id' | 'teller_id' | 'score' | 'reasons'>;
export const RATING_FACTS = ['seq', 'branch_id', 'day', 'counter_id', 'teller_id', 'score', 'reasons'] as const satisfies readonly (keyof RatingFacts)[];

/** What a stored opinion adds to the roll-ups. */
export type OpinionFacts = Pick<OpinionRow, 'branch_id' | 'day' | 'opinion_kind' | 'topic_id' | 'contact_phone' | 'contact_email'>;
export const OPINION_FACTS = ['branch_id', 'day', 'opinion_kind', 'topic_id', 'contact_phone', 'contact_email'] as const satisfies readonly (keyof OpinionFacts)[];

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
export const tellerKey = (tellerId: string | null): string => tellerId ?? '';

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
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

// Keys join their parts with a character no id or day contains, so the sort is the key's order.
const keyOf = (...parts: string[]): string => parts.join('\u0000');

const addColumns =
  <C extends string>(columns: readonly C[]) =>
  (into: Record<C, number>, row: Record<C, number>): void => {
    for (const column of columns) into[column] += row[column];
  };

/** What stored ratings add to each rating roll-up, one row per key, sorted by key. Pure. */
export function ratingRollups(ratings: readonly RatingFacts[]): { days: RatingDayRow[]; branchDays: RatingBranchDayRow[]; reasonDays: RatingReasonDayRow[] } {
  const scoreCounts = (score: string) => Object.fromEntries(SCORE_COLUMN_LIST.map((c) => [c, c === SCORE_COLUMNS[score as Score] ? 1 : 0])) as Record<(typeof SCORE_COLUMN_LIST)[number], number>;
  const days = groupSorted(
    ratings.map((r) => {
      const teller_id = tellerKey(r.teller_id);
      return { key: keyOf(r.branch_id, r.day, r.counter_id, teller_id), row: { branch_id: r.branch_id, day: r.day, counter_id: r.counter_id, teller_id, ...scoreCounts(r.score) } };
    }),
    addColumns(SCORE_COLUMN_LIST),
  );
  const branchDays = groupSorted(
    ratings.map((r) => ({ key: keyOf(r.branch_id, r.day), row: { branch_id: r.branch_id, day: r.day, ...scoreCounts(r.score) } })),
    addColumns(SCORE_COLUMN_LIST),
  );
  // A reason picked twice in one rating (a device's mistake) still counts once for it.
  const reasonDays = groupSorted(
    ratings.flatMap((r) => {
      const teller_id = tellerKey(r.teller_id);
      return [...new Set(JSON.parse(r.reasons) as string[])].map((reason_id) => ({
        key: keyOf(r.branch_id, r.day, r.counter_id, teller_id, reason_id),
        row: { branch_id: r.branch_id, day: r.day, counter_id: r.counter_id, teller_id, reason_id, count: 1 },
      }));
    }),
    addColumns(['count'] as const),
  );
  return { days, branchDays, reasonDays };
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

/** `table.column + excluded.column` for each column: what an upsert adds to a roll-up row. */
function added<C extends string>(table: string, columns: readonly C[]): Record<C, RawBuilder<number>> {
  return Object.fromEntries(columns.map((c) => [c, sql<number>`${sql.ref(`${table}.${c}`)} + ${sql.ref(`excluded.${c}`)}`])) as Record<C, RawBuilder<number>>;
}

// SQLite allows 32,766 bound values per statement; the widest roll-up row has 11 columns.
const ROLLUP_ROWS_PER_STATEMENT = 1000;

async function inChunks<R>(rows: readonly R[], upsert: (chunk: R[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += ROLLUP_ROWS_PER_STATEMENT) await upsert(rows.slice(start, start + ROLLUP_ROWS_PER_STATEMENT));
}

/** Adds stored ratings to rating_days, rating_branch_days and rating_reason_days. Run it in the transaction that stored them. */
export async function addRatingRollups(db: Kysely<Database>, ratings: readonly RatingFacts[]): Promise<void> {
  if (ratings.length === 0) return;
  const { days, branchDays, reasonDays } = ratingRollups(ratings);
  await inChunks(days, (chunk) =>
    db
      .insertInto('rating_days')
      .values(chunk)
      .onConflict((oc) => oc.columns(['branch_id', 'day', 'counter_id', 'teller_id']).doUpdateSet(added('rating_days', SCORE_COLUMN_LIST)))
      .execute(),
  );
  await inChunks(branchDays, (chunk) =>
    db
      .insertInto('rating_branch_days')
      .values(chunk)
      .onConflict((oc) => oc.columns(['branch_id', 'day']).doUpdateSet(added('rating_branch_days', SCORE_COLUMN_LIST)))
      .execute(),
  );
  await inChunks(reasonDays, (chunk) =>
    db
      .insertInto('rating_reason_days')
      .values(chunk)
      .onConflict((oc) => oc.columns(['branch_id', 'day', 'counter_id', 'teller_id', 'reason_id']).doUpdateSet(added('rating_reason_days', ['count'])))
      .execute(),
  );
}

/** Adds stored opinions to opinion_days. Run it in the transaction that stored them. */
export async function addOpinionRollups(db: Kysely<Database>, opinions: readonly OpinionFacts[]): Promise<void> {
  await inChunks(opinionRollups(opinions), (chunk) =>
    db
      .insertInto('opinion_days')
      .values(chunk)
      .onConflict((oc) => oc.columns(['branch_id', 'day', 'opinion_kind', 'topic_id']).doUpdateSet(added('opinion_days', ['count', 'with_contact'])))
      .execute(),
  );
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
  await inChunks(groupCaseDays(rows), (chunk) =>
    db
      .insertInto('case_days')
      .values(chunk)
      .onConflict((oc) => oc.columns(['branch_id', 'day', 'channel', 'topic_id']).doUpdateSet(added('case_days', TALLY_COLUMN_LIST)))
      .execute(),
  );
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
export type StoredRows = Database & { stored_ratings: RatingFacts; stored_opinions: OpinionFacts };

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
