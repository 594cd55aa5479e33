import type { Kysely } from 'kysely';
import type { Topic } from '../../domain/topic.ts';
import type { Database, TopicRow } from '../db/schema.ts';

/** A topic as the server keeps it: the opinion box's entry plus branch, order and status. */
export type StoredTopic = Topic & { branchId: string; position: number; active: boolean };

/** Maps a row to a topic; its JSON was written from a checked Topic. */
export const topicRowToTopic = (row: TopicRow): StoredTopic => ({
  branchId: row.branch_id,
  id: row.id,
  kinds: JSON.parse(row.kinds) as Topic['kinds'],
  labels: JSON.parse(row.labels) as Topic['labels'],
  position: row.position,
  active: row.active === 1,
});

const topicToRow = (topic: StoredTopic): TopicRow => ({
  branch_id: topic.branchId,
  id: topic.id,
  kinds: JSON.stringify(topic.kinds),
  labels: JSON.stringify(topic.labels),
  position: topic.position,
  active: topic.active ? 1 : 0,
});

/** Topics of one branch, or of all, in each branch's order; active ones only when asked. */
export async function listTopics(
  db: Kysely<Database>,
  filter: { branchId?: string; activeOnly?: boolean } = {},
): Promise<StoredTopic[]> {
  let query = db.selectFrom('topics').selectAll();
  if (filter.branchId !== undefined) query = query.where('branch_id', '=', filter.branchId);
  if (filter.activeOnly) query = query.where('active', '=', 1);
  const rows = await query.orderBy('branch_id').orderBy('position').orderBy('id').execute();
  return rows.map(topicRowToTopic);
}

export async function findTopic(db: Kysely<Database>, branchId: string, id: string): Promise<StoredTopic | undefined> {
  const row = await db.selectFrom('topics').selectAll().where('branch_id', '=', branchId).where('id', '=', id).executeTakeFirst();
  return row && topicRowToTopic(row);
}

/**
 * The ids of every topic of a branch, active or not: an entry written offline just before
 * the admin switched its topic off is still about that topic, and must be accepted.
 */
export async function topicIdsOfBranch(db: Kysely<Database>, branchId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('topics').select('id').where('branch_id', '=', branchId).execute();
  return new Set(rows.map((r) => r.id));
}

/** Stores topics in one statement; the caller bumps the config version when the branch is not new. */
export async function insertTopics(db: Kysely<Database>, topics: readonly StoredTopic[]): Promise<void> {
  if (topics.length > 0) await db.insertInto('topics').values(topics.map(topicToRow)).execute();
}

/** Writes a topic's every column over the stored one. */
export async function replaceTopic(db: Kysely<Database>, topic: StoredTopic): Promise<void> {
  const { branch_id, id, ...columns } = topicToRow(topic);
  await db.updateTable('topics').set(columns).where('branch_id', '=', branch_id).where('id', '=', id).execute();
}
