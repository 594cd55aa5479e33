import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../../src/server/app.ts';
import { API_CSP, APP_CSP, DASHBOARD_PERMISSIONS_POLICY, HSTS, PERMISSIONS_POLICY } from '../../../src/server/plugins/security-headers.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.ts';
import { givenHeadOfficeAccount, PASSWORD, routesOf, TEST_TLS } from '../dashboard.ts';
import { givenBranchWithCounter, givenEnrolledDevice, SERVER_NOW } from '../fixtures.ts';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'permissions-policy': PERMISSIONS_POLICY,
};
const EVIL = 'https://evil.example';
const accessControlOf = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

/** The CSP's directives by name, e.g. { 'script-src': ["'self'"] }. */
const directivesOf = (csp: string) => Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

describe('security headers and CORS', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let token: string;
  const staticDir = mkdtempSync(join(tmpdir(), 'bv-headers-'));

  beforeAll(async () => {
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'index.html'), readFileSync(new URL('../../../index.html', import.meta.url)));
    writeFileSync(join(staticDir, 'assets', 'index-abc.js'), 'export {};');
    database = await createTestDatabase('sqlite');
    await givenBranchWithCounter(database);
    await givenHeadOfficeAccount(database);
    token = (await givenEnrolledDevice(database)).token;
    app = await buildApp({ db: database.db, now: () => SERVER_NOW, staticDir });
  });
  afterAll(async () => {
    await app?.close();
    await database?.destroy();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it.for<[string, InjectOptions, number]>([
    ['the health check', { method: 'GET', url: '/api/health' }, 200],
    ['a device route without a token', { method: 'GET', url: '/api/sync/config' }, 401],
    ['a device route with a token nobody issued', { method: 'GET', url: '/api/sync/config', headers: { authorization: 'Bearer not-a-token' } }, 401],
    ['an unknown API path', { method: 'GET', url: '/api/nothing' }, 404],
    ['a URL that is not valid percent-encoding', { method: 'GET', url: '/api/%FF' }, 400],
    ['a path parameter over its length limit', { method: 'POST', url: `/api/reports/fleet/${'a'.repeat(200)}/revoke` }, 400],
    ['malformed JSON', { method: 'POST', url: '/api/enroll', headers: { 'content-type': 'application/json' }, payload: '{"code":' }, 400],
    ['a body over the limit', { method: 'POST', url: '/api/enroll', headers: { 'content-type': 'application/json' }, payload: `{"code":"${'x'.repeat(1_100_000)}"}` }, 413],
  ])('given %s, then the API answers JSON with the strict headers and the API policy', async ([, request, status]) => {
    const answer = await app.inject(request);
    expect(answer.statusCode).toBe(status);
    expect(answer.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-security-policy': API_CSP, 'content-type': expect.stringMatching(/^application\/json/) });
    expect(answer.headers['strict-transport-security']).toBeUndefined();
  });

  it.for([
    ['the app shell', '/'],
    ['a page the app routes', '/setup'],
    ['a hashed asset', '/assets/index-abc.js'],
    ['a missing asset', '/assets/missing.js'],
  ])('given %s, then it carries the app policy and the same headers', async ([, url]) => {
    const answer = await app.inject({ method: 'GET', url });
    expect(answer.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-security-policy': APP_CSP });
  });

  it.for([
    ['the dashboard', '/dashboard'],
    ['a dashboard page', '/dashboard/staff'],
    ['a dashboard page with a query', '/dashboard?branch=x'],
  ])('given %s, then it carries the app policy and may use the camera of its own origin, and nothing else more than the tablets\' pages', async ([, url]) => {
    const answer = await app.inject({ method: 'GET', url });
    expect(answer.headers).toMatchObject({ ...SECURITY_HEADERS, 'permissions-policy': DASHBOARD_PERMISSIONS_POLICY, 'content-security-policy': APP_CSP });
    const allowed = DASHBOARD_PERMISSIONS_POLICY.split(', ').filter((entry) => !entry.endsWith('=()'));
    expect(allowed).toEqual(['camera=(self)']);
    expect(DASHBOARD_PERMISSIONS_POLICY.split(', ')).toHaveLength(PERMISSIONS_POLICY.split(', ').length);
  });

  it.for([
    ['a page that only starts like the dashboard', '/dashboards'],
    ['the API under a dashboard-like name', '/api/dashboard'],
  ])('given %s, then the camera stays off', async ([, url]) => {
    const answer = await app.inject({ method: 'GET', url });
    expect(answer.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
  });

  it('given the app policy, then scripts and styles come only from the server, nothing inline or evaluated, no plugins, no framing, no base or form elsewhere', () => {
    const csp = directivesOf(APP_CSP);
    expect(csp).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'object-src': ["'none'"],
      'base-uri': ["'self'"],
      'form-action': ["'self'"],
      'frame-ancestors': ["'none'"],
    });
    expect(APP_CSP).not.toMatch(/unsafe-|\*|https?:/);
    expect(directivesOf(API_CSP)).toMatchObject({ 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] });
  });

  it('given the permissions policy, then the features a tablet could be made to misuse are allowed to no origin, and each is named once', () => {
    const features = PERMISSIONS_POLICY.split(', ').map((entry) => /^([a-z-]+)=\(\)$/.exec(entry)?.[1] ?? `malformed: ${entry}`);
    expect(features).toEqual(expect.arrayContaining(['camera', 'microphone', 'geolocation', 'payment', 'usb', 'serial', 'bluetooth', 'hid', 'midi', 'display-capture', 'clipboard-read']));
    expect(features.filter((f) => f.startsWith('malformed'))).toEqual([]);
    expect(new Set(features).size).toBe(features.length);
    // Allowed on purpose: the installed kiosk opens full screen, and the spoken prompts play.
    expect(features).not.toContain('fullscreen');
    expect(features).not.toContain('autoplay');
  });

  it('given index.html, then its only script is a module by src, which the policy allows', () => {
    const html = readFileSync(new URL('../../../index.html', import.meta.url), 'utf8');
    expect([...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => [m[0].replace(m[1]!, ''), m[1]!.trim()])).toEqual([
      ['<script type="module" src="/src/ui/main.tsx"></script>', ''],
    ]);
    expect(html).not.toMatch(/\son[a-z]+=|style=|javascript:/i);
  });

  describe('CORS is closed', () => {
    it('given a request from another origin to every route, then no answer grants it anything', async () => {
      const cookie = await signInCookie(app);
      const routes = routesOf(app).filter((route) => route.includes(' /api/'));
      expect(routes.length).toBeGreaterThan(15);
      for (const route of routes) {
        const [method, path] = route.split(' ') as ['GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', string];
        const url = path.replace(/:\w+/, '0190a0b0-0000-7000-8000-0000000000ff');
        for (const headers of [{ origin: EVIL }, { origin: EVIL, authorization: `Bearer ${token}` }, { origin: EVIL, cookie }]) {
          const answer = await app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: method === 'GET' ? undefined : '{}' });
          expect({ route, headers: accessControlOf(answer.headers) }).toEqual({ route, headers: [] });
        }
      }
    });

    it.for(['/api/session', '/api/sync/push', '/api/reports/fleet/0190a0b0-0000-7000-8000-0000000000ff/revoke', '/api/enroll'])(
      'given a preflight from another origin for POST %s, then it is not permitted',
      async (url) => {
        const answer = await app.inject({
          method: 'OPTIONS',
          url,
          headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
        });
        expect(answer.statusCode).toBe(404);
        expect(accessControlOf(answer.headers)).toEqual([]);
        expect(answer.json()).toMatchObject({ code: 'not-found' });
      },
    );
  });

  describe('HTTPS', () => {
    it('given a server that speaks HTTPS, then every answer carries Strict-Transport-Security and the cookie is Secure', async () => {
      const https = await buildApp({ db: database.db, now: () => SERVER_NOW, https: TEST_TLS });
      try {
        await https.listen({ port: 0, host: '127.0.0.1' });
        const { port } = https.server.address() as { port: number };
        const answer = await httpsPost(port, '/api/session', JSON.stringify({ staffNumber: 'HQ1', password: PASSWORD }));
        expect(answer.headers['strict-transport-security']).toBe(HSTS);
        expect(answer.headers['set-cookie']?.[0]).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
      } finally {
        await https.close();
      }
    });

    it('given a TLS proxy trusted with TRUST_PROXY that says https, then HSTS and a Secure cookie; the same header from an untrusted client changes nothing', async () => {
      const proxied = await buildApp({ db: database.db, now: () => SERVER_NOW, trustProxy: '127.0.0.1' });
      try {
        const signIn = (remoteAddress: string) =>
          proxied.inject({
            method: 'POST',
            url: '/api/session',
            remoteAddress,
            headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.1' },
            payload: { staffNumber: 'HQ1', password: PASSWORD },
          });
        const viaProxy = await signIn('127.0.0.1');
        expect(viaProxy.headers['strict-transport-security']).toBe(HSTS);
        expect(viaProxy.headers['set-cookie']).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
        const direct = await signIn('192.0.2.9');
        expect(direct.headers['strict-transport-security']).toBeUndefined();
        expect(direct.headers['set-cookie']).toMatch(/; HttpOnly; SameSite=Strict$/);
      } finally {
        await proxied.close();
      }
    });
  });
});

async function signInCookie(app: FastifyInstance): Promise<string> {
  const answer = await app.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: { staffNumber: 'HQ1', password: PASSWORD } });
  expect(answer.statusCode).toBe(200);
  return String(answer.headers['set-cookie']).split(';')[0]!;
}

/** A POST over HTTPS to the test certificate's server, with its answer's headers. */
async function httpsPost(port: number, path: string, body: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', ca: TEST_TLS.cert, servername: 'localhost', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
