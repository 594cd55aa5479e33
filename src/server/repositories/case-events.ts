import { sql, type Kysely } from 'kysely';
import { ATTESTATIONS, TABLET_ATTESTED, type AttestationKind, type Attested } from '../../domain/attestation.ts';
import type { CaseEvent, CaseRefusal } from '../../domain/case.ts';
import type { StoredCaseEvent } from '../../domain/wire.ts';
import { isPostgres } from '../db/database.ts';
import { contentHash } from '../content-hash.ts';
import type { CaseEventRow, Database, NewCaseEventRow } from '../db/schema.ts';
import { countPushed } from './pushed-records.ts';
import { attestationColumns } from './shift-events.ts';

/** What the server's fold made of an event when it arrived. */
export type CaseEventOutcome = { status: 'applied' } | { status: 'refused'; reason: CaseRefusal; message: string };

/** The row for a case event that arrived from `deviceId` at `receivedAt`, with its outcome and how it was attested. */
export const caseEventToRow = (event: CaseEvent, deviceId: string, receivedAt: number, outcome: CaseEventOutcome, attested: Attested = TABLET_ATTESTED): NewCaseEventRow => ({
  id: event.id,
  branch_id: event.branchId,
  case_id: event.caseId,
  device_id: deviceId,
  staff_id: event.staffId,
  role: event.role,
  type: event.type,
  // The signature stays out: the `attestation` column keeps what it proved, and other tablets
  // pulling the event have no use for a proof made with a key they do not hold.
  payload: JSON.stringify(withoutAttestation(event)),
  opinion_id: event.type === 'opened' ? event.opinionId : null,
  created_at: event.createdAt,
  received_at: receivedAt,
  status: outcome.status,
  reason: outcome.status === 'refused' ? outcome.reason : null,
  message: outcome.status === 'refused' ? outcome.message : null,
  ...attestationColumns(attested),
  content_hash: contentHash(event),
});

const withoutAttestation = ({ attestation: _attestation, ...event }: CaseEvent): CaseEvent => event;

/** Maps a row back to the event as pushed, with its seq and outcome: what a device pulls. */
export const caseEventRowToStored = (row: Pick<CaseEventRow, 'seq' | 'payload' | 'status' | 'reason' | 'message' | 'attestation'>): StoredCaseEvent => ({
  seq: row.seq,
  // Written by caseEventToRow from an event that passed CaseEventSchema.
  event: JSON.parse(row.payload) as CaseEvent,
  status: row.status === 'applied' ? 'applied' : 'refused',
  reason: row.reason as CaseRefusal | null,
  message: row.message,
  attestation: (ATTESTATIONS as readonly string[]).includes(row.attestation) ? (row.attestation as AttestationKind) : 'tablet',
});

// Advisory lock namespaces (the two-int form), so these keys cannot meet another use of advisory locks.
const BRANCH_LOCK = 6001;
const CASE_LOCK = 6002;

/**
 * PostgreSQL only, inside the push's transaction: takes the branch's case-event lock, then
 * each case's, in sorted order (branch first, cases sorted: no two pushes wait on each other
 * in a circle). The branch lock makes seq commit order equal seq order in the branch, so the
 * pull cursor cannot skip a late commit (decision 0006); the case locks serialize pushes from
 * other branches that name the same case id. SQLite's BEGIN IMMEDIATE serializes all writes.
 */
export async function lockCaseEvents(db: Kysely<Database>, branchId: string, caseIds: readonly string[]): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`select pg_advisory_xact_lock(${BRANCH_LOCK}, hashtext(${branchId}))`.execute(db);
  for (const caseId of [...new Set(caseIds)].sort()) {
    await sql`select pg_advisory_xact_lock(${CASE_LOCK}, hashtext(${caseId}))`.execute(db);
  }
}

/**
 * Whose cases these are: every stored opening of these case ids (applied or refused), with
 * its branch and device. A case id is a device's own once it has opened it; an opening that
 * names a case id another device or branch opened first is not stored (decision 0017).
 */
export async function openingsOf(db: Kysely<Database>, caseIds: readonly string[]): Promise<Map<string, { branchId: string; deviceId: string }[]>> {
  const openings = new Map<string, { branchId: string; deviceId: string }[]>();
  if (caseIds.length === 0) return openings;
  const rows = await db
    .selectFrom('case_events')
    .select(['case_id', 'branch_id', 'device_id'])
    .where('case_id', 'in', [...new Set(caseIds)])
    .where('type', '=', 'opened')
    .execute();
  for (const row of rows) openings.set(row.case_id, [...(openings.get(row.case_id) ?? []), { branchId: row.branch_id, deviceId: row.device_id }]);
  return openings;
}

/**
 * Which events a fold reads: a branch's own, or every branch's. A push folds every branch's
 * events of the cases it names, so that an event naming another branch's case meets that
 * case and is refused `wrong-branch`; whatever shows a branch its cases reads its own only.
 */
export type FoldScope = { branchId: string } | 'every-branch';

/** The applied events of these cases, in seq order: folded, they are the cases as they stand. */
export async function appliedEventsOfCases(db: Kysely<Database>, caseIds: readonly string[], scope: FoldScope): Promise<CaseEvent[]> {
  if (caseIds.length === 0) return [];
  const rows = await db
    .selectFrom('case_events')
    .select('payload')
    .where('case_id', 'in', [...new Set(caseIds)])
    .where('status', '=', 'applied')
    .$if(scope !== 'every-branch', (qb) => qb.where('branch_id', '=', (scope as { branchId: string }).branchId))
    .orderBy('seq')
    .execute();
  return rows.map((r) => JSON.parse(r.payload) as CaseEvent);
}

/** Every applied event of a branch, in seq order: folded, they are its cases as they stand (a rebuild reads them so). */
export async function appliedEventsOfBranch(db: Kysely<Database>, branchId: string): Promise<CaseEvent[]> {
  const rows = await db.selectFrom('case_events').select('payload').where('branch_id', '=', branchId).where('status', '=', 'applied').orderBy('seq').execute();
  return rows.map((r) => JSON.parse(r.payload) as CaseEvent);
}

/**
 * The cases opened (and applied) in a branch from these opinion-box entries, as pairs: two
 * tablets offline may each have opened one for the same entry.
 */
export async function casesOpenedFrom(db: Kysely<Database>, branchId: string, opinionIds: readonly string[]): Promise<{ caseId: string; opinionId: string }[]> {
  if (opinionIds.length === 0) return [];
  const rows = await db
    .selectFrom('case_events')
    .select(['case_id', 'opinion_id'])
    .where('opinion_id', 'in', [...new Set(opinionIds)])
    .where('branch_id', '=', branchId)
    .where('type', '=', 'opened')
    .where('status', '=', 'applied')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ caseId: r.case_id, opinionId: r.opinion_id! }));
}

/**
 * Inserts one event; false when its id was stored meanwhile. Events are inserted one at a
 * time in the order sent, so that seq follows it on both databases. The ids were looked up
 * under the locks, but a push of another branch may store the same id at the same moment;
 * `do nothing` keeps that from failing the whole batch, and the caller answers it.
 */
export async function insertCaseEventRow(db: Kysely<Database>, row: NewCaseEventRow): Promise<boolean> {
  const stored = await db.insertInto('case_events').values(row).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
  return stored !== undefined;
}

/** A branch's case events after `after` in seq order, at most `limit`. */
export async function caseEventsAfter(db: Kysely<Database>, branchId: string, after: number, limit: number): Promise<StoredCaseEvent[]> {
  const rows = await db
    .selectFrom('case_events')
    .select(['seq', 'payload', 'status', 'reason', 'message', 'attestation'])
    .where('branch_id', '=', branchId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(caseEventRowToStored);
}

/** Every case event of a branch in seq order, for tests and the admin CLI. */
export const allCaseEvents = (db: Kysely<Database>, branchId: string): Promise<StoredCaseEvent[]> =>
  caseEventsAfter(db, branchId, 0, Number.MAX_SAFE_INTEGER);

/** How many case events are stored. */
export const countCaseEvents = (db: Kysely<Database>): Promise<number> => countPushed(db, 'case_events');
