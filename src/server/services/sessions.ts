import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { HEAD_OFFICE, newPasswordProblem, reportScope, SESSION_IDLE_MS, SESSION_MAX_MS, type ChangePassword, type SignIn, type Viewer } from '../../domain/access.ts';
import type { Me } from '../../domain/reports.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { hashPassword, NO_ACCOUNT_HASH, verifyPassword } from '../passwords.ts';
import { findAccountHolder, updateAccount } from '../repositories/accounts.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { listRegions } from '../repositories/regions.ts';
import { deleteExpiredSessions, deleteSession, deleteSessionsOf, findSession, insertSession, touchSession } from '../repositories/sessions.ts';
import { hashSecret } from '../secrets.ts';
import { viewerOf } from './accounts.ts';

/**
 * Dashboard sessions (decision 0010): a random token in an HttpOnly cookie, and its sha256 in
 * the database, so any server of the fleet can answer any request (the server is stateless:
 * decision 0002). A session ends after SESSION_IDLE_MS unused or SESSION_MAX_MS in all.
 */

/** last_seen_at moves at most this often: a dashboard page asks several reports at once. */
export const SESSION_TOUCH_MS = 60_000;

// One message whatever was wrong: naming which would tell a stranger which staff numbers have accounts.
export const WRONG_CREDENTIALS =
  'Wrong staff number or password. Check both and try again; if you have forgotten your password, ask the admin for a new one.';

/** Signs in with a staff number and password; the token goes into the cookie and is never stored. */
export async function signIn(db: Kysely<Database>, input: SignIn, now: number): Promise<Result<{ token: string; viewer: Viewer }, 'wrong-credentials'>> {
  const found = await findAccountHolder(db, input.staffNumber);
  // Without an account, check against a hash of nothing: the answer takes as long either way.
  const matches = await verifyPassword(input.password, found?.password ?? NO_ACCOUNT_HASH);
  const viewer = found && matches ? viewerOf(found.holder) : undefined;
  if (!viewer) return err('wrong-credentials', WRONG_CREDENTIALS);
  const token = randomBytes(32).toString('base64url');
  await deleteExpiredSessions(db, now, now - SESSION_IDLE_MS);
  await insertSession(db, { tokenHash: hashSecret(token), staffNumber: viewer.staffNumber, createdAt: now, lastSeenAt: now, expiresAt: now + SESSION_MAX_MS });
  return ok({ token, viewer });
}

/**
 * Who is behind a session token now, or undefined when nobody is: an unknown or ended session,
 * or an account (or roster entry) made inactive since. Role and branch are the roster's of
 * this moment.
 */
export async function viewerOfSession(db: Kysely<Database>, token: string, now: number): Promise<Viewer | undefined> {
  const tokenHash = hashSecret(token);
  const session = await findSession(db, tokenHash);
  if (!session) return undefined;
  if (now >= session.expiresAt || now - session.lastSeenAt >= SESSION_IDLE_MS) {
    await deleteSession(db, tokenHash);
    return undefined;
  }
  const found = await findAccountHolder(db, session.staffNumber);
  const viewer = found && viewerOf(found.holder);
  if (!viewer) return undefined;
  if (now - session.lastSeenAt >= SESSION_TOUCH_MS) await touchSession(db, tokenHash, now);
  return viewer;
}

/** Ends a session; unknown tokens are ignored, so signing out twice is fine. */
export async function signOut(db: Kysely<Database>, token: string): Promise<void> {
  await deleteSession(db, hashSecret(token));
}

export const WRONG_CURRENT_PASSWORD =
  'The current password is not right. Type it again; if you have forgotten it, sign out and ask the admin for a new one.';
export const SAME_PASSWORD = 'newPassword: must differ from the current password';

export type PasswordChangeError = 'wrong-password' | 'same-password' | 'signed-out';

/**
 * A signed-in viewer chooses a new password: the current one proves it is its owner at the
 * keyboard, not someone at a desk left signed in. The new one replaces it, the account no
 * longer has to change it, and every other session of the account ends (whoever knew the old
 * password is signed out); the session `token` it was changed in goes on.
 */
export async function changeOwnPassword(
  db: Kysely<Database>,
  viewer: Viewer,
  token: string,
  input: ChangePassword,
  now: number,
): Promise<Result<{ viewer: Viewer; sessionsEnded: number }, PasswordChangeError>> {
  if (newPasswordProblem({ current: input.currentPassword, next: input.newPassword, repeated: input.newPassword }) === 'same-as-current') {
    return err('same-password', SAME_PASSWORD);
  }
  const found = await findAccountHolder(db, viewer.staffNumber);
  const matches = await verifyPassword(input.currentPassword, found?.password ?? NO_ACCOUNT_HASH);
  if (!found || !matches) return err('wrong-password', WRONG_CURRENT_PASSWORD);
  // Hashed before the transaction: scrypt takes a quarter second, and a transaction holds storage only.
  const passwordHash = await hashPassword(input.newPassword);
  return inTransaction(db, async (trx) => {
    await updateAccount(trx, viewer.staffNumber, { passwordHash, mustChangePassword: false }, now);
    const sessionsEnded = await deleteSessionsOf(trx, viewer.staffNumber, { tokenHash: hashSecret(token) });
    const changed = await findAccountHolder(trx, viewer.staffNumber);
    const after = changed && viewerOf(changed.holder);
    return after ? ok({ viewer: after, sessionsEnded }) : err('signed-out', 'Your session has ended (signed out, unused too long, or the account was changed); sign in again.');
  });
}

/** GET /api/me: the viewer, with the branches their reports may cover. */
export async function meOf(db: Kysely<Database>, viewer: Viewer): Promise<Me> {
  const scope = reportScope(viewer);
  const branches = scope.kind === 'none' ? [] : await listBranchRefs(db, scope.kind === 'all' ? 'all' : scope.branchIds);
  const regions = viewer.role === HEAD_OFFICE ? (await listRegions(db)).map(({ id, name }) => ({ id, name })) : viewer.region ? [{ id: viewer.region.id, name: viewer.region.name }] : [];
  // The region's branch ids are the server's to know; the viewer gets its branches by name above.
  const { region: _region, ...who } = viewer;
  return { ...who, branches, regions, canViewReports: scope.kind !== 'none' };
}
