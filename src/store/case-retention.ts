import { dueBefore } from '../domain/privacy.ts';
import { foldStoredEvents } from './cases.ts';
import type { BranchVoiceDB } from './db.ts';

/**
 * What a lobby tablet stops keeping of its branch's complaint cases (docs/architecture.md,
 * "The sync protocol", its blankings and the tablet's retention): a signed-off case some days after it last changed, and a case
 * the server blanked (retention or a customer's erasure, pulled by sync/blankings-pull.ts).
 * Never an event still waiting in the outbox: it goes to the server first.
 */

/**
 * The ids of the case events still waiting in the outbox. The outbox has no index by kind;
 * a lobby tablet's is short after a sync (entries, case steps, entries read), so it is read
 * whole, inside the caller's transaction.
 */
async function caseEventsInOutbox(db: BranchVoiceDB): Promise<{ eventIds: Set<string>; caseIds: Set<string> }> {
  const eventIds = new Set<string>();
  const caseIds = new Set<string>();
  await db.outbox.each((row) => {
    if (row.record.kind !== 'case-event') return;
    eventIds.add(row.record.id);
    caseIds.add(row.record.caseId);
  });
  return { eventIds, caseIds };
}

/**
 * Deletes the events of every case this tablet folds as signed off whose last change
 * (`updatedAt`) is more than `days` before `now`, unless one of the case's events is still in
 * the outbox: such a case is kept whole until that event has gone. Events of a case the tablet
 * cannot fold at all (its opening was pruned or blanked here before a later step arrived, or
 * was refused) are shown to no one, and go by the same rule once the newest is that old.
 * Answers the ids of the cases removed. One read-write transaction, so an event written
 * meanwhile is either seen or written after.
 */
export async function pruneClosedCases(db: BranchVoiceDB, now: number, days: number): Promise<string[]> {
  const before = dueBefore(now, days);
  return db.transaction('rw', db.caseEvents, db.outbox, async () => {
    const rows = await db.caseEvents.toArray();
    const { cases } = foldStoredEvents(rows);
    const newest = new Map<string, number>();
    for (const row of rows) newest.set(row.caseId, Math.max(newest.get(row.caseId) ?? 0, row.event.createdAt));
    const due = [...newest].filter(([id, last]) => {
      const known = cases.get(id);
      return known ? known.status === 'signed-off' && known.updatedAt < before : last < before;
    }).map(([id]) => id);
    if (due.length === 0) return [];
    const waiting = (await caseEventsInOutbox(db)).caseIds;
    const gone = due.filter((id) => !waiting.has(id));
    if (gone.length > 0) await db.caseEvents.where('caseId').anyOf(gone).delete();
    return gone;
  });
}

/**
 * Deletes this tablet's copies of the events of cases the server blanked: every copy that has
 * left the outbox (pulled with the server's verdict, or sent and not yet pulled back; one the
 * server refused is in the quarantine, which keeps its own). A copy still waiting in the
 * outbox stays: it is sent first, and is the tablet's only copy. Runs inside the caller's
 * transaction (caseEvents, outbox); answers how many were deleted.
 */
export async function removeBlankedCases(db: BranchVoiceDB, caseIds: readonly string[]): Promise<number> {
  if (caseIds.length === 0) return 0;
  const keys = (await db.caseEvents.where('caseId').anyOf([...caseIds]).primaryKeys()) as string[];
  if (keys.length === 0) return 0;
  const { eventIds } = await caseEventsInOutbox(db);
  const gone = keys.filter((id) => !eventIds.has(id));
  await db.caseEvents.bulkDelete(gone);
  return gone.length;
}
