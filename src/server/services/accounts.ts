import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { HEAD_OFFICE, PasswordSchema, REGIONAL_MANAGER, type Viewer } from '../../domain/access.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { StaffNumberSchema } from '../../domain/teller.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { hashPassword } from '../passwords.ts';
import {
  findAccount,
  findAccountHolder,
  findAccountOfTeller,
  insertAccount,
  updateAccount,
  type AccountHolder,
  type StoredAccount,
} from '../repositories/accounts.ts';
import { deleteSessionsOf } from '../repositories/sessions.ts';
import { findTeller } from '../repositories/tellers.ts';
import { parseInput, type AdminError } from './input.ts';

/**
 * Dashboard accounts (decision 0010): a staff number and a password. A roster
 * member's account holds no role or branch of its own: both are read from the roster on
 * every request, so moving someone on the roster moves their dashboard at once. Head office
 * accounts have no branch and see every branch.
 */

export type AccountError = AdminError | 'teller-not-found' | 'account-exists' | 'account-not-found';

const NameSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80, 'is longer than 80 characters'));
const RosterAccountSchema = v.object({ password: PasswordSchema });
const HeadOfficeAccountSchema = v.object({ staffNumber: v.pipe(v.string(), v.trim(), StaffNumberSchema), name: NameSchema, password: PasswordSchema });
const AccountChangesSchema = v.object({ password: v.optional(PasswordSchema), active: v.optional(v.boolean()) });

const LIST_ACCOUNTS = '`npm run admin -- accounts`';

const accountNotFound = (staffNumber: string) =>
  err('account-not-found', `No dashboard account has the staff number ${staffNumber}; list them with ${LIST_ACCOUNTS}.`);

/** The viewer an account signs in as, or undefined when it may not sign in now. */
export function viewerOf(holder: AccountHolder): Viewer | undefined {
  if (!holder.active) return undefined;
  const { staffNumber, mustChangePassword } = holder;
  if (holder.headOffice) return { staffNumber, name: holder.name, role: HEAD_OFFICE, branchId: null, mustChangePassword };
  if (holder.regionId !== null) {
    // A region since removed leaves its manager without a dashboard, like a roster entry gone.
    if (!holder.region) return undefined;
    return { staffNumber, name: holder.name, role: REGIONAL_MANAGER, branchId: null, region: holder.region, mustChangePassword };
  }
  // Off the roster (inactive, or the roster entry gone) means off the dashboard too.
  if (!holder.roster?.active) return undefined;
  return { staffNumber, name: holder.roster.name, role: holder.roster.role, branchId: holder.roster.branchId, mustChangePassword };
}

/**
 * Adds an account for a member of a branch's roster: their staff number and name come from the
 * roster. `mustChangePassword`: the password is the admin's choice, and its owner must choose
 * their own at the first sign-in (every account the CLI makes).
 */
export async function addRosterAccount(
  db: Kysely<Database>,
  input: { tellerId: string; password: string; mustChangePassword: boolean },
  now: number,
): Promise<Result<AccountHolder, AccountError>> {
  const parsed = parseInput(RosterAccountSchema, { password: input.password });
  if (!parsed.ok) return parsed;
  const teller = await findTeller(db, input.tellerId);
  if (!teller) return err('teller-not-found', `No teller has the id ${input.tellerId}; list them with \`npm run admin -- tellers\`.`);
  if (!teller.active) {
    return err('invalid-input', `${teller.name} (${teller.id}) is off the roster; put them back with \`npm run admin -- teller:set ${teller.id} --active yes\` first.`);
  }
  // Hashed before the transaction, which holds storage only: no slow work inside it.
  const passwordHash = await hashPassword(parsed.value.password);
  const account: StoredAccount = {
    staffNumber: teller.staffNumber,
    tellerId: teller.id,
    name: teller.name,
    headOffice: false,
    regionId: null,
    active: true,
    mustChangePassword: input.mustChangePassword,
    createdAt: now,
    updatedAt: now,
  };
  return storeNewAccount(db, account, passwordHash);
}

/** Adds an account for head office's service department: no branch, every branch's reports. */
export async function addHeadOfficeAccount(
  db: Kysely<Database>,
  input: { staffNumber: string; name: string; password: string; mustChangePassword: boolean },
  now: number,
): Promise<Result<AccountHolder, AccountError>> {
  const parsed = parseInput(HeadOfficeAccountSchema, { staffNumber: input.staffNumber, name: input.name, password: input.password });
  if (!parsed.ok) return parsed;
  const passwordHash = await hashPassword(parsed.value.password);
  const { staffNumber, name } = parsed.value;
  const account = { staffNumber, tellerId: null, name, headOffice: true, regionId: null, active: true, mustChangePassword: input.mustChangePassword, createdAt: now, updatedAt: now };
  return storeNewAccount(db, account, passwordHash);
}

/** Stores an account whose password is hashed; staff numbers are unique across the network's accounts. */
export async function storeNewAccount(db: Kysely<Database>, account: StoredAccount, passwordHash: string): Promise<Result<AccountHolder, AccountError>> {
  return inTransaction(db, async (trx) => {
    const taken = await findAccount(trx, account.staffNumber);
    if (taken) {
      return err(
        'account-exists',
        `Staff number ${account.staffNumber} already has a dashboard account (${taken.name}); staff numbers are unique across the network's accounts. ` +
          `Change that account with \`npm run admin -- account:set ${account.staffNumber}\`.`,
      );
    }
    if (account.tellerId !== null) {
      const existing = await findAccountOfTeller(trx, account.tellerId);
      if (existing) return err('account-exists', `${account.name} already has the dashboard account ${existing.staffNumber}; change it with \`npm run admin -- account:set ${existing.staffNumber}\`.`);
    }
    await insertAccount(trx, account, passwordHash);
    const stored = await findAccountHolder(trx, account.staffNumber);
    return stored ? ok(stored.holder) : accountNotFound(account.staffNumber);
  });
}

/**
 * Sets a new password, or takes an account off the dashboard (or back): the admin's changes.
 * A new password or a deactivation ends the account's sessions: whoever knew the old password
 * is signed out. A password the admin sets is one they know: its owner must change it at the
 * next sign-in.
 */
export async function editAccount(
  db: Kysely<Database>,
  staffNumber: string,
  changes: { password?: string; active?: boolean },
  now: number,
): Promise<Result<{ account: AccountHolder; sessionsEnded: number }, AccountError>> {
  const parsed = parseInput(AccountChangesSchema, changes);
  if (!parsed.ok) return parsed;
  const { password, active } = parsed.value;
  if (password === undefined && active === undefined) return err('invalid-input', 'Nothing to change: give a new --password or --active yes|no.');
  if (!(await findAccount(db, staffNumber))) return accountNotFound(staffNumber);
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  return inTransaction(db, async (trx) => {
    const mustChangePassword = passwordHash === undefined ? undefined : true;
    if (!(await updateAccount(trx, staffNumber, { passwordHash, mustChangePassword, active }, now))) return accountNotFound(staffNumber);
    const sessionsEnded = passwordHash !== undefined || active === false ? await deleteSessionsOf(trx, staffNumber) : 0;
    const edited = await findAccountHolder(trx, staffNumber);
    return edited ? ok({ account: edited.holder, sessionsEnded }) : accountNotFound(staffNumber);
  });
}
