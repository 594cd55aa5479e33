import { liveQuery } from 'dexie';
import { uuidv7 } from 'uuidv7';
import type { AttestationKind } from '../domain/attestation.ts';
import { applyAttestedCaseEvent, CaseEventSchema, foldCases, type CaseEvent, type CaseRefusal, type ComplaintCase } from '../domain/case.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { BranchVoiceDB } from './db.ts';
import { getMeta } from './meta.ts';
import { attestedWith, readBeforeWrite, writeRecord, type StaffWriteOptions, type WriteFailure } from './write.ts';

/**
 * A case event as the tablet knows it: one it made and has not yet seen come back from the
 * server (`seq` null), or one pulled from the server with the server's verdict.
 */
export interface LocalCaseEvent {
  id: string;
  caseId: string;
  event: CaseEvent;
  /** The server's arrival order; null while only this tablet has it. */
  seq: number | null;
  status: 'pending' | 'applied' | 'refused';
  reason: CaseRefusal | null;
  message: string | null;
  /**
   * How its maker was checked: the server's word once pulled; while pending, what this tablet
   * signed it as. Absent on events kept before attestation existed.
   */
  attestation?: AttestationKind;
}

/** What a screen knows when staff act; the store adds id, branch and time. */
export type CaseEventInput = DistributiveOmit<CaseEvent, 'kind' | 'id' | 'branchId' | 'createdAt' | 'attestation'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type CaseEventFailure = 'invalid-record' | 'not-enrolled' | CaseRefusal | WriteFailure;

/**
 * The tablet's view of its branch's cases: the server's events in `seq` order, then this
 * tablet's own pending ones in the order they were made, folded by the same rules the server
 * applies. Converges on the server's view as pending events come back pulled.
 */
export function foldStoredEvents(rows: readonly LocalCaseEvent[]) {
  // Refused events stay in the history for staff to see, but take no part in the fold.
  return foldCases(inFoldOrder(rows).filter((r) => r.status !== 'refused').map((r) => r.event));
}

/** The server's events in `seq` order, then this tablet's pending ones in the order they were made. */
function inFoldOrder(rows: readonly LocalCaseEvent[]): LocalCaseEvent[] {
  const confirmed = rows.filter((r) => r.seq !== null).sort((a, b) => a.seq! - b.seq!);
  const pending = rows.filter((r) => r.seq === null).sort((a, b) => a.event.createdAt - b.event.createdAt || a.id.localeCompare(b.id));
  return [...confirmed, ...pending];
}

/**
 * Records what a member of staff did to a case: made and signed first (outside any
 * transaction), then checked against the case as this tablet knows it, as signed (a formal
 * act without the server's check, or a step the case does not allow, is refused here with
 * its reason and nothing is written), and written with its outbox row in one read-write
 * transaction. The server checks again in arrival order: an event another tablet made
 * illegal meanwhile comes back refused.
 */
export async function recordCaseEvent(
  db: BranchVoiceDB,
  input: CaseEventInput,
  { now = Date.now, newId = uuidv7, attest, onFatal }: StaffWriteOptions = {},
): Promise<Result<CaseEvent, CaseEventFailure>> {
  const config = await readBeforeWrite(db, () => getMeta(db, 'config'), onFatal);
  if (!config) return err('not-enrolled', 'This tablet is not enrolled.');
  return writeRecord<CaseEvent, CaseRefusal>(db, {
    schema: CaseEventSchema,
    draft: { ...input, kind: 'case-event', id: newId(), branchId: config.branch.id, createdAt: now() },
    tables: [db.caseEvents],
    sign: attestedWith<CaseEvent>(attest),
    check: async (event) => {
      const known = foldStoredEvents(await db.caseEvents.where('caseId').equals(event.caseId).toArray()).cases.get(event.caseId);
      const step = applyAttestedCaseEvent(known, event, attestedBy(event));
      return step.ok ? ok(undefined) : step;
    },
    save: (event) => db.caseEvents.add({ id: event.id, caseId: event.caseId, event, seq: null, status: 'pending', reason: null, message: null, attestation: attestedBy(event) }),
    onFatal,
  });
}

/** How this tablet signed an event: checked by the server, or its own word. */
const attestedBy = (event: CaseEvent): AttestationKind => (event.attestation?.by === 'server' ? 'server' : 'tablet');

/** Keeps a page of pulled events, replacing this tablet's pending copies (and their signatures) of the same ids. */
export async function savePulledCaseEvents(db: BranchVoiceDB, events: readonly Omit<LocalCaseEvent, 'id' | 'caseId'>[]): Promise<void> {
  if (events.length === 0) return;
  await db.caseEvents.bulkPut(events.map((e) => ({ ...e, id: e.event.id, caseId: e.event.caseId })));
}

export interface CaseBoard {
  cases: ComplaintCase[];
  /** Events the server refused, newest first: staff see each with its reason. */
  refused: LocalCaseEvent[];
  /** This tablet's events not yet on the server. */
  pending: number;
}

/** Emits the branch's cases whenever an event is made here or pulled from the server. */
export const watchCases = (db: BranchVoiceDB) =>
  liveQuery(async (): Promise<CaseBoard> => {
    const rows = await db.caseEvents.toArray();
    const { cases } = foldStoredEvents(rows);
    return {
      cases: [...cases.values()],
      refused: rows.filter((r) => r.status === 'refused').sort((a, b) => b.seq! - a.seq!),
      pending: rows.filter((r) => r.status === 'pending').length,
    };
  });

export interface CaseFile {
  /** The case as this tablet folds it; undefined while its opening is unknown here. */
  case: ComplaintCase | undefined;
  /** Every event of the case, refused ones included: the server's in `seq` order, then this tablet's pending ones. */
  history: LocalCaseEvent[];
}

/** Emits one case with its whole history whenever an event of it is made here or pulled. */
export const watchCase = (db: BranchVoiceDB, caseId: string) =>
  liveQuery(async (): Promise<CaseFile> => {
    const rows = await db.caseEvents.where('caseId').equals(caseId).toArray();
    return { case: foldStoredEvents(rows).cases.get(caseId), history: inFoldOrder(rows) };
  });

/** Opens a new case: a fresh case id (a UUIDv7, made here like every record's id) and its `opened` event. */
export function openCase(
  db: BranchVoiceDB,
  input: Omit<Extract<CaseEventInput, { type: 'opened' }>, 'caseId' | 'type'>,
  options: StaffWriteOptions = {},
): Promise<Result<CaseEvent, CaseEventFailure>> {
  return recordCaseEvent(db, { ...input, type: 'opened', caseId: (options.newId ?? uuidv7)() }, options);
}
