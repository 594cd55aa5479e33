import type { Kysely } from 'kysely';
import type { PinHash } from '../../domain/pin.ts';
import { ROSTER_ROLES, type RosterRole, type Teller } from '../../domain/teller.ts';
import type { Database, TellerRow } from '../db/schema.ts';

// The roles live in the domain (teller.ts), shared with the tablets; stored in `tellers.role`.
export { ROSTER_ROLES, type RosterRole };

/** A teller as the server keeps them: the roster entry, always with its PIN hash, plus branch, role, status and creation time. */
export type StoredTeller = Omit<Teller, 'pin'> & { pin: PinHash; branchId: string; active: boolean; createdAt: number };

/** What an edit of a teller may change; absent fields stay as they are. */
export type TellerChanges = Partial<Pick<StoredTeller, 'name' | 'stars' | 'photo' | 'pin' | 'pinMustChange' | 'role' | 'active'>>;

/** Maps a row to a teller; every column was checked by the service that wrote it. */
export const tellerRowToTeller = (row: TellerRow): StoredTeller => ({
  id: row.id,
  branchId: row.branch_id,
  staffNumber: row.staff_number,
  name: row.name,
  photo: row.photo,
  stars: row.stars,
  pin: { salt: row.pin_salt, hash: row.pin_hash, iterations: row.pin_iterations },
  pinMustChange: row.pin_must_change === 1,
  role: row.role as RosterRole,
  active: row.active === 1,
  createdAt: row.created_at,
});

const pinColumns = (pin: PinHash) => ({ pin_salt: pin.salt, pin_hash: pin.hash, pin_iterations: pin.iterations });

/** Tellers of one branch, or of all, by branch then staff number; active ones only when asked. */
export async function listTellers(
  db: Kysely<Database>,
  filter: { branchId?: string; activeOnly?: boolean } = {},
): Promise<StoredTeller[]> {
  let query = db.selectFrom('tellers').selectAll();
  if (filter.branchId !== undefined) query = query.where('branch_id', '=', filter.branchId);
  if (filter.activeOnly) query = query.where('active', '=', 1);
  const rows = await query.orderBy('branch_id').orderBy('staff_number').execute();
  return rows.map(tellerRowToTeller);
}

export async function findTeller(db: Kysely<Database>, id: string): Promise<StoredTeller | undefined> {
  const row = await db.selectFrom('tellers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && tellerRowToTeller(row);
}

export async function findTellerByStaffNumber(db: Kysely<Database>, branchId: string, staffNumber: string): Promise<StoredTeller | undefined> {
  const row = await db
    .selectFrom('tellers')
    .selectAll()
    .where('branch_id', '=', branchId)
    .where('staff_number', '=', staffNumber)
    .executeTakeFirst();
  return row && tellerRowToTeller(row);
}

/**
 * The ids of every teller of a branch, active or not: a rating made offline by a teller
 * who was deactivated before the tablet synced is still theirs, and must be accepted.
 */
export async function tellerIdsOfBranch(db: Kysely<Database>, branchId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('tellers').select('id').where('branch_id', '=', branchId).execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * The role of every member of a branch's staff, active or not, by id: a case event made
 * offline by someone deactivated since is still theirs (as with tellerIdsOfBranch).
 */
export async function staffRolesOfBranch(db: Kysely<Database>, branchId: string): Promise<Map<string, RosterRole>> {
  const rows = await db.selectFrom('tellers').select(['id', 'role']).where('branch_id', '=', branchId).execute();
  return new Map(rows.map((r) => [r.id, r.role as RosterRole]));
}

/** Stores a teller; the caller bumps the branch's config version in the same transaction. */
export async function insertTeller(db: Kysely<Database>, teller: StoredTeller): Promise<void> {
  await db
    .insertInto('tellers')
    .values({
      id: teller.id,
      branch_id: teller.branchId,
      staff_number: teller.staffNumber,
      name: teller.name,
      photo: teller.photo,
      stars: teller.stars,
      ...pinColumns(teller.pin),
      pin_must_change: teller.pinMustChange ? 1 : 0,
      role: teller.role,
      active: teller.active ? 1 : 0,
      created_at: teller.createdAt,
    })
    .execute();
}

/** Applies changes to a teller; false when there is no such teller. The caller bumps the config version. */
export async function updateTeller(db: Kysely<Database>, id: string, changes: TellerChanges): Promise<boolean> {
  const result = await db
    .updateTable('tellers')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.stars !== undefined && { stars: changes.stars }),
      ...(changes.photo !== undefined && { photo: changes.photo }),
      ...(changes.pin !== undefined && pinColumns(changes.pin)),
      ...(changes.pinMustChange !== undefined && { pin_must_change: changes.pinMustChange ? 1 : 0 }),
      ...(changes.role !== undefined && { role: changes.role }),
      ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
