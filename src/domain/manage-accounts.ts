import * as v from 'valibot';
import { storableText } from './text.ts';
import type { AccountRole } from './access.ts';
import { IdSchema } from './ids.ts';
import { StaffNumberSchema, type RosterRole } from './teller.ts';

/**
 * Manage › Accounts: who may sign in to the dashboard (src/server/routes/manage-accounts.ts).
 * Head office invites head office, regional managers and the roster's managers; a regional
 * manager the roster's managers of their region's branches; a branch manager their own
 * branch's complaint managers. Every invitation and reset answers a temporary password made
 * by the server, answered once, which its owner must change at the first sign-in.
 */

/**
 * The roster roles that get a dashboard account: the managers. A teller or lobby staff member
 * has a roster entry (their PIN works on the tablets) but their role sees nothing on the
 * dashboard, so an account would only be a password to keep safe for nothing.
 */
export const ACCOUNT_ROSTER_ROLES = ['branch-manager', 'complaint-manager'] as const satisfies readonly RosterRole[];
export const isAccountRosterRole = (role: string): role is (typeof ACCOUNT_ROSTER_ROLES)[number] => (ACCOUNT_ROSTER_ROLES as readonly string[]).includes(role);

/** The kinds of account an invitation makes. */
export const ACCOUNT_KINDS = ['roster', 'regional-manager', 'head-office'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

const AccountNameSchema = v.pipe(v.string('must be text'), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80, 'is longer than 80 characters'));
const AccountStaffNumberSchema = v.pipe(v.string('must be text'), v.trim(), StaffNumberSchema);

/** POST /api/manage/accounts: whom to invite; the server makes the temporary password. */
export const AccountInviteSchema = v.variant(
  'kind',
  [
    v.strictObject({ kind: v.literal('roster'), tellerId: IdSchema }),
    v.strictObject({ kind: v.literal('regional-manager'), staffNumber: AccountStaffNumberSchema, name: AccountNameSchema, regionId: IdSchema }),
    v.strictObject({ kind: v.literal('head-office'), staffNumber: AccountStaffNumberSchema, name: AccountNameSchema }),
  ],
  `kind: must be one of ${ACCOUNT_KINDS.join(', ')}`,
);
export type AccountInvite = v.InferOutput<typeof AccountInviteSchema>;

/** PATCH /api/manage/accounts/:staffNumber and its password reset: the account in the path. */
export const AccountParamsSchema = v.object({ staffNumber: StaffNumberSchema });

/** PATCH /api/manage/accounts/:staffNumber: take an account off the dashboard, or back. */
export const AccountEditSchema = v.strictObject({ active: v.boolean('must be true or false') });
export type AccountEdit = v.InferOutput<typeof AccountEditSchema>;

/** POST /api/manage/accounts/:staffNumber/password: `{}`; the server makes the password. */
export const AccountPasswordRequestSchema = v.strictObject({});

/** A dashboard account as the page shows it: never its password or hash. */
export interface ManagedAccount {
  staffNumber: string;
  /** The roster's name for a roster member, else the name given at the invitation. */
  name: string;
  /** Head office, regional manager, or the roster's role now; null when the roster entry is gone. */
  role: AccountRole | null;
  /** A roster member's branch (as the roster has it now); null otherwise. */
  branch: { id: string; name: string } | null;
  /** A regional manager's region; null otherwise. */
  region: { id: string; name: string } | null;
  active: boolean;
  /** Active and still on the roster (or in a region): the account may sign in now. */
  signsIn: boolean;
  /** The password is temporary: its owner has not yet chosen their own. */
  mustChangePassword: boolean;
  /** The viewer's own account: changed through "change password", not here. */
  self: boolean;
  createdAt: number;
}

/** A roster member who may be invited: a manager of a branch in scope, with no account yet. */
export interface AccountCandidate {
  tellerId: string;
  staffNumber: string;
  name: string;
  role: RosterRole;
  branchId: string;
}

/** GET /api/manage/accounts: what the viewer may see and do. */
export interface AccountList {
  accounts: ManagedAccount[];
  /** The kinds of account the viewer may invite. */
  mayInvite: AccountKind[];
  /** The branches whose roster members the viewer may invite, by name. */
  branches: { id: string; name: string }[];
  /** The roster managers of those branches without an account, whom the viewer may invite. */
  candidates: AccountCandidate[];
  /** The regions a regional-manager account may be for (head office only; empty otherwise). */
  regions: { id: string; name: string }[];
}

/**
 * An invitation or a reset: the account, and its temporary password, made just now and
 * answered this once; an enable or disable answers null.
 */
export interface AccountChange {
  account: ManagedAccount;
  temporaryPassword: string | null;
  /** Sessions of the account ended by this change (a reset, a disable). */
  sessionsEnded: number;
}
