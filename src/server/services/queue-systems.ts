import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { HEAD_OFFICE, maySeeBranch, type Viewer } from '../../domain/access.ts';
import { localDayOf } from '../../domain/period.ts';
import { QueueCounterCodeSchema, QueueSystemNameSchema } from '../../domain/queue.ts';
import { QUEUE_KEY_PREFIX, type QueueCounterView, type QueueSetup, type QueueSystemKey, type QueueSystemView } from '../../domain/queue-intake.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { describeIssues } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranch, type Branch } from '../repositories/branches.ts';
import { findCounter, findCounterByQueueCode, listCounters, updateCounterQueueCode, type Counter } from '../repositories/counters.ts';
import { markMatchDirty } from '../repositories/match-dirty.ts';
import { queueActivity } from '../repositories/queue-events.ts';
import { findQueueSystem, findQueueSystemByTokenHash, insertQueueSystem, listQueueSystems, revokeQueueSystem, type QueueSystem } from '../repositories/queue-systems.ts';
import { hashSecret } from '../secrets.ts';
import { recordAudit, type Actor } from './audit.ts';

/**
 * A branch's queue systems and the mapping of its counters to the queue system's numbers:
 * Manage › Queue system (routes/manage-queue.ts) and the CLI's `queue:key`, `queue:revoke`,
 * `counter:set --queue-code`, one set of rules. Head office for any branch, a regional manager
 * for their region's, a branch manager for their own; the CLI's operator has head office's
 * powers. An unknown branch, counter or system is 404 for head office and 403 for the others,
 * who cannot probe other branches' ids. Every change is audited in its own transaction.
 */

export type QueueError = 'forbidden' | 'not-found' | 'bad-request' | 'conflict';

/** Who acts: a dashboard viewer, checked here; or the server's shell (no viewer), with head office's powers. */
export type QueueActor = { actor: Actor; viewer?: Viewer };

const forbidden = (viewer: Viewer, branchId?: string) =>
  err('forbidden', `${viewer.staffNumber} (${viewer.role}) may set up the queue system of the branches they manage only${branchId ? `, not of ${branchId}` : ''}.`);

const mayAct = (by: QueueActor, branchId: string): boolean => by.viewer === undefined || maySeeBranch(by.viewer, branchId);
const mayLearnIds = (by: QueueActor): boolean => by.viewer === undefined || by.viewer.role === HEAD_OFFICE;

/** The branch a change is for, once the actor may act on it. */
export async function queueBranchFor(db: Kysely<Database>, by: QueueActor, branchId: string): Promise<Result<Branch, QueueError>> {
  if (by.viewer && !maySeeBranch(by.viewer, branchId)) return forbidden(by.viewer, branchId);
  const branch = await findBranch(db, branchId);
  return branch ? ok(branch) : err('not-found', `No branch has the id ${branchId}.`);
}

async function counterFor(db: Kysely<Database>, by: QueueActor, counterId: string): Promise<Result<Counter, QueueError>> {
  const counter = await findCounter(db, counterId);
  if (!counter || !mayAct(by, counter.branchId)) return mayLearnIds(by) ? err('not-found', `No counter has the id ${counterId}.`) : forbidden(by.viewer!);
  return ok(counter);
}

async function systemFor(db: Kysely<Database>, by: QueueActor, id: string): Promise<Result<QueueSystem, QueueError>> {
  const system = await findQueueSystem(db, id);
  if (!system || !mayAct(by, system.branchId)) return mayLearnIds(by) ? err('not-found', `No queue system has the id ${id}.`) : forbidden(by.viewer!);
  return ok(system);
}

export const queueSystemView = (s: QueueSystem): QueueSystemView => ({
  id: s.id,
  branchId: s.branchId,
  name: s.name,
  createdAt: s.createdAt,
  createdBy: s.createdBy,
  revokedAt: s.revokedAt,
  lastSeenAt: s.lastSeenAt,
  lastAddress: s.lastAddress,
});

const counterView = (c: Counter): QueueCounterView => ({ id: c.id, name: c.name, queueCode: c.queueCode });

/** A new key: recognisable by its prefix, 256 random bits after it. Shown once; only its sha256 is kept. */
export const newQueueKey = (): string => QUEUE_KEY_PREFIX + randomBytes(32).toString('base64url');

/** GET …/branches/:branchId/queue: the branch's systems, its counters' codes, and whether events arrive. */
export async function queueSetup(db: Kysely<Database>, by: QueueActor, branchId: string, now: number): Promise<Result<QueueSetup, QueueError>> {
  const branch = await queueBranchFor(db, by, branchId);
  if (!branch.ok) return branch;
  const [systems, counters, activity] = await Promise.all([listQueueSystems(db, branchId), listCounters(db, branchId), queueActivity(db, branchId, localDayOf(now, branch.value.timeZone))]);
  return ok({ systems: systems.map(queueSystemView), counters: counters.map(counterView), ...activity });
}

/** A new queue system of a branch and its key, which the answer carries this once. */
export async function addQueueSystem(db: Kysely<Database>, by: QueueActor, branchId: string, name: string, now: number): Promise<Result<QueueSystemKey, QueueError>> {
  const parsed = v.safeParse(QueueSystemNameSchema, name);
  if (!parsed.success) return err('bad-request', `name: ${describeIssues(parsed.issues)}`);
  const branch = await queueBranchFor(db, by, branchId);
  if (!branch.ok) return branch;
  const key = newQueueKey();
  const system: QueueSystem = { id: uuidv7(), branchId, name: parsed.output, createdAt: now, createdBy: by.actor.actor, revokedAt: null, lastSeenAt: null, lastAddress: null };
  await inTransaction(db, async (trx) => {
    await insertQueueSystem(trx, system, hashSecret(key));
    await recordAudit(trx, by.actor, { action: 'queue-system-add', branchId, subject: system.id, detail: {} }, now);
  });
  return ok({ system: queueSystemView(system), key });
}

/** Revokes a queue system's key at once; revoking one revoked already changes nothing and answers it as it is. */
export async function revokeQueueSystemById(db: Kysely<Database>, by: QueueActor, id: string, now: number): Promise<Result<{ system: QueueSystemView }, QueueError>> {
  const system = await systemFor(db, by, id);
  if (!system.ok) return system;
  if (system.value.revokedAt !== null) return ok({ system: queueSystemView(system.value) });
  const revoked = await inTransaction(db, async (trx) => {
    if (!(await revokeQueueSystem(trx, id, now))) return null;
    await recordAudit(trx, by.actor, { action: 'queue-system-revoke', branchId: system.value.branchId, subject: id, detail: {} }, now);
    return { ...system.value, revokedAt: now };
  });
  // Revoked meanwhile by someone else: their time stands.
  return ok({ system: queueSystemView(revoked ?? (await findQueueSystem(db, id))!) });
}

/**
 * Maps a counter to the code the queue system calls it (or unmaps it, with null). A code is
 * one counter's in a branch: another counter holding it is a conflict, which names it. Events
 * already stored keep the counter they were mapped to; the branch's today is rematched, since
 * whether a counter is mapped decides its ratings' no-ticket flags.
 */
export async function setCounterQueueCode(
  db: Kysely<Database>,
  by: QueueActor,
  counterId: string,
  queueCode: string | null,
  now: number,
): Promise<Result<{ counter: QueueCounterView }, QueueError>> {
  const parsed = v.safeParse(v.nullable(QueueCounterCodeSchema), queueCode);
  if (!parsed.success) return err('bad-request', `queueCode: ${describeIssues(parsed.issues)}`);
  const code = parsed.output;
  const counter = await counterFor(db, by, counterId);
  if (!counter.ok) return counter;
  if (counter.value.queueCode === code) return ok({ counter: counterView(counter.value) });
  const { branchId } = counter.value;
  const taken = (holder: Counter | undefined) =>
    err('conflict', `queueCode: ${code} is ${holder ? `counter "${holder.name}" (${holder.id})'s` : "another counter's"} in this branch; clear it there first, or give this counter another code.`);
  try {
    return await inTransaction(db, async (trx) => {
      if (code !== null) {
        const holder = await findCounterByQueueCode(trx, branchId, code);
        if (holder && holder.id !== counterId) return taken(holder);
      }
      await updateCounterQueueCode(trx, counterId, code);
      const branch = await findBranch(trx, branchId);
      if (branch) await markMatchDirty(trx, [{ branchId, day: localDayOf(now, branch.timeZone) }], now);
      await recordAudit(trx, by.actor, { action: 'counter-queue-code', branchId, subject: counterId, detail: { from: counter.value.queueCode, to: code } }, now);
      return ok({ counter: counterView({ ...counter.value, queueCode: code }) });
    });
  } catch (error) {
    // Two managers mapping one code to two counters at once: the index lets one through.
    if (isQueueCodeTaken(error)) return taken(code === null ? undefined : await findCounterByQueueCode(db, branchId, code));
    throw error;
  }
}

/** True for the unique-index violation of counters (branch_id, queue_code), on either database. */
function isQueueCodeTaken(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') return e.constraint === 'counters_branch_queue_code';
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof e.message === 'string' && e.message.includes('counters.queue_code');
}

export const UNKNOWN_QUEUE_KEY = 'This queue system key is not known: make a key for the branch on Manage › Queue system (or with `npm run admin -- queue:key`) and set it in the queue system.';
export const REVOKED_QUEUE_KEY = 'This queue system key was revoked: make a new key for the branch on Manage › Queue system and set it in the queue system.';

/** The queue system a bearer key belongs to, unless it is unknown or revoked. */
export async function authenticateQueueKey(db: Kysely<Database>, key: string): Promise<Result<QueueSystem, 'unauthorized'>> {
  const system = await findQueueSystemByTokenHash(db, hashSecret(key));
  if (!system) return err('unauthorized', UNKNOWN_QUEUE_KEY);
  if (system.revokedAt !== null) return err('unauthorized', REVOKED_QUEUE_KEY);
  return ok(system);
}
