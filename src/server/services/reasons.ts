import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { DEFAULT_REASONS, REASON_SCORES, ReasonSchema } from '../../domain/reason.ts';
import type { Database } from '../db/schema.ts';
import { addItem, editItem, insertDefaultItems, setItemOrder, ITEM_CHANGES, LabelsSchema, type ItemEdit, type ItemInput, type ListRules } from './labelled-lists.ts';

// The roster's own rule for scores (domain/reason.ts), with the admin's messages.
const ScoresSchema = v.pipe(
  v.array(v.picklist(REASON_SCORES, 'must be neutral or dissatisfied')),
  v.minLength(1, 'must name neutral, dissatisfied or both'),
  v.transform((scores) => REASON_SCORES.filter((score) => scores.includes(score))),
);
const ReasonChangesSchema = v.object({ scores: v.optional(ScoresSchema), ...ITEM_CHANGES });

/** The reasons asked after a neutral or dissatisfied rating: offered by scores. */
const REASONS: ListRules<'reasons', v.InferOutput<typeof ReasonChangesSchema>> = {
  list: 'reasons',
  noun: 'reason',
  input: v.object({ id: ReasonSchema.entries.id, scores: v.optional(ScoresSchema, [...REASON_SCORES]), labels: LabelsSchema }),
  changes: ReasonChangesSchema,
  offeredBy: (reason, { scores }) => ({ ...reason, scores: scores ?? reason.scores }),
  defaults: DEFAULT_REASONS,
};

export type ReasonInput = ItemInput & { scores?: string[] };
export type ReasonEdit = ItemEdit & { scores?: string[] };

/** The reasons a new branch starts with; it is new, so there is no config version to bump. */
export const insertDefaultReasons = (db: Kysely<Database>, branchId: string) => insertDefaultItems(db, REASONS, branchId);

/** Adds a reason at the end of the branch's list and bumps its config version. */
export const addReason = (db: Kysely<Database>, input: ReasonInput) => addItem(db, REASONS, input);

/** Edits a reason's labels, scores, place or status, and bumps the config version (editItem). */
export const editReason = (db: Kysely<Database>, branchId: string, id: string, changes: ReasonEdit) => editItem(db, REASONS, branchId, id, changes);

/** Puts the branch's reasons in the order given (every one once) and bumps the config version (setItemOrder). */
export const setReasonOrder = (db: Kysely<Database>, branchId: string, ids: readonly string[]) => setItemOrder(db, REASONS, branchId, ids);
