import type { Kysely } from 'kysely';
import type { RosterRole } from '../../domain/teller.ts';
import type { Database, StaffAccountRow } from '../db/schema.ts';

/** A dashboard account, without its password hash: only a sign-in reads that (findAccountHolder). */
export type StoredAccount = {
  staffNumber: string;
  /** The roster member behind the account; null for head office. */
  tellerId: string | null;
  /** The name given at creation; a roster member's current name is the roster's. */
  name: string;
  headOffice: boolean;
  /** A regional manager's region; null for every other account. */
  regionId: string | null;
  active: boolean;
  /** Set when someone else chose the password (the first run, an admin); cleared when its owner changes it. */
  mustChangePassword: boolean;
  createdAt: number;
  updatedAt: number;
};

/** The roster entry behind a branch account, as it is now: role and branch are never copied. */
export type RosterEntry = { name: string; role: RosterRole; branchId: string; active: boolean };

/** A regional manager's region as it is now: its name and branches are never copied either. */
export type RegionEntry = { id: string; name: string; branchIds: string[] };

/** An account with its roster entry (null for head office, or a roster member since deleted), and a regional manager's region. */
export type AccountHolder = StoredAccount & { roster: RosterEntry | null; region: RegionEntry | null };

export const accountRowToAccount = (row: StaffAccountRow): StoredAccount => ({
  staffNumber: row.staff_number,
  tellerId: row.teller_id,
  name: row.name,
  headOffice: row.head_office === 1,
  regionId: row.region_id,
  active: row.active === 1,
  mustChangePassword: row.must_change_password === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Accounts joined with the roster: one query answers who someone is and what they may do. */
function selectHolders(db: Kysely<Database>) {
  return db
    .selectFrom('staff_accounts')
    .leftJoin('tellers', 'tellers.id', 'staff_accounts.teller_id')
    .leftJoin('regions', 'regions.id', 'staff_accounts.region_id')
    .selectAll('staff_accounts')
    .select(['tellers.name as roster_name', 'tellers.role as roster_role', 'tellers.branch_id as roster_branch_id', 'tellers.active as roster_active'])
    .select('regions.name as region_name');
}

type HolderRow = StaffAccountRow & {
  roster_name: string | null;
  roster_role: string | null;
  roster_branch_id: string | null;
  roster_active: number | null;
  region_name: string | null;
};

/** A holder from its row; a regional manager's region's branches come from `branchIds`, read beside it. */
export const holderRowToHolder = (row: HolderRow, branchIds: string[] = []): AccountHolder => ({
  ...accountRowToAccount(row),
  roster:
    row.roster_name === null
      ? null
      : { name: row.roster_name, role: row.roster_role as RosterRole, branchId: row.roster_branch_id!, active: row.roster_active === 1 },
  region: row.region_id === null || row.region_name === null ? null : { id: row.region_id, name: row.region_name, branchIds },
});

/** The holder of a row, with its region's branches read now when it has a region. */
async function holderOf(db: Kysely<Database>, row: HolderRow): Promise<AccountHolder> {
  if (row.region_id === null) return holderRowToHolder(row);
  const branches = await db.selectFrom('branches').select('id').where('region_id', '=', row.region_id).orderBy('id').execute();
  return holderRowToHolder(
    row,
    branches.map((b) => b.id),
  );
}

/** Every account with its roster entry, head office first, then by staff number. */
export async function listAccounts(db: Kysely<Database>): Promise<AccountHolder[]> {
  const rows = await selectHolders(db).orderBy('staff_accounts.head_office', 'desc').orderBy('staff_accounts.staff_number').execute();
  return Promise.all(rows.map((row) => holderOf(db, row)));
}

/** One account with its roster entry and its password hash: what a sign-in checks. */
export async function findAccountHolder(db: Kysely<Database>, staffNumber: string): Promise<{ holder: AccountHolder; password: string } | undefined> {
  const row = await selectHolders(db).where('staff_accounts.staff_number', '=', staffNumber).executeTakeFirst();
  return row && { holder: await holderOf(db, row), password: row.password };
}

export async function findAccount(db: Kysely<Database>, staffNumber: string): Promise<StoredAccount | undefined> {
  const row = await db.selectFrom('staff_accounts').selectAll().where('staff_number', '=', staffNumber).executeTakeFirst();
  return row && accountRowToAccount(row);
}

export async function findAccountOfTeller(db: Kysely<Database>, tellerId: string): Promise<StoredAccount | undefined> {
  const row = await db.selectFrom('staff_accounts').selectAll().where('teller_id', '=', tellerId).executeTakeFirst();
  return row && accountRowToAccount(row);
}

/** Stores a new account with its password hash. */
export async function insertAccount(db: Kysely<Database>, account: StoredAccount, passwordHash: string): Promise<void> {
  await db
    .insertInto('staff_accounts')
    .values({
      staff_number: account.staffNumber,
      teller_id: account.tellerId,
      name: account.name,
      head_office: account.headOffice ? 1 : 0,
      region_id: account.regionId,
      password: passwordHash,
      active: account.active ? 1 : 0,
      must_change_password: account.mustChangePassword ? 1 : 0,
      created_at: account.createdAt,
      updated_at: account.updatedAt,
    })
    .execute();
}

/** Sets a new password hash (and whether its owner must change it), and/or the active flag; false when there is no such account. */
export async function updateAccount(
  db: Kysely<Database>,
  staffNumber: string,
  changes: { passwordHash?: string; mustChangePassword?: boolean; active?: boolean },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('staff_accounts')
    .set({
      ...(changes.passwordHash !== undefined && { password: changes.passwordHash }),
      ...(changes.mustChangePassword !== undefined && { must_change_password: changes.mustChangePassword ? 1 : 0 }),
      ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
      updated_at: now,
    })
    .where('staff_number', '=', staffNumber)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
