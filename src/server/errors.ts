import type { FastifyReply, FastifyRequest } from 'fastify';
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MAX_BODY_BYTES, type ApiError, type ApiErrorCode } from '../domain/wire.ts';
import { isDatabaseUnavailable } from './db/unavailable.ts';
import { setSecurityHeaders } from './plugins/security-headers.ts';

/** The HTTP status that goes with each error code of the API. */
export const STATUS_OF: Record<ApiErrorCode, number> = {
  'bad-request': 400,
  'enrollment-code-invalid': 400,
  unauthorized: 401,
  'staff-credentials-invalid': 401,
  'staff-session-required': 403,
  'pin-too-short': 403,
  'device-revoked': 401,
  'device-expired': 401,
  'token-superseded': 401,
  forbidden: 403,
  'password-change-required': 403,
  'wrong-password': 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
};

/** Seconds a client is asked to wait after a 503: about what a PostgreSQL restart takes. */
export const RETRY_AFTER_SECONDS = 5;

/** Answers with the API's one error shape, `{ code, message }` (wire.ts ApiError), and what else the error tells. */
export function sendApiError(reply: FastifyReply, code: ApiErrorCode, message: string, extra: Omit<ApiError, 'code' | 'message'> = {}): FastifyReply {
  const body: ApiError = { code, message, ...extra };
  if (code === 'unavailable' && !reply.hasHeader('retry-after')) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(STATUS_OF[code]).type('application/json; charset=utf-8').send(body);
}

export const PAYLOAD_TOO_LARGE_MESSAGE =
  `The request body is over ${MAX_BODY_BYTES} bytes; push at most ${MAX_BATCH_RECORDS} records or ${MAX_BATCH_BYTES} bytes at a time.`;

type ThrownError = { statusCode?: unknown; code?: unknown; message?: unknown };

/** Which API code a thrown error becomes, from the status Fastify (or we) gave it. */
function classify(error: ThrownError): { code: ApiErrorCode; message: string } {
  const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
  const message = typeof error.message === 'string' ? error.message : 'Bad request';
  if (status === 413) return { code: 'payload-too-large', message: PAYLOAD_TOO_LARGE_MESSAGE };
  if (status === 404) return { code: 'not-found', message };
  if (status === 429) return { code: 'rate-limited', message };
  if (status === 503) return { code: 'unavailable', message: 'The server is not ready; try again shortly.' };
  // The database restarting or locked is not a bug of ours: the same request will do, later.
  if (isDatabaseUnavailable(error)) return { code: 'unavailable', message: 'The database is busy or not answering; try again shortly.' };
  // Bad JSON, a wrong content type, an empty body: Fastify's own messages say which.
  if (status >= 400 && status < 500) return { code: 'bad-request', message };
  // 5xx text can carry SQL, paths or stack detail: it goes to the log, never to the client.
  return { code: 'internal', message: 'Internal error' };
}

/** The one error handler: logs the detail, answers `{ code, message }`, hides 5xx text. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const thrown: ThrownError = typeof error === 'object' && error !== null ? error : { message: String(error) };
  const { code, message } = classify(thrown);
  if (STATUS_OF[code] >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ err: error }, 'request refused');
  return sendApiError(reply, code, message);
}

/** Unknown routes answer JSON too, so a client never has to parse an HTML error page. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendApiError(reply, 'not-found', `No route for ${request.method} ${request.url.split('?')[0]}`);
}

/**
 * Fastify's own refusals before routing (a URL that is not valid percent-encoding, a path
 * parameter over its length limit) answer with the API's shape too; they run no hooks, so the
 * security headers are set here.
 */
export function handleFrameworkError(error: { message?: unknown }, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  setSecurityHeaders(request, reply);
  request.log.info({ err: error }, 'request refused');
  return sendApiError(reply, 'bad-request', typeof error.message === 'string' ? error.message : 'Bad request');
}
