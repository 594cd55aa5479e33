import type { Kysely } from 'kysely';
import type { Language } from '../../domain/language.ts';
import type { Opinion, OpinionKind } from '../../domain/opinion.ts';
import type { Score } from '../../domain/rating.ts';
import type { Database, NewOpinionRow, OpinionRow } from '../db/schema.ts';
import { countPushed } from './pushed-records.ts';

/** An opinion as stored: the device's record plus what the server stamped on arrival. */
export type StoredOpinion = Omit<Opinion, 'kind'> & { seq: number; deviceId: string; receivedAt: number };

/**
 * The row for an opinion that arrived from `deviceId` at `receivedAt`. Contact columns are
 * written only when the customer gave contact details; an anonymous entry leaves them null.
 */
export const opinionToRow = (opinion: Opinion, deviceId: string, receivedAt: number): NewOpinionRow => ({
  id: opinion.id,
  branch_id: opinion.branchId,
  device_id: deviceId,
  opinion_kind: opinion.opinionKind,
  topic_id: opinion.topicId,
  text: opinion.text,
  visit_score: opinion.visit?.score ?? null,
  visit_counter_id: opinion.visit?.counterId ?? null,
  visit_teller_id: opinion.visit?.tellerId ?? null,
  contact_name: opinion.contact?.name ?? null,
  contact_phone: opinion.contact?.phone ?? null,
  contact_email: opinion.contact?.email ?? null,
  wants_reply: opinion.contact ? (opinion.contact.wantsReply ? 1 : 0) : null,
  consent: opinion.contact ? 1 : null,
  reference_code: opinion.referenceCode,
  language: opinion.language,
  created_at: opinion.createdAt,
  received_at: receivedAt,
});

/** Maps a row back to the record it was, plus the server's stamps. */
export const opinionRowToStored = (row: OpinionRow): StoredOpinion => ({
  id: row.id,
  seq: row.seq,
  branchId: row.branch_id,
  deviceId: row.device_id,
  opinionKind: row.opinion_kind as OpinionKind,
  topicId: row.topic_id,
  text: row.text,
  // A visit with every part left out is stored as no visit: the columns cannot tell them apart.
  visit:
    row.visit_score === null && row.visit_counter_id === null && row.visit_teller_id === null
      ? null
      : { score: row.visit_score as Score | null, counterId: row.visit_counter_id, tellerId: row.visit_teller_id },
  contact:
    row.consent === null
      ? null
      : { name: row.contact_name ?? '', phone: row.contact_phone ?? '', email: row.contact_email ?? '', wantsReply: row.wants_reply === 1, consent: true },
  referenceCode: row.reference_code,
  language: row.language as Language,
  createdAt: row.created_at,
  receivedAt: row.received_at,
});

/** The latest opinions by arrival order, newest first; of one branch when asked. */
export async function latestOpinions(db: Kysely<Database>, filter: { branchId?: string; limit: number }): Promise<StoredOpinion[]> {
  let query = db.selectFrom('opinions').selectAll();
  if (filter.branchId !== undefined) query = query.where('branch_id', '=', filter.branchId);
  const rows = await query.orderBy('seq', 'desc').limit(filter.limit).execute();
  return rows.map(opinionRowToStored);
}

/** How many opinions are stored. */
export const countOpinions = (db: Kysely<Database>): Promise<number> => countPushed(db, 'opinions');
