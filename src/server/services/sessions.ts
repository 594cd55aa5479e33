import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { reportScope, SESSION_IDLE_MS, SESSION_MAX_MS, type SignIn, type Viewer } from '../../domain/access.ts';
import type { Me } from '../../domain/reports.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { NO_ACCOUNT_HASH, verifyPassword } from '../passwords.ts';
import { findAccountHolder } from '../repositories/accounts.ts';
import { listBranchRefs } from '../repositories/branch-refs.ts';
import { deleteExpiredSessions, deleteSession, findSession, insertSession, touchSession } from '../repositories/sessions.ts';
import { hashSecret } from '../secrets.ts';
import { viewerOf } from './accounts.ts';

/**
 * Dashboard sessions (decision 0010): a random token in an HttpOnly cookie, and its sha256 in
 * the database, so any server of the fleet can answer any request (DESIGN.md "Server": the
 * server is stateless). A session ends after SESSION_IDLE_MS unused or SESSION_MAX_MS in all.
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

/** GET /api/me: the viewer, with the branches their reports may cover. */
export async function meOf(db: Kysely<Database>, viewer: Viewer): Promise<Me> {
  const scope = reportScope(viewer);
  const branches = scope.kind === 'none' ? [] : await listBranchRefs(db, scope.kind === 'all' ? 'all' : [scope.branchId]);
  return { ...viewer, branches, canViewReports: scope.kind !== 'none' };
}
