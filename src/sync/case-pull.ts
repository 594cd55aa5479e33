import { ok, type Ok } from '../domain/result.ts';
import { CASE_EVENTS_PAGE_DEFAULT, CaseEventsPageSchema } from '../domain/wire.ts';
import { savePulledCaseEvents } from '../store/cases.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import type { EnrolledDevice } from '../store/device.ts';
import { getMeta, setMeta } from '../store/meta.ts';
import { requestJson, type HttpFailure, type HttpOptions } from './http.ts';

/**
 * Brings a lobby tablet its branch's case events, page by page from the cursor kept in
 * IndexedDB. Each page is kept with its cursor in one transaction, so a run cut short
 * resumes where the last kept page ended and never skips or doubles one.
 */
export async function pullCaseEvents(db: BranchVoiceDB, http: HttpOptions, device: EnrolledDevice): Promise<Ok<number> | HttpFailure> {
  let pulled = 0;
  for (;;) {
    const after = (await getMeta(db, 'caseCursor')) ?? 0;
    const query = { after: String(after), limit: String(CASE_EVENTS_PAGE_DEFAULT) };
    const page = await requestJson(http, '/api/case-events', { method: 'GET', token: device.identity.token, query }, { schema: CaseEventsPageSchema, what: 'case events' });
    if (!page.ok) return page;
    const { events, next, more } = page.value;
    await db.transaction('rw', db.caseEvents, db.meta, async () => {
      await savePulledCaseEvents(db, events);
      await setMeta(db, 'caseCursor', Math.max(after, next));
    });
    pulled += events.length;
    if (!more || events.length === 0) return ok(pulled);
  }
}
