import type { Kysely } from 'kysely';
import { HEAD_OFFICE, managesBranchManagers, maySeeBranch, type Viewer } from '../../domain/access.ts';
import type { StaffAdd, StaffChange, StaffEdit, StaffList, StaffMember } from '../../domain/manage.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { isManagerRole } from '../../domain/staff-session.ts';
import type { Database } from '../db/schema.ts';
import { photoToDataUrl } from '../photos.ts';
import { findBranch } from '../repositories/branches.ts';
import { findTeller, listTellers, type StoredTeller } from '../repositories/tellers.ts';
import { findAccountOfTeller } from '../repositories/accounts.ts';
import { deleteSessionsOf } from '../repositories/sessions.ts';
import { recordAudit, type Actor } from './audit.ts';
import { addTeller, editTeller, randomPinFor, type TellerError } from './tellers.ts';

export type StaffError = 'forbidden' | 'not-found' | 'bad-request';

/**
 * Manage › Staff (src/server/routes/manage.ts): a branch's roster on the dashboard, through the
 * same services as `npm run admin -- teller:add / teller:set` (services/tellers.ts), so the
 * rules are one and every change bumps the branch's config version: its tablets pull it at
 * their next sync. Head office for any branch, a branch manager for their own; an unknown
 * branch or member is 404 for head office and 403 for a branch manager, who cannot probe.
 * PINs are made here with crypto randomness, answered once, stored only hashed, and never in
 * the audit log.
 */

const BRANCH_MANAGER = 'branch-manager';

export const staffMemberOf = (t: StoredTeller): StaffMember => ({
  id: t.id,
  branchId: t.branchId,
  staffNumber: t.staffNumber,
  name: t.name,
  role: t.role,
  stars: t.stars,
  active: t.active,
  hasPhoto: t.photo !== null,
});

const forbiddenBranch = (viewer: Viewer, branchId: string) =>
  err('forbidden', `${viewer.staffNumber} (${viewer.role}) may manage the staff of their own branch only, not of ${branchId}.`);

/** The branch when the viewer may manage it; 404 only for head office, who may see that it does not exist. */
async function branchFor(db: Kysely<Database>, viewer: Viewer, branchId: string): Promise<Result<{ id: string; name: string }, StaffError>> {
  if (!maySeeBranch(viewer, branchId)) return forbiddenBranch(viewer, branchId);
  const branch = await findBranch(db, branchId);
  if (!branch) return err('not-found', `No branch has the id ${branchId}.`);
  return ok({ id: branch.id, name: branch.name });
}

/** The member when the viewer may manage their branch; a branch manager learns nothing of other branches' ids. */
async function memberFor(db: Kysely<Database>, viewer: Viewer, tellerId: string): Promise<Result<StoredTeller, StaffError>> {
  const teller = await findTeller(db, tellerId);
  if (!teller || !maySeeBranch(viewer, teller.branchId)) {
    return viewer.role === HEAD_OFFICE
      ? err('not-found', `No member of staff has the id ${tellerId}.`)
      : err('forbidden', `${viewer.staffNumber} (${viewer.role}) may manage the staff of their own branch only.`);
  }
  return ok(teller);
}

/** The tellers service's refusals, as the API's codes. */
function fromTellers(result: { reason: TellerError; message: string }): Result<never, StaffError> {
  if (result.reason === 'teller-not-found' || result.reason === 'branch-not-found') return err('not-found', result.message);
  return err('bad-request', result.message);
}

/** Only head office (or the branch's regional manager) makes or unmakes a branch manager: a branch manager cannot raise anyone to their own powers. */
function mayGiveRole(viewer: Viewer, from: string | null, to: string): boolean {
  if (from === to || managesBranchManagers(viewer)) return true;
  return from !== BRANCH_MANAGER && to !== BRANCH_MANAGER;
}

const isSelf = (viewer: Viewer, teller: StoredTeller) => viewer.branchId === teller.branchId && viewer.staffNumber === teller.staffNumber;

/**
 * Another branch manager of the branch is head office's to manage: their PIN signs cases off on
 * the tablets, and a co-manager who could reset it, or change their name or photo, could act as
 * them. Their own entry a branch manager may change, within the rules above.
 */
const coManager = (viewer: Viewer, teller: StoredTeller): Result<never, StaffError> | null =>
  !managesBranchManagers(viewer) && teller.role === BRANCH_MANAGER && !isSelf(viewer, teller)
    ? err('forbidden', 'Another branch manager is managed by head office or the regional manager; ask them.')
    : null;

/**
 * The member must be as they were when the viewer's right to act was checked: the role and
 * branch decide who may change them, and a slow hash ran in between.
 */
const unchangedSince =
  (checked: StoredTeller) =>
  (now: StoredTeller): string | null =>
    now.role === checked.role && now.branchId === checked.branchId && now.active === checked.active
      ? null
      : `${checked.name} was changed by someone else meanwhile; reload the page and try again.`;

/** Ends the dashboard sessions of a roster member's account, if they have one. */
async function endSessionsOfTeller(trx: Kysely<Database>, tellerId: string): Promise<void> {
  const account = await findAccountOfTeller(trx, tellerId);
  if (account) await deleteSessionsOf(trx, account.staffNumber);
}

export async function listStaff(db: Kysely<Database>, viewer: Viewer, branchId: string): Promise<Result<StaffList, StaffError>> {
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  const staff = await listTellers(db, { branchId });
  return ok({ branch: branch.value, staff: staff.map(staffMemberOf) });
}

export async function addStaff(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { branchId: string; member: StaffAdd; actor: Actor },
  now: number,
): Promise<Result<StaffChange & { pin: string }, StaffError>> {
  const { branchId, member, actor } = input;
  const branch = await branchFor(db, viewer, branchId);
  if (!branch.ok) return branch;
  if (!mayGiveRole(viewer, null, member.role)) return err('forbidden', 'Only head office may add a branch manager.');
  const pin = randomPinFor(member.role);
  const added = await addTeller(db, { branchId, ...member, pin }, now, undefined, {
    then: (trx, teller) => recordAudit(trx, actor, { action: 'staff-add', branchId, subject: teller.id, detail: { role: member.role, stars: member.stars } }, now),
  });
  if (!added.ok) return fromTellers(added);
  return ok({ member: staffMemberOf(added.value), pin });
}

export async function editStaff(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { tellerId: string; edit: StaffEdit; actor: Actor },
  now: number,
): Promise<Result<StaffChange, StaffError>> {
  const { tellerId, edit, actor } = input;
  const current = await memberFor(db, viewer, tellerId);
  if (!current.ok) return current;
  const teller = current.value;
  const refused = coManager(viewer, teller);
  if (refused) return refused;
  const role = edit.role ?? teller.role;
  if (!mayGiveRole(viewer, teller.role, role)) return err('forbidden', 'Only head office may make someone a branch manager or take that role away.');
  if (isSelf(viewer, teller)) {
    if (role !== teller.role) return err('forbidden', 'You cannot change your own role; ask head office.');
    if (edit.active === false) return err('forbidden', 'You cannot take yourself off the roster; ask head office.');
  }
  // A member who becomes a manager needs a longer PIN (services/tellers.ts): they get a new one.
  const pin = isManagerRole(role) && !isManagerRole(teller.role) ? randomPinFor(role) : null;
  const changed = Object.keys(edit).filter((key) => edit[key as keyof StaffEdit] !== undefined);
  const edited = await editTeller(
    db,
    tellerId,
    { ...edit, ...(pin !== null && { pin }) },
    {
      check: unchangedSince(teller),
      then: async (trx, member) => {
        // Off the roster means off the dashboard at once: their sessions end with the change.
        if (edit.active === false) await endSessionsOfTeller(trx, member.id);
        await recordAudit(
          trx,
          actor,
          { action: 'staff-edit', branchId: teller.branchId, subject: tellerId, detail: { changed, ...(edit.role !== undefined && { role }), ...(edit.active !== undefined && { active: edit.active }), newPin: pin !== null } },
          now,
        );
      },
    },
  );
  if (!edited.ok) return fromTellers(edited);
  return ok({ member: staffMemberOf(edited.value), pin });
}

export async function resetStaffPin(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { tellerId: string; actor: Actor },
  now: number,
): Promise<Result<StaffChange & { pin: string }, StaffError>> {
  const current = await memberFor(db, viewer, input.tellerId);
  if (!current.ok) return current;
  const refused = coManager(viewer, current.value);
  if (refused) return refused;
  const pin = randomPinFor(current.value.role);
  const edited = await editTeller(
    db,
    input.tellerId,
    { pin },
    {
      check: unchangedSince(current.value),
      then: (trx) => recordAudit(trx, input.actor, { action: 'staff-pin', branchId: current.value.branchId, subject: input.tellerId, detail: {} }, now),
    },
  );
  if (!edited.ok) return fromTellers(edited);
  return ok({ member: staffMemberOf(edited.value), pin });
}

/**
 * Sets or removes a member's photo. The data URL passed the roster's schema (type and size);
 * its bytes are checked here as the CLI's --photo checks a file's (photos.ts): the type it
 * claims must be the type its bytes are.
 */
export async function setStaffPhoto(
  db: Kysely<Database>,
  viewer: Viewer,
  input: { tellerId: string; photo: string | null; actor: Actor },
  now: number,
): Promise<Result<StaffChange, StaffError>> {
  const current = await memberFor(db, viewer, input.tellerId);
  if (!current.ok) return current;
  const refused = coManager(viewer, current.value);
  if (refused) return refused;
  let photo: string | null = null;
  if (input.photo !== null) {
    const comma = input.photo.indexOf(',');
    const bytes = new Uint8Array(Buffer.from(input.photo.slice(comma + 1), 'base64'));
    const checked = photoToDataUrl(bytes, 'the image');
    if (!checked.ok) return err('bad-request', `photo: ${checked.message}`);
    if (checked.value !== input.photo) return err('bad-request', 'photo: its data URL names another type than its bytes are');
    photo = checked.value;
  }
  const edited = await editTeller(
    db,
    input.tellerId,
    { photo },
    {
      check: unchangedSince(current.value),
      then: (trx) =>
        recordAudit(trx, input.actor, { action: 'staff-photo', branchId: current.value.branchId, subject: input.tellerId, detail: { photo: photo === null ? 'removed' : 'set', bytes: photo?.length ?? 0 } }, now),
    },
  );
  if (!edited.ok) return fromTellers(edited);
  return ok({ member: staffMemberOf(edited.value), pin: null });
}
