import type { Kysely } from 'kysely';
import { foldCases, type CaseStatus } from '../../domain/case.ts';
import { entryCaseStatus, entryState, REVIEW_MAX_ENTRIES, REVIEW_OPEN_MS, REVIEW_RECENT_MS, type ReviewEntry, type ReviewPage } from '../../domain/review.ts';
import type { Database } from '../db/schema.ts';
import { appliedEventsOfCases, casesOpenedFrom } from '../repositories/case-events.ts';
import { firstReadsOf } from '../repositories/opinion-reads.ts';
import { reviewCandidates, storedToOpinion, type ReviewCursor, type StoredOpinion } from '../repositories/opinions.ts';

/**
 * The daily review of a branch's opinion box (domain/review.ts): the entries received since
 * `asked` (at most REVIEW_RECENT_MS before `now`), and every older one not closed yet
 * received in the last REVIEW_OPEN_MS, newest first, at most REVIEW_MAX_ENTRIES. The
 * database narrows the older entries to those that may be open; the fold of each one's case
 * decides, so the server and the tablets judge an entry by the same entryState. `max` is
 * there for tests of the paging; the route leaves it at REVIEW_MAX_ENTRIES.
 */
export async function reviewOf(db: Kysely<Database>, branchId: string, asked: number, now: number, max = REVIEW_MAX_ENTRIES): Promise<ReviewPage> {
  const since = Math.max(asked, now - REVIEW_RECENT_MS);
  const openSince = now - REVIEW_OPEN_MS;
  const entries: ReviewEntry[] = [];
  let before: ReviewCursor | null = null;
  // Candidates come a page at a time: some older ones turn out closed, and the answer must
  // still be the newest `max` open ones.
  for (;;) {
    const page = await reviewCandidates(db, { branchId, since, openSince, before, limit: max });
    const ids = page.map((o) => o.id);
    const [reads, statuses] = await Promise.all([firstReadsOf(db, ids), caseStatusesOf(db, branchId, ids)]);
    for (const stored of page) {
      const read = reads.get(stored.id) ?? null;
      const opinion = storedToOpinion(stored);
      if (stored.receivedAt < since && entryState(opinion, read !== null, statuses.get(stored.id) ?? null) === 'closed') continue;
      entries.push({ opinion, receivedAt: stored.receivedAt, readAt: read?.readAt ?? null, readByStaffId: read?.readByStaffId ?? null });
      if (entries.length === max) return { entries };
    }
    const last: StoredOpinion | undefined = page.at(-1);
    if (page.length < max || !last) return { entries };
    before = { receivedAt: last.receivedAt, seq: last.seq };
  }
}

/**
 * The status of the case opened from each of these entries, by entry id; entries without a
 * case are absent. Only the branch's own events are folded: a case is never made of two branches'.
 */
async function caseStatusesOf(db: Kysely<Database>, branchId: string, opinionIds: readonly string[]): Promise<Map<string, CaseStatus>> {
  const opened = await casesOpenedFrom(db, branchId, opinionIds);
  const { cases } = foldCases(await appliedEventsOfCases(db, opened.map((o) => o.caseId), { branchId }));
  const statuses = new Map<string, CaseStatus>();
  for (const { caseId, opinionId } of opened) {
    const status = cases.get(caseId)?.status;
    if (status === undefined) continue;
    const current = statuses.get(opinionId);
    statuses.set(opinionId, entryCaseStatus(current === undefined ? [status] : [current, status])!);
  }
  return statuses;
}
