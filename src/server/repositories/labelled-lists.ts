import type { Kysely } from 'kysely';
import type { Reason } from '../../domain/reason.ts';
import type { Topic } from '../../domain/topic.ts';
import type { Database } from '../db/schema.ts';

/**
 * A branch's ordered lists of labelled items that its tablets offer: the reasons asked after
 * a neutral or dissatisfied rating, and the opinion box's topics. Each item has labels in
 * every product language, a 1-based place and an active flag, and names the choices that
 * offer it (a reason's scores, a topic's kinds); the lists differ in nothing else, so they
 * are stored and read by the same code.
 */
export type ListTable = 'reasons' | 'topics';

/** The domain's entry of each list. */
type EntryOf = { reasons: Reason; topics: Topic };

/** The field of each list's entries (and its column, as JSON) that names the choices offering it. */
export const OFFERED_BY = { reasons: 'scores', topics: 'kinds' } as const satisfies { [L in ListTable]: keyof EntryOf[L] & keyof Database[L] };

/** An item as the server keeps it: the list's entry plus branch, order and status. */
export type ListedItem<L extends ListTable> = EntryOf[L] & { id: string; branchId: string; position: number; active: boolean };

/** The row of either list, the column that differs read by OFFERED_BY. */
type ListRow = { branch_id: string; id: string; labels: string; position: number; active: number } & Partial<Record<'scores' | 'kinds', string>>;

const commonOf = (row: ListRow) => ({
  branchId: row.branch_id,
  id: row.id,
  labels: JSON.parse(row.labels) as Reason['labels'],
  position: row.position,
  active: row.active === 1,
});

/** Maps a row to an item; its JSON was written from a checked entry. */
const ROW_TO_ITEM: { [L in ListTable]: (row: ListRow) => ListedItem<L> } = {
  reasons: (row) => ({ ...commonOf(row), scores: JSON.parse(row.scores!) as Reason['scores'] }),
  topics: (row) => ({ ...commonOf(row), kinds: JSON.parse(row.kinds!) as Topic['kinds'] }),
};

const rowToItem = <L extends ListTable>(list: L, row: ListRow): ListedItem<L> => ROW_TO_ITEM[list](row);

function itemToRow<L extends ListTable>(list: L, item: ListedItem<L>): ListRow {
  const offered = OFFERED_BY[list];
  return {
    branch_id: item.branchId,
    id: item.id,
    [offered]: JSON.stringify((item as Record<typeof offered, readonly string[]>)[offered]),
    labels: JSON.stringify(item.labels),
    position: item.position,
    active: item.active ? 1 : 0,
  };
}

/** A list's items of one branch, or of all, in each branch's order; active ones only when asked. */
export async function listItems<L extends ListTable>(
  db: Kysely<Database>,
  list: L,
  filter: { branchId?: string; activeOnly?: boolean } = {},
): Promise<ListedItem<L>[]> {
  let query = db.selectFrom(list as ListTable).selectAll();
  if (filter.branchId !== undefined) query = query.where('branch_id', '=', filter.branchId);
  if (filter.activeOnly) query = query.where('active', '=', 1);
  const rows = await query.orderBy('branch_id').orderBy('position').orderBy('id').execute();
  return rows.map((row) => rowToItem(list, row));
}

/** One item of a branch's list. */
export async function findItem<L extends ListTable>(db: Kysely<Database>, list: L, branchId: string, id: string): Promise<ListedItem<L> | undefined> {
  const row = await db
    .selectFrom(list as ListTable)
    .selectAll()
    .where('branch_id', '=', branchId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && rowToItem(list, row);
}

/** Stores items in one statement; the caller bumps the config version when the branch is not new. */
export async function insertItems<L extends ListTable>(db: Kysely<Database>, list: L, items: readonly ListedItem<L>[]): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map((item) => itemToRow(list, item));
  // Each list's rows have its own column (OFFERED_BY) and not the other's.
  if (list === 'reasons') await db.insertInto('reasons').values(rows.map(({ kinds: _, ...row }) => ({ ...row, scores: row.scores! }))).execute();
  else await db.insertInto('topics').values(rows.map(({ scores: _, ...row }) => ({ ...row, kinds: row.kinds! }))).execute();
}

/** Writes an item's every column over the stored one. */
export async function replaceItem<L extends ListTable>(db: Kysely<Database>, list: L, item: ListedItem<L>): Promise<void> {
  const { branch_id, id, ...columns } = itemToRow(list, item);
  await db
    .updateTable(list as ListTable)
    .set(columns)
    .where('branch_id', '=', branch_id)
    .where('id', '=', id)
    .execute();
}

/**
 * The ids of every item of a branch's list, active or not: a record made offline just before
 * the admin switched its item off (an entry about a topic) is still about that item, and must be accepted.
 */
export async function itemIdsOfBranch(db: Kysely<Database>, list: ListTable, branchId: string): Promise<Set<string>> {
  const rows = await db.selectFrom(list).select('id').where('branch_id', '=', branchId).execute();
  return new Set(rows.map((r) => r.id));
}

/** What offers an item: a reason's scores, a topic's kinds. */
export const offeredOf = (item: ListedItem<ListTable>): readonly string[] => ('scores' in item ? item.scores : item.kinds);
