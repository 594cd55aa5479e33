import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { OPINION_KINDS } from '../../domain/opinion.ts';
import { DEFAULT_TOPICS, TopicSchema } from '../../domain/topic.ts';
import type { Database } from '../db/schema.ts';
import { addItem, editItem, insertDefaultItems, setItemOrder, ITEM_CHANGES, LabelsSchema, type ItemEdit, type ItemInput, type ListRules } from './labelled-lists.ts';

// The opinion box's own rule for kinds (domain/topic.ts), with the admin's messages.
const KindsSchema = v.pipe(
  v.array(v.picklist(OPINION_KINDS, 'must be complaint, suggestion, praise or question')),
  v.minLength(1, 'must name at least one of complaint, suggestion, praise or question'),
  v.transform((kinds) => OPINION_KINDS.filter((kind) => kinds.includes(kind))),
);
const TopicChangesSchema = v.object({ kinds: v.optional(KindsSchema), ...ITEM_CHANGES });

/** The opinion box's topics: offered by kinds of entry. */
const TOPICS: ListRules<'topics', v.InferOutput<typeof TopicChangesSchema>> = {
  list: 'topics',
  noun: 'topic',
  input: v.object({ id: TopicSchema.entries.id, kinds: v.optional(KindsSchema, [...OPINION_KINDS]), labels: LabelsSchema }),
  changes: TopicChangesSchema,
  offeredBy: (topic, { kinds }) => ({ ...topic, kinds: kinds ?? topic.kinds }),
  defaults: DEFAULT_TOPICS,
};

export type TopicInput = ItemInput & { kinds?: string[] };
export type TopicEdit = ItemEdit & { kinds?: string[] };

/** The topics a new branch starts with; it is new, so there is no config version to bump. */
export const insertDefaultTopics = (db: Kysely<Database>, branchId: string) => insertDefaultItems(db, TOPICS, branchId);

/** Adds a topic at the end of the branch's opinion-box list and bumps its config version. */
export const addTopic = (db: Kysely<Database>, input: TopicInput) => addItem(db, TOPICS, input);

/** Edits a topic's labels, kinds, place or status, and bumps the config version (editItem). */
export const editTopic = (db: Kysely<Database>, branchId: string, id: string, changes: TopicEdit) => editItem(db, TOPICS, branchId, id, changes);

/** Puts the branch's topics in the order given (every one once) and bumps the config version (setItemOrder). */
export const setTopicOrder = (db: Kysely<Database>, branchId: string, ids: readonly string[]) => setItemOrder(db, TOPICS, branchId, ids);
