import { err, ok, type Result } from '../../domain/result.ts';
import type { ChangePassword, SignIn } from '../../domain/access.ts';
import type { ConfirmDayClose } from '../../domain/day-close.ts';
import type { LocalDay } from '../../domain/period.ts';
import type {
  BranchesReport,
  ComplaintsReport,
  DayCloseReport,
  FleetDevice,
  FleetReport,
  Me,
  OverviewReport,
  RatingsReport,
  ReportQuery,
} from '../../domain/reports.ts';
import type { ApiError } from '../../domain/wire.ts';

/**
 * The dashboard's one way to the server (issue #7): its "store and sync". The dashboard is
 * online only, so there is nothing to keep; components ask through this client and never
 * call `fetch`. Every answer is a Result (STYLE.md §2.5); transport errors are wrapped once,
 * here. The routes and their types are listed in domain/reports.ts.
 */

/** Why a request gave no answer the dashboard can show. */
export type ApiFailure =
  | 'unauthorized'
  | 'forbidden'
  /** Signed in with a password someone else chose: nothing opens until it is changed. */
  | 'password-change-required'
  /** A password change whose current password was not the account's. */
  | 'wrong-password'
  | 'not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'server-error'
  | 'unreachable'
  | 'timeout'
  | 'bad-response';

export type ApiResult<T> = Result<T, ApiFailure>;

/** What the session did, for the screen that decides between sign-in, the password change, the 403 page and the reports. */
export type SessionEvent = 'signed-out' | 'forbidden' | 'password-change-required';

export interface DashboardApiOptions {
  /** Where the API is: the page's own origin in the browser, a loopback server in tests. */
  baseUrl: string;
  /** The browser's fetch unless given; tests give one that keeps the session cookie. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface DashboardApi {
  me(): Promise<ApiResult<Me>>;
  signIn(credentials: SignIn): Promise<ApiResult<Me>>;
  signOut(): Promise<ApiResult<null>>;
  /** The viewer's own new password; their other sessions end, this one goes on. */
  changePassword(body: ChangePassword): Promise<ApiResult<Me>>;
  overview(query: ReportQuery): Promise<ApiResult<OverviewReport>>;
  tellers(query: ReportQuery): Promise<ApiResult<RatingsReport>>;
  counters(query: ReportQuery): Promise<ApiResult<RatingsReport>>;
  branches(query: ReportQuery): Promise<ApiResult<BranchesReport>>;
  complaints(query: ReportQuery): Promise<ApiResult<ComplaintsReport>>;
  fleet(query: { branchId?: string }): Promise<ApiResult<FleetReport>>;
  revokeDevice(deviceId: string): Promise<ApiResult<FleetDevice>>;
  dayClose(query: { branchId: string; day: LocalDay }): Promise<ApiResult<DayCloseReport>>;
  confirmDayClose(body: ConfirmDayClose): Promise<ApiResult<DayCloseReport>>;
  /**
   * Listens for the session ending (a 401 from any report) or refusing (a 403, or a password
   * to change first), so the dashboard can show sign-in, the password change or the "cannot
   * see reports" page wherever it was.
   */
  onSession(listener: (event: SessionEvent) => void): () => void;
}

type Method = 'GET' | 'POST' | 'DELETE';
type Query = Record<string, string | undefined>;

/** Makes the client; one per page (or per test), no global. */
export function createDashboardApi(options: DashboardApiOptions): DashboardApi {
  const listeners = new Set<(event: SessionEvent) => void>();
  const emit = (event: SessionEvent) => {
    for (const listener of listeners) listener(event);
  };

  async function request<T>(method: Method, path: string, init: { query?: Query; body?: unknown; session?: boolean } = {}): Promise<ApiResult<T>> {
    const result = await send<T>(options, method, path, init.query, init.body);
    // The sign-in's own 401 means a wrong password, not a session that ended.
    if (!result.ok && init.session !== false) {
      if (result.reason === 'unauthorized') emit('signed-out');
      if (result.reason === 'forbidden') emit('forbidden');
      if (result.reason === 'password-change-required') emit('password-change-required');
    }
    return result;
  }

  const report = <T>(path: string) => (query: ReportQuery) =>
    request<T>('GET', path, { query: { from: query.from, to: query.to, branchId: query.branchId } });

  return {
    me: () => request<Me>('GET', '/api/me', { session: false }),
    signIn: (credentials) => request<Me>('POST', '/api/session', { body: credentials, session: false }),
    // The server takes only JSON for what changes state (decision 0010): an empty object it is.
    signOut: () => request<null>('DELETE', '/api/session', { body: {}, session: false }),
    // A 401 here is a session that ended, as on a report; a wrong current password is 403 wrong-password.
    changePassword: (body) => request<Me>('POST', '/api/session/password', { body }),
    overview: report<OverviewReport>('/api/reports/overview'),
    tellers: report<RatingsReport>('/api/reports/tellers'),
    counters: report<RatingsReport>('/api/reports/counters'),
    branches: report<BranchesReport>('/api/reports/branches'),
    complaints: report<ComplaintsReport>('/api/reports/complaints'),
    fleet: (query) => request<FleetReport>('GET', '/api/reports/fleet', { query }),
    revokeDevice: (deviceId) => request<FleetDevice>('POST', `/api/reports/fleet/${encodeURIComponent(deviceId)}/revoke`, { body: {} }),
    dayClose: (query) => request<DayCloseReport>('GET', '/api/reports/day-close', { query }),
    confirmDayClose: (body) => request<DayCloseReport>('POST', '/api/reports/day-close/confirm', { body }),
    onSession(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function send<T>(options: DashboardApiOptions, method: Method, path: string, query: Query = {}, body?: unknown): Promise<ApiResult<T>> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = new URL(path, options.baseUrl);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await doFetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      // The session cookie is httpOnly: the browser sends it, the page never sees it.
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return err('timeout', 'The server did not answer in time.');
    return err('unreachable', `The server could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    if (response.ok) return err('bad-response', 'The server answered with something that is not JSON.');
  }
  if (response.ok) return ok(parsed as T);
  return err(failureOf(response.status, parsed), messageOf(response, parsed));
}

function failureOf(status: number, body: unknown): ApiFailure {
  // Two refusals of 403 are not about the role: the answer's code tells them apart.
  const code = (body as Partial<ApiError> | null)?.code;
  if (status === 403 && (code === 'password-change-required' || code === 'wrong-password')) return code;
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'bad-request';
}

function messageOf(response: Response, body: unknown): string {
  const message = (body as Partial<ApiError> | null)?.message;
  return typeof message === 'string' ? message : `The server answered ${response.status} ${response.statusText}.`;
}
