import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPushAdmission, PUSH_ADMISSION } from '../../src/server/plugins/push-admission.ts';
import { countRatings } from '../../src/server/repositories/ratings.ts';
import { editBranch } from '../../src/server/services/branches.ts';
import { revokeDeviceById } from '../../src/server/services/fleet.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { loadDevice } from '../../src/store/device.ts';
import { getMeta, setMeta } from '../../src/store/meta.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine, type EngineStatus, type SyncEngineOptions } from '../../src/sync/engine.ts';
import { BRANCH_ID, SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';
import { givenRatings as givenRatingsOn } from '../helpers/counter.ts';
import { givenBranchWithCounter, givenEnrollmentCode, startTestServer, useTestDatabase, type TestServer } from '../server/fixtures.ts';

// The engine against the real server over loopback HTTP, with fake-indexeddb on the device
// side: nothing of ours is mocked. A wrapping fetch only counts or loses answers.
const database = useTestDatabase('sqlite');
let device: BranchVoiceDB;
let server: TestServer;

beforeEach(async () => {
  device = createDatabase(`test-${crypto.randomUUID()}`);
  await givenBranchWithCounter(database.current);
  server = await startTestServer({ db: database.current.db });
});
afterEach(async () => {
  await device.delete();
});

async function givenEnrolledTablet() {
  const code = await givenEnrollmentCode(database.current);
  const enrolled = await enrollDevice(device, { baseUrl: server.baseUrl }, { code: code.code.toLowerCase(), appVersion: 'test' });
  if (!enrolled.ok) throw new Error(enrolled.message);
  return enrolled.value;
}

/** Ratings at the open window of the enrolled tablet: the shift is set, not signed in, so the outbox holds only ratings. */
async function givenRatings(count: number, counterId?: string) {
  await setMeta(device, 'shift', { state: 'open', tellerId: TELLER_ID, signInId: SIGN_IN_ID, since: Date.now() });
  await givenRatingsOn(device, count, { ...(counterId ? { counterId } : {}), score: (i) => (i % 4 === 0 ? 'dissatisfied' : 'satisfied') });
}

function engine(options: Partial<SyncEngineOptions> = {}) {
  return new SyncEngine({ db: device, http: { baseUrl: server.baseUrl, ...options.http }, appVersion: 'test', locks: null, ...options });
}

/** A fetch that counts pushes and can lose the answer after the server has handled it. */
function countingFetch(loseAnswers = 0) {
  const calls: { path: string; records: number }[] = [];
  let toLose = loseAnswers;
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const records = url.pathname.endsWith('/push') ? (JSON.parse(String(init?.body)) as { records: unknown[] }).records.length : 0;
    calls.push({ path: url.pathname, records });
    const response = await fetch(input, init);
    if (url.pathname.endsWith('/push') && toLose > 0) {
      toLose--;
      throw new TypeError('fetch failed: connection reset after the server answered');
    }
    return response;
  };
  return { calls, fetchFn };
}

describe('SyncEngine against the real server', () => {
  it('given 450 ratings made offline, when it syncs, then they travel in batches of at most 200 and the outbox empties', async () => {
    await givenEnrolledTablet();
    await givenRatings(450);
    const { calls, fetchFn } = countingFetch();
    const outcome = await engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } }).syncNow();
    expect(outcome).toEqual({ ok: true, value: { pushed: 450, rejected: 0 } });
    expect(calls.filter((c) => c.path === '/api/sync/push').map((c) => c.records)).toEqual([200, 200, 50]);
    expect(await device.outbox.count()).toBe(0);
    expect(await countRatings(database.current.db)).toBe(450);
    const state = await getMeta(device, 'syncState');
    expect(state?.lastError).toBeNull();
    expect(state?.lastSuccessAt).toEqual(expect.any(Number));
  });

  it('given a byte limit, when it syncs, then no batch is larger than the limit', async () => {
    await givenEnrolledTablet();
    await givenRatings(10);
    const bytes = (await device.outbox.toArray())[0]!.bytes;
    const { calls, fetchFn } = countingFetch();
    await engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn }, limits: { maxRecords: 200, maxBytes: bytes * 4 } }).syncNow();
    expect(calls.filter((c) => c.path === '/api/sync/push').map((c) => c.records)).toEqual([4, 4, 2]);
  });

  it('given the answer to a committed push is lost, when it syncs again, then the server still holds each rating once', async () => {
    await givenEnrolledTablet();
    await givenRatings(30);
    const { fetchFn } = countingFetch(1);
    const sync = engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } });
    const first = await sync.syncNow();
    expect(first).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(await device.outbox.count()).toBe(30);
    expect(await countRatings(database.current.db)).toBe(30);
    expect(await sync.syncNow()).toEqual({ ok: true, value: { pushed: 30, rejected: 0 } });
    expect(await device.outbox.count()).toBe(0);
    expect(await countRatings(database.current.db)).toBe(30);
  });

  it('given the answer to the second push is lost while the first batch settles beside it, then the first batch has left, the second waits, and the next sync stores each rating once', async () => {
    await givenEnrolledTablet();
    await givenRatings(450);
    let pushes = 0;
    const fetchFn: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (new URL(String(input)).pathname === '/api/sync/push' && ++pushes === 2) throw new TypeError('fetch failed: connection reset after the server answered');
      return response;
    };
    const sync = engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } });
    expect(await sync.syncNow()).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(await device.outbox.count()).toBe(250);
    expect(await countRatings(database.current.db)).toBe(400);
    expect(await sync.syncNow()).toEqual({ ok: true, value: { pushed: 250, rejected: 0 } });
    expect(await device.outbox.count()).toBe(0);
    expect(await countRatings(database.current.db)).toBe(450);
  });

  it('given a record the server refuses, when it syncs, then it moves to the quarantine with the reason and the rest go through', async () => {
    await givenEnrolledTablet();
    await givenRatings(2);
    await givenRatings(1, '0190a0b0-0000-7000-8000-0000000000ff');
    const outcome = await engine().syncNow();
    expect(outcome).toEqual({ ok: true, value: { pushed: 2, rejected: 1 } });
    const [quarantined] = await device.quarantine.toArray();
    expect(quarantined?.reason).toBe('wrong-counter');
    expect(await device.outbox.count()).toBe(0);
  });

  it('given a revoked device, when it syncs, then it stops, says so, and keeps its records', async () => {
    const { deviceId } = await givenEnrolledTablet();
    await givenRatings(3);
    await revokeDeviceById(database.current.db, deviceId, Date.now());
    const sync = engine();
    expect(await sync.syncNow()).toMatchObject({ ok: false, reason: 'device-revoked' });
    expect(await getMeta(device, 'syncState')).toMatchObject({ stopped: 'device-revoked', lastError: { reason: 'device-revoked' } });
    expect(await sync.syncNow()).toEqual({ ok: 'skipped', why: 'stopped' });
    expect(await device.outbox.count()).toBe(3);
    expect(await countRatings(database.current.db)).toBe(0);
  });

  it('given the server is down, when it syncs, then the outbox is untouched and the error is kept for the status corner', async () => {
    await givenEnrolledTablet();
    await givenRatings(2);
    await server.app.close();
    const outcome = await engine().syncNow();
    expect(outcome).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(await device.outbox.count()).toBe(2);
    expect((await getMeta(device, 'syncState'))?.lastError?.reason).toBe('unreachable');
  });

  it('given the branch configuration changed on the server, when it syncs, then the device pulls the new version', async () => {
    const enrolled = await givenEnrolledTablet();
    const edited = await editBranch(database.current.db, BRANCH_ID, { name: 'Main Street (renovated)', ratingCooldownMs: 1500 });
    expect(edited.ok).toBe(true);
    await engine().syncNow();
    const after = await loadDevice(device);
    expect(after?.config.version).toBeGreaterThan(enrolled.config.version);
    expect(after?.config).toMatchObject({ branch: { name: 'Main Street (renovated)' }, ratingCooldownMs: 1500 });
  });

  it('given nothing to send, when it syncs, then it still reports the device health to the server', async () => {
    const { deviceId } = await givenEnrolledTablet();
    await givenRatings(0);
    await engine().syncNow();
    const row = await database.current.db.selectFrom('devices').select(['last_seen_at', 'health']).where('id', '=', deviceId).executeTakeFirstOrThrow();
    expect(row.last_seen_at).toEqual(expect.any(Number));
    expect(JSON.parse(String(row.health))).toMatchObject({ outboxDepth: 0, appVersion: 'test', quarantined: 0 });
  });

  it('given 450 ratings, when it syncs them all, then each push reports the outbox as it will be once that push is settled, and the server is left with nothing waiting', async () => {
    const { deviceId } = await givenEnrolledTablet();
    await givenRatings(450);
    const oldest = (await device.outbox.orderBy(':id').toArray()).map((row) => row.createdAt);
    const reported: { records: number; outboxDepth: number; oldestUnsyncedAt: number | null }[] = [];
    const fetchFn: typeof fetch = (input, init) => {
      if (new URL(String(input)).pathname === '/api/sync/push') {
        const body = JSON.parse(String(init?.body)) as { records: unknown[]; health: { outboxDepth: number; oldestUnsyncedAt: number | null } };
        reported.push({ records: body.records.length, outboxDepth: body.health.outboxDepth, oldestUnsyncedAt: body.health.oldestUnsyncedAt });
      }
      return fetch(input, init);
    };

    await engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } }).syncNow();

    expect(reported).toEqual([
      { records: 200, outboxDepth: 250, oldestUnsyncedAt: oldest[200] },
      { records: 200, outboxDepth: 50, oldestUnsyncedAt: oldest[400] },
      { records: 50, outboxDepth: 0, oldestUnsyncedAt: null },
    ]);
    const row = await database.current.db.selectFrom('devices').select('health').where('id', '=', deviceId).executeTakeFirstOrThrow();
    expect(JSON.parse(String(row.health))).toMatchObject({ outboxDepth: 0, oldestUnsyncedAt: null });
  });

  it('given two syncs asked at once, then one run serves both', async () => {
    await givenEnrolledTablet();
    await givenRatings(5);
    const { calls, fetchFn } = countingFetch();
    const sync = engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } });
    const [a, b] = await Promise.all([sync.syncNow(), sync.syncNow()]);
    expect(a).toEqual(b);
    expect(calls.filter((c) => c.records > 0)).toHaveLength(1);
    expect(await countRatings(database.current.db)).toBe(5);
  });

  it('given a server busy with other tablets, when it turns the push away with Retry-After, then the engine waits that long (not its own backoff) and its retry stores everything', async () => {
    const tablet = await givenEnrolledTablet();
    await givenRatings(3);
    const admission = createPushAdmission({ ...PUSH_ADMISSION, inFlight: 1, queue: 0, waitMs: 0 });
    const busy = await startTestServer({ db: database.current.db, admission });
    // Another push holds the only turn: signed in, its body still on the way.
    const headers = { 'content-type': 'application/json', 'content-length': 100, authorization: `Bearer ${tablet.token}` };
    const holder = http.request(new URL('/api/sync/push', busy.baseUrl), { method: 'POST', agent: false, headers });
    holder.on('error', () => undefined);
    holder.write('{');
    await vi.waitFor(() => expect(admission.stats().inFlight).toBe(1), { timeout: 15_000, interval: 10 });

    // The engine's clock, read last when it schedules its retry: the wait is measured from
    // there, not from whenever a busy machine gets round to this test's next line.
    let lastRead = 0;
    // What the server booked, as the engine read it: its 503 says it to the millisecond.
    const booked: number[] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (response.status === 503) booked.push(((await response.clone().json()) as { retryAfterMs: number }).retryAfterMs);
      return response;
    };
    const sync = engine({ http: { baseUrl: busy.baseUrl, fetch: fetchFn }, random: () => 0, now: () => (lastRead = Date.now()) });
    sync.start();
    await eventuallyTrue(async () => (await getMeta(device, 'syncState'))?.lastError?.reason === 'server-error');
    const next = await new Promise<number>((resolve) => sync.subscribe((status) => status.nextAttemptAt !== null && resolve(status.nextAttemptAt)));
    // With no jitter the wait is exactly the server's; the backoff's first wait would be half a
    // second, and the server books a slot a few milliseconds ahead (its floor, 100 ms).
    expect(booked[0]).toBeGreaterThanOrEqual(100);
    expect(booked[0]).toBeLessThan(500);
    expect(next - lastRead).toBe(booked[0]);
    expect((await getMeta(device, 'syncState'))?.lastError?.message).toMatch(/busy with other tablets' pushes/);
    expect(await device.outbox.count()).toBe(3);

    holder.destroy();
    await eventuallyTrue(async () => (await device.outbox.count()) === 0, 15_000);
    sync.stop();
    expect(await countRatings(database.current.db)).toBe(3);
  });
});

/** A fetch to the real server that hands the tablet `craft(answer)` in place of the server's first `times` answers on `path`. */
function craftingFetch(path: string, craft: (answer: Response) => Promise<Response>, times = 1): typeof fetch {
  let left = times;
  return async (input, init) => {
    const response = await fetch(input, init);
    if (new URL(String(input)).pathname !== path || left === 0) return response;
    left--;
    return craft(response);
  };
}

const json = (body: unknown, init: ResponseInit = {}) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' }, ...init });

/** The first status that shows a failed run with a retry scheduled. */
const failedWithRetry = (sync: SyncEngine) =>
  new Promise<EngineStatus>((resolve) => {
    const stop = sync.subscribe((status) => {
      if (status.lastRun?.failure && status.nextAttemptAt !== null) {
        resolve(status);
        queueMicrotask(() => stop());
      }
    });
  });

describe('SyncEngine given an answer out of shape', () => {
  type PushBody = { results: { id: unknown; status: string }[]; serverTime: unknown; configVersion: unknown };
  const malformed: [string, (body: PushBody) => unknown, RegExp][] = [
    ['a push answer without results', ({ results: _, ...rest }) => rest, /^The server sent a push answer this app does not understand: results: /],
    ['a serverTime that is a string', (body) => ({ ...body, serverTime: String(body.serverTime) }), /: serverTime: /],
    ['a configVersion that is missing', ({ configVersion: _, ...rest }) => rest, /: configVersion: /],
    ['an accepted result whose id is a number', (body) => ({ ...body, results: body.results.map((r, i) => (i === 1 ? { ...r, id: 42 } : r)) }), /: results\.1\.id: /],
    ['a result of a status this app does not know', (body) => ({ ...body, results: body.results.map((r) => ({ ...r, status: 'deferred' })) }), /: results\.0\.status: /],
    ['a rotateToken that is not true', (body) => ({ ...body, rotateToken: 'yes' }), /: rotateToken: /],
    ['no answer at all but null', () => null, /^The server sent a push answer this app does not understand: /],
  ];

  it.each(malformed)('given %s, when it syncs, then nothing settles, the status says bad-response, and the backoff retries until an answer it reads stores each rating once', async (_, mangle, message) => {
    await givenEnrolledTablet();
    await givenRatings(3);
    const fetchFn = craftingFetch('/api/sync/push', async (answer) => json(mangle((await answer.json()) as PushBody)));
    // The engine's clock stands still, so the planned wait is read exactly, however busy the machine.
    const startedAt = Date.now();
    const sync = engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn }, random: () => 0, now: () => startedAt });
    const failed = failedWithRetry(sync);
    const outcome = sync.syncNow();
    sync.start();

    expect(await outcome).toEqual({ ok: false, reason: 'bad-response', message: expect.stringMatching(message) });
    expect(await device.outbox.count()).toBe(3);
    expect(await device.quarantine.count()).toBe(0);
    const status = await failed;
    expect(status.lastRun?.failure).toBe('bad-response');
    // The backoff's first wait with no jitter: half a second.
    expect(status.nextAttemptAt! - status.lastRun!.at).toBe(500);
    expect((await getMeta(device, 'syncState'))?.lastError).toMatchObject({ reason: 'bad-response', message: expect.stringMatching(message) });

    await eventuallyTrue(async () => (await getMeta(device, 'syncState'))?.lastError === null);
    sync.stop();
    expect(await device.outbox.count()).toBe(0);
    expect(await countRatings(database.current.db)).toBe(3);
  });

  it('given a push answered with a body that is not JSON, then it is bad-response and nothing settles', async () => {
    await givenEnrolledTablet();
    await givenRatings(2);
    const fetchFn = craftingFetch('/api/sync/push', async () => json('<html>busy</html>'));
    expect(await engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } }).syncNow()).toEqual({ ok: false, reason: 'bad-response', message: 'The server answered with something that is not JSON.' });
    expect(await device.outbox.count()).toBe(2);
  });

  it('given a configuration out of shape, when the server has a newer one, then the tablet keeps the one it has and the run fails as bad-response', async () => {
    const enrolled = await givenEnrolledTablet();
    await editBranch(database.current.db, BRANCH_ID, { name: 'Main Street (renovated)' });
    const fetchFn = craftingFetch('/api/sync/config', async (answer) => json({ ...((await answer.json()) as object), version: 'seven' }));
    const outcome = await engine({ http: { baseUrl: server.baseUrl, fetch: fetchFn } }).syncNow();
    expect(outcome).toEqual({ ok: false, reason: 'bad-response', message: expect.stringMatching(/^The server sent a configuration this app does not understand: version: /) });
    expect((await loadDevice(device))?.config).toEqual(enrolled.config);
  });

  it.each([
    ['2', 2000, 'its word: two seconds'],
    ['soon', 500, 'unreadable: the backoff'],
    ['1.5', 500, 'not whole seconds nor a date: the backoff, not a day in 2001 and a retry at once'],
    ['-5', 500, 'negative: the backoff'],
  ])('given a busy server whose Retry-After is %j, then the engine waits %i ms (%s)', async (retryAfter, waitMs) => {
    await givenEnrolledTablet();
    await givenRatings(1);
    const busy = async () => json({ code: 'unavailable', message: 'busy' }, { status: 503, headers: { 'content-type': 'application/json', 'retry-after': retryAfter } });
    const startedAt = Date.now();
    const sync = engine({ http: { baseUrl: server.baseUrl, fetch: craftingFetch('/api/sync/push', busy, Infinity) }, random: () => 0, now: () => startedAt });
    const failed = failedWithRetry(sync);
    sync.start();
    const status = await failed;
    sync.stop();
    expect(status.lastRun?.failure).toBe('server-error');
    expect(status.nextAttemptAt! - status.lastRun!.at).toBe(waitMs);
  });
});

async function eventuallyTrue(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
