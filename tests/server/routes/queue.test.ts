import { expect, it } from 'vitest';
import * as v from 'valibot';
import { MAX_QUEUE_EVENTS, QueueEventSchema, type QueuePostResponse } from '../../../src/domain/queue.ts';
import { buildApp } from '../../../src/server/app.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { REVOKED_QUEUE_KEY, revokeQueueSystemById, UNKNOWN_QUEUE_KEY } from '../../../src/server/services/queue-systems.ts';
import { aQueueEvent, aTicket, QUEUE_MORNING } from '../../builders/queue-event.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { NASTY_STRINGS } from '../hostile/hostile-values.ts';
import { callApi, givenEnrolledDevice, SERVER_NOW, startTestServer, useTestDatabase } from '../fixtures.ts';
import { givenQueueBranches, HARBOUR_COUNTER_ID, HARBOUR_ID, TEST_OPERATOR } from '../queue-intake-given.ts';

const UNKNOWN_B9 =
  "counter: the queue system's counter B9 is not mapped to a counter of branch 0190a0b0-0000-7000-8000-000000000001; " +
  'give that counter the queue code B9 on Manage › Queue system, or with `npm run admin -- counter:set <counterId> --queue-code B9`';

describeEachDatabase('queue events in: POST /api/queue/events', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    const { db } = database.current;
    const world = await givenQueueBranches(database.current);
    const server = await startTestServer({ db, now: () => SERVER_NOW });
    const post = (key: string | undefined, body: unknown) => callApi(server, 'POST', '/api/queue/events', { token: key, body });
    const events = async () =>
      (await db.selectFrom('queue_events').selectAll().orderBy('seq').execute()).map(({ seq: _seq, ...row }) => ({ ...row, at: Number(row.at), received_at: Number(row.received_at) }));
    const dirty = async () => (await db.selectFrom('match_dirty').select(['branch_id', 'day']).orderBy('branch_id').orderBy('day').execute()).map((r) => `${r.branch_id === BRANCH_ID ? 'Main' : 'Harbour'} ${r.day}`);
    return { db, server, post, events, dirty, ...world };
  }

  it('given a post of good and bad events, then each is answered in request order, bad ones with a reason and a message naming the field, and only the good ones are stored, once', async () => {
    const { post, events, mainKey } = await given();
    const sent: unknown[] = [
      aQueueEvent({ type: 'issued', counter: undefined, service: 'deposits' }),
      aQueueEvent(),
      aQueueEvent(),
      { ...aQueueEvent(), type: 'served' },
      aQueueEvent({ counter: undefined }),
      aQueueEvent({ counter: 'B9' }),
      aQueueEvent({ ticket: 'A 23' }),
      aQueueEvent({ at: '2026-11-23 09:00' }),
      { ...aQueueEvent(), branchId: HARBOUR_ID },
      'not an event',
      aQueueEvent({ type: 'started', at: '2026-11-23T09:00:20+08:00' }),
      aQueueEvent({ type: 'issued', ticket: ' A024 ', counter: 'W99', service: '  对公业务 ' }),
    ];
    const answer = await post(mainKey.key, { events: sent });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      results: [
        { index: 0, status: 'stored' },
        { index: 1, status: 'stored' },
        { index: 2, status: 'duplicate' },
        { index: 3, status: 'rejected', reason: 'invalid-event', message: 'type: must be issued, called, started or ended' },
        { index: 4, status: 'rejected', reason: 'invalid-event', message: 'counter: called, started and ended name the counter, such as "counter": "3"' },
        { index: 5, status: 'rejected', reason: 'unknown-counter', message: UNKNOWN_B9 },
        { index: 6, status: 'rejected', reason: 'invalid-event', message: 'ticket: must be letters, digits, dots, dashes or underscores, such as A023' },
        { index: 7, status: 'rejected', reason: 'invalid-event', message: 'at: must be epoch milliseconds or an ISO 8601 time with its zone, such as 2026-12-07T09:15:02+08:00' },
        { index: 8, status: 'rejected', reason: 'invalid-event', message: 'branchId: Invalid key: Expected never but received "branchId"' },
        { index: 9, status: 'rejected', reason: 'invalid-event', message: 'Invalid type: Expected Object but received "not an event"' },
        { index: 10, status: 'stored' },
        { index: 11, status: 'stored' },
      ],
      serverTime: SERVER_NOW,
    } satisfies QueuePostResponse);
    const row = { branch_id: BRANCH_ID, day: '2026-11-23', queue_system_id: mainKey.system.id, source: 'post', received_at: SERVER_NOW };
    expect(await events()).toEqual([
      { ...row, ticket: 'A023', type: 'issued', at: QUEUE_MORNING, counter_id: null, service_type: 'deposits' },
      { ...row, ticket: 'A023', type: 'called', at: QUEUE_MORNING, counter_id: COUNTER_ID, service_type: null },
      { ...row, ticket: 'A023', type: 'started', at: QUEUE_MORNING + 20_000, counter_id: COUNTER_ID, service_type: null },
      // An issue's counter is not read, not even an unknown one: a ticket is issued at no counter.
      { ...row, ticket: 'A024', type: 'issued', at: QUEUE_MORNING, counter_id: null, service_type: '对公业务' },
    ]);
  });

  it("given a ticket around the branch's midnight, then each event is on the branch's own day, each day touched is marked for the matcher, and a re-post is all duplicates that marks nothing", async () => {
    const { db, post, events, dirty, mainKey } = await given();
    // 23:50 and 00:05 in Shanghai: both on 23 November in UTC.
    const lateTicket = [
      aQueueEvent({ ticket: 'A099', type: 'issued', at: '2026-11-23T23:50:00+08:00', counter: undefined }),
      aQueueEvent({ ticket: 'A099', type: 'called', at: '2026-11-24T00:05:00+08:00' }),
    ];
    const sent = [...aTicket('A001', '3'), ...lateTicket];
    const first = (await post(mainKey.key, { events: sent })).body as QueuePostResponse;
    expect(first.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored', 'stored']);
    expect((await events()).map((e) => [e.ticket, e.type, e.day])).toEqual([
      ['A001', 'issued', '2026-11-23'],
      ['A001', 'called', '2026-11-23'],
      ['A001', 'started', '2026-11-23'],
      ['A001', 'ended', '2026-11-23'],
      ['A099', 'issued', '2026-11-23'],
      ['A099', 'called', '2026-11-24'],
    ]);
    expect(await dirty()).toEqual(['Main 2026-11-23', 'Main 2026-11-24']);

    await db.deleteFrom('match_dirty').execute();
    const again = (await post(mainKey.key, { events: sent })).body as QueuePostResponse;
    expect(again.results).toEqual(sent.map((_, index) => ({ index, status: 'duplicate' })));
    expect(await events()).toHaveLength(6);
    expect(await dirty()).toEqual([]);
  });

  it("given the keys of two branches, then events always go to the key's branch: a counter code is read as the key's branch's, and another branch's code is an unknown counter", async () => {
    const { post, events, dirty, mainKey, harbourKey } = await given();
    // "3" is a counter of both branches; "B9" only Harbour Road's.
    const main = (await post(mainKey.key, { events: [aQueueEvent(), aQueueEvent({ ticket: 'A024', counter: 'B9' })] })).body as QueuePostResponse;
    expect(main.results).toEqual([
      { index: 0, status: 'stored' },
      { index: 1, status: 'rejected', reason: 'unknown-counter', message: UNKNOWN_B9 },
    ]);
    // The same ticket number in the other branch is another ticket: stored, not a duplicate.
    const harbour = (await post(harbourKey.key, { events: [aQueueEvent()] })).body as QueuePostResponse;
    expect(harbour.results).toEqual([{ index: 0, status: 'stored' }]);
    expect((await events()).map((e) => [e.branch_id, e.counter_id, e.day, e.queue_system_id])).toEqual([
      [BRANCH_ID, COUNTER_ID, '2026-11-23', mainKey.system.id],
      // 01:00 UTC is still 23 November in Madrid.
      [HARBOUR_ID, HARBOUR_COUNTER_ID, '2026-11-23', harbourKey.system.id],
    ]);
    expect(await dirty()).toEqual(['Main 2026-11-23', 'Harbour 2026-11-23']);
  });

  it('given no key, an unknown key, a revoked key or a tablet token, then 401 with the reason and nothing is stored; a good post notes when and from where the key was used', async () => {
    const { db, post, events, mainKey, harbourKey } = await given();
    const tablet = await givenEnrolledDevice(database.current);
    await revokeQueueSystemById(db, TEST_OPERATOR, harbourKey.system.id, SERVER_NOW);
    const body = { events: [aQueueEvent()] };
    expect(await post(undefined, body)).toMatchObject({
      status: 401,
      body: { code: 'unauthorized', message: 'Send the queue system key as "Authorization: Bearer <key>"; make one for the branch on Manage › Queue system.' },
    });
    expect(await post(`${mainKey.key}x`, body)).toMatchObject({ status: 401, body: { code: 'unauthorized', message: UNKNOWN_QUEUE_KEY } });
    expect(await post(hashSecret(mainKey.key), body)).toMatchObject({ status: 401, body: { code: 'unauthorized', message: UNKNOWN_QUEUE_KEY } });
    expect(await post(tablet.token, body)).toMatchObject({ status: 401, body: { code: 'unauthorized', message: UNKNOWN_QUEUE_KEY } });
    expect(await post(harbourKey.key, body)).toMatchObject({ status: 401, body: { code: 'unauthorized', message: REVOKED_QUEUE_KEY } });
    expect(await events()).toEqual([]);
    const seen = () => db.selectFrom('queue_systems').select(['name', 'last_seen_at', 'last_address']).orderBy('name').execute();
    expect(await seen()).toEqual([
      { name: 'Harbour queue', last_seen_at: null, last_address: null },
      { name: 'Lobby ticket printer', last_seen_at: null, last_address: null },
    ]);

    expect((await post(mainKey.key, body)).status).toBe(200);
    expect(await seen()).toEqual([
      { name: 'Harbour queue', last_seen_at: null, last_address: null },
      { name: 'Lobby ticket printer', last_seen_at: SERVER_NOW, last_address: '127.0.0.1' },
    ]);
    // Only the key's hash is kept.
    expect(await db.selectFrom('queue_systems').select('token_hash').where('id', '=', mainKey.system.id).executeTakeFirst()).toEqual({ token_hash: hashSecret(mainKey.key) });
    expect(mainKey.key).toMatch(/^bvq_[A-Za-z0-9_-]{43}$/);
  });

  it.for([
    ['no events', {}, 'events: Invalid key: Expected "events" but received undefined'],
    ['an empty list', { events: [] }, 'events: has no events'],
    ['a branch', { events: [aQueueEvent()], branchId: HARBOUR_ID }, 'branchId: Invalid key: Expected never but received "branchId"'],
    ['1001 events', { events: Array.from({ length: MAX_QUEUE_EVENTS + 1 }, () => aQueueEvent()) }, 'events: has more than 1000 events'],
    ['a bare list', [aQueueEvent()], 'events: Invalid key: Expected "events" but received undefined; 0: Invalid key: Expected never but received "0"'],
    ['one event not in a list', { events: aQueueEvent() }, 'events: Invalid type: Expected Array but received Object'],
  ] as const)('given an envelope with %s, then 400 naming the field and nothing is stored', async ([, body, message]) => {
    const { post, events, mainKey } = await given();
    expect(await post(mainKey.key, body)).toMatchObject({ status: 400, body: { code: 'bad-request', message } });
    expect(await events()).toEqual([]);
  });

  it('given a day of a busy branch in one post of 1000 events, then all are stored; a body over the limit is 413 in the queue’s words', async () => {
    const { post, events, mainKey } = await given();
    const day = Array.from({ length: 250 }, (_, i) => aTicket(`A${String(i).padStart(3, '0')}`, '3', QUEUE_MORNING + i * 60_000)).flat();
    const answer = (await post(mainKey.key, { events: day })).body as QueuePostResponse;
    expect(answer.results.filter((r) => r.status === 'stored')).toHaveLength(1000);
    expect(await events()).toHaveLength(1000);
    const huge = await post(mainKey.key, { events: [aQueueEvent({ service: 'x'.repeat(1_100_000) })] });
    expect(huge).toMatchObject({ status: 413, body: { code: 'payload-too-large', message: 'The request body is over 1048576 bytes; post at most 1000 events at a time.' } });
  });

  it('given hostile text in every field of an event, then each event is refused or stored exactly as the shared schema reads it, and nothing else changes', async () => {
    const { db, post, events, mainKey } = await given();
    const fields = ['ticket', 'type', 'at', 'counter', 'service'] as const;
    const sent = NASTY_STRINGS.flatMap((text, i) => fields.map((field) => aQueueEvent({ ticket: `H${i}`, type: 'issued', [field]: text })));
    const ratingsBefore = await db.selectFrom('ratings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    const answer = (await post(mainKey.key, { events: sent })).body as QueuePostResponse;
    expect(answer.results).toHaveLength(sent.length);
    const expected = sent.map((event) => v.safeParse(QueueEventSchema, event));
    // Refused where the schema refuses; "3" is Main Street's only code, and an issue's counter is not read.
    expect(answer.results.map((r) => r.status !== 'rejected')).toEqual(expected.map((p) => p.success));
    // Two equal events of one post are one: the first is stored, the second is its duplicate.
    const firsts = new Map<string, { ticket: string; type: string; at: number; service: string | null }>();
    for (const p of expected) {
      if (!p.success) continue;
      const key = `${p.output.ticket}|${p.output.type}|${p.output.at}`;
      if (!firsts.has(key)) firsts.set(key, { ticket: p.output.ticket, type: p.output.type, at: p.output.at, service: p.output.service ?? null });
    }
    expect((await events()).map((e) => ({ ticket: e.ticket, type: e.type, at: e.at, service: e.service_type }))).toEqual([...firsts.values()]);
    expect(answer.results.filter((r) => r.status === 'stored')).toHaveLength(firsts.size);
    expect(await db.selectFrom('ratings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()).toEqual(ratingsBefore);
  });
});

describeEachDatabase('queue keys refused from one address', (kind) => {
  const database = useTestDatabase(kind);

  it('given three refused keys from one address, then the fourth is 429 with Retry-After, while the valid key from that address and a wrong one from another still get their answers', async () => {
    const { db } = database.current;
    const { mainKey } = await givenQueueBranches(database.current);
    const app = await buildApp({ db, now: () => SERVER_NOW, attemptLimits: { queueKeyByAddress: { max: 3, windowMs: 15 * 60_000 } } });
    try {
      const post = (key: string, remoteAddress = '192.0.2.10') =>
        app.inject({ method: 'POST', url: '/api/queue/events', remoteAddress, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: { events: [aQueueEvent()] } });
      for (let i = 0; i < 3; i++) expect((await post(`bvq_wrong${i}`)).statusCode).toBe(401);
      const limited = await post('bvq_wrong3');
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBe('900');
      expect(limited.json()).toEqual({ code: 'rate-limited', message: 'Too many refused queue system keys from this address; try again in 15 minutes, with a key made on Manage › Queue system.' });
      expect((await post(mainKey.key)).json()).toEqual({ results: [{ index: 0, status: 'stored' }], serverTime: SERVER_NOW });
      expect((await post('bvq_wrong4', '192.0.2.11')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
