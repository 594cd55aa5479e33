import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { exchangeJson, requestJson, type JsonRequest } from '../../src/sync/http.ts';
import { createDashboardApi } from '../../src/ui/dashboard/api.ts';

// The one fetch wrapper of the tablet and the dashboard, against a fetch that answers what
// each case crafts and keeps what it was asked.
const BASE = 'http://branch.test';

function aFetch(answer: () => Response | Promise<Response>) {
  const asked: { url: string; init: RequestInit }[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    asked.push({ url: String(input), init: init ?? {} });
    return answer();
  };
  return { asked, fetchFn };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const Answer = v.object({ version: v.number() });

describe('requestJson: what the tablet makes of an answer', () => {
  it.each<[string, () => Response | Promise<Response>, unknown]>([
    ['an answer of its shape', () => json({ version: 3 }), { ok: true, value: { version: 3 } }],
    ['an answer out of shape', () => json({ version: '3' }), { ok: false, reason: 'bad-response', message: expect.stringMatching(/^The server sent a configuration this app does not understand: version: /) }],
    ['a 2xx that is not JSON', () => json('<html>'), { ok: false, reason: 'bad-response', message: 'The server answered with something that is not JSON.' }],
    ['a 2xx with no body', () => new Response('', { status: 200 }), { ok: false, reason: 'bad-response', message: 'The server answered with something that is not JSON.' }],
    ['a revoked device', () => json({ code: 'device-revoked', message: 'revoked' }, 401), { ok: false, reason: 'device-revoked', message: 'revoked' }],
    ['a 401 of another code', () => json({ code: 'unauthorized', message: 'who?' }, 401), { ok: false, reason: 'unauthorized', message: 'who?' }],
    ['a busy server naming its wait', () => json({ code: 'unavailable', message: 'busy' }, 503, { 'retry-after': '7' }), { ok: false, reason: 'server-error', message: 'busy', retryAfterMs: 7000 }],
    [
      'a busy server booking its slot to the millisecond',
      () => json({ code: 'unavailable', message: 'busy', retryAfterMs: 1234 }, 503, { 'retry-after': '2' }),
      { ok: false, reason: 'server-error', message: 'busy', retryAfterMs: 1234 },
    ],
    [
      'a booked wait that is no wait, read from Retry-After instead',
      () => json({ code: 'unavailable', message: 'busy', retryAfterMs: -5 }, 503, { 'retry-after': '2' }),
      { ok: false, reason: 'server-error', message: 'busy', retryAfterMs: 2000 },
    ],
    ['a 5xx that is not JSON', () => new Response('bad gateway', { status: 502, statusText: 'Bad Gateway' }), { ok: false, reason: 'server-error', message: 'The server answered 502 Bad Gateway.' }],
    ['a 413', () => json({ code: 'payload-too-large', message: 'too big' }, 413), { ok: false, reason: 'payload-too-large', message: 'too big' }],
    ['a wrong enrollment code', () => json({ code: 'enrollment-code-invalid', message: 'no such code' }, 400), { ok: false, reason: 'enrollment-code-invalid', message: 'no such code' }],
    ['a fetch that fails', () => Promise.reject(new TypeError('fetch failed')), { ok: false, reason: 'unreachable', message: 'The server could not be reached: fetch failed' }],
    ['a fetch that times out', () => Promise.reject(new DOMException('too slow', 'TimeoutError')), { ok: false, reason: 'timeout', message: 'The server did not answer in time.' }],
  ])('given %s, then it is %j', async (_, answer, expected) => {
    const { fetchFn } = aFetch(answer);
    expect(await requestJson({ baseUrl: BASE, fetch: fetchFn }, '/api/sync/config', { method: 'GET' }, { schema: Answer, what: 'a configuration' })).toEqual(expected);
  });

  it('given a token, a body and a query, then it sends them as the API reads them', async () => {
    const { asked, fetchFn } = aFetch(() => new Response(null, { status: 204 }));
    const request: JsonRequest = { method: 'POST', token: 't0ken', body: { a: 1 }, query: { after: '5', left: undefined }, headers: { 'x-staff-session': 's' } };
    expect(await exchangeJson({ baseUrl: BASE, fetch: fetchFn }, '/api/thing', request, () => 'refused')).toEqual({ ok: true, value: null });
    const [{ url, init }] = asked as [{ url: string; init: RequestInit }];
    expect(url).toBe(`${BASE}/api/thing?after=5`);
    expect(init).toMatchObject({ method: 'POST', body: '{"a":1}', cache: 'no-store' });
    expect(init.headers).toEqual({ accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer t0ken', 'x-staff-session': 's' });
    expect(init.credentials).toBeUndefined();
  });
});

describe('the dashboard through the same wrapper', () => {
  it.each<[string, () => Response | Promise<Response>, string]>([
    ['a password to change first', () => json({ code: 'password-change-required', message: 'change it' }, 403), 'password-change-required'],
    ['a role that may not see it', () => json({ code: 'forbidden', message: 'no' }, 403), 'forbidden'],
    ['a report it does not have', () => json({ code: 'not-found', message: 'no' }, 404), 'not-found'],
    ['an ended session', () => json({ code: 'unauthorized', message: 'signed out' }, 401), 'unauthorized'],
    ['a fetch that fails', () => Promise.reject(new TypeError('fetch failed')), 'unreachable'],
  ])('given %s, then the reason is %s, and the session cookie went with the request', async (_, answer, reason) => {
    const { asked, fetchFn } = aFetch(answer);
    const result = await createDashboardApi({ baseUrl: BASE, fetch: fetchFn }).overview({ from: '2026-11-01', to: '2026-11-30', branchId: undefined });
    expect(result).toMatchObject({ ok: false, reason });
    expect(asked[0]!.url).toBe(`${BASE}/api/reports/overview?from=2026-11-01&to=2026-11-30`);
    expect(asked[0]!.init.credentials).toBe('same-origin');
  });
});
