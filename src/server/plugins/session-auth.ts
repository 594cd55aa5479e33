import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import { SESSION_COOKIE, SESSION_MAX_MS, type Viewer } from '../../domain/access.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { selectionFor } from '../services/report-scope.ts';
import { viewerOfSession } from '../services/sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in dashboard user; set by sessionAuth before any handler runs. */
    viewer: Viewer;
  }
}

/**
 * The session cookie: HttpOnly so page scripts cannot read it, SameSite=Strict so no other
 * site's page can make the browser send it, Secure when the server speaks HTTPS (over plain
 * HTTP on a LAN a Secure cookie would never come back).
 */
export function sessionCookieOptions(secure: boolean): CookieSerializeOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure, maxAge: SESSION_MAX_MS / 1000 };
}

export const PASSWORD_CHANGE_REQUIRED =
  'Your password was set by someone else: choose your own first (POST /api/session/password with the current and the new password).';

/**
 * An onRequest hook that finds the dashboard user behind the session cookie, or answers 401.
 * A viewer whose password someone else chose gets 403 password-change-required, unless the
 * route is one of the few they may use before changing it (`beforePasswordChange`: who they
 * are, the change itself): so every other route, present or future, is closed to them.
 */
export function sessionAuth(db: Kysely<Database>, now: () => number, { beforePasswordChange = false } = {}): onRequestAsyncHookHandler {
  return async function authenticateViewer(request: FastifyRequest, reply: FastifyReply) {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return sendApiError(reply, 'unauthorized', 'Sign in first: POST /api/session with your staff number and password.');
    const viewer = await viewerOfSession(db, token, now());
    if (!viewer) {
      return sendApiError(reply, 'unauthorized', 'Your session has ended (signed out, unused too long, or the account was changed); sign in again.');
    }
    if (viewer.mustChangePassword && !beforePasswordChange) return sendApiError(reply, 'password-change-required', PASSWORD_CHANGE_REQUIRED);
    request.viewer = viewer;
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every request that changes something must be JSON (`content-type: application/json`).
 * Against cross-site request forgery, with SameSite=Strict: a page of another site can make a
 * browser send a form (urlencoded, multipart or text/plain) without asking, but JSON only
 * through fetch, which asks the server first (CORS preflight) and is refused. Fastify itself
 * would parse text/plain, hence this check. Send `{}` when there is nothing to say.
 */
export async function requireJson(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type === 'application/json') return undefined;
  return sendApiError(reply, 'bad-request', `Send this request as JSON (content-type: application/json, a body of {} when there is nothing to say), not ${type ?? 'without a content type'}.`);
}

/** An onRequest hook after sessionAuth: reports are for branch managers and head office only. */
export async function requireReportRole(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const selection = selectionFor(request.viewer, undefined);
  return selection.ok ? undefined : sendApiError(reply, 'forbidden', selection.message);
}

/**
 * What every /api/reports plugin runs before its handlers: a session (else 401), a role that
 * sees reports (else 403), and JSON for anything that changes state.
 */
export function guardReports(app: FastifyInstance, db: Kysely<Database>, now: () => number): void {
  app.decorateRequest('viewer', null as never);
  app.addHook('onRequest', sessionAuth(db, now));
  app.addHook('onRequest', requireReportRole);
  app.addHook('onRequest', requireJson);
}
