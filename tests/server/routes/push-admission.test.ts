import http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { PROTOCOL_VERSION } from '../../../src/domain/wire.ts';
import { createPushAdmission, PUSH_ADMISSION, QUIET_MS, type PushAdmission } from '../../../src/server/plugins/push-admission.ts';
import { countRatings } from '../../../src/server/repositories/ratings.ts';
import { aRating } from '../../builders/rating.ts';
import { callApi, givenBranchWithCounter, givenEnrolledDevice, startTestServer, useTestDatabase, type TestServer } from '../fixtures.ts';

// Admission control of pushes (src/server/plugins/push-admission.ts), on the real app over
// real HTTP. A push holds its turn from its first byte: one whose body is still on its way
// is a push in flight, which is how these tests keep the server busy for as long as they like.
const database = useTestDatabase('sqlite');

/** A push that has sent its headers and the start of its body, and sends the rest on `finish()`. */
function slowPush(server: TestServer, token: string, body: string) {
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` };
  let request!: http.ClientRequest;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request = http.request(new URL('/api/sync/push', server.baseUrl), { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
  });
  request.write(body.slice(0, 10));
  return { answer, finish: () => request.end(body.slice(10)) };
}

/**
 * Waits until the server's admission holds what a test needs before its next step: a push is
 * in flight or waiting once the server has read its headers, which takes no fixed time.
 */
const holding = (admission: PushAdmission, expected: Partial<ReturnType<PushAdmission['stats']>>) =>
  vi.waitFor(() => expect(admission.stats()).toMatchObject(expected), { timeout: 15_000, interval: 10 });

/** An admission with these limits, given to the app so the test can read what it holds. */
const anAdmission = (limits: Partial<typeof PUSH_ADMISSION>) => createPushAdmission({ ...PUSH_ADMISSION, ...limits });

const pushBody = () => JSON.stringify({ protocol: PROTOCOL_VERSION, records: [aRating()] });

describe('push admission', () => {
  it('given the server busy with as many pushes as it takes, when more arrive, then one waits its turn, the rest are turned away at once with 503 and Retry-After, and nothing of theirs is stored', async () => {
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    const admission = anAdmission({ inFlight: 1, queue: 1, waitMs: 60_000 });
    const server = await startTestServer({ db: database.current.db, admission });

    const first = slowPush(server, device.token, pushBody());
    await holding(admission, { inFlight: 1 });
    const waiting = callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() });
    await holding(admission, { waiting: 1 });
    const turnedAway = await callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() });

    expect(turnedAway.status).toBe(503);
    expect(turnedAway.body).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/busy with other tablets' pushes; nothing was stored\. Try again in \d+ s\./) });
    expect(Number(turnedAway.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await countRatings(database.current.db)).toBe(0);

    // The first push completes; the waiting one gets its turn and is stored too.
    first.finish();
    expect((await first.answer).status).toBe(200);
    expect((await waiting).status).toBe(200);
    expect(await countRatings(database.current.db)).toBe(2);
  });

  it('given a push that waited longer than the server lets it, then it is turned away, and the turn it would have had is not lost', async () => {
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    const admission = anAdmission({ inFlight: 1, queue: 4, waitMs: 150 });
    const server = await startTestServer({ db: database.current.db, admission });

    const first = slowPush(server, device.token, pushBody());
    await holding(admission, { inFlight: 1 });
    const late = await callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() });
    expect(late.status).toBe(503);

    first.finish();
    expect((await first.answer).status).toBe(200);
    // Turns come back as pushes end: ten in a row all get in.
    for (let i = 0; i < 10; i++) expect((await callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() })).status).toBe(200);
    expect(await countRatings(database.current.db)).toBe(11);
  });

  it('given a tablet that gives up while its push waits, then its turn goes to the next push', async () => {
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    const admission = anAdmission({ inFlight: 1, queue: 1, waitMs: 60_000 });
    const server = await startTestServer({ db: database.current.db, admission });

    const first = slowPush(server, device.token, pushBody());
    await holding(admission, { inFlight: 1 });
    const gaveUp = new AbortController();
    const abandoned = fetch(new URL('/api/sync/push', server.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
      body: pushBody(),
      signal: gaveUp.signal,
    }).catch((error: unknown) => error);
    await holding(admission, { waiting: 1 });
    gaveUp.abort();
    await abandoned;

    first.finish();
    expect((await first.answer).status).toBe(200);
    // The abandoned push is admitted, finds its client gone and hands the turn on at once.
    const next = await callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() });
    expect(next.status).toBe(200);
  });

  it('given the rate the server finished its pushes at, when it is full, then only as many wait as it will take in time, and each turned-away push is booked its own slot, to the millisecond, after them', async () => {
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    let clock = 1_000_000;
    const admission = createPushAdmission({ inFlight: 1, queue: 100, waitMs: 10_000 }, () => clock);
    const server = await startTestServer({ db: database.current.db, admission });
    // Two pushes of 4 s each (by the admission's clock), then a quiet minute: the quiet is not
    // counted, so the server still takes a push every 4 s, and 2 can wait within 10 s.
    for (let i = 0; i < 2; i++) {
      const push = slowPush(server, device.token, pushBody());
      await holding(admission, { inFlight: 1 });
      clock += 4000;
      push.finish();
      expect((await push.answer).status).toBe(200);
      await holding(admission, { inFlight: 0 });
    }
    clock += 60_000;

    const held = slowPush(server, device.token, pushBody());
    await holding(admission, { inFlight: 1 });
    const waiting = [callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() })];
    await holding(admission, { waiting: 1 });
    waiting.push(callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() }));
    await holding(admission, { waiting: 2 });
    const turnedAway = [];
    for (let i = 0; i < 3; i++) turnedAway.push(await callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody: pushBody() }));

    // After the one in flight and the two waiting, one slot of 4 s each, one after the other.
    expect(turnedAway.map((answer) => answer.status)).toEqual([503, 503, 503]);
    expect(turnedAway.map((answer) => (answer.body as { retryAfterMs: number }).retryAfterMs)).toEqual([16_000, 20_000, 24_000]);
    expect(turnedAway.map((answer) => answer.headers.get('retry-after'))).toEqual(['16', '20', '24']);

    held.finish();
    expect((await held.answer).status).toBe(200);
    expect((await Promise.all(waiting)).map((answer) => answer.status)).toEqual([200, 200]);
    expect(await countRatings(database.current.db)).toBe(5);
  });

  it('given a push in flight, then the server counts as busy until a second after the last push ended, and quiet after', async () => {
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    let clock = 1_000_000;
    const admission = createPushAdmission({ ...PUSH_ADMISSION, inFlight: 1 }, () => clock);
    const server = await startTestServer({ db: database.current.db, admission });
    expect(admission.busy()).toBe(false);

    const push = slowPush(server, device.token, pushBody());
    await holding(admission, { inFlight: 1 });
    clock += 10 * QUIET_MS;
    expect(admission.busy()).toBe(true);
    push.finish();
    expect((await push.answer).status).toBe(200);
    await holding(admission, { inFlight: 0 });

    clock += QUIET_MS - 1;
    expect(admission.busy()).toBe(true);
    clock += 1;
    expect(admission.busy()).toBe(false);
  });
});

