import type { Kysely } from 'kysely';
import type { Attested } from '../../domain/attestation.ts';
import { applyAttestedCaseEvent, foldCases, type CaseEvent, type ComplaintCase } from '../../domain/case.ts';
import { caseTally, tallyDelta } from '../../domain/metrics.ts';
import { CASE_EVENTS_PAGE_DEFAULT, CASE_EVENTS_PAGE_MAX, type CaseEventsPage } from '../../domain/wire.ts';
import { contentHash } from '../content-hash.ts';
import type { Database } from '../db/schema.ts';
import { appliedEventsOfCases, caseEventsAfter, caseEventToRow, insertCaseEventRow, lockCaseEvents, openingsOf } from '../repositories/case-events.ts';
import { heldRecords } from '../repositories/pushed-records.ts';
import { addCaseDays, caseDayRow, complaintCaseRow, topicOfCase, topicsOfEntries, upsertComplaintCases } from '../repositories/rollup-rows.ts';
import { blankedEvent } from './privacy.ts';
import { judgeIds, type Claim, type SentRecord } from './push-answers.ts';

const NOUN = 'case event';

/** A case event with what the server made of its maker's check. */
export type AttestedCaseEvent = { event: CaseEvent; attested: Attested };

/**
 * Stores a push's accepted case events in arrival order, each with what the state machine
 * made of it, and answers each (push-answers.ts). Run it inside the push's transaction: the
 * fold read here and the rows written must be one step, or two devices pushing to one case at
 * once could both fold a case that no longer is (a reply and a sign-off both applied against
 * "replied"). On PostgreSQL the locks serialize those pushes; on SQLite BEGIN IMMEDIATE already does.
 *
 * A refused event is stored too: it is shown to staff with its reason, nothing is dropped;
 * among the refusals, a formal act (sign-off, escalation) its maker's tablet alone checked.
 * Not stored, and answered `id-taken` so that the tablet sends them again under new ids
 * (decision 0017): an event whose id another device holds; an opening of a case id that
 * another device or branch opened first; and every later event of such a case in the push,
 * so that the tablet sends the case's events again in their order. Every case an applied
 * event changed is projected for the reports in the same transaction (projectCases);
 * `timeZone` is the branch's, for the day a case was opened.
 */
export async function storeCaseEvents(
  trx: Kysely<Database>,
  branchId: string,
  attestedEvents: readonly AttestedCaseEvent[],
  deviceId: string,
  receivedAt: number,
  timeZone: string,
): Promise<Claim[]> {
  if (attestedEvents.length === 0) return [];
  const events = attestedEvents.map((e) => e.event);
  await lockCaseEvents(trx, branchId, events.map((e) => e.caseId));
  const sent: SentRecord[] = events.map((e) => ({ id: e.id, deviceId, contentHash: contentHash(e) }));
  const claims = judgeIds(NOUN, sent, await heldRecords(trx, 'case_events', events.map((e) => e.id)));
  const fresh = events.filter((_, i) => claims[i]!.status === 'fresh');
  const openings = await openingsOf(trx, fresh.filter((e) => e.type === 'opened').map((e) => e.caseId));
  // Every branch's events: an event naming another branch's case is refused wrong-branch by
  // the state machine. No branch's opening of a case id held elsewhere is stored (below), so
  // the applied events of a case are all of the branch that opened it.
  const { cases } = foldCases(await appliedEventsOfCases(trx, fresh.map((e) => e.caseId), 'every-branch'));
  const blanked = await blankedCasesOf(trx, fresh.map((e) => e.caseId));
  // applyCaseEvent makes a new case on every applied event, so a case changed when its object did.
  const before = new Map(cases);
  /** Cases of this push whose events are not stored from here on, with the event that stopped them. */
  const stopped = new Map<string, string>();
  const answers: Claim[] = [];
  for (const [i, event] of events.entries()) {
    let claim = claims[i]!;
    if (claim.status === 'fresh') claim = caseStopped(event, stopped) ?? caseOfAnother(event, openings.get(event.caseId), deviceId, branchId) ?? (await store(event, i));
    if (claim.status === 'conflict' && claim.reason === 'id-taken' && !stopped.has(event.caseId)) stopped.set(event.caseId, event.id);
    answers.push(claim);
  }
  await projectCases(trx, branchId, before, cases, timeZone);
  return answers;

  async function store(event: CaseEvent, i: number): Promise<Claim> {
    // A formal act whose maker only the tablet checked is refused here, kept with its reason.
    const { attested } = attestedEvents[i]!;
    const step = applyAttestedCaseEvent(cases.get(event.caseId), event, attested.kind);
    const outcome = step.ok ? ({ status: 'applied' } as const) : ({ status: 'refused', reason: step.reason, message: step.message } as const);
    // A step made before its case's words were blanked (an erasure, retention) that arrives
    // after it, from a tablet that was offline: its words go the way of the case's.
    const blankedAt = blanked.get(event.caseId);
    const row =
      blankedAt !== undefined && event.createdAt <= blankedAt
        ? { ...caseEventToRow(blankedEvent(event), deviceId, receivedAt, outcome, attested), content_hash: null, text_blanked_at: blankedAt }
        : caseEventToRow(event, deviceId, receivedAt, outcome, attested);
    if (await insertCaseEventRow(trx, row)) {
      if (step.ok) cases.set(event.caseId, step.case);
      return { status: 'accepted' };
    }
    // Stored at this moment by a push of another branch: answered as what it now is.
    const claim = judgeIds(NOUN, [sent[i]!], await heldRecords(trx, 'case_events', [event.id]))[0]!;
    if (claim.status === 'fresh') throw new Error(`ingest: the case event ${event.id} was neither stored nor found held`);
    return claim;
  }
}

/** When each of these cases had its words blanked, for those that had. */
async function blankedCasesOf(trx: Kysely<Database>, caseIds: readonly string[]): Promise<Map<string, number>> {
  if (caseIds.length === 0) return new Map();
  const rows = await trx.selectFrom('complaint_cases').select(['id', 'text_blanked_at']).where('id', 'in', [...new Set(caseIds)]).where('text_blanked_at', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.text_blanked_at!]));
}

/** A later event of a case this push could not store an event of: it waits for that one. */
function caseStopped(event: CaseEvent, stopped: ReadonlyMap<string, string>): Claim | undefined {
  const first = stopped.get(event.caseId);
  if (first === undefined) return undefined;
  return {
    id: event.id,
    status: 'conflict',
    reason: 'id-taken',
    message: `caseId: event ${first} of case ${event.caseId} in this push was not stored under its id; send this event again after it`,
  };
}

/** An opening of a case id that another device, or another branch, opened first. */
function caseOfAnother(event: CaseEvent, openings: readonly { branchId: string; deviceId: string }[] | undefined, deviceId: string, branchId: string): Claim | undefined {
  if (event.type !== 'opened' || !openings) return undefined;
  const other = openings.find((o) => o.deviceId !== deviceId || o.branchId !== branchId);
  if (!other) return undefined;
  const whose = other.branchId === branchId ? 'was opened by another device' : "is another branch's";
  return { id: event.id, status: 'conflict', reason: 'id-taken', message: `caseId: case ${event.caseId} ${whose}; open this case again under a new case id` };
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
