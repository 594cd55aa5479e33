import type { Table } from 'dexie';
import { TABLET_ATTESTATION, type Attestation } from '../domain/attestation.ts';
import type { CaseEvent } from '../domain/case.ts';
import type { SyncRecord } from '../domain/wire.ts';
import type { LocalCaseEvent } from './cases.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';

/**
 * Records the server answered `id-taken`: their id is held on the server for another device
 * (a cloned tablet, a bug, another branch's case), so they go again under new ids (decision
 * 0017). Nothing is lost and nothing doubled: in the one transaction that settles the push,
 * each such record's own row (ratings, shift events, case events; opinions and entry reads
 * live only in the outbox) is renamed, its outbox row deleted and a new one appended at the
 * end of the outbox. Appended rows get new keys, above any the engine has read, so the
 * engine's next read from its last key picks them up.
 *
 * A case event goes with its case: from the first of its events answered id-taken, every
 * later event of the case still waiting goes again after it, in the order made, so the
 * server folds them in that order. When that first event is the case's opening, the case
 * id itself is another's, and every one of those events moves to a new case id.
 */

/**
 * Signs a renamed record anew: a `server` attestation signs the record's content, its id
 * (and a case event's case id) included, so under a new id it no longer holds. Answers the
 * new attestation, or null when it cannot sign (the staff session's key is gone: it lives
 * only in memory). The record it is given carries its new ids and the old attestation.
 */
export type Resign = (record: SyncRecord) => Promise<Attestation | null>;

/** What re-queuing will write, made before the transaction: signing is not IndexedDB work. */
export interface RequeuePlan {
  /** Outbox rows to delete and, in the same (original) order, the rows appended for them. */
  remove: number[];
  append: Omit<OutboxRow, 'seq'>[];
  /** Each record renamed: its old id and the record under its new one. */
  renamed: { from: string; record: SyncRecord }[];
  /** For each case whose events go again: the first key they are taken from, and every key taken. */
  cases: { caseId: string; from: number; seqs: number[] }[];
}

const isCaseEvent = (row: OutboxRow): row is OutboxRow & { record: CaseEvent } => row.kind === 'case-event';

/** A case's events waiting in the outbox from key `from` on, in outbox order, leaving out those this push settles. */
async function caseRowsFrom(db: BranchVoiceDB, caseId: string, from: number, settled: ReadonlySet<number>): Promise<OutboxRow[]> {
  const rows = await db.outbox
    .where(':id')
    .aboveOrEqual(from)
    .filter((row) => isCaseEvent(row) && row.record.caseId === caseId && !settled.has(row.seq))
    .toArray();
  return rows;
}

/**
 * Plans the re-queue of the rows answered id-taken (`taken`, by key). `settled`: the keys
 * this push acknowledged or quarantined, which stay settled. Reads the outbox outside any
 * transaction; applyRequeue checks the plan still holds before it writes.
 */
export async function planRequeue(
  db: BranchVoiceDB,
  taken: readonly number[],
  settled: ReadonlySet<number>,
  newId: () => string,
  resign?: Resign,
): Promise<RequeuePlan> {
  const rows = (await db.outbox.bulkGet([...taken])).filter((row): row is OutboxRow => row !== undefined).sort((a, b) => a.seq - b.seq);
  const renew = new Set(rows.map((row) => row.seq));
  const moved = new Map<number, OutboxRow>();
  const cases: RequeuePlan['cases'] = [];
  const newCaseId = new Map<string, string>();
  for (const row of rows) {
    if (!isCaseEvent(row)) {
      moved.set(row.seq, row);
      continue;
    }
    const caseId = row.record.caseId;
    if (cases.some((c) => c.caseId === caseId)) continue;
    const following = await caseRowsFrom(db, caseId, row.seq, settled);
    cases.push({ caseId, from: row.seq, seqs: following.map((r) => r.seq) });
    for (const r of following) moved.set(r.seq, r);
    if (row.record.type === 'opened') newCaseId.set(caseId, newId());
  }
  const plan: RequeuePlan = { remove: [], append: [], renamed: [], cases };
  for (const row of [...moved.values()].sort((a, b) => a.seq - b.seq)) {
    const id = renew.has(row.seq) ? newId() : row.recordId;
    const caseId = isCaseEvent(row) ? (newCaseId.get(row.record.caseId) ?? row.record.caseId) : undefined;
    let record = { ...row.record, id, ...(caseId === undefined ? {} : { caseId }) } as SyncRecord;
    const changed = id !== row.recordId || (isCaseEvent(row) && caseId !== row.record.caseId);
    if (changed) {
      record = await reattest(record, resign);
      plan.renamed.push({ from: row.recordId, record });
    }
    plan.remove.push(row.seq);
    plan.append.push({ recordId: id, kind: row.kind, record, bytes: JSON.stringify(record).length, createdAt: row.createdAt });
  }
  return plan;
}

/**
 * The record with an attestation that holds under its new ids: a `server` one signed anew
 * by `resign`, else replaced by `{ by: 'tablet' }`: the record is then the tablet's word,
 * as one made offline is, and is kept and shown as such. Others are left as they were.
 */
async function reattest(record: SyncRecord, resign?: Resign): Promise<SyncRecord> {
  const claimed = (record as { attestation?: Attestation }).attestation;
  if (claimed?.by !== 'server') return record;
  const signed = resign ? await resign(record) : null;
  return { ...record, attestation: signed ?? TABLET_ATTESTATION } as SyncRecord;
}

/** The tables a re-queue may write, beside the outbox: where each kind of record keeps its own row. */
export const requeueTables = (db: BranchVoiceDB): Table[] => [db.ratings, db.shiftEvents, db.caseEvents];

/** Thrown inside the settling transaction when the outbox changed since the plan was made. */
export class StalePlan extends Error {}

/**
 * Writes a plan. Run it inside the transaction that settles the push, over the outbox and
 * requeueTables(db). Throws StalePlan, which aborts that transaction, when a row the plan
 * moves is gone or a case gained an event since it was planned (staff acting meanwhile):
 * the caller plans again.
 */
export async function applyRequeue(db: BranchVoiceDB, plan: RequeuePlan, settled: ReadonlySet<number>): Promise<number[]> {
  const present = await db.outbox.bulkGet(plan.remove);
  if (present.some((row) => row === undefined)) throw new StalePlan('a row to re-queue is gone');
  for (const c of plan.cases) {
    const now = (await caseRowsFrom(db, c.caseId, c.from, settled)).map((r) => r.seq);
    if (now.join() !== c.seqs.join()) throw new StalePlan(`case ${c.caseId} changed`);
  }
  for (const { from, record } of plan.renamed) await renameOwnRow(db, from, record);
  await db.outbox.bulkDelete(plan.remove);
  return db.outbox.bulkAdd(plan.append, { allKeys: true });
}

/**
 * Renames a record's row in its own table, when it has one there. A case event's row may
 * be the server's copy of another device's event under that id (pulled with the branch's
 * events): that one stays, and this tablet's event is kept beside it under its new id.
 */
async function renameOwnRow(db: BranchVoiceDB, from: string, record: SyncRecord): Promise<void> {
  switch (record.kind) {
    case 'rating':
      if (!(await db.ratings.get(from))) return;
      await db.ratings.delete(from);
      await db.ratings.put(record);
      return;
    case 'shift':
      if (!(await db.shiftEvents.get(from))) return;
      await db.shiftEvents.delete(from);
      await db.shiftEvents.put(record);
      return;
    case 'case-event': {
      const old = await db.caseEvents.get(from);
      if (!old) return;
      if (old.seq === null) await db.caseEvents.delete(from);
      const mine: LocalCaseEvent = { id: record.id, caseId: record.caseId, event: record, seq: null, status: 'pending', reason: null, message: null };
      await db.caseEvents.put(mine);
      return;
    }
    case 'opinion':
    case 'entry-read':
    case 'survey-response':
      return;
  }
}
