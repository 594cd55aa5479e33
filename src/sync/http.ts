import { err, ok, type Err, type Ok } from '../domain/result.ts';
import type { ApiError } from '../domain/wire.ts';

/** Why a request to the server did not give an answer the device can use. */
export type TransportFailure =
  | 'offline'
  | 'unreachable'
  | 'timeout'
  | 'server-error'
  | 'rate-limited'
  | 'unauthorized'
  | 'device-revoked'
  /** 401: not heard from for 60 days; enroll again (domain/device-token.ts). */
  | 'device-expired'
  /** 401: a token this device's newer one replaced; another copy of its token is in use. */
  | 'token-superseded'
  /** 403: the device is known, but it (or the member of staff it names) may not do this. */
  | 'forbidden'
  | 'payload-too-large'
  | 'bad-request'
  | 'enrollment-code-invalid'
  /** A staff sign-in the server checked and refused: the PIN or the staff number is wrong. */
  | 'staff-credentials-invalid'
  /** An act that needs a member of staff the server checked, asked without a live staff session. */
  | 'staff-session-required'
  /** A manager's PIN too short to sign in with any more. */
  | 'pin-too-short'
  | 'bad-response';

/**
 * A failed request; `retryAfterMs` when the server said how long to wait (Retry-After, on a
 * 503 from a busy server or a 429), which the engine honours instead of its own backoff.
 */
export type HttpFailure = Err<TransportFailure> & { retryAfterMs?: number };

export interface HttpOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * One JSON request to the API. Transport errors are wrapped once, here, into a stable
 * reason; callers never see a thrown fetch error.
 */
export async function requestJson<T>(
  options: HttpOptions,
  path: string,
  init: { method: 'GET' | 'POST' | 'DELETE'; token?: string; body?: unknown; headers?: Record<string, string> },
): Promise<Ok<T> | HttpFailure> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let response: Response;
  try {
    response = await doFetch(new URL(path, options.baseUrl), {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return err('timeout', 'The server did not answer in time.');
    if (globalThis.navigator?.onLine === false) return err('offline', 'This device has no network connection.');
    return err('unreachable', `The server could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  // 204: done, nothing to say (a sign-out).
  if (response.status === 204) return ok(null as T);
  const body = await response.json().catch(() => null);
  if (response.ok) return body === null ? err('bad-response', 'The server answered with something that is not JSON.') : ok(body as T);
  const failure: HttpFailure = err(failureOf(response.status, body), messageOf(response, body));
  const retryAfterMs = retryAfterOf(response.headers.get('retry-after'));
  return retryAfterMs === undefined ? failure : { ...failure, retryAfterMs };
}

/** Retry-After as milliseconds: delay-seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterOf(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function failureOf(status: number, body: unknown): TransportFailure {
  const code = (body as Partial<ApiError> | null)?.code;
  if (code === 'staff-credentials-invalid' || code === 'staff-session-required' || code === 'pin-too-short') return code;
  if (status === 401) return code === 'device-revoked' || code === 'device-expired' || code === 'token-superseded' ? code : 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 413) return 'payload-too-large';
  if (status === 429) return 'rate-limited';
  if (code === 'enrollment-code-invalid') return 'enrollment-code-invalid';
  if (status >= 500) return 'server-error';
  return 'bad-request';
}

function messageOf(response: Response, body: unknown): string {
  const message = (body as Partial<ApiError> | null)?.message;
  return typeof message === 'string' ? message : `The server answered ${response.status} ${response.statusText}.`;
}
