import * as v from 'valibot';
import type { CaseStatus, StaffRole } from './case.ts';
import { AttestationSchema } from './attestation.ts';
import { EpochMsSchema, IdSchema, RecordIdSchema } from './ids.ts';
import { OpinionSchema, type Opinion } from './opinion.ts';

/**
 * The complaint manager's daily review of the opinion box (seed 002 第十條): every
 * entry is marked read; complaints and entries whose customer wants a reply become cases; an
 * entry with contact details is not closed until its case has a reply.
 */

/** Who reads the opinion box and sees customers' contact details. */
export const REVIEW_ROLES = ['complaint-manager', 'branch-manager'] as const satisfies readonly StaffRole[];
export type ReviewRole = (typeof REVIEW_ROLES)[number];
export const canReview = (role: string): role is ReviewRole => (REVIEW_ROLES as readonly string[]).includes(role);

/** "I have read this entry": a record made on the tablet, through the outbox like any other. */
export const EntryReadSchema = v.strictObject({
  kind: v.literal('entry-read'),
  id: RecordIdSchema,
  opinionId: RecordIdSchema,
  branchId: IdSchema,
  staffId: IdSchema,
  role: v.picklist(REVIEW_ROLES),
  createdAt: EpochMsSchema,
  /** Reading customers' contact details needs a session the server checked (attestation.ts). */
  attestation: v.optional(AttestationSchema),
});
export type EntryRead = v.InferOutput<typeof EntryReadSchema>;

/** An entry as the review shows it: the customer's words and contact, and who read it first. */
export const ReviewEntrySchema = v.object({
  opinion: OpinionSchema,
  /** When the server received it: the review's day is the day it arrived. */
  receivedAt: EpochMsSchema,
  readAt: v.nullable(EpochMsSchema),
  readByStaffId: v.nullable(IdSchema),
});
export type ReviewEntry = v.InferOutput<typeof ReviewEntrySchema>;

/**
 * GET /api/review?since=<ms>: the branch's entries received since `since` (at most a week
 * back) and every older one not closed yet (at most a quarter back), newest first. Only a
 * lobby tablet may ask, and only for a complaint or branch manager signed in on it with their
 * PIN checked by the server (a staff session): contact details never go to a counter, to a
 * tablet on its own, or to lobby staff.
 */
export const ReviewPageSchema = v.object({ entries: v.array(ReviewEntrySchema) });
export type ReviewPage = v.InferOutput<typeof ReviewPageSchema>;
/** The most entries one review answer carries. */
export const REVIEW_MAX_ENTRIES = 500;

const DAY = 86_400_000;
/**
 * How far back the review reaches: entries received in the last week (whatever their state),
 * and older ones still open for a quarter. Customers' contact details leave the server only
 * for what the review roles need now, never a branch's whole history.
 */
export const REVIEW_RECENT_MS = 7 * DAY;
export const REVIEW_OPEN_MS = 92 * DAY;

/** Complaints, and entries whose customer asked for a reply, are handled as cases. */
export const needsCase = (opinion: Opinion): boolean => opinion.opinionKind === 'complaint' || opinion.contact?.wantsReply === true;

/** The customer left a way to reach them: the entry cannot close without a reply. */
export const hasContact = (opinion: { contact: Pick<NonNullable<Opinion['contact']>, 'phone' | 'email'> | null }): boolean =>
  Boolean(opinion.contact && (opinion.contact.phone || opinion.contact.email));

// How far along a case is; of two cases opened from one entry (two tablets offline), the one
// further along speaks for the entry: the customer has had a reply if either replied.
const PROGRESS: Record<CaseStatus, number> = { open: 0, escalated: 1, replied: 2, 'signed-off': 3 };

/** The status that speaks for an entry among those of the cases opened from it; null without a case. */
export function entryCaseStatus(statuses: Iterable<CaseStatus>): CaseStatus | null {
  let furthest: CaseStatus | null = null;
  for (const status of statuses) if (furthest === null || PROGRESS[status] > PROGRESS[furthest]) furthest = status;
  return furthest;
}

/**
 * Where an entry stands in the review: unread; read but still needing its case; waiting for
 * the reply its contact details call for; closed.
 */
export type EntryState = 'unread' | 'needs-case' | 'awaiting-reply' | 'closed';

export function entryState(opinion: Opinion, read: boolean, caseStatus: CaseStatus | null): EntryState {
  if (!read) return 'unread';
  if (needsCase(opinion) && caseStatus === null) return 'needs-case';
  if (hasContact(opinion) && caseStatus !== 'replied' && caseStatus !== 'signed-off') return 'awaiting-reply';
  return 'closed';
}
