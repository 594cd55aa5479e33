import { describe, expect, it } from 'vitest';
import { referenceCode, type Opinion } from '../../../src/domain/opinion.ts';
import { MAX_BODY_BYTES, PROTOCOL_VERSION, type DeviceHealth, type PushResponse } from '../../../src/domain/wire.ts';
import { findDevice, revokeDevice } from '../../../src/server/repositories/devices.ts';
import { countOpinions, latestOpinions } from '../../../src/server/repositories/opinions.ts';
import { countRatings, latestRatings } from '../../../src/server/repositories/ratings.ts';
import { countShiftEvents, latestShiftEvents } from '../../../src/server/repositories/shift-events.ts';
import { addBranch } from '../../../src/server/services/branches.ts';
import { editTeller } from '../../../src/server/services/tellers.ts';
import { editTopic } from '../../../src/server/services/topics.ts';
import { anOpinion, aRating, aShiftEvent, BRANCH_ID, COUNTER_ID, SIGN_IN_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenEnrolledDevice,
  givenEnrolledLobby,
  SERVER_NOW,
  startTestServer,
  givenTeller,
  useTestDatabase,
} from '../fixtures.ts';

const OTHER_TELLER_ID = '0190a0b0-0000-7000-8000-0000000000d2';
const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';

const aHealth = (overrides: Partial<DeviceHealth> = {}): DeviceHealth => ({
  outboxDepth: 12,
  oldestUnsyncedAt: Date.UTC(2026, 10, 23, 9, 0),
  quarantined: 0,
  storageUsed: 1_000_000,
  storageQuota: 50_000_000,
  storagePersisted: true,
  appVersion: '0.1.0',
  clockOffsetMs: -250,
  reportedAt: Date.UTC(2026, 10, 23, 9, 59),
  ...overrides,
});

describeEachDatabase('POST /api/sync/push', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    const server = await startTestServer({ db: database.current.db });
    const push = (records: unknown[], extra: object = {}, token = device.token) =>
      callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records, ...extra } });
    return { device, server, push };
  }

  it('given a batch, when it is sent twice, then it is stored once and accepted both times', async () => {
    const { push } = await given();
    const batch = [aRating(), aRating({ score: 'dissatisfied', reasons: ['waited-long'] }), aRating()];
    const accepted = batch.map((r) => ({ id: r.id, status: 'accepted' }));

    const first = await push(batch);
    const second = await push(batch);

    expect(first).toMatchObject({ status: 200, body: { results: accepted } });
    expect(second).toMatchObject({ status: 200, body: { results: accepted } });
    expect(await countRatings(database.current.db)).toBe(3);
  });

  it('given the same record twice in one batch, then it is stored once and both are accepted', async () => {
    const { push } = await given();
    const rating = aRating();
    const answer = await push([rating, rating]);
    expect((answer.body as PushResponse).results).toEqual([
      { id: rating.id, status: 'accepted' },
      { id: rating.id, status: 'accepted' },
    ]);
    expect(await countRatings(database.current.db)).toBe(1);
  });

  it('given 10 records of which 3 are invalid, then the 7 are stored and the 3 are named with reasons', async () => {
    const { push } = await given();
    const good = Array.from({ length: 7 }, () => aRating());
    const badScore = { ...aRating(), score: 'great' };
    const badClock = { ...aRating(), createdAt: 5 };
    const noId = { ...aRating(), id: 42 };
    const records = [good[0], badScore, good[1], good[2], badClock, good[3], good[4], noId, good[5], good[6]];

    const answer = await push(records);

    expect(answer.status).toBe(200);
    const results = (answer.body as PushResponse).results;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([
      { id: badScore.id, status: 'rejected', reason: 'invalid-record', message: 'score: must be very-satisfied, satisfied, neutral or dissatisfied' },
      { id: badClock.id, status: 'rejected', reason: 'invalid-record', message: 'createdAt: is before the year 2000' },
      { id: null, status: 'rejected', reason: 'invalid-record', message: 'id: Invalid type: Expected string but received 42' },
    ]);
    expect(results.map((r) => r.id)).toEqual(records.map((r) => (typeof r?.id === 'string' ? r.id : null)));
    expect(await countRatings(database.current.db)).toBe(7);
  });

  it.each([
    ['an unknown kind', { ...aRating(), kind: 'complaint-case' }, 'kind: has an unknown kind'],
    ['not an object', 'hello', 'has an unknown kind'],
    ['an unknown field', { ...aRating(), teller: 'T1' }, 'teller: Invalid key: Expected never but received "teller"'],
    ['too many reasons', aRating({ reasons: Array.from({ length: 17 }, (_, i) => `r${i}`) }), 'reasons: has more than 16 reasons'],
    ['a language we do not have', { ...aRating(), language: 'fr' }, 'language: must be one of zh-Hans, zh-Hant, en, es'],
    ['an id that is not a UUIDv7', { ...aRating(), id: '0190A0B0-0000-7000-8000-000000000099' }, 'id: must be a lower-case UUIDv7'],
  ])('given a record with %s, then it is rejected as invalid-record', async (_, record, message) => {
    const { push } = await given();
    const answer = await push([record]);
    expect((answer.body as PushResponse).results).toEqual([
      { id: (record as { id?: unknown }).id ?? null, status: 'rejected', reason: 'invalid-record', message },
    ]);
    expect(await countRatings(database.current.db)).toBe(0);
  });

  it.each([
    ['another branch', { branchId: OTHER_BRANCH_ID }, 'wrong-branch', `branchId: this device is enrolled at branch ${BRANCH_ID}, not ${OTHER_BRANCH_ID}`],
    ['another counter', { counterId: OTHER_COUNTER_ID }, 'wrong-counter', `counterId: this device is enrolled at counter ${COUNTER_ID}, not ${OTHER_COUNTER_ID}`],
  ])('given a record for %s, then it is rejected and not stored', async (_, overrides, reason, message) => {
    const { push } = await given();
    const record = aRating(overrides);
    const answer = await push([record]);
    expect((answer.body as PushResponse).results).toEqual([{ id: record.id, status: 'rejected', reason, message }]);
    expect(await countRatings(database.current.db)).toBe(0);
  });

  it('given a batch, then each row is stamped with the device, the server clock and an increasing seq', async () => {
    const { push, device } = await given();
    const first = [aRating(), aRating()];
    const second = [aRating()];
    await push(first);
    await push(second);

    const stored = (await latestRatings(database.current.db, 10)).reverse();
    expect(stored.map((r) => r.id)).toEqual([...first, ...second].map((r) => r.id));
    expect(stored.every((r) => r.deviceId === device.deviceId && r.receivedAt === SERVER_NOW)).toBe(true);
    const seqs = stored.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(3);
    expect(stored[0]).toMatchObject({ branchId: BRANCH_ID, counterId: COUNTER_ID, score: 'satisfied', reasons: [], language: 'en', createdAt: first[0]!.createdAt });
  });

  it('given a push, then it answers the server time and the config version the device should hold', async () => {
    const { push } = await given();
    const answer = await push([]);
    // version 1 for the new branch, bumped when its counter and its teller were added
    expect(answer).toMatchObject({ status: 200, body: { results: [], serverTime: SERVER_NOW, configVersion: 3 } });
  });

  it('given a push with health, then the device is marked seen with that health', async () => {
    const { push, device } = await given();
    const health = aHealth();
    await push([aRating()], { health });
    expect(await findDevice(database.current.db, device.deviceId)).toMatchObject({ lastSeenAt: SERVER_NOW, health });
  });

  it('given a push without health, then the device is still marked seen and keeps its last health', async () => {
    const { device } = await given();
    const health = aHealth({ outboxDepth: 3 });
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    const body = (extra: object) => ({ protocol: PROTOCOL_VERSION, records: [], ...extra });
    await callApi(server, 'POST', '/api/sync/push', { token: device.token, body: body({ health }) });
    clock += 60_000;
    await callApi(server, 'POST', '/api/sync/push', { token: device.token, body: body({}) });
    expect(await findDevice(database.current.db, device.deviceId)).toMatchObject({ lastSeenAt: SERVER_NOW + 60_000, health });
  });

  // A push the device gave up waiting for can be handled after the device's next one: its
  // health must not tell the day close that the emptied outbox is full again. With records
  // PostgreSQL stores the push in one statement, without in a transaction: both are checked.
  it.each([
    ['with a rating', () => [aRating()]],
    ['with no records', () => []],
  ])('given a push %s handled after a later one of the same device, then the later health stays and the device is seen', async (_, records) => {
    const { device } = await given();
    let clock = SERVER_NOW;
    const server = await startTestServer({ db: database.current.db, now: () => clock });
    const pushWith = (health: DeviceHealth) =>
      callApi(server, 'POST', '/api/sync/push', { token: device.token, body: { protocol: PROTOCOL_VERSION, records: records(), health } });
    const later = aHealth({ outboxDepth: 0, oldestUnsyncedAt: null, reportedAt: SERVER_NOW - 5_000 });
    await pushWith(later);
    clock += 20_000;
    await pushWith(aHealth({ outboxDepth: 200, reportedAt: SERVER_NOW - 35_000 }));
    expect(await findDevice(database.current.db, device.deviceId)).toMatchObject({ lastSeenAt: SERVER_NOW + 20_000, health: later });
  });

  it('given a health report older than the stored one by more than ten minutes, then it is kept: the device clock was set back', async () => {
    const { push, device } = await given();
    await push([aRating()], { health: aHealth({ reportedAt: SERVER_NOW + 3_600_000 }) });
    const corrected = aHealth({ outboxDepth: 0, reportedAt: SERVER_NOW });
    await push([aRating()], { health: corrected });
    expect((await findDevice(database.current.db, device.deviceId))?.health).toEqual(corrected);
  });

  describe('shifts and tellers', () => {
    it('given ratings and shift events in one push, then both are stored with their teller and sign-in', async () => {
      const { push, device } = await given();
      const signedIn = aShiftEvent({ type: 'signed-in' });
      const rating = aRating({ score: 'neutral', reasons: ['waiting-time'] });
      const paused = aShiftEvent({ type: 'paused', createdAt: signedIn.createdAt + 60_000 });
      const records = [signedIn, rating, paused];

      const answer = await push(records);

      expect((answer.body as PushResponse).results).toEqual(records.map((r) => ({ id: r.id, status: 'accepted' })));
      expect(await latestRatings(database.current.db, 10)).toEqual([
        {
          id: rating.id,
          seq: expect.any(Number),
          branchId: BRANCH_ID,
          counterId: COUNTER_ID,
          deviceId: device.deviceId,
          tellerId: TELLER_ID,
          signInId: SIGN_IN_ID,
          score: 'neutral',
          reasons: ['waiting-time'],
          language: 'en',
          createdAt: rating.createdAt,
          receivedAt: SERVER_NOW,
        },
      ]);
      const events = (await latestShiftEvents(database.current.db, 10)).reverse();
      expect(events).toEqual(
        [signedIn, paused].map(({ kind: _, ...event }) => ({ ...event, seq: expect.any(Number), deviceId: device.deviceId, receivedAt: SERVER_NOW })),
      );
      expect(events[0]!.seq).toBeLessThan(events[1]!.seq);
    });

    it('given a push of ratings and shift events sent twice, then each is stored once', async () => {
      const { push } = await given();
      const batch = [aShiftEvent(), aRating(), aRating(), aShiftEvent({ type: 'signed-out' })];
      await push(batch);
      const again = await push(batch);
      expect((again.body as PushResponse).results.every((r) => r.status === 'accepted')).toBe(true);
      expect([await countRatings(database.current.db), await countShiftEvents(database.current.db)]).toEqual([2, 2]);
    });

    it.each([
      ['a rating', aRating],
      ['a shift event', aShiftEvent],
    ])('given %s for a teller the branch does not have, then it is rejected as unknown-teller and not stored', async (_, build) => {
      const { push } = await given();
      // A teller of another branch is no teller of this one.
      await addBranch(database.current.db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
      await givenTeller(database.current, { id: OTHER_TELLER_ID, branchId: OTHER_BRANCH_ID, staffNumber: '1001' });
      const strangers = [build({ tellerId: OTHER_TELLER_ID }), build({ tellerId: '0190a0b0-0000-7000-8000-0000000000ee' })];
      const mine = build();

      const answer = await push([...strangers, mine]);

      expect((answer.body as PushResponse).results).toEqual([
        ...strangers.map((r) => ({
          id: r.id,
          status: 'rejected',
          reason: 'unknown-teller',
          message: `tellerId: ${r.tellerId} is not a teller of branch ${BRANCH_ID}; add the teller with \`npm run admin -- teller:add\``,
        })),
        { id: mine.id, status: 'accepted' },
      ]);
      expect((await countRatings(database.current.db)) + (await countShiftEvents(database.current.db))).toBe(1);
    });

    it('given a teller deactivated while the tablet was offline, when it pushes their shift, then every record is still accepted', async () => {
      const { push } = await given();
      await editTeller(database.current.db, TELLER_ID, { active: false });
      const records = [aShiftEvent(), aRating(), aRating({ score: 'dissatisfied' }), aShiftEvent({ type: 'signed-out' })];
      const answer = await push(records);
      expect((answer.body as PushResponse).results).toEqual(records.map((r) => ({ id: r.id, status: 'accepted' })));
      expect([await countRatings(database.current.db), await countShiftEvents(database.current.db)]).toEqual([2, 2]);
    });

    it.each([
      ['an unknown type', { ...aShiftEvent(), type: 'lunch' }, 'type: Invalid type: Expected ("signed-in" | "paused" | "resumed" | "signed-out") but received "lunch"'],
      ['no sign-in', { ...aShiftEvent(), signInId: undefined }, 'signInId: Invalid key: Expected "signInId" but received undefined'],
      ['a rating without a teller', { ...aRating(), tellerId: undefined }, 'tellerId: Invalid key: Expected "tellerId" but received undefined'],
    ])('given %s, then it is rejected as invalid-record', async (_, record, message) => {
      const { push } = await given();
      const answer = await push([record]);
      expect((answer.body as PushResponse).results).toEqual([{ id: record.id, status: 'rejected', reason: 'invalid-record', message }]);
      expect((await countRatings(database.current.db)) + (await countShiftEvents(database.current.db))).toBe(0);
    });

    it.each([
      ['another branch', { branchId: OTHER_BRANCH_ID }, 'wrong-branch'],
      ['another counter', { counterId: OTHER_COUNTER_ID }, 'wrong-counter'],
    ])('given a shift event for %s, then it is rejected and not stored', async (_, overrides, reason) => {
      const { push } = await given();
      const event = aShiftEvent(overrides);
      const answer = await push([event]);
      expect((answer.body as PushResponse).results).toEqual([{ id: event.id, status: 'rejected', reason, message: expect.any(String) }]);
      expect(await countShiftEvents(database.current.db)).toBe(0);
    });
  });

  describe('refusals that store nothing', () => {
    it.each([
      ['no token', undefined, 'unauthorized', 'Send the device token as "Authorization: Bearer <token>"; enroll the device to get one.'],
      ['an unknown token', 'x'.repeat(43), 'unauthorized', 'This device token is not known; enroll the device again with a new code.'],
    ])('given %s, then 401', async (_, token, code, message) => {
      const { server } = await given();
      const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: 1, records: [aRating()] } });
      expect(answer).toMatchObject({ status: 401, body: { code, message } });
      expect(await countRatings(database.current.db)).toBe(0);
    });

    it('given a revoked device, when it pushes, then 401 device-revoked', async () => {
      const { push, device } = await given();
      await revokeDevice(database.current.db, device.deviceId, SERVER_NOW);
      const answer = await push([aRating()]);
      expect(answer).toMatchObject({
        status: 401,
        body: { code: 'device-revoked', message: 'This device was revoked; ask the admin for a new enrollment code to enroll it again.' },
      });
      expect(await countRatings(database.current.db)).toBe(0);
    });

    it('given a body over MAX_BODY_BYTES, then 413 payload-too-large', async () => {
      const { server, device } = await given();
      const records = [aRating()];
      const padding = 'x'.repeat(MAX_BODY_BYTES);
      const answer = await callApi(server, 'POST', '/api/sync/push', {
        token: device.token,
        rawBody: JSON.stringify({ protocol: 1, records, padding }),
      });
      expect(answer).toMatchObject({ status: 413, body: { code: 'payload-too-large' } });
      expect((answer.body as { message: string }).message).toMatch(/push at most 200 records/);
      expect(await countRatings(database.current.db)).toBe(0);
    });

    it.each([
      ['malformed JSON', '{"protocol":1,"records":[', "Body is not valid JSON but content-type is set to 'application/json'"],
      ['another protocol', JSON.stringify({ protocol: 2, records: [aRating()] }), 'protocol: Invalid type: Expected 1 but received 2'],
      ['no records', JSON.stringify({ protocol: 1 }), 'records: Invalid key: Expected "records" but received undefined'],
      ['an unknown field', JSON.stringify({ protocol: 1, records: [aRating()], x: 1 }), 'x: Invalid key: Expected never but received "x"'],
      ['more than 200 records', JSON.stringify({ protocol: 1, records: Array.from({ length: 201 }, () => aRating()) }), 'records: has more than 200 records'],
      ['a bad health', JSON.stringify({ protocol: 1, records: [aRating()], health: { ...aHealth(), outboxDepth: -1 } }), 'health.outboxDepth: Invalid value: Expected >=0 but received -1'],
    ])('given %s, then 400 bad-request', async (_, rawBody, message) => {
      const { server, device } = await given();
      const answer = await callApi(server, 'POST', '/api/sync/push', { token: device.token, rawBody });
      expect(answer).toMatchObject({ status: 400, body: { code: 'bad-request', message } });
      expect(await countRatings(database.current.db)).toBe(0);
    });
  });

  describe('opinions from a lobby tablet', () => {
    async function givenLobby() {
      await givenBranchWithCounter(database.current);
      const lobby = await givenEnrolledLobby(database.current);
      const server = await startTestServer({ db: database.current.db });
      const push = (records: unknown[], token = lobby.token) =>
        callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records } });
      let sequence = 0;
      /** An opinion with this tablet's next reference code. */
      const opinion = (overrides: Partial<Opinion> = {}) => anOpinion({ referenceCode: referenceCode(lobby.referencePrefix, ++sequence), ...overrides });
      return { lobby, server, push, opinion };
    }

    const CONTACT = { name: 'Wong Tai Sin', phone: '+852 9123 4567', email: '', wantsReply: true, consent: true as const };

    it('given an entry with contact details and an anonymous one, then both are accepted and stored, contact columns only on the first', async () => {
      const { push, opinion, lobby } = await givenLobby();
      const withContact = opinion({ contact: CONTACT, visit: { score: 'dissatisfied', counterId: COUNTER_ID, tellerId: TELLER_ID }, language: 'zh-Hant' });
      const anonymous = opinion({ opinionKind: 'praise', topicId: 'staff', text: '  Very kind staff.  ' });

      const answer = await push([withContact, anonymous]);

      expect((answer.body as PushResponse).results).toEqual([withContact, anonymous].map((o) => ({ id: o.id, status: 'accepted' })));
      const stored = (await latestOpinions(database.current.db, { limit: 10 })).reverse();
      expect(stored).toEqual([
        { ...withoutKind(withContact), seq: expect.any(Number), deviceId: lobby.deviceId, receivedAt: SERVER_NOW },
        // The schema trims the text before it is stored.
        { ...withoutKind(anonymous), text: 'Very kind staff.', seq: expect.any(Number), deviceId: lobby.deviceId, receivedAt: SERVER_NOW },
      ]);
      const rows = await database.current.db
        .selectFrom('opinions')
        .select(['id', 'contact_name', 'contact_phone', 'contact_email', 'wants_reply', 'consent'])
        .orderBy('seq')
        .execute();
      expect(rows).toEqual([
        { id: withContact.id, contact_name: 'Wong Tai Sin', contact_phone: '+852 9123 4567', contact_email: '', wants_reply: 1, consent: 1 },
        { id: anonymous.id, contact_name: null, contact_phone: null, contact_email: null, wants_reply: null, consent: null },
      ]);
    });

    it('given a batch of opinions sent twice, then each is stored once and accepted both times', async () => {
      const { push, opinion } = await givenLobby();
      const batch = [opinion(), opinion({ contact: CONTACT }), opinion()];
      await push(batch);
      const again = await push(batch);
      expect((again.body as PushResponse).results).toEqual(batch.map((o) => ({ id: o.id, status: 'accepted' })));
      expect(await countOpinions(database.current.db)).toBe(3);
    });

    it('given a topic switched off while the tablet was offline, then an entry about it is still accepted', async () => {
      const { push, opinion } = await givenLobby();
      await editTopic(database.current.db, BRANCH_ID, 'fees', { active: false });
      const entry = opinion({ topicId: 'fees' });
      expect((await push([entry])).body).toMatchObject({ results: [{ id: entry.id, status: 'accepted' }] });
    });

    it.each<[string, (scope: { opinion: (o?: Partial<Opinion>) => Opinion; prefix: number }) => object, string, (r: { id: string; prefix: number }) => string]>([
      [
        'a rating',
        () => aRating(),
        'wrong-device-mode',
        () => 'kind: this device is enrolled as a lobby tablet, and ratings come only from counter tablets; enroll one with `npm run admin -- code:create --counter <counterId>`',
      ],
      [
        'a shift event',
        () => aShiftEvent(),
        'wrong-device-mode',
        () => 'kind: this device is enrolled as a lobby tablet, and shift events come only from counter tablets; enroll one with `npm run admin -- code:create --counter <counterId>`',
      ],
      [
        'an opinion for another branch',
        ({ opinion }) => opinion({ branchId: OTHER_BRANCH_ID }),
        'wrong-branch',
        () => `branchId: this device is enrolled at branch ${BRANCH_ID}, not ${OTHER_BRANCH_ID}`,
      ],
      [
        'a topic the branch does not have',
        ({ opinion }) => opinion({ topicId: 'parking' }),
        'unknown-topic',
        () => `topicId: "parking" is not a topic of branch ${BRANCH_ID}; add it with \`npm run admin -- topic:add --branch ${BRANCH_ID}\``,
      ],
      [
        "another branch's counter",
        ({ opinion }) => opinion({ visit: { score: null, counterId: OTHER_COUNTER_ID, tellerId: null } }),
        'unknown-counter',
        () => `visit.counterId: ${OTHER_COUNTER_ID} is not a counter of branch ${BRANCH_ID}; list them with \`npm run admin -- counters --branch ${BRANCH_ID}\``,
      ],
      [
        'a teller the branch does not have',
        ({ opinion }) => opinion({ visit: { score: 'neutral', counterId: COUNTER_ID, tellerId: OTHER_TELLER_ID } }),
        'unknown-teller',
        () => `visit.tellerId: ${OTHER_TELLER_ID} is not a teller of branch ${BRANCH_ID}; add the teller with \`npm run admin -- teller:add\``,
      ],
      [
        "another tablet's reference code",
        ({ opinion, prefix }) => opinion({ referenceCode: referenceCode(prefix + 1, 7) }),
        'wrong-reference',
        ({ prefix }) =>
          `referenceCode: ${referenceCode(prefix + 1, 7)} was not made by this device, which has the prefix ${referenceCode(prefix, 0).slice(0, 2)}-; ` +
          'a tablet makes its codes with the prefix it got at enrollment',
      ],
    ])('given %s from a lobby tablet, then it is rejected with its reason and not stored', async (_, build, reason, message) => {
      const { push, opinion, lobby } = await givenLobby();
      const record = build({ opinion, prefix: lobby.referencePrefix }) as { id: string };
      const good = opinion();

      const answer = await push([record, good]);

      expect((answer.body as PushResponse).results).toEqual([
        { id: record.id, status: 'rejected', reason, message: message({ id: record.id, prefix: lobby.referencePrefix }) },
        { id: good.id, status: 'accepted' },
      ]);
      const stored = [await countOpinions(database.current.db), await countRatings(database.current.db), await countShiftEvents(database.current.db)];
      expect(stored).toEqual([1, 0, 0]);
    });

    it('given a lobby tablet without a reference prefix, then its opinions are rejected as wrong-reference', async () => {
      const { push, opinion, lobby } = await givenLobby();
      await database.current.db.updateTable('devices').set({ reference_prefix: null }).where('id', '=', lobby.deviceId).execute();
      const entry = opinion();
      expect((await push([entry])).body).toMatchObject({
        results: [
          {
            id: entry.id,
            status: 'rejected',
            reason: 'wrong-reference',
            message: 'referenceCode: this device has no reference prefix, so it cannot make reference codes; enroll it again to get one',
          },
        ],
      });
    });

    it('given an opinion from a counter tablet, then it is rejected as wrong-device-mode', async () => {
      const { push } = await given();
      const entry = anOpinion();
      expect((await push([entry])).body).toMatchObject({
        results: [
          {
            id: entry.id,
            status: 'rejected',
            reason: 'wrong-device-mode',
            message: 'kind: this device is enrolled as a counter tablet, and opinions come only from lobby tablets; enroll one with `npm run admin -- code:create --lobby --branch <branchId>`',
          },
        ],
      });
      expect(await countOpinions(database.current.db)).toBe(0);
    });

    it.each([
      ['an empty text', { text: '   ' }, 'text: must not be empty'],
      ['contact details without consent', { contact: { ...CONTACT, consent: false } }, 'contact.consent: consent to be contacted is required with contact details'],
      ['a code that is not a reference code', { referenceCode: 'AB-12' }, 'referenceCode: must be a reference code'],
    ])('given an opinion with %s, then it is rejected as invalid-record', async (_, overrides, message) => {
      const { push, opinion } = await givenLobby();
      const entry = { ...opinion(), ...overrides };
      expect((await push([entry])).body).toMatchObject({ results: [{ id: entry.id, status: 'rejected', reason: 'invalid-record', message }] });
      expect(await countOpinions(database.current.db)).toBe(0);
    });
  });
});

const withoutKind = ({ kind: _, ...rest }: Opinion) => rest;
