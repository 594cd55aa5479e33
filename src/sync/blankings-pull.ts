import { BLANKINGS_PAGE_MAX, BlankingsPageSchema } from '../domain/privacy.ts';
import { ok, type Ok } from '../domain/result.ts';
import { removeBlankedCases } from '../store/case-retention.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import type { EnrolledDevice } from '../store/device.ts';
import { getMeta, setMeta } from '../store/meta.ts';
import { requestJson, type HttpFailure, type HttpOptions } from './http.ts';

/**
 * Tells a lobby tablet what the server blanked in its branch (a retention purge, a customer's
 * erasure: GET /api/blankings), page by page from its own cursor (`blankingsCursor`), after
 * the case-event pull of the same run. Each page's deletions and its cursor are kept in one
 * transaction, so a run cut short resumes where the last kept page ended.
 *
 * - `case`: the tablet deletes its copies of that case's events, except those still waiting
 *   in the outbox (store/case-retention.ts). The server's own copies are blanked, so an event
 *   pulled later carries no customer's words either.
 * - `opinion`: nothing to do on the tablet today. An entry is never kept here once sent: its
 *   outbox row is its only copy, gone once the server holds it (store/opinions.ts), and the
 *   daily review reads entries from the server each time (sync/review.ts). An entry the server
 *   refused is in the quarantine, but the server never held it, so never blanks it: it goes
 *   after `quarantineDays` or when staff discard it. The cursor moves past it all the same.
 *
 * Answers how many local events were deleted.
 */
export async function pullBlankings(
  db: BranchVoiceDB,
  http: HttpOptions,
  device: EnrolledDevice,
  { limit = BLANKINGS_PAGE_MAX }: { limit?: number } = {},
): Promise<Ok<number> | HttpFailure> {
  let removed = 0;
  for (;;) {
    const after = (await getMeta(db, 'blankingsCursor')) ?? 0;
    const query = { after: String(after), limit: String(limit) };
    const page = await requestJson(http, '/api/blankings', { method: 'GET', token: device.identity.token, query }, { schema: BlankingsPageSchema, what: 'blankings' });
    if (!page.ok) return page;
    const { blankings, next, more } = page.value;
    const cases = [...new Set(blankings.filter((b) => b.kind === 'case').map((b) => b.id))];
    removed += await db.transaction('rw', db.caseEvents, db.outbox, db.meta, async () => {
      const deleted = await removeBlankedCases(db, cases);
      await setMeta(db, 'blankingsCursor', Math.max(after, next));
      return deleted;
    });
    if (!more || blankings.length === 0) return ok(removed);
  }
}
