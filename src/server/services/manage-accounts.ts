import type { Kysely } from 'kysely';
import { HEAD_OFFICE, REGIONAL_MANAGER, type Viewer } from '../../domain/access.ts';
import { isAccountRosterRole, type AccountChange, type AccountInvite, type AccountKind, type AccountList, type ManagedAccount } from '../../domain/manage-accounts.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { randomPassword } from '../passwords.ts';
import { findAccountHolder, listAccounts, type AccountHolder } from '../repositories/accounts.ts';
import { listBranches } from '../repositories/branches.ts';
import { listRegions } from '../repositories/regions.ts';
import { findTeller, listTellers, type StoredTeller } from '../repositories/tellers.ts';
import { addHeadOfficeAccount, addRosterAccount, editAccount, viewerOf, type AccountError } from './accounts.ts';
import { inTransaction } from '../db/transaction.ts';
import { recordAudit, type Actor } from './audit.ts';
import { addRegionalAccount } from './regions.ts';

export type ManageAccountsError = 'forbidden' | 'not-found' | 'bad-request' | 'conflict';

/**
 * Manage › Accounts (src/server/routes/manage-accounts.ts): dashboard accounts on the dashboard,
 * through the same services as `npm run admin -- account:add / account:set`. Who manages whom:
 * head office every account; a regional manager the accounts of the roster members of their
 * region's branches; a branch manager their own branch's complaint managers. Nobody their own
 * account here: they change their password themselves. An account out of scope is 403, and so
 * is one that does not exist for anyone but head office, so nobody else can probe staff numbers.
 * Passwords are made here, answered once, hashed by the accounts service and never audited.
 */

/** A temporary password's length: read off a screen or a slip and typed once, then replaced. */
export const TEMPORARY_PASSWORD_LENGTH = 16;

const BRANCH_MANAGER = 'branch-manager';
const COMPLAINT_MANAGER = 'complaint-manager';

/** Whether the viewer may invite, disable or reset an account of this holder. */
function manages(viewer: Viewer, holder: Pick<AccountHolder, 'headOffice' | 'regionId' | 'roster'>): boolean {
  if (viewer.role === HEAD_OFFICE) return true;
  if (holder.headOffice || holder.regionId !== null || !holder.roster) return false;
  if (viewer.role === REGIONAL_MANAGER) return viewer.region?.branchIds.includes(holder.roster.branchId) ?? false;
  if (viewer.role === BRANCH_MANAGER) return viewer.branchId === holder.roster.branchId && holder.roster.role === COMPLAINT_MANAGER;
  return false;
}

/** The kinds of account the viewer may invite. */
function invitableKinds(viewer: Viewer): AccountKind[] {
  if (viewer.role === HEAD_OFFICE) return ['roster', 'regional-manager', 'head-office'];
  if (viewer.role === REGIONAL_MANAGER || viewer.role === BRANCH_MANAGER) return ['roster'];
  return [];
}

/** Whether the viewer may invite this roster member, by role and branch alone. */
const mayInviteMember = (viewer: Viewer, teller: StoredTeller): boolean =>
  isAccountRosterRole(teller.role) && manages(viewer, { headOffice: false, regionId: null, roster: { name: teller.name, role: teller.role, branchId: teller.branchId, active: teller.active } });

const roleOf = (holder: AccountHolder): ManagedAccount['role'] =>
  holder.headOffice ? HEAD_OFFICE : holder.regionId !== null ? REGIONAL_MANAGER : (holder.roster?.role ?? null);

function managedAccountOf(viewer: Viewer, holder: AccountHolder, branchNames: ReadonlyMap<string, string>): ManagedAccount {
  const branchId = holder.roster?.branchId ?? null;
  return {
    staffNumber: holder.staffNumber,
    name: holder.roster?.name ?? holder.name,
    role: roleOf(holder),
    branch: branchId === null ? null : { id: branchId, name: branchNames.get(branchId) ?? branchId },
    region: holder.region ? { id: holder.region.id, name: holder.region.name } : null,
    active: holder.active,
    signsIn: viewerOf(holder) !== undefined,
    mustChangePassword: holder.mustChangePassword,
    self: holder.staffNumber === viewer.staffNumber,
    createdAt: holder.createdAt,
  };
}

async function branchNamesOf(db: Kysely<Database>): Promise<Map<string, string>> {
  return new Map((await listBranches(db)).map((b) => [b.id, b.name]));
}

/** The account when the viewer may manage it (never their own); unknown is 404 for head office only. */
async function accountFor(db: Kysely<Database>, viewer: Viewer, staffNumber: string): Promise<Result<AccountHolder, ManageAccountsError>> {
  const found = await findAccountHolder(db, staffNumber);
  if (!found || !manages(viewer, found.holder)) {
    return !found && viewer.role === HEAD_OFFICE
      ? err('not-found', `No dashboard account has the staff number ${staffNumber}.`)
      : err('forbidden', `${viewer.staffNumber} (${viewer.role}) may not manage the dashboard account ${staffNumber}.`);
  }
  if (found.holder.staffNumber === viewer.staffNumber) {
    return err('forbidden', 'You cannot disable or reset your own account here; change your password with "Change password".');
  }
  return ok(found.holder);
}

/**
 * The accounts service's refusals, as the API's codes. Staff numbers are unique across the
 * network's accounts, so "taken" would tell a branch or regional manager of an account outside
 * their scope (and whose): only head office, who sees every account, is told more than that.
 */
function fromAccounts(result: { reason: AccountError | 'region-not-found'; message: string }, viewer: Viewer): Result<never, ManageAccountsError> {
  if (result.reason === 'account-exists') {
    return err('conflict', viewer.role === HEAD_OFFICE ? result.message : 'This staff number cannot have a dashboard account of yours; ask head office.');
  }
  if (result.reason === 'teller-not-found' || result.reason === 'account-not-found' || result.reason === 'region-not-found' || result.reason === 'branch-not-found') {
    return err('not-found', result.message);
  }
  return err('bad-request', result.message);
}

export async function listManagedAccounts(db: Kysely<Database>, viewer: Viewer): Promise<Result<AccountList, ManageAccountsError>> {
  const mayInvite = invitableKinds(viewer);
  if (mayInvite.length === 0) return err('forbidden', `${viewer.staffNumber} (${viewer.role}) manages no dashboard accounts.`);
  const [holders, branches, tellers] = await Promise.all([listAccounts(db), listBranches(db), listTellers(db, { activeOnly: true })]);
  const names = new Map(branches.map((b) => [b.id, b.name]));
  // Head office sees every account, itself included; anyone else only those they manage.
  const visible = holders.filter((h) => (viewer.role === HEAD_OFFICE ? true : manages(viewer, h)));
  const withAccount = new Set(holders.map((h) => h.tellerId).filter((id) => id !== null));
  const taken = new Set(holders.map((h) => h.staffNumber));
  const candidates = tellers
    .filter((t) => mayInviteMember(viewer, t) && !withAccount.has(t.id) && !taken.has(t.staffNumber))
    .map((t) => ({ tellerId: t.id, staffNumber: t.staffNumber, name: t.name, role: t.role, branchId: t.branchId }));
  const inScope = branches.filter((b) => manages(viewer, { headOffice: false, regionId: null, roster: { name: '', role: COMPLAINT_MANAGER, branchId: b.id, active: true } }));
  const regions = viewer.role === HEAD_OFFICE ? (await listRegions(db)).map((r) => ({ id: r.id, name: r.name })) : [];
  return ok({
    accounts: visible.map((h) => managedAccountOf(viewer, h, names)),
    mayInvite,
    branches: inScope.map((b) => ({ id: b.id, name: b.name })).sort((a, b) => a.name.localeCompare(b.name)),
    candidates,
    regions,
  });
}

export async function inviteAccount(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { invite: AccountInvite; actor: Actor },
  now: number,
): Promise<Result<AccountChange & { temporaryPassword: string }, ManageAccountsError>> {
  // The check, the change and its audit row in one transaction: stored together or not at all,
  // and the viewer's right to act is read in the same transaction as the write.
  return inTransaction(db, async (trx) => {
    const { invite, actor } = input;
    if (!invitableKinds(viewer).includes(invite.kind)) return err('forbidden', `${viewer.staffNumber} (${viewer.role}) may not invite a ${invite.kind} account; ask head office.`);
    const temporaryPassword = randomPassword(TEMPORARY_PASSWORD_LENGTH);
    let added: Awaited<ReturnType<typeof addRegionalAccount>>;
    if (invite.kind === 'roster') {
      const teller = await findTeller(trx, invite.tellerId);
      if (!teller || !manages(viewer, { headOffice: false, regionId: null, roster: { name: teller.name, role: teller.role, branchId: teller.branchId, active: teller.active } })) {
        return !teller && viewer.role === HEAD_OFFICE
          ? err('not-found', `No member of staff has the id ${invite.tellerId}.`)
          : err('forbidden', `${viewer.staffNumber} (${viewer.role}) may not invite this member of staff.`);
      }
      if (!isAccountRosterRole(teller.role)) {
        return err('bad-request', `tellerId: ${teller.name} is a ${teller.role}; only branch managers and complaint managers have dashboard accounts (their role sees no reports).`);
      }
      added = await addRosterAccount(trx, { tellerId: teller.id, password: temporaryPassword, mustChangePassword: true }, now);
    } else if (invite.kind === 'regional-manager') {
      const { staffNumber, name, regionId } = invite;
      added = await addRegionalAccount(trx, { staffNumber, name, regionId, password: temporaryPassword, mustChangePassword: true }, now);
    } else {
      const { staffNumber, name } = invite;
      added = await addHeadOfficeAccount(trx, { staffNumber, name, password: temporaryPassword, mustChangePassword: true }, now);
    }
    if (!added.ok) return fromAccounts(added, viewer);
    const holder = added.value;
    const role = roleOf(holder);
    await recordAudit(
      trx,
      actor,
      {
        action: 'account-add',
        branchId: holder.roster?.branchId ?? null,
        subject: holder.staffNumber,
        detail: { account: holder.staffNumber, role, ...(holder.regionId !== null && { regionId: holder.regionId }) },
      },
      now,
    );
    return ok({ account: managedAccountOf(viewer, holder, await branchNamesOf(trx)), temporaryPassword, sessionsEnded: 0 });
  });
}

/** Takes an account off the dashboard (ending its sessions), or puts it back. */
export async function setAccountActive(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { staffNumber: string; active: boolean; actor: Actor },
  now: number,
): Promise<Result<AccountChange, ManageAccountsError>> {
  // The check, the change and its audit row in one transaction: stored together or not at all,
  // and the viewer's right to act is read in the same transaction as the write.
  return inTransaction(db, async (trx) => {
    const current = await accountFor(trx, viewer, input.staffNumber);
    if (!current.ok) return current;
    const edited = await editAccount(trx, input.staffNumber, { active: input.active }, now);
    if (!edited.ok) return fromAccounts(edited, viewer);
    const { account, sessionsEnded } = edited.value;
    await recordAudit(
      trx,
      input.actor,
      { action: 'account-edit', branchId: account.roster?.branchId ?? null, subject: account.staffNumber, detail: { account: account.staffNumber, role: roleOf(account), active: input.active, sessionsEnded } },
      now,
    );
    return ok({ account: managedAccountOf(viewer, account, await branchNamesOf(trx)), temporaryPassword: null, sessionsEnded });
  });
}

/** A new temporary password: its sessions end, and its owner chooses their own at the next sign-in. */
export async function resetAccountPassword(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { staffNumber: string; actor: Actor },
  now: number,
): Promise<Result<AccountChange & { temporaryPassword: string }, ManageAccountsError>> {
  // The check, the change and its audit row in one transaction: stored together or not at all,
  // and the viewer's right to act is read in the same transaction as the write.
  return inTransaction(db, async (trx) => {
    const current = await accountFor(trx, viewer, input.staffNumber);
    if (!current.ok) return current;
    const temporaryPassword = randomPassword(TEMPORARY_PASSWORD_LENGTH);
    const edited = await editAccount(trx, input.staffNumber, { password: temporaryPassword }, now);
    if (!edited.ok) return fromAccounts(edited, viewer);
    const { account, sessionsEnded } = edited.value;
    await recordAudit(
      trx,
      input.actor,
      { action: 'account-password', branchId: account.roster?.branchId ?? null, subject: account.staffNumber, detail: { account: account.staffNumber, role: roleOf(account), sessionsEnded } },
      now,
    );
    return ok({ account: managedAccountOf(viewer, account, await branchNamesOf(trx)), temporaryPassword, sessionsEnded });
  });
}
