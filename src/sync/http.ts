import * as v from 'valibot';
import { err, ok, type Err, type Ok } from '../domain/result.ts';
import { describeIssues } from '../domain/wire.ts';

/**
 * The one way from the browser to the API, for the tablet and the dashboard alike: a fetch
 * made into a Result. Transport errors are wrapped once, here, into a stable reason; callers
 * never see a thrown fetch error. Each side names the server's refusals in its own words
 * (`refusalOf`): the tablet's sync and the dashboard's screens react to different ones.
 */

export interface HttpOptions {
  baseUrl: string;
  /** The browser's fetch unless given; tests give one that counts, loses or crafts answers. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface JsonRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Query parameters; those left undefined are not sent. */
  query?: Record<string, string | undefined>;
  /** The device's token, sent as a bearer token. */
  token?: string;
  /** 'same-origin' for the dashboard: its session cookie is httpOnly, the browser sends it and the page never sees it. */
  credentials?: RequestCredentials;
}

/** Why no answer came back at all. */
export type NoAnswer = 'offline' | 'unreachable' | 'timeout';

/**
 * A failed request; `retryAfterMs` when the server said how long to wait (on a 503 from a busy
 * server or a 429: the body's `retryAfterMs`, to the millisecond, else Retry-After), which the
 * engine honours instead of its own backoff.
 */
export type HttpFailure<R extends string = TransportFailure> = Err<R> & { retryAfterMs?: number };

/** Names a refusal (any answer outside 2xx) from its status and the `code` of its JSON body. */
export type RefusalOf<R extends string> = (status: number, code: string | undefined) => R;

/**
 * One JSON request. A 2xx answer is its parsed body (null for 204: done, nothing to say); a
 * 2xx whose body is not JSON, or was cut short, is 'bad-response'.
 */
export async function exchangeJson<R extends string>(
  options: HttpOptions,
  path: string,
  init: JsonRequest,
  refusalOf: RefusalOf<R>,
): Promise<Ok<unknown> | HttpFailure<R | NoAnswer | 'bad-response'>> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = new URL(path, options.baseUrl);
  for (const [key, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.set(key, value);
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      cache: 'no-store',
      ...(init.credentials ? { credentials: init.credentials } : {}),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return err('timeout', 'The server did not answer in time.');
    if (globalThis.navigator?.onLine === false) return err('offline', 'This device has no network connection.');
    return err('unreachable', `The server could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 204) return ok(null);
  const body = await response.json().then(
    (value: unknown) => ({ value }),
    () => null,
  );
  if (response.ok) return body ? ok(body.value) : err('bad-response', 'The server answered with something that is not JSON.');
  const { code, message, retryAfterMs: bookedMs } = (body?.value ?? {}) as { code?: unknown; message?: unknown; retryAfterMs?: unknown };
  const failure: HttpFailure<R> = err(
    refusalOf(response.status, typeof code === 'string' ? code : undefined),
    typeof message === 'string' ? message : `The server answered ${response.status} ${response.statusText}.`,
  );
  const retryAfterMs = isWait(bookedMs) ? Math.round(bookedMs) : retryAfterOf(response.headers.get('retry-after'));
  return retryAfterMs === undefined ? failure : { ...failure, retryAfterMs };
}

const isWait = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * Retry-After as milliseconds: delay-seconds, or an HTTP date; undefined when absent or
 * unreadable. Every form of HTTP date names its month, so a value without a letter is not
 * one: Date.parse would read '1.5' as a day in 2001, and the engine would retry at once.
 */
export function retryAfterOf(value: string | null, now: number = Date.now()): number | undefined {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Why a request to the server did not give an answer the device can use. */
export type TransportFailure =
  | NoAnswer
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
  /** An answer that is not JSON, or not of the shape its schema in domain/wire.ts gives. */
  | 'bad-response';

/**
 * One request from the tablet, whose answer must match `expect.schema`: an answer out of
 * shape is 'bad-response', named with `expect.what` ("a configuration") and its faults, and
 * retried like any failure; nothing is ever read from it.
 */
export async function requestJson<S extends v.GenericSchema>(
  options: HttpOptions,
  path: string,
  init: Omit<JsonRequest, 'credentials'>,
  expect: { schema: S; what: string },
): Promise<Ok<v.InferOutput<S>> | HttpFailure> {
  const answer = await exchangeJson(options, path, init, deviceRefusal);
  if (!answer.ok) return answer;
  const parsed = v.safeParse(expect.schema, answer.value);
  if (!parsed.success) return err('bad-response', `The server sent ${expect.what} this app does not understand: ${describeIssues(parsed.issues)}`);
  return ok(parsed.output);
}

const deviceRefusal: RefusalOf<TransportFailure> = (status, code) => {
  if (code === 'staff-credentials-invalid' || code === 'staff-session-required' || code === 'pin-too-short') return code;
  if (status === 401) return code === 'device-revoked' || code === 'device-expired' || code === 'token-superseded' ? code : 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 413) return 'payload-too-large';
  if (status === 429) return 'rate-limited';
  if (code === 'enrollment-code-invalid') return 'enrollment-code-invalid';
  if (status >= 500) return 'server-error';
  return 'bad-request';
};
