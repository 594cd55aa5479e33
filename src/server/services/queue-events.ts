import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { localDayOf } from '../../domain/period.ts';
import { MAX_QUEUE_EVENTS, QueueEventSchema, type QueuePostResponse, type QueueRejectReason } from '../../domain/queue.ts';
import { describeCsvIssues } from '../../domain/queue-csv.ts';
import { MAX_IMPORT_PROBLEMS, type QueueImportResult } from '../../domain/queue-intake.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { describeIssues } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { readQueueCsv } from '../queue-csv.ts';
import { findBranch } from '../repositories/branches.ts';
import { countersByQueueCode } from '../repositories/counters.ts';
import { dirtyDaysOf, markMatchDirty } from '../repositories/match-dirty.ts';
import { insertQueueEvents, queueEventKey, type NewQueueEventRow } from '../repositories/queue-events.ts';
import { touchQueueSystem, type QueueSystem } from '../repositories/queue-systems.ts';
import { recordAudit } from './audit.ts';
import { queueBranchFor, type QueueActor, type QueueError } from './queue-systems.ts';

/**
 * Queue events in: posted by a branch's queue system (POST /api/queue/events) or imported from
 * its daily export (CSV). Both check each event with the same QueueEventSchema, answer each
 * on its own (one bad event never costs the others), and store with the same insert, so an
 * event imported after it was posted is a duplicate, not a second event. Each transaction
 * that stores events marks their branch-days for the matcher (services/queue-match.ts).
 */

/** What a branch's events are read against: its time zone (an event's day) and its counters' queue codes. */
export type QueueScope = { branchId: string; timeZone: string; counterOfCode: ReadonlyMap<string, string> };

/** Where the events came from: a queue system's post, or an account's (or the CLI operator's) import. */
export type QueueOrigin = { queueSystemId: string; source: 'post' | 'import' };

/** One event checked: the row to store, or why it is refused. */
export type CheckedEvent = { ok: true; row: NewQueueEventRow } | { ok: false; reason: QueueRejectReason; message: string };

/** What became of one event, in the order sent. */
export type QueueEventStatus = { status: 'stored' | 'duplicate' } | { status: 'rejected'; reason: QueueRejectReason; message: string };

export async function readQueueScope(db: Kysely<Database>, branchId: string): Promise<QueueScope> {
  const [branch, counterOfCode] = await Promise.all([findBranch(db, branchId), countersByQueueCode(db, branchId)]);
  // A queue system's row names its branch, and branches are never deleted: a missing one is a bug.
  if (!branch) throw new Error(`Branch ${branchId} of a queue system is missing`);
  return { branchId, timeZone: branch.timeZone, counterOfCode };
}

/**
 * Checks one event as the queue system sent it: its shape (the message names the field, in
 * the words of `describe`), and for a call, start or end, a counter the branch has mapped. An
 * issue's counter is not read: a ticket is issued at no counter. Its day is the branch's
 * calendar day of its time, where ticket numbers start again. Pure.
 */
export function checkQueueEvent(event: unknown, scope: QueueScope, origin: QueueOrigin, receivedAt: number, describe = describeIssues): CheckedEvent {
  const parsed = v.safeParse(QueueEventSchema, event);
  if (!parsed.success) return { ok: false, reason: 'invalid-event', message: describe(parsed.issues) };
  const e = parsed.output;
  let counterId: string | null = null;
  if (e.type !== 'issued') {
    const code = e.counter!;
    const mapped = scope.counterOfCode.get(code);
    if (mapped === undefined) return { ok: false, reason: 'unknown-counter', message: unknownCounter(code, scope.branchId) };
    counterId = mapped;
  }
  return {
    ok: true,
    row: {
      branch_id: scope.branchId,
      day: localDayOf(e.at, scope.timeZone),
      ticket: e.ticket,
      type: e.type,
      at: e.at,
      counter_id: counterId,
      service_type: e.service ?? null,
      queue_system_id: origin.queueSystemId,
      source: origin.source,
      received_at: receivedAt,
    },
  };
}

const unknownCounter = (code: string, branchId: string) =>
  `counter: the queue system's counter ${code} is not mapped to a counter of branch ${branchId}; ` +
  `give that counter the queue code ${code} on Manage › Queue system, or with \`npm run admin -- counter:set <counterId> --queue-code ${code}\``;

/**
 * Stores checked events in the caller's transaction and answers each: `stored` the first time
 * the branch holds it, `duplicate` when it was held already (or came twice in this call), the
 * refusal as it was. Marks the branch-days of the stored events for the matcher, in the same
 * transaction, so that no stored event goes unmatched.
 */
export async function storeCheckedEvents(db: Kysely<Database>, checked: readonly CheckedEvent[], now: number): Promise<QueueEventStatus[]> {
  const rows = checked.flatMap((c) => (c.ok ? [c.row] : []));
  const stored = rows.length === 0 ? new Set<string>() : await insertQueueEvents(db, rows);
  await markMatchDirty(db, dirtyDaysOf(rows.filter((row) => stored.has(queueEventKey(row)))), now);
  return checked.map((c) => {
    if (!c.ok) return { status: 'rejected', reason: c.reason, message: c.message };
    // Deleted as it is answered: the second of two equal events in one call is a duplicate.
    return stored.delete(queueEventKey(c.row)) ? { status: 'stored' } : { status: 'duplicate' };
  });
}

/**
 * POST /api/queue/events: a queue system's events, for its own branch whatever they say
 * (there is no branch in a post: the key is the branch's). One transaction: the events, their
 * branch-days marked, and the key's last use.
 */
export async function postQueueEvents(db: Kysely<Database>, system: QueueSystem, events: readonly unknown[], address: string, now: number): Promise<QueuePostResponse> {
  const scope = await readQueueScope(db, system.branchId);
  const origin: QueueOrigin = { queueSystemId: system.id, source: 'post' };
  const checked = events.map((event) => checkQueueEvent(event, scope, origin, now));
  const statuses = await inTransaction(db, async (trx) => {
    const answered = await storeCheckedEvents(trx, checked, now);
    await touchQueueSystem(trx, system.id, now, address);
    return answered;
  });
  return { results: statuses.map((s, index) => ({ index, ...s })), serverTime: now };
}

/**
 * An import of the queue system's daily export for a branch, by a dashboard account or the
 * CLI's operator. Lines are stored in chunks of MAX_QUEUE_EVENTS, a transaction each, so a
 * big export never holds the database for long; an import that stops halfway is finished by
 * importing the file again, since every line stored is then a duplicate. The audit row goes
 * with the last chunk, with the import's totals. Its events are the import's, not a queue
 * system's: `queue_system_id` is `import:<account>`.
 */
export async function importQueueCsv(db: Kysely<Database>, by: QueueActor, branchId: string, text: string, now: number): Promise<Result<QueueImportResult, QueueError>> {
  const branch = await queueBranchFor(db, by, branchId);
  if (!branch.ok) return branch;
  const read = readQueueCsv(text, branch.value.timeZone);
  if (!read.ok) return err('bad-request', read.message);
  const scope = await readQueueScope(db, branchId);
  const origin: QueueOrigin = { queueSystemId: `import:${by.actor.actor}`, source: 'import' };
  const lines = read.value;
  const checked = lines.map((l): CheckedEvent => ('problem' in l ? { ok: false, reason: 'invalid-event', message: l.problem } : checkQueueEvent(l.event, scope, origin, now, describeCsvIssues)));
  const result: QueueImportResult = { total: lines.length, stored: 0, duplicate: 0, rejected: 0, problems: [] };
  // At least one chunk, for the audit row of an export with no lines.
  const chunks = Math.max(1, Math.ceil(checked.length / MAX_QUEUE_EVENTS));
  for (let n = 0; n < chunks; n++) {
    const offset = n * MAX_QUEUE_EVENTS;
    const statuses = await inTransaction(db, async (trx) => {
      const answered = await storeCheckedEvents(trx, checked.slice(offset, offset + MAX_QUEUE_EVENTS), now);
      if (n === chunks - 1) {
        const counts = countStatuses(answered);
        const detail = { total: result.total, stored: result.stored + counts.stored, duplicate: result.duplicate + counts.duplicate, rejected: result.rejected + counts.rejected };
        await recordAudit(trx, by.actor, { action: 'queue-import', branchId, subject: 'csv', detail }, now);
      }
      return answered;
    });
    // Counted once committed.
    statuses.forEach((s, i) => {
      result[s.status]++;
      if (s.status === 'rejected' && result.problems.length < MAX_IMPORT_PROBLEMS) result.problems.push({ line: lines[offset + i]!.line, reason: s.reason, message: s.message });
    });
  }
  return ok(result);
}

const countStatuses = (statuses: readonly QueueEventStatus[]) => ({
  stored: statuses.filter((s) => s.status === 'stored').length,
  duplicate: statuses.filter((s) => s.status === 'duplicate').length,
  rejected: statuses.filter((s) => s.status === 'rejected').length,
});
