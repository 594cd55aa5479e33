import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { Language } from '../../domain/language.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpConfigVersion, findBranch } from '../repositories/branches.ts';
import { findItem, insertItems, listItems, OFFERED_BY, replaceItem, type ListedItem, type ListTable } from '../repositories/labelled-lists.ts';
import { branchNotFound, parseInput, type AdminError } from './input.ts';
import { reorder } from './positions.ts';

/**
 * The admin's side of a branch's ordered, labelled lists (repositories/labelled-lists.ts):
 * the reasons and the topics are added, relabelled, moved and switched off alike. Each list
 * gives only what is its own: its name, the rule for what offers an item, and its defaults.
 */

// The domain's rules for labels, with the admin's messages.
const LabelSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80, 'is longer than 80 characters'));
/** Labels in every product language, each checked with the admin's messages. */
export const LabelsSchema = v.object({ 'zh-Hans': LabelSchema, 'zh-Hant': LabelSchema, en: LabelSchema, es: LabelSchema });
/** What an edit of any list's item may change besides what offers it. */
export const ITEM_CHANGES = {
  labels: v.optional(v.partial(LabelsSchema), {}),
  position: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'must be 1 or more'))),
  active: v.optional(v.boolean()),
};

/** An edit as checked: new labels (some languages or none), place and status, and the list's own changes. */
type CheckedChanges = { labels: Partial<Record<Language, string | undefined>>; position?: number; active?: boolean };

/** One list as the admin handles it. */
export type ListRules<L extends ListTable, C extends CheckedChanges> = {
  list: L;
  /** How messages name one item: "reason", "topic". */
  noun: 'reason' | 'topic';
  /** A new item: its id, labels and what offers it (with the default when not given). */
  input: v.GenericSchema<unknown, Omit<ListedItem<L>, 'branchId' | 'position' | 'active'>>;
  /** An edit: ITEM_CHANGES and what offers the item. */
  changes: v.GenericSchema<unknown, C>;
  /** The item with what offers it changed, when the edit changes it. */
  offeredBy(item: ListedItem<L>, changes: C): ListedItem<L>;
  /** The items a new branch starts with. */
  defaults: readonly Omit<ListedItem<L>, 'branchId' | 'position' | 'active'>[];
};

export type ItemInput = { branchId: string; id: string; labels: Record<string, string | undefined> };
export type ItemEdit = { labels?: Record<string, string | undefined>; position?: number; active?: boolean };
export type ListError<N extends string> = AdminError | `${N}-not-found` | `${N}-exists`;

const notFound = <N extends string>(noun: N, list: string, branchId: string, id: string) =>
  err(`${noun}-not-found` as const, `Branch ${branchId} has no ${noun} "${id}"; list them with \`npm run admin -- ${list} --branch ${branchId}\`.`);

/** The items a new branch starts with; it is new, so there is no config version to bump. */
export async function insertDefaultItems<L extends ListTable, C extends CheckedChanges>(db: Kysely<Database>, rules: ListRules<L, C>, branchId: string): Promise<void> {
  await insertItems(
    db,
    rules.list,
    rules.defaults.map((entry, i) => ({ ...entry, branchId, position: i + 1, active: true }) as ListedItem<L>),
  );
}

/** Adds an item at the end of the branch's list and bumps its config version. */
export async function addItem<L extends ListTable, C extends CheckedChanges>(
  db: Kysely<Database>,
  rules: ListRules<L, C>,
  input: ItemInput,
): Promise<Result<ListedItem<L>, ListError<ListRules<L, C>['noun']>>> {
  const parsed = parseInput(rules.input, input);
  if (!parsed.ok) return parsed;
  return inTransaction(db, async (trx) => {
    if (!(await findBranch(trx, input.branchId))) return branchNotFound(input.branchId);
    const existing = await listItems(trx, rules.list, { branchId: input.branchId });
    if (existing.some((item) => item.id === parsed.value.id)) {
      return err(
        `${rules.noun}-exists` as const,
        `Branch ${input.branchId} already has a ${rules.noun} "${parsed.value.id}"; change it with \`npm run admin -- ${rules.noun}:set\`.`,
      );
    }
    const item = { ...parsed.value, branchId: input.branchId, position: existing.length + 1, active: true } as ListedItem<L>;
    await insertItems(trx, rules.list, [item]);
    await bumpConfigVersion(trx, input.branchId);
    return ok(item);
  });
}

/**
 * Edits an item's labels, what offers it, its place or status, and bumps the config version.
 * A new position moves the item there and renumbers the branch's list 1, 2, 3…; an inactive
 * item keeps its place, so switching it back on puts it where it was, and stays known to
 * ingest for records made before the change.
 */
export async function editItem<L extends ListTable, C extends CheckedChanges>(
  db: Kysely<Database>,
  rules: ListRules<L, C>,
  branchId: string,
  id: string,
  changes: ItemEdit,
): Promise<Result<ListedItem<L>, ListError<ListRules<L, C>['noun']>>> {
  const parsed = parseInput(rules.changes, changes);
  if (!parsed.ok) return parsed;
  const { labels, position, active } = parsed.value;
  const offered = OFFERED_BY[rules.list];
  const labelChanges = Object.fromEntries(Object.entries(labels).filter(([, label]) => label !== undefined));
  if ((parsed.value as Record<string, unknown>)[offered] === undefined && position === undefined && active === undefined && Object.keys(labelChanges).length === 0) {
    return err('invalid-input', `Nothing to change: give a new label, ${offered}, position or active.`);
  }
  const list = `${rules.noun}s`;
  return inTransaction(db, async (trx) => {
    const items = await listItems(trx, rules.list, { branchId });
    const current = items.find((item) => item.id === id);
    if (!current) return (await findBranch(trx, branchId)) ? notFound(rules.noun, list, branchId, id) : branchNotFound(branchId);
    const edited = { ...rules.offeredBy(current, parsed.value), labels: { ...current.labels, ...labelChanges }, active: active ?? current.active };
    const before = new Map(items.map((item) => [item.id, item.position]));
    for (const item of reorder(items, edited, position ?? current.position)) {
      if (item.id === id || item.position !== before.get(item.id)) await replaceItem(trx, rules.list, item);
    }
    await bumpConfigVersion(trx, branchId);
    const stored = await findItem(trx, rules.list, branchId, id);
    return stored ? ok(stored) : notFound(rules.noun, list, branchId, id);
  });
}

/**
 * Puts a branch's whole list in the order given (every item once, active or not) and bumps
 * the config version once. The whole order, not a move, so that an admin who was looking at an
 * older list is refused rather than moving another item than the one they meant.
 */
export async function setItemOrder<L extends ListTable, C extends CheckedChanges>(
  db: Kysely<Database>,
  rules: ListRules<L, C>,
  branchId: string,
  ids: readonly string[],
): Promise<Result<ListedItem<L>[], ListError<ListRules<L, C>['noun']>>> {
  return inTransaction(db, async (trx) => {
    const items = await listItems(trx, rules.list, { branchId });
    if (items.length === 0 && !(await findBranch(trx, branchId))) return branchNotFound(branchId);
    const known = new Map(items.map((item) => [item.id, item]));
    if (ids.length !== items.length || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
      return err('invalid-input', `ids: must name each of the branch's ${items.length} ${rules.noun}s once; the list has changed since it was read.`);
    }
    for (const [i, id] of ids.entries()) {
      const item = known.get(id)!;
      if (item.position !== i + 1) await replaceItem(trx, rules.list, { ...item, position: i + 1 });
    }
    await bumpConfigVersion(trx, branchId);
    return ok(await listItems(trx, rules.list, { branchId }));
  });
}
