import * as v from 'valibot';
import { ROSTER_ROLES, StaffNumberSchema, type RosterRole } from './teller.ts';

/**
 * Who may read what on the dashboard (docs/architecture.md, "The trust model"). A dashboard account is a
 * staff number with a password: a member of a branch's roster, whose role and branch come
 * from the roster, or a member of head office's service department, who has no branch.
 */
export const HEAD_OFFICE = 'head-office';
/** Sees and manages the branches of one region: the level between head office and a branch. */
export const REGIONAL_MANAGER = 'regional-manager';
export const ACCOUNT_ROLES = [...ROSTER_ROLES, REGIONAL_MANAGER, HEAD_OFFICE] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** The roles that see reports: a branch manager their branch, a regional manager their region's, head office every branch. */
export const REPORT_ROLES = ['branch-manager', REGIONAL_MANAGER, HEAD_OFFICE] as const satisfies readonly AccountRole[];
export type ReportRole = (typeof REPORT_ROLES)[number];

/** The signed-in person, as the server knows them on every request. */
export interface Viewer {
  staffNumber: string;
  name: string;
  role: AccountRole;
  /** The roster's branch; null for head office and a regional manager. */
  branchId: string | null;
  /**
   * A regional manager's region, with the branches in it as they are now (read on every
   * request, like a roster member's branch); absent for every other role.
   */
  region?: ViewerRegion;
  /**
   * The password was chosen by someone else (the first run, an admin): until they choose
   * their own, the server answers nothing but who they are, the change itself and sign-out.
   */
  mustChangePassword: boolean;
}

export interface ViewerRegion {
  id: string;
  name: string;
  branchIds: readonly string[];
}

/**
 * The branches a viewer's reports cover: every branch for head office, their region's for a
 * regional manager (none yet in a new region), their own for a branch manager, none for
 * anyone else (the server answers 403).
 */
export type ReportScope = { kind: 'all' } | { kind: 'branches'; branchIds: readonly string[] } | { kind: 'none' };

export function reportScope(viewer: Viewer): ReportScope {
  if (viewer.role === HEAD_OFFICE) return { kind: 'all' };
  if (viewer.role === REGIONAL_MANAGER && viewer.region) return { kind: 'branches', branchIds: viewer.region.branchIds };
  if (viewer.role === 'branch-manager' && viewer.branchId !== null) return { kind: 'branches', branchIds: [viewer.branchId] };
  return { kind: 'none' };
}

/** Whether the viewer may see (and act on) one branch. */
export function maySeeBranch(viewer: Viewer, branchId: string): boolean {
  const scope = reportScope(viewer);
  return scope.kind === 'all' || (scope.kind === 'branches' && scope.branchIds.includes(branchId));
}

/** Whether the viewer manages a whole level above branches (head office, a region): they give and take the branch-manager role. */
export const managesBranchManagers = (viewer: { role: AccountRole }): boolean => viewer.role === HEAD_OFFICE || viewer.role === REGIONAL_MANAGER;

/**
 * Whether the viewer may read a complaint case's own text (its summary: often the customer's
 * words, sometimes their phone number), on a need-to-know basis: the manager of the branch
 * that owns the case, who handles and signs off its complaints; head office only once the
 * case was escalated to it, since it must then answer it. Seeing a branch's reports is not
 * enough: anyone else gets the case without its text.
 */
export function maySeeCaseText(viewer: Viewer, subject: { branchId: string; escalated: boolean }): boolean {
  if (viewer.role === 'branch-manager') return viewer.branchId !== null && viewer.branchId === subject.branchId;
  if (viewer.role === HEAD_OFFICE) return subject.escalated;
  return false;
}

export const isRosterRole = (role: AccountRole): role is RosterRole => role !== HEAD_OFFICE;

/** Passwords: long enough to resist guessing, short enough to type; any characters. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

export const PasswordSchema = v.pipe(
  v.string(),
  v.minLength(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`),
  v.maxLength(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
);

/** POST /api/session: sign in. The password is checked only for length here, never echoed. */
export const SignInSchema = v.strictObject({
  staffNumber: StaffNumberSchema,
  password: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_PASSWORD_LENGTH)),
});
export type SignIn = v.InferOutput<typeof SignInSchema>;

/** POST /api/session/password: the password now, to prove it is its owner at the keyboard, and the new one. */
export const ChangePasswordSchema = v.strictObject({
  currentPassword: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_PASSWORD_LENGTH)),
  newPassword: PasswordSchema,
});
export type ChangePassword = v.InferOutput<typeof ChangePasswordSchema>;

/** What is wrong with a new password as typed, before the server is asked. */
export type NewPasswordProblem = 'current-empty' | 'too-short' | 'too-long' | 'same-as-current' | 'mismatch';

/**
 * The rules of a new password, in the order a person fixes them: the current password given,
 * a new one of the allowed length, not the current one again, typed the same twice. The
 * dashboard shows each in the reader's language; the server checks all but the last (it gets
 * the new password once).
 */
export function newPasswordProblem(input: { current: string; next: string; repeated: string }): NewPasswordProblem | null {
  if (input.current.length === 0) return 'current-empty';
  if (input.next.length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (input.next.length > MAX_PASSWORD_LENGTH) return 'too-long';
  if (input.next.normalize('NFC') === input.current.normalize('NFC')) return 'same-as-current';
  if (input.next !== input.repeated) return 'mismatch';
  return null;
}

/** How long a dashboard session lasts without use, and at most. */
export const SESSION_IDLE_MS = 8 * 3_600_000;
export const SESSION_MAX_MS = 7 * 24 * 3_600_000;

/** The name of the session cookie. */
export const SESSION_COOKIE = 'bv_session';
