import fc from 'fast-check';
import { expect, it } from 'vitest';
import * as v from 'valibot';
import { applyAttestedCaseEvent, CASE_EVENT_TYPES, CaseEventSchema, foldCases, STAFF_ROLES, type CaseEvent, type ComplaintCase } from '../../../src/domain/case.ts';
import { CaseEventsPageSchema, PROTOCOL_VERSION, type CaseEventsPage, type PushResponse, type StoredCaseEvent } from '../../../src/domain/wire.ts';
import { BlankingsPageSchema } from '../../../src/domain/privacy.ts';
import { allCaseEvents, countCaseEvents } from '../../../src/server/repositories/case-events.ts';
import { blankCases, blankEntries } from '../../../src/server/services/privacy.ts';
import { aCaseEvent, aCaseId, STAFF_ID } from '../../builders/case-event.ts';
import { BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { sessionSigner } from '../attest.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenCaseStaff,
  givenEnrolledDevice,
  givenEnrolledLobby,
  startTestServer,
  useTestDatabase,
  type TestServer,
} from '../fixtures.ts';

/**
 * What the server must have stored: the domain's fold of the stored events in seq order, each
 * as its maker was checked (a formal act needs the server's check), refusals and all.
 */
function expectServerAgreesWithFold(stored: readonly StoredCaseEvent[]): void {
  expect(stored.map((s) => s.seq)).toEqual([...stored.map((s) => s.seq)].sort((a, b) => a - b));
  const cases = new Map<string, ComplaintCase>();
  const refusals = new Map<string, { reason: string; message: string }>();
  for (const s of stored) {
    const step = applyAttestedCaseEvent(cases.get(s.event.caseId), s.event, s.attestation);
    if (step.ok) cases.set(s.event.caseId, step.case);
    else refusals.set(s.event.id, step);
  }
  expect(stored.map((s) => ({ id: s.event.id, status: s.status, reason: s.reason, message: s.message }))).toEqual(
    stored.map((s) => {
      const r = refusals.get(s.event.id);
      return { id: s.event.id, status: r ? 'refused' : 'applied', reason: r?.reason ?? null, message: r?.message ?? null };
    }),
  );
}

describeEachDatabase('case events over HTTP', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    await givenCaseStaff(database.current);
    const [lobbyA, lobbyB] = [await givenEnrolledLobby(database.current), await givenEnrolledLobby(database.current)];
    const server = await startTestServer({ db: database.current.db });
    // Staff are signed in with the server: each tablet's events carry a staff session's
    // signature, unless a test pushes them as the tablet's word only (`signed: false`).
    const signers = new Map([lobbyA, lobbyB].map((d) => [d.token, sessionSigner(database.current.db, { id: d.deviceId, branchId: BRANCH_ID })]));
    const push = async (records: unknown[], token = lobbyA.token, { signed = true } = {}) => {
      const sign = signers.get(token);
      const body = signed && sign ? await Promise.all(records.map((r) => (v.is(CaseEventSchema, r) ? sign(r) : r))) : records;
      return callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records: body } }) as Promise<{ status: number; body: PushResponse }>;
    };
    const pull = (query: string, token = lobbyA.token) => callApi(server, 'GET', `/api/case-events${query}`, { token });
    return { server, lobbyA, lobbyB, push, pull, stored: () => allCaseEvents(database.current.db, BRANCH_ID) };
  }

  /** Every event of the branch, page by page from the cursor, as a tablet pulls them. */
  async function pullAll(server: TestServer, token: string, limit: number, after = 0): Promise<{ events: StoredCaseEvent[]; next: number }> {
    const events: StoredCaseEvent[] = [];
    for (;;) {
      const answer = await callApi(server, 'GET', `/api/case-events?after=${after}&limit=${limit}`, { token });
      expect(answer.status).toBe(200);
      const page: CaseEventsPage = v.parse(CaseEventsPageSchema, answer.body);
      expect(page.events.length).toBeLessThanOrEqual(limit);
      events.push(...page.events);
      after = page.next;
      if (!page.more) return { events, next: after };
    }
  }

  /** A case opened, restated, handed on and replied to: ready to be signed off. */
  const aRepliedCase = (caseId = aCaseId()) => [
    aCaseEvent('opened', caseId),
    aCaseEvent('restated', caseId),
    aCaseEvent('handed-on', caseId),
    aCaseEvent('replied', caseId),
  ];

  it('given a legal sequence, when a lobby tablet pushes it, then every event is accepted, applied and pulled back as sent', async () => {
    const { push, pull } = await given();
    const events = [...aRepliedCase(), aCaseEvent('signed-off', aCaseId())];
    events[4] = aCaseEvent('signed-off', events[0]!.caseId);

    const answer = await push(events);

    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual(events.map((e) => ({ id: e.id, status: 'accepted' })));
    const page = await pull('');
    expect(page.status).toBe(200);
    const body = v.parse(CaseEventsPageSchema, page.body);
    expect(body.events.map(({ event, status, reason, message }) => ({ event, status, reason, message }))).toEqual(
      events.map((event) => ({ event, status: 'applied', reason: null, message: null })),
    );
    expect(body).toMatchObject({ next: body.events.at(-1)!.seq, more: false });
    expect(foldCases(body.events.map((e) => e.event)).cases.get(events[0]!.caseId)).toMatchObject({ status: 'signed-off' });
  });

  it('given a signed-off case, when a late reply arrives from the other tablet, then it is accepted and kept as refused with the reason', async () => {
    const { push, lobbyB, stored } = await given();
    const events = aRepliedCase();
    const caseId = events[0]!.caseId;
    await push([...events, aCaseEvent('signed-off', caseId)]);
    const late = aCaseEvent('replied', caseId, { text: 'Written offline before the sign-off' });

    const answer = await push([late], lobbyB.token);

    expect(answer.body.results).toEqual([{ id: late.id, status: 'accepted' }]);
    expect((await stored()).at(-1)).toMatchObject({
      event: late,
      status: 'refused',
      reason: 'case-signed-off',
      message: `replied: case ${caseId} was signed off by the branch manager; reopen it first`,
    });
  });

  it('given a batch, when it is pushed twice (and an event twice within it), then each event is stored once and the fold is unchanged', async () => {
    const { push, stored } = await given();
    const events = aRepliedCase();
    const batch = [...events, events[1]!];

    const first = await push(batch);
    const before = await stored();
    const second = await push(batch);

    expect(second.body.results).toEqual(first.body.results);
    expect(await countCaseEvents(database.current.db)).toBe(4);
    expect(await stored()).toEqual(before);
    expect(before.every((s) => s.status === 'applied')).toBe(true);
  });

  it('given a counter tablet, when it pushes a case event or pulls case events, then it is refused', async () => {
    const { server, push } = await given();
    const counter = await givenEnrolledDevice(database.current);
    const event = aCaseEvent('opened', aCaseId());

    const pushed = await push([event], counter.token);
    const pulled = await callApi(server, 'GET', '/api/case-events', { token: counter.token });

    expect(pushed.body.results).toEqual([{ id: event.id, status: 'rejected', reason: 'wrong-device-mode', message: expect.stringContaining('case events come only from lobby tablets') }]);
    expect(pulled).toMatchObject({ status: 403, body: { code: 'forbidden', message: 'Case events go only to lobby tablets; this device is enrolled at a counter.' } });
    expect(await callApi(server, 'GET', '/api/case-events')).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });

  it.each([
    ['a teller who is not complaint staff', { staffId: '0190a0b0-0000-7000-8000-000000000003', role: 'lobby-staff' }, 'role: 0190a0b0-0000-7000-8000-000000000003 is on the staff of branch 0190a0b0-0000-7000-8000-000000000001 as teller, not lobby-staff; set it with `npm run admin -- teller:set 0190a0b0-0000-7000-8000-000000000003 --role lobby-staff`'],
    ['lobby staff claiming to be the branch manager', { staffId: STAFF_ID['lobby-staff'], role: 'branch-manager' }, `role: ${STAFF_ID['lobby-staff']} is on the staff of branch ${BRANCH_ID} as lobby-staff, not branch-manager; set it with \`npm run admin -- teller:set ${STAFF_ID['lobby-staff']} --role branch-manager\``],
    ['someone not on the roster', { staffId: '0190a0b0-0000-7000-8000-0000000000ff', role: 'lobby-staff' }, `staffId: 0190a0b0-0000-7000-8000-0000000000ff is not on the staff of branch ${BRANCH_ID}; add them with \`npm run admin -- teller:add --role lobby-staff\``],
  ])('given %s, when their event is pushed, then it is rejected as unknown-staff and not stored', async (_, overrides, message) => {
    const { push } = await given();
    const event = { ...aCaseEvent('opened', aCaseId()), ...overrides };

    const answer = await push([event]);

    expect(answer.body.results).toEqual([{ id: event.id, status: 'rejected', reason: 'unknown-staff', message }]);
    expect(await countCaseEvents(database.current.db)).toBe(0);
  });

  it.each([
    ['?limit=0', 'limit: Invalid value: Expected >=1 but received 0'],
    ['?limit=501', 'limit: must be at most 500'],
    ['?after=-1', 'after: must be a whole number'],
  ])('given a bad query %s, then the pull answers 400 and says what is allowed', async (query, start) => {
    const { pull } = await given();
    const answer = await pull(query);
    expect(answer).toMatchObject({ status: 400, body: { code: 'bad-request', message: `${start} (after: a seq, default 0; limit: 1–500, default 200)` } });
  });

  it('given two tablets, when they push a sign-off and a reply to the same case at once, round after round, then each case folds one coherent way', async () => {
    const { push, lobbyB, stored } = await given();
    const rounds = 12;
    const cases = Array.from({ length: rounds }, () => aRepliedCase());
    await push(cases.flat());

    await Promise.all(
      cases.map(async (events) => {
        const caseId = events[0]!.caseId;
        const answers = await Promise.all([push([aCaseEvent('signed-off', caseId)]), push([aCaseEvent('replied', caseId)], lobbyB.token)]);
        for (const answer of answers) expect(answer.body.results[0]).toMatchObject({ status: 'accepted' });
      }),
    );

    const all = await stored();
    expect(all).toHaveLength(rounds * 6);
    expectServerAgreesWithFold(all);
    const { cases: folded } = foldCases(all.map((s) => s.event));
    for (const events of cases) expect(folded.get(events[0]!.caseId)).toMatchObject({ status: 'signed-off' });
  });

  it('given events in many batches, when a tablet pulls by cursor in pages, then it gets every event exactly once, in seq order', async () => {
    const { server, push, lobbyA, stored } = await given();
    for (let i = 0; i < 5; i++) await push(aRepliedCase());

    const { events, next } = await pullAll(server, lobbyA.token, 7);

    const all = await stored();
    expect(events).toEqual(all);
    expect(next).toBe(all.at(-1)!.seq);
    expect(await pullAll(server, lobbyA.token, 7, next)).toEqual({ events: [], next });
  });

  it('given two tablets pushing while a third pulls, when the pushes end and it pulls once more, then it has every event exactly once', async () => {
    const { server, push, lobbyA, lobbyB, stored } = await given();
    const puller = await givenEnrolledLobby(database.current);
    let pushing = true;
    const pushers = Promise.all(
      [lobbyA.token, lobbyB.token].map(async (token) => {
        for (let i = 0; i < 15; i++) await push(aRepliedCase(), token);
      }),
    ).finally(() => (pushing = false));

    const seen: StoredCaseEvent[] = [];
    let after = 0;
    while (pushing) {
      const page = await pullAll(server, puller.token, 5, after);
      seen.push(...page.events);
      after = page.next;
    }
    await pushers;
    seen.push(...(await pullAll(server, puller.token, 5, after)).events);

    const all = await stored();
    expect(all).toHaveLength(2 * 15 * 4);
    expect(seen.map((s) => s.event.id)).toEqual(all.map((s) => s.event.id));
  });

  it('given random events pushed in random batches, then the server stores exactly the domain fold of them in seq order', async () => {
    const { push, stored } = await given();
    const anEventStep = fc.record({
      caseIndex: fc.nat({ max: 2 }),
      type: fc.constantFrom(...CASE_EVENT_TYPES),
      role: fc.constantFrom(...STAFF_ROLES),
      // Made with the server reachable, or checked by the tablet only.
      signed: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(anEventStep, { minLength: 1, maxLength: 25 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 25 }), fc.boolean(), async (steps, sizes, resend) => {
        await database.current.db.deleteFrom('case_events').execute();
        const caseIds = [aCaseId(), aCaseId(), aCaseId()];
        const events: CaseEvent[] = steps.map(({ caseIndex, type, role }) => aCaseEvent(type, caseIds[caseIndex]!, { role }));
        let at = 0;
        for (let i = 0; at < events.length; i++) {
          // A batch is one tablet's: signed or not as its first step was made.
          const size = sizes[i % sizes.length]!;
          const batch = events.slice(at, at + size);
          const signed = steps[at]!.signed;
          const answer = await push(batch, undefined, { signed });
          expect(answer.body.results.every((r) => r.status === 'accepted')).toBe(true);
          if (resend) await push(batch, undefined, { signed });
          steps.slice(at, at + size).forEach((step) => (step.signed = signed));
          at += batch.length;
        }
        const all = await stored();
        expect(all.map((s) => s.event)).toEqual(events);
        expect(all.map((s) => s.attestation)).toEqual(steps.map((step) => (step.signed ? 'server' : 'tablet')));
        expectServerAgreesWithFold(all);
      }),
      { numRuns: 20 },
    );
  });
});

describeEachDatabase('GET /api/blankings', (kind) => {
  const database = useTestDatabase(kind);

  it("given an erased case and retention, then the branch's lobby tablets pull each blanking once by cursor, and a counter tablet or another branch's tablet gets none", async () => {
    await givenBranchWithCounter(database.current);
    await givenCaseStaff(database.current);
    const lobby = await givenEnrolledLobby(database.current);
    const counter = await givenEnrolledDevice(database.current);
    const server = await startTestServer({ db: database.current.db });
    const { db } = database.current;
    const [a, b, c] = [aCaseId(), aCaseId(), aCaseId()];
    await blankCases(db, [{ id: a, branch_id: BRANCH_ID }], 'erasure', 1);
    await blankEntries(db, [{ id: b, branch_id: BRANCH_ID }, { id: c, branch_id: BRANCH_ID }], { contact: true, text: false }, 'retention', 2);
    await blankEntries(db, [{ id: aCaseId(), branch_id: '0190a0b0-0000-7000-8000-0000000000b2' }], { contact: true, text: false }, 'retention', 2);

    const first = await callApi(server, 'GET', '/api/blankings?limit=2', { token: lobby.token });
    const page = v.parse(BlankingsPageSchema, first.body);
    expect(page).toEqual({ blankings: [{ seq: expect.any(Number), kind: 'case', id: a, reason: 'erasure' }, { seq: expect.any(Number), kind: 'opinion', id: b, reason: 'retention' }], next: page.blankings[1]!.seq, more: true });
    const second = v.parse(BlankingsPageSchema, (await callApi(server, 'GET', `/api/blankings?after=${page.next}`, { token: lobby.token })).body);
    expect(second).toEqual({ blankings: [{ seq: expect.any(Number), kind: 'opinion', id: c, reason: 'retention' }], next: second.blankings[0]!.seq, more: false });
    expect(v.parse(BlankingsPageSchema, (await callApi(server, 'GET', `/api/blankings?after=${second.next}`, { token: lobby.token })).body)).toEqual({ blankings: [], next: second.next, more: false });

    expect(await callApi(server, 'GET', '/api/blankings', { token: counter.token })).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect(await callApi(server, 'GET', '/api/blankings')).toMatchObject({ status: 401 });
    expect(await callApi(server, 'GET', '/api/blankings?after=x', { token: lobby.token })).toMatchObject({ status: 400, body: { code: 'bad-request' } });
  });
});
