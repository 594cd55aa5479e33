import type { Kysely } from 'kysely';
import type { Attested } from '../../domain/attestation.ts';
import { applyAttestedCaseEvent, foldCases, type CaseEvent, type ComplaintCase } from '../../domain/case.ts';
import { caseTally, tallyDelta } from '../../domain/metrics.ts';
import { CASE_EVENTS_PAGE_DEFAULT, CASE_EVENTS_PAGE_MAX, type CaseEventsPage } from '../../domain/wire.ts';
import type { Database, NewCaseEventRow } from '../db/schema.ts';
import {
  appliedEventsOfCases,
  caseEventsAfter,
  caseEventToRow,
  insertCaseEventRows,
  lockCaseEvents,
  storedCaseEventIds,
} from '../repositories/case-events.ts';
import { addCaseDays, caseDayRow, complaintCaseRow, topicOfCase, topicsOfEntries, upsertComplaintCases } from '../repositories/rollups.ts';

/** A case event with what the server made of its maker's check. */
export type AttestedCaseEvent = { event: CaseEvent; attested: Attested };

/**
 * Stores a push's accepted case events in arrival order, each with what the state machine
 * made of it. Run it inside the push's transaction: the fold read here and the rows written
 * must be one step, or two devices pushing to one case at once could both fold a case that
 * no longer is (a reply and a sign-off both applied against "replied"). On PostgreSQL the
 * locks serialize those pushes; on SQLite BEGIN IMMEDIATE already does.
 *
 * A refused event is stored too: it is shown to staff with its reason, nothing is dropped.
 * Every case an applied event changed is projected for the reports in the same transaction
 * (projectCases); `timeZone` is the branch's, for the day a case was opened.
 */
export async function storeCaseEvents(
  trx: Kysely<Database>,
  branchId: string,
  events: readonly AttestedCaseEvent[],
  deviceId: string,
  receivedAt: number,
  timeZone: string,
): Promise<void> {
  if (events.length === 0) return;
  await lockCaseEvents(trx, branchId, events.map((e) => e.event.caseId));
  const stored = await storedCaseEventIds(trx, events.map((e) => e.event.id));
  // Once per id, in the order sent: the batch again, or an event twice in one batch, is stored once.
  const seen = new Set(stored);
  const fresh: AttestedCaseEvent[] = [];
  for (const attested of events) {
    if (seen.has(attested.event.id)) continue;
    seen.add(attested.event.id);
    fresh.push(attested);
  }
  const { cases } = foldCases(await appliedEventsOfCases(trx, fresh.map((e) => e.event.caseId)));
  // applyCaseEvent makes a new case on every applied event, so a case changed when its object did.
  const before = new Map(cases);
  const rows: NewCaseEventRow[] = fresh.map(({ event, attested }) => {
    const step = applyAttestedCaseEvent(cases.get(event.caseId), event, attested.kind);
    if (!step.ok) return caseEventToRow(event, deviceId, receivedAt, { status: 'refused', reason: step.reason, message: step.message }, attested);
    cases.set(event.caseId, step.case);
    return caseEventToRow(event, deviceId, receivedAt, { status: 'applied' }, attested);
  });
  await insertCaseEventRows(trx, rows);
  await projectCases(trx, branchId, before, cases, timeZone);
}

/**
 * Keeps the reports' view of cases (decision 0009): each case of `after` that differs from
 * `before` replaces its complaint_cases row, and the change of its tally is added to
 * case_days under the day it was opened, its channel and its topic, none of which an event
 * changes. From an empty `before`, it projects `after` whole: the rebuild uses it so.
 */
export async function projectCases(
  trx: Kysely<Database>,
  branchId: string,
  before: ReadonlyMap<string, ComplaintCase>,
  after: ReadonlyMap<string, ComplaintCase>,
  timeZone: string,
): Promise<void> {
  const changed = [...after.values()].filter((c) => before.get(c.id) !== c);
  if (changed.length === 0) return;
  const entryTopics = await topicsOfEntries(
    trx,
    branchId,
    changed.flatMap((c) => (c.topicId === null && c.opinionId !== null ? [c.opinionId] : [])),
  );
  const rows = changed.map((c) => complaintCaseRow(c, topicOfCase(c, entryTopics), timeZone));
  await upsertComplaintCases(trx, rows);
  await addCaseDays(
    trx,
    changed.map((c, i) => {
      const row = rows[i]!;
      const old = before.get(c.id);
      const key = { branchId: c.branchId, day: row.opened_day, channel: c.channel, topicId: row.topic_id ?? null };
      return caseDayRow(key, tallyDelta(old && caseTally(old), caseTally(c)));
    }),
  );
}

/** A page size as asked: the default when not given, never more than the maximum. */
export const pageSize = (limit: number | undefined): number => Math.min(limit ?? CASE_EVENTS_PAGE_DEFAULT, CASE_EVENTS_PAGE_MAX);

/**
 * One page of a branch's case events after the cursor. It asks for one more than the page
 * to know whether more are waiting; `next` stays at `after` when there is nothing new.
 */
export async function pullCaseEvents(db: Kysely<Database>, branchId: string, after: number, limit: number | undefined): Promise<CaseEventsPage> {
  const size = pageSize(limit);
  const found = await caseEventsAfter(db, branchId, after, size + 1);
  const events = found.slice(0, size);
  return { events, next: events.at(-1)?.seq ?? after, more: found.length > size };
}
