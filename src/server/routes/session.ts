import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { ChangePasswordSchema, SESSION_COOKIE, SignInSchema } from '../../domain/access.ts';
import type { Me } from '../../domain/reports.ts';
import { describeIssues, type ApiError, type ApiErrorCode } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { addressKey, limitAttempts, type AttemptLimits } from '../plugins/attempt-limits.ts';
import { requireJson, sessionAuth, sessionCookieOptions } from '../plugins/session-auth.ts';
import { changeOwnPassword, meOf, signIn, signOut, type PasswordChangeError } from '../services/sessions.ts';

export type SessionRoutesOptions = {
  db: Kysely<Database>;
  now: () => number;
  /** True when the server speaks HTTPS: the cookie is then Secure. */
  secureCookies: boolean;
  limits: AttemptLimits;
};

/** Dashboard sign-in and sign-out (decision 0010), and who is signed in. */
export const sessionRoutes: FastifyPluginAsync<SessionRoutesOptions> = async (app, { db, now, secureCookies, limits }) => {
  app.decorateRequest('viewer', null as never);
  const cookie = sessionCookieOptions(secureCookies);

  // Passwords are guessed only by trying them here: limited per address and per staff number
  // from that address (whether or not it has an account, so the limit tells nothing of which
  // do). Per staff number from anywhere would let whoever knows a manager's staff number keep
  // them locked out for good.
  const limited = limitAttempts(
    db,
    [
      { name: 'sign-in by address', limit: limits.signInByAddress, keyOf: addressKey, refusal: (minutes) => `Too many refused sign-ins from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` },
      {
        name: 'sign-in by staff number',
        limit: limits.signInByStaffNumber,
        keyOf: (request) => {
          const staffNumber = staffNumberKey(request);
          return staffNumber === undefined ? undefined : `${staffNumber}@${addressKey(request)}`;
        },
        refusal: (minutes, key) =>
          `Too many refused sign-ins for staff number ${key.slice(0, key.lastIndexOf('@'))} from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask the admin for a new password.`,
      },
    ],
    now,
  );

  /** POST /api/session {staffNumber, password}: sets the session cookie, answers Me. */
  app.post<{ Reply: Me | ApiError }>('/session', { onRequest: requireJson, ...limited }, async (request, reply) => {
    const body = v.safeParse(SignInSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const signedIn = await signIn(db, body.output, now());
    if (!signedIn.ok) {
      // The staff number helps an admin read a run of failures; the password is never logged.
      request.log.info({ staffNumber: body.output.staffNumber }, 'dashboard sign-in refused');
      return sendApiError(reply, 'unauthorized', signedIn.message);
    }
    // Secure over HTTPS, also behind a TLS proxy trusted with TRUST_PROXY (request.protocol says so).
    reply.setCookie(SESSION_COOKIE, signedIn.value.token, { ...cookie, secure: cookie.secure || request.protocol === 'https' });
    return meOf(db, signedIn.value.viewer);
  });

  /** DELETE /api/session: ends the session and clears the cookie; fine without one. */
  app.delete('/session', { onRequest: requireJson }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await signOut(db, token);
    const { maxAge: _, ...clear } = cookie;
    return reply.clearCookie(SESSION_COOKIE, clear).code(204).send();
  });

  /** GET /api/me: the signed-in viewer and the branches they may see; says when they must change their password. */
  app.get<{ Reply: Me }>('/me', { onRequest: sessionAuth(db, now, { beforePasswordChange: true }) }, async (request) => meOf(db, request.viewer));

  // The current password can be guessed here too, by someone at a desk left signed in: limited
  // as the sign-in is, per address and per account, with counts of their own.
  const limitedChange = limitAttempts(
    db,
    [
      { name: 'password change by address', limit: limits.signInByAddress, keyOf: addressKey, refusal: (minutes) => `Too many refused password changes from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` },
      {
        name: 'password change by account',
        limit: limits.signInByStaffNumber,
        keyOf: (request) => request.viewer.staffNumber,
        refusal: (minutes) => `Too many refused password changes for this account; try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or sign out and ask the admin for a new password.`,
      },
    ],
    now,
  );

  /**
   * POST /api/session/password {currentPassword, newPassword}: the signed-in viewer's own new
   * password. Their other sessions end; this one goes on, and the answer is Me as it is now.
   */
  app.post<{ Reply: Me | ApiError }>(
    '/session/password',
    { onRequest: [sessionAuth(db, now, { beforePasswordChange: true }), requireJson], ...limitedChange },
    async (request, reply) => {
      const body = v.safeParse(ChangePasswordSchema, request.body);
      if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
      const token = request.cookies[SESSION_COOKIE]!;
      const changed = await changeOwnPassword(db, request.viewer, token, body.output, now());
      if (!changed.ok) {
        request.log.info({ staffNumber: request.viewer.staffNumber, reason: changed.reason }, 'dashboard password change refused');
        return sendApiError(reply, API_CODE_OF_CHANGE[changed.reason], changed.message);
      }
      request.log.info({ staffNumber: request.viewer.staffNumber, sessionsEnded: changed.value.sessionsEnded }, 'dashboard password changed');
      return meOf(db, changed.value.viewer);
    },
  );
};

const API_CODE_OF_CHANGE: Record<PasswordChangeError, ApiErrorCode> = {
  'wrong-password': 'wrong-password',
  'same-password': 'bad-request',
  'signed-out': 'unauthorized',
};

/** The staff number a sign-in names, as the limit counts it; none when the body has none. */
function staffNumberKey(request: FastifyRequest): string | undefined {
  const staffNumber = (request.body as { staffNumber?: unknown } | null)?.staffNumber;
  return typeof staffNumber === 'string' && staffNumber.length > 0 ? staffNumber.trim().slice(0, 40).toUpperCase() : undefined;
}
