import type { Kysely } from 'kysely';
import type { Language } from '../../domain/language.ts';
import type { Opinion, OpinionKind } from '../../domain/opinion.ts';
import { localDayOf } from '../../domain/period.ts';
import { hasContact } from '../../domain/review.ts';
import type { Score } from '../../domain/rating.ts';
import { contentHash } from '../content-hash.ts';
import type { Database, NewOpinionRow, OpinionRow } from '../db/schema.ts';
import { countPushed } from './pushed-records.ts';

/** An opinion as stored: the device's record plus what the server stamped on arrival. */
export type StoredOpinion = Omit<Opinion, 'kind'> & { seq: number; deviceId: string; receivedAt: number };

/**
 * The row for an opinion that arrived from `deviceId` at `receivedAt`. Contact columns are
 * written only when the customer gave contact details; an anonymous entry leaves them null.
 * Its day is the customer's day at the branch (`timeZone`), from the tablet's clock.
 */
export const opinionToRow = (opinion: Opinion, deviceId: string, receivedAt: number, timeZone: string): NewOpinionRow => ({
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
  day: localDayOf(opinion.createdAt, timeZone),
  content_hash: contentHash(opinion),
  had_contact: opinion.contact && hasContact(opinion) ? 1 : 0,
  consent_version: opinion.contact?.consentVersion ?? null,
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
  // Blanked by retention or an erasure: the entry has no contact details any more.
  contact:
    row.consent === null || row.contact_blanked_at !== null
      ? null
      : {
          name: row.contact_name ?? '',
          phone: row.contact_phone ?? '',
          email: row.contact_email ?? '',
          wantsReply: row.wants_reply === 1,
          consent: true,
          ...(row.consent_version === null ? {} : { consentVersion: row.consent_version }),
        },
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

/** The record a device pushed, from what is stored: the server's stamps left out. */
export const storedToOpinion = ({ seq: _seq, deviceId: _deviceId, receivedAt: _receivedAt, ...opinion }: StoredOpinion): Opinion => ({ kind: 'opinion', ...opinion });

/** Which of these ids are opinions of the branch: an entry-read names one the tablet fetched from here. */
export async function opinionIdsOfBranch(db: Kysely<Database>, branchId: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('opinions').select('id').where('branch_id', '=', branchId).where('id', 'in', [...new Set(ids)]).execute();
  return new Set(rows.map((r) => r.id));
}

/** Where a page of the review ends: the last entry's arrival, newest first. */
export type ReviewCursor = { receivedAt: number; seq: number };

/**
 * A branch's entries that may belong in the review, newest first: every entry received
 * since `since`, and every older one received since `openSince` that may still be open: unread, or a complaint, a
 * request for a reply or an entry with contact details whose case is not signed off. Only
 * the fold of a case tells the rest (replied, escalated since), so this is a superset that
 * the review service narrows with entryState; it keeps out what years of closed cases leave.
 */
export async function reviewCandidates(
  db: Kysely<Database>,
  filter: { branchId: string; since: number; openSince: number; before: ReviewCursor | null; limit: number },
): Promise<StoredOpinion[]> {
  const { before } = filter;
  const rows = await db
    .selectFrom('opinions as o')
    .selectAll('o')
    .where('o.branch_id', '=', filter.branchId)
    .where('o.received_at', '>=', Math.min(filter.since, filter.openSince))
    .$if(before !== null, (qb) =>
      qb.where((eb) => eb.or([eb('o.received_at', '<', before!.receivedAt), eb.and([eb('o.received_at', '=', before!.receivedAt), eb('o.seq', '<', before!.seq)])])),
    )
    .where((eb) =>
      eb.or([
        eb('o.received_at', '>=', filter.since),
        eb.not(eb.exists(eb.selectFrom('opinion_reads as r').select('r.id').whereRef('r.opinion_id', '=', 'o.id'))),
        eb.and([
          // needsCase or hasContact (domain/review.ts); NULL contact columns compare as false.
          eb.or([eb('o.opinion_kind', '=', 'complaint'), eb('o.wants_reply', '=', 1), eb('o.contact_phone', '<>', ''), eb('o.contact_email', '<>', '')]),
          // Signed off and not reopened since: after a sign-off only a follow-up or a reopening applies.
          eb.not(
            eb.exists(
              eb
                .selectFrom('case_events as opened')
                .innerJoin('case_events as signed', (join) =>
                  join
                    .onRef('signed.case_id', '=', 'opened.case_id')
                    .onRef('signed.branch_id', '=', 'opened.branch_id')
                    .on('signed.type', '=', 'signed-off')
                    .on('signed.status', '=', 'applied'),
                )
                .select('opened.id')
                .whereRef('opened.opinion_id', '=', 'o.id')
                .whereRef('opened.branch_id', '=', 'o.branch_id')
                .where('opened.type', '=', 'opened')
                .where('opened.status', '=', 'applied')
                .where((inner) =>
                  inner.not(
                    inner.exists(
                      inner
                        .selectFrom('case_events as reopened')
                        .select('reopened.id')
                        .whereRef('reopened.case_id', '=', 'signed.case_id')
                        .whereRef('reopened.branch_id', '=', 'signed.branch_id')
                        .where('reopened.type', '=', 'reopened')
                        .where('reopened.status', '=', 'applied')
                        .whereRef('reopened.seq', '>', 'signed.seq'),
                    ),
                  ),
                ),
            ),
          ),
        ]),
      ]),
    )
    .orderBy('o.received_at', 'desc')
    .orderBy('o.seq', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(opinionRowToStored);
}

/** How many opinions are stored. */
export const countOpinions = (db: Kysely<Database>): Promise<number> => countPushed(db, 'opinions');
