import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '../../src/domain/access.ts';
import type { DeviceHealth } from '../../src/domain/wire.ts';
import { hashPassword } from '../../src/server/passwords.ts';
import type { StoredTeller } from '../../src/server/repositories/tellers.ts';
import { storeNewAccount } from '../../src/server/services/accounts.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { SERVER_NOW, type ApiAnswer, type TestServer } from './fixtures.ts';

/** The password of every test account. */
export const PASSWORD = 'correct horse battery';

/**
 * scrypt at the production cost takes a quarter of a second by design, and well over a second
 * on a busy machine; a stored hash names its own cost and every sign-in verifies at that cost
 * (passwords.ts). So the test accounts' hash is made cheap: these tests are about who may
 * sign in and see what, not about the hash. The production cost stays what passwords.ts
 * says: a password changed or set through the services is hashed at it
 * (routes/session-password.test.ts), and a sign-in without an account still costs one
 * (routes/session.test.ts).
 */
const TEST_SCRYPT_COST = { N: 2 ** 10, r: 8, p: 1 };

// Each test file hashes the password once and stores every account with that hash through
// the service the CLI uses.
let passwordHash: Promise<string> | undefined;
const hashOfPassword = () => (passwordHash ??= hashPassword(PASSWORD, TEST_SCRYPT_COST));

/** A head-office dashboard account with PASSWORD, its owner's own unless `mustChangePassword`. */
export async function givenHeadOfficeAccount(database: TestDatabase, staffNumber = 'HQ1', name = 'Ana Ruiz', { mustChangePassword = false } = {}) {
  const stored = await storeNewAccount(
    database.db,
    { staffNumber, tellerId: null, name, headOffice: true, regionId: null, active: true, mustChangePassword, createdAt: SERVER_NOW, updatedAt: SERVER_NOW },
    await hashOfPassword(),
  );
  if (!stored.ok) throw new Error(stored.message);
  return stored.value;
}

/** A regional manager's dashboard account with PASSWORD for one region, their own unless `mustChangePassword`. */
export async function givenRegionalAccount(database: TestDatabase, regionId: string, staffNumber = 'RM1', name = 'Marta Vidal', { mustChangePassword = false } = {}) {
  const stored = await storeNewAccount(
    database.db,
    { staffNumber, tellerId: null, name, headOffice: false, regionId, active: true, mustChangePassword, createdAt: SERVER_NOW, updatedAt: SERVER_NOW },
    await hashOfPassword(),
  );
  if (!stored.ok) throw new Error(stored.message);
  return stored.value;
}

/** A dashboard account with PASSWORD for a member of a branch's roster, their own unless `mustChangePassword`. */
export async function givenRosterAccount(database: TestDatabase, teller: StoredTeller, { mustChangePassword = false } = {}) {
  const stored = await storeNewAccount(
    database.db,
    { staffNumber: teller.staffNumber, tellerId: teller.id, name: teller.name, headOffice: false, regionId: null, active: true, mustChangePassword, createdAt: SERVER_NOW, updatedAt: SERVER_NOW },
    await hashOfPassword(),
  );
  if (!stored.ok) throw new Error(stored.message);
  return stored.value;
}

/**
 * Calls the dashboard's API over real HTTP as a browser would: with the session cookie when
 * given, and a JSON body (`{}` for a write without one, as the dashboard sends).
 */
export async function callDashboard(
  server: TestServer,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  options: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer & { setCookie: string[] }> {
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  const body = method === 'GET' ? undefined : JSON.stringify(options.body ?? {});
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(server.baseUrl + path, { method, headers: { ...headers, ...options.headers }, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text, setCookie: response.headers.getSetCookie() };
}

/** The `cookie` header value a browser sends after this Set-Cookie. */
export function sessionCookieOf(setCookie: readonly string[]): string {
  const cookie = setCookie.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`no ${SESSION_COOKIE} cookie in ${JSON.stringify(setCookie)}`);
  return cookie.split(';')[0]!;
}

/** Signs in with PASSWORD and answers the cookie to send from then on. */
export async function signedIn(server: TestServer, staffNumber: string, password = PASSWORD): Promise<string> {
  const answer = await callDashboard(server, 'POST', '/api/session', { body: { staffNumber, password } });
  if (answer.status !== 200) throw new Error(`sign-in of ${staffNumber}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return sessionCookieOf(answer.setCookie);
}

/** A tablet's health report: nothing waiting unless told otherwise. */
export const aHealth = (overrides: Partial<DeviceHealth> = {}): DeviceHealth => ({
  outboxDepth: 0,
  oldestUnsyncedAt: null,
  quarantined: 0,
  storageUsed: 1_000_000,
  storageQuota: 50_000_000,
  storagePersisted: true,
  appVersion: '0.1.0',
  clockOffsetMs: -250,
  reportedAt: SERVER_NOW,
  ...overrides,
});

/**
 * Every route of an app, as `METHOD /path`, from Fastify's own tree of them (a child's line
 * continues its parent's path one level deeper); HEAD, which Fastify adds to each GET, left out.
 */
export function routesOf(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const paths: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    paths.length = depth;
    const path = (paths[depth - 1] ?? '') + m[2];
    paths.push(path);
    for (const method of m[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path}`);
  }
  return routes.sort();
}

/**
 * A self-signed certificate for localhost, valid until 2126: only for tests of what the
 * server does when it speaks HTTPS (the Secure cookie). Its key protects nothing.
 */
export const TEST_TLS = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUZzz0OK7TK4JxelFpiLxmofqoTKkwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEzMDA5NTMyNVoYDzIxMjYxMTA2
MDk1MzI1WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASNqlxK1/V9ABSYOv1JjG6DQDnfAmtjA0cI/JpOuGAyzxI3klvSc2iU
csbeS3Z1/lNlhZveIu3MkKFiCNw1rlYuo28wbTAdBgNVHQ4EFgQU6aRqY5KC4WQs
w2KLH5HLdfUgA+MwHwYDVR0jBBgwFoAU6aRqY5KC4WQsw2KLH5HLdfUgA+MwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDRwAwRAIgb3IUn6U9TuJ/rALE1iSUlO9DPaza6YOlKNIZ8DbygpYCIEhh
7D3ZZ8PhdO7pQew1gO6XWG5t3zyQKlz2WihCX49D
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4hEij9zCfs8hJhkF
6D8J5CCjYMAPoq8zJmqRI3SGNEShRANCAASNqlxK1/V9ABSYOv1JjG6DQDnfAmtj
A0cI/JpOuGAyzxI3klvSc2iUcsbeS3Z1/lNlhZveIu3MkKFiCNw1rlYu
-----END PRIVATE KEY-----
`,
};
