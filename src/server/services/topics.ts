import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { OPINION_KINDS } from '../../domain/opinion.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { DEFAULT_TOPICS, TopicSchema, type Topic } from '../../domain/topic.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpConfigVersion, findBranch } from '../repositories/branches.ts';
import { findTopic, insertTopics, listTopics, replaceTopic, type StoredTopic } from '../repositories/topics.ts';
import { branchNotFound, parseInput, type AdminError } from './input.ts';
import { reorder } from './positions.ts';

// The opinion box's own rules (domain/topic.ts), with the admin's messages for labels and kinds.
const LabelSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80, 'is longer than 80 characters'));
const KindsSchema = v.pipe(
  v.array(v.picklist(OPINION_KINDS, 'must be complaint, suggestion, praise or question')),
  v.minLength(1, 'must name at least one of complaint, suggestion, praise or question'),
  v.transform((kinds) => OPINION_KINDS.filter((kind) => kinds.includes(kind))),
);
const LabelsSchema = v.object({ 'zh-Hans': LabelSchema, 'zh-Hant': LabelSchema, en: LabelSchema, es: LabelSchema });
const TopicInputSchema = v.object({
  id: TopicSchema.entries.id,
  kinds: v.optional(KindsSchema, [...OPINION_KINDS]),
  labels: LabelsSchema,
});
const TopicChangesSchema = v.object({
  kinds: v.optional(KindsSchema),
  labels: v.optional(v.partial(LabelsSchema), {}),
  position: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1, 'must be 1 or more'))),
  active: v.optional(v.boolean()),
});

export type TopicInput = { branchId: string; id: string; kinds?: string[]; labels: Record<string, string | undefined> };
export type TopicEdit = { kinds?: string[]; labels?: Record<string, string | undefined>; position?: number; active?: boolean };
export type TopicError = AdminError | 'topic-not-found' | 'topic-exists';

const topicNotFound = (branchId: string, id: string) =>
  err('topic-not-found', `Branch ${branchId} has no topic "${id}"; list them with \`npm run admin -- topics --branch ${branchId}\`.`);

/** The topics a new branch starts with; it is new, so there is no config version to bump. */
export async function insertDefaultTopics(db: Kysely<Database>, branchId: string): Promise<void> {
  await insertTopics(db, DEFAULT_TOPICS.map((topic, i) => ({ ...topic, branchId, position: i + 1, active: true })));
}

/** Adds a topic at the end of the branch's list and bumps its config version. */
export async function addTopic(db: Kysely<Database>, input: TopicInput): Promise<Result<StoredTopic, TopicError>> {
  const parsed = parseInput(TopicInputSchema, input);
  if (!parsed.ok) return parsed;
  return inTransaction(db, async (trx) => {
    if (!(await findBranch(trx, input.branchId))) return branchNotFound(input.branchId);
    const existing = await listTopics(trx, { branchId: input.branchId });
    if (existing.some((t) => t.id === parsed.value.id)) {
      return err('topic-exists', `Branch ${input.branchId} already has a topic "${parsed.value.id}"; change it with \`npm run admin -- topic:set\`.`);
    }
    const topic: StoredTopic = { ...parsed.value, branchId: input.branchId, position: existing.length + 1, active: true };
    await insertTopics(trx, [topic]);
    await bumpConfigVersion(trx, input.branchId);
    return ok(topic);
  });
}

/**
 * Edits a topic's labels, kinds, place or status, and bumps the config version. A new
 * position moves the topic there and renumbers the branch's list 1, 2, 3…; an inactive
 * topic keeps its place, and stays known to ingest for entries written before the change.
 */
export async function editTopic(
  db: Kysely<Database>,
  branchId: string,
  id: string,
  changes: TopicEdit,
): Promise<Result<StoredTopic, TopicError>> {
  const parsed = parseInput(TopicChangesSchema, changes);
  if (!parsed.ok) return parsed;
  const { kinds, labels, position, active } = parsed.value;
  const labelChanges = Object.fromEntries(Object.entries(labels).filter(([, label]) => label !== undefined)) as Partial<Topic['labels']>;
  if (kinds === undefined && position === undefined && active === undefined && Object.keys(labelChanges).length === 0) {
    return err('invalid-input', 'Nothing to change: give a new label, kinds, position or active.');
  }
  return inTransaction(db, async (trx) => {
    const list = await listTopics(trx, { branchId });
    const current = list.find((t) => t.id === id);
    if (!current) return (await findBranch(trx, branchId)) ? topicNotFound(branchId, id) : branchNotFound(branchId);
    const edited: StoredTopic = {
      ...current,
      kinds: kinds ?? current.kinds,
      labels: { ...current.labels, ...labelChanges },
      active: active ?? current.active,
    };
    const before = new Map(list.map((t) => [t.id, t.position]));
    for (const topic of reorder(list, edited, position ?? current.position)) {
      if (topic.id === id || topic.position !== before.get(topic.id)) await replaceTopic(trx, topic);
    }
    await bumpConfigVersion(trx, branchId);
    const stored = await findTopic(trx, branchId, id);
    return stored ? ok(stored) : topicNotFound(branchId, id);
  });
}
