import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../../src/domain/case.ts';
import { referenceCode, type Opinion } from '../../../src/domain/opinion.ts';
import type { EntryRead } from '../../../src/domain/review.ts';
import { PROTOCOL_VERSION, SyncRecordSchema, type PushResponse, type PushResult, type SyncRecord } from '../../../src/domain/wire.ts';
import { contentHash } from '../../../src/server/content-hash.ts';
import type { PushedTable } from '../../../src/server/repositories/pushed-records.ts';
import { allCaseEvents } from '../../../src/server/repositories/case-events.ts';
import { aCaseEvent, aCaseId, STAFF_ID } from '../../builders/case-event.ts';
import { anEntryRead } from '../../builders/entry-read.ts';
import { anOpinion, aRating, aShiftEvent, BRANCH_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { sessionSigner } from '../attest.ts';
import {
  callApi,
  givenBranchWithCounter,
  givenCaseStaff,
  givenEnrolledDevice,
  givenEnrolledLobby,
  givenTeller,
  startTestServer,
  useTestDatabase,
  type TestServer,
} from '../fixtures.ts';

// A record is answered `accepted` only when the server holds that very record from that
// device (decision 0017). Every case reads the tables back: each record stored once, under
// the device that made it, with what that device sent first.

const OTHER_BRANCH = { branchId: '0190a0b0-0000-7000-8000-0000000000b2', counterId: '0190a0b0-0000-7000-8000-0000000000c2', tellerId: '0190a0b0-0000-7000-8000-0000000000d3' };
const OTHER_STAFF = '0190a0b0-0000-7000-8000-0000000000e9';

const taken = (id: string, noun: string): PushResult => ({
  id,
  status: 'conflict',
  reason: 'id-taken',
  message: `id: ${id} is held by the server for another device's ${noun}; send this ${noun} again under a new id`,
});
const changed = (id: string, noun: string): PushResult => ({
  id,
  status: 'conflict',
  reason: 'changed-resend',
  message: `id: this device sent another ${noun} under ${id} before, and the server keeps that one; this one differs and was not stored`,
});
const changedInPush = (id: string, noun: string): PushResult => ({
  id,
  status: 'conflict',
  reason: 'changed-resend',
  message: `id: this push carries two different ${noun}s under ${id}; the server keeps the first, and this one was not stored`,
});
const accepted = (...records: { id: string }[]): PushResult[] => records.map(({ id }) => ({ id, status: 'accepted' }));

describeEachDatabase('POST /api/sync/push: ids the server already holds', (kind) => {
  const database = useTestDatabase(kind);

  /** Two counter tablets at the builders' counter and two lobby tablets of its branch: A is the first, B another. */
  async function given() {
    await givenBranchWithCounter(database.current);
    await givenCaseStaff(database.current);
    const server = await startTestServer({ db: database.current.db });
    const counterA = await givenEnrolledDevice(database.current);
    const counterB = await givenEnrolledDevice(database.current);
    const lobbyA = await givenEnrolledLobby(database.current);
    const lobbyB = await givenEnrolledLobby(database.current);
    // Staff on each tablet are signed in with the server: their records carry its check.
    signers.clear();
    for (const device of [counterA, counterB, lobbyA, lobbyB]) signers.set(device.token, sessionSigner(database.current.db, { id: device.deviceId, branchId: BRANCH_ID }));
    return { server, counterA, counterB, lobbyA, lobbyB };
  }
  const signers = new Map<string, ReturnType<typeof sessionSigner>>();

  const push = async (server: TestServer, token: string, records: unknown[]): Promise<PushResult[]> => {
    const sign = signers.get(token);
    const signed = sign ? await Promise.all(records.map((r) => (v.is(SyncRecordSchema, r) ? sign(r) : r))) : records;
    const answer = await callApi(server, 'POST', '/api/sync/push', { token, body: { protocol: PROTOCOL_VERSION, records: signed } });
    expect(answer.status).toBe(200);
    return (answer.body as PushResponse).results;
  };

  /** What a pushed table holds, in arrival order: id, device and the column a test changes. */
  const held = async (table: PushedTable, column: 'score' | 'type' | 'text' | 'opinion_id' | 'payload' | 'status') =>
    (await database.current.db.selectFrom(table).selectAll().orderBy('seq').execute()).map((row) => {
      const r = row as Record<string, unknown>;
      return { id: r.id, device: r.device_id, [column]: r[column] };
    });

  /** An opinion of a lobby tablet, with a reference code of its own prefix. */
  let sequence = 0;
  const entryOf = (lobby: { referencePrefix: number }, overrides: Partial<Opinion> = {}) => anOpinion({ referenceCode: referenceCode(lobby.referencePrefix, ++sequence), ...overrides });

  describe.each<{ kind: string; noun: string; table: PushedTable; column: 'score' | 'type'; first: () => SyncRecord; other: (id: string) => SyncRecord }>([
    { kind: 'ratings', noun: 'rating', table: 'ratings', column: 'score', first: () => aRating({ score: 'satisfied' }), other: (id) => aRating({ id, score: 'dissatisfied' }) },
    { kind: 'shift events', noun: 'shift event', table: 'shift_events', column: 'type', first: () => aShiftEvent({ type: 'signed-in' }), other: (id) => aShiftEvent({ id, type: 'paused' }) },
  ])('$kind from counter tablets', ({ noun, table, column, first, other }) => {
    it('given a record of tablet A, when tablet B sends its own under that id, then B is told id-taken, and its record sent again under a new id is stored: each once, under its own device', async () => {
      const { server, counterA, counterB } = await given();
      const mine = first();
      expect(await push(server, counterA.token, [mine])).toEqual(accepted(mine));

      const theirs = other(mine.id);
      expect(await push(server, counterB.token, [theirs])).toEqual([taken(mine.id, noun)]);
      // A cloned image sends the very same record: still not B's to claim.
      expect(await push(server, counterB.token, [mine])).toEqual([taken(mine.id, noun)]);
      expect(await held(table, column)).toEqual([{ id: mine.id, device: counterA.deviceId, [column]: first()[column as keyof SyncRecord] }]);

      const renamed = { ...theirs, id: uuidv7() };
      expect(await push(server, counterB.token, [renamed])).toEqual(accepted(renamed));
      expect(await push(server, counterB.token, [renamed])).toEqual(accepted(renamed));
      expect(await held(table, column)).toEqual([
        { id: mine.id, device: counterA.deviceId, [column]: mine[column as keyof SyncRecord] },
        { id: renamed.id, device: counterB.deviceId, [column]: theirs[column as keyof SyncRecord] },
      ]);
    });

    it('given a record of tablet A, when A sends other content under its id, then it is told changed-resend and the first stays; the first sent again is still accepted', async () => {
      const { server, counterA } = await given();
      const mine = first();
      await push(server, counterA.token, [mine]);

      expect(await push(server, counterA.token, [other(mine.id)])).toEqual([changed(mine.id, noun)]);
      expect(await push(server, counterA.token, [mine])).toEqual(accepted(mine));
      expect(await held(table, column)).toEqual([{ id: mine.id, device: counterA.deviceId, [column]: mine[column as keyof SyncRecord] }]);
    });

    it('given two different records under one id in one push, then the first is stored and the second told changed-resend', async () => {
      const { server, counterA } = await given();
      const mine = first();
      expect(await push(server, counterA.token, [mine, other(mine.id), mine])).toEqual([...accepted(mine), changedInPush(mine.id, noun), ...accepted(mine)]);
      expect(await held(table, column)).toEqual([{ id: mine.id, device: counterA.deviceId, [column]: mine[column as keyof SyncRecord] }]);
    });

    it('given a row stored before content hashes were kept, then its own device is answered accepted whatever it sends, and another device id-taken', async () => {
      const { server, counterA, counterB } = await given();
      const mine = first();
      await push(server, counterA.token, [mine]);
      await database.current.db.updateTable(table).set({ content_hash: null }).execute();

      expect(await push(server, counterA.token, [other(mine.id)])).toEqual(accepted(mine));
      expect(await push(server, counterB.token, [mine])).toEqual([taken(mine.id, noun)]);
      expect(await held(table, column)).toEqual([{ id: mine.id, device: counterA.deviceId, [column]: mine[column as keyof SyncRecord] }]);
    });
  });

  it('given a batch mixing new, taken, changed and invalid records, when it is sent twice, then each is answered in place both times and only the new are stored', async () => {
    const { server, counterA, counterB } = await given();
    const [a1, a2] = [aRating(), aRating({ score: 'neutral' })];
    await push(server, counterA.token, [a1]);
    await push(server, counterB.token, [a2]);
    const fresh = aRating({ score: 'very-satisfied' });
    const invalid = { ...aRating(), score: 'great' };
    const batch = [fresh, aRating({ id: a2.id, score: 'dissatisfied' }), invalid, aRating({ id: a1.id, score: 'dissatisfied' })];
    const expected = [
      ...accepted(fresh),
      taken(a2.id, 'rating'),
      { id: invalid.id, status: 'rejected', reason: 'invalid-record', message: 'score: must be very-satisfied, satisfied, neutral or dissatisfied' },
      changed(a1.id, 'rating'),
    ];

    expect(await push(server, counterA.token, batch)).toEqual(expected);
    expect(await push(server, counterA.token, batch)).toEqual(expected);
    expect(await held('ratings', 'score')).toEqual([
      { id: a1.id, device: counterA.deviceId, score: 'satisfied' },
      { id: a2.id, device: counterB.deviceId, score: 'neutral' },
      { id: fresh.id, device: counterA.deviceId, score: 'very-satisfied' },
    ]);
    const days = await database.current.db.selectFrom('rating_branch_days').select(['satisfied', 'neutral', 'very_satisfied', 'dissatisfied']).execute();
    expect(days).toEqual([{ satisfied: 1, neutral: 1, very_satisfied: 1, dissatisfied: 0 }]);
  });

  it('given an entry whose text the schema trims, then the hash stored is that of the entry as parsed, and the same words sent again with other spaces are a re-send', async () => {
    const { server, lobbyA } = await given();
    const sent = entryOf(lobbyA, { text: '  The queue was long.  ' });
    await push(server, lobbyA.token, [sent]);
    const row = await database.current.db.selectFrom('opinions').select('content_hash').executeTakeFirstOrThrow();
    expect(row.content_hash).toBe(contentHash({ ...sent, text: 'The queue was long.' }));
    expect(await push(server, lobbyA.token, [{ ...sent, text: 'The queue was long.\n' }])).toEqual(accepted(sent));
  });

  // On PostgreSQL a push without case events is one statement and one with them a
  // transaction: opinions and entry reads are checked both ways.
  describe.each([
    ['alone', () => []],
    ['with a case event in the same push', () => [aCaseEvent('opened', aCaseId())]],
  ])('opinions and entry reads from lobby tablets, %s', (_, alongside) => {
    it('given an entry of tablet A, when B sends its own under that id, then B is told id-taken and its entry sent again under a new id is stored; A sending other content is told changed-resend', async () => {
      const { server, lobbyA, lobbyB } = await given();
      const mine = entryOf(lobbyA, { text: 'The queue was long.' });
      expect(await push(server, lobbyA.token, [mine, ...alongside()])).toEqual(expect.arrayContaining(accepted(mine)));

      const theirs = entryOf(lobbyB, { id: mine.id, text: 'The staff were kind.' });
      const [answer] = await push(server, lobbyB.token, [theirs, ...alongside()]);
      expect(answer).toEqual(taken(mine.id, 'opinion'));
      const [again] = await push(server, lobbyA.token, [{ ...mine, text: 'The queue was very long.' }, ...alongside()]);
      expect(again).toEqual(changed(mine.id, 'opinion'));

      const renamed = { ...theirs, id: uuidv7() };
      expect((await push(server, lobbyB.token, [renamed, ...alongside()]))[0]).toEqual(accepted(renamed)[0]);
      expect(await held('opinions', 'text')).toEqual([
        { id: mine.id, device: lobbyA.deviceId, text: 'The queue was long.' },
        { id: renamed.id, device: lobbyB.deviceId, text: 'The staff were kind.' },
      ]);
      const days = await database.current.db.selectFrom('opinion_days').select('count').execute();
      expect(days.map((d) => Number(d.count))).toEqual([2]);
    });

    it('given a read mark of tablet A, when B marks under its id, then B is told id-taken; A marking another entry under it is told changed-resend; two marks under one id in one push store the first', async () => {
      const { server, lobbyA, lobbyB } = await given();
      const [one, two] = [entryOf(lobbyA), entryOf(lobbyA)];
      await push(server, lobbyA.token, [one, two]);
      const mine: EntryRead = anEntryRead(one.id);
      expect((await push(server, lobbyA.token, [mine, ...alongside()]))[0]).toEqual(accepted(mine)[0]);

      expect((await push(server, lobbyB.token, [anEntryRead(two.id, { id: mine.id }), ...alongside()]))[0]).toEqual(taken(mine.id, 'entry read'));
      expect((await push(server, lobbyA.token, [anEntryRead(two.id, { id: mine.id }), ...alongside()]))[0]).toEqual(changed(mine.id, 'entry read'));
      const both = anEntryRead(two.id);
      expect((await push(server, lobbyB.token, [both, anEntryRead(one.id, { id: both.id }), ...alongside()])).slice(0, 2)).toEqual([
        ...accepted(both),
        changedInPush(both.id, 'entry read'),
      ]);
      expect(await held('opinion_reads', 'opinion_id')).toEqual([
        { id: mine.id, device: lobbyA.deviceId, opinion_id: one.id },
        { id: both.id, device: lobbyB.deviceId, opinion_id: two.id },
      ]);
    });
  });

  describe('case events', () => {
    /** The case events stored, in arrival order: id, device, case, type and outcome. */
    const events = async () =>
      (await database.current.db.selectFrom('case_events').select(['id', 'device_id', 'branch_id', 'case_id', 'type', 'status', 'reason']).orderBy('seq').execute()).map(
        (r) => ({ id: r.id, device: r.device_id, branch: r.branch_id, caseId: r.case_id, type: r.type, status: r.status, reason: r.reason }),
      );
    const row = (event: CaseEvent, device: string, status = 'applied', reason: string | null = null) => ({
      id: event.id,
      device,
      branch: event.branchId,
      caseId: event.caseId,
      type: event.type,
      status,
      reason,
    });
    const laterOf = (first: CaseEvent, event: CaseEvent): PushResult => ({
      id: event.id,
      status: 'conflict',
      reason: 'id-taken',
      message: `caseId: event ${first.id} of case ${first.caseId} in this push was not stored under its id; send this event again after it`,
    });
    const cases = async () => (await database.current.db.selectFrom('complaint_cases').select(['id', 'branch_id', 'status']).orderBy('id').execute()).map((c) => ({ ...c }));

    it("given a case event of tablet A, when B sends its own under that id, then B's event and the case's later ones in the push are told id-taken, stored nothing, and are stored when sent again under new ids", async () => {
      const { server, lobbyA, lobbyB } = await given();
      const caseId = aCaseId();
      const [opened, restated] = [aCaseEvent('opened', caseId), aCaseEvent('restated', caseId)];
      await push(server, lobbyA.token, [opened, restated]);

      const theirs = aCaseEvent('replied', caseId, { id: restated.id });
      const after = aCaseEvent('signed-off', caseId);
      const unrelated = aCaseEvent('opened', aCaseId());
      expect(await push(server, lobbyB.token, [theirs, unrelated, after])).toEqual([taken(restated.id, 'case event'), ...accepted(unrelated), laterOf(theirs, after)]);
      expect(await events()).toEqual([row(opened, lobbyA.deviceId), row(restated, lobbyA.deviceId), row(unrelated, lobbyB.deviceId)]);

      const [replied, signedOff] = [{ ...theirs, id: uuidv7() }, { ...after, id: uuidv7() }];
      expect(await push(server, lobbyB.token, [replied, signedOff])).toEqual(accepted(replied, signedOff));
      expect((await events()).slice(3)).toEqual([row(replied, lobbyB.deviceId), row(signedOff, lobbyB.deviceId)]);
      expect(await cases()).toEqual([{ id: caseId, branch_id: BRANCH_ID, status: 'signed-off' }, { id: unrelated.caseId, branch_id: BRANCH_ID, status: 'open' }].sort((a, b) => a.id.localeCompare(b.id)));
    });

    it('given a case event of tablet A, when A sends other content under its id, then it is told changed-resend and the first stays', async () => {
      const { server, lobbyA } = await given();
      const opened = aCaseEvent('opened', aCaseId(), { summary: 'Charged twice' });
      await push(server, lobbyA.token, [opened]);
      expect(await push(server, lobbyA.token, [{ ...opened, summary: 'Charged three times' }])).toEqual([changed(opened.id, 'case event')]);
      expect(await push(server, lobbyA.token, [opened, opened])).toEqual(accepted(opened, opened));
      const [stored] = await allCaseEvents(database.current.db, BRANCH_ID);
      expect(stored?.event).toEqual(opened);
    });

    it('given a case event stored before content hashes were kept, then its own tablet is answered accepted whatever it sends, and another tablet id-taken', async () => {
      const { server, lobbyA, lobbyB } = await given();
      const opened = aCaseEvent('opened', aCaseId(), { summary: 'Charged twice' });
      await push(server, lobbyA.token, [opened]);
      await database.current.db.updateTable('case_events').set({ content_hash: null }).execute();

      expect(await push(server, lobbyA.token, [{ ...opened, summary: 'Charged three times' }])).toEqual(accepted(opened));
      expect(await push(server, lobbyB.token, [opened])).toEqual([taken(opened.id, 'case event')]);
      expect(await events()).toEqual([row(opened, lobbyA.deviceId)]);
    });

    it('given a case opened by tablet A, when B opens a case under the same case id, then its opening and every later event of that case in the push are told id-taken, none stored, and A\'s case stays as it was', async () => {
      const { server, lobbyA, lobbyB } = await given();
      const caseId = aCaseId();
      const mine = [aCaseEvent('opened', caseId, { summary: 'Card swallowed' }), aCaseEvent('restated', caseId)];
      await push(server, lobbyA.token, mine);
      const stateBefore = await database.current.db.selectFrom('complaint_cases').select('state').executeTakeFirstOrThrow();

      const theirs = [aCaseEvent('opened', caseId, { summary: 'Charged twice' }), aCaseEvent('answered-on-spot', caseId), aCaseEvent('handed-on', caseId)];
      const answer = [
        { id: theirs[0]!.id, status: 'conflict', reason: 'id-taken', message: `caseId: case ${caseId} was opened by another device; open this case again under a new case id` },
        laterOf(theirs[0]!, theirs[1]!),
        laterOf(theirs[0]!, theirs[2]!),
      ];
      expect(await push(server, lobbyB.token, theirs)).toEqual(answer);
      // The answer lost, the same batch again: the same honest answer, nothing stored.
      expect(await push(server, lobbyB.token, theirs)).toEqual(answer);
      expect(await events()).toEqual(mine.map((e) => row(e, lobbyA.deviceId)));
      expect(await database.current.db.selectFrom('complaint_cases').select('state').executeTakeFirstOrThrow()).toEqual(stateBefore);

      const renamedCase = aCaseId();
      const renamed = theirs.map((e) => ({ ...e, id: uuidv7(), caseId: renamedCase }));
      expect(await push(server, lobbyB.token, renamed)).toEqual(accepted(...renamed));
      expect(await events()).toEqual([...mine.map((e) => row(e, lobbyA.deviceId)), ...renamed.map((e) => row(e, lobbyB.deviceId))]);
      expect(await cases()).toEqual([{ id: caseId, branch_id: BRANCH_ID, status: 'open' }, { id: renamedCase, branch_id: BRANCH_ID, status: 'replied' }].sort((a, b) => a.id.localeCompare(b.id)));
      // A's own opening sent again is still its own.
      expect(await push(server, lobbyA.token, mine)).toEqual(accepted(...mine));
    });

    it("given a case opened in another branch, when a tablet opens one under the same case id, then it is told id-taken and nothing of it is stored; a later step on the other branch's case is kept refused wrong-branch", async () => {
      const { server, lobbyA } = await given();
      await givenBranchWithCounter(database.current, OTHER_BRANCH);
      await givenTeller(database.current, { id: OTHER_STAFF, branchId: OTHER_BRANCH.branchId, staffNumber: '4001', name: 'Other Lobby', role: 'lobby-staff' });
      const other = await givenEnrolledLobby(database.current, OTHER_BRANCH.branchId);
      const caseId = aCaseId();
      const theirs = aCaseEvent('opened', caseId, { branchId: OTHER_BRANCH.branchId, staffId: OTHER_STAFF, role: 'lobby-staff' });
      await push(server, other.token, [theirs]);

      const mine = [aCaseEvent('opened', caseId), aCaseEvent('restated', caseId)];
      expect(await push(server, lobbyA.token, mine)).toEqual([
        { id: mine[0]!.id, status: 'conflict', reason: 'id-taken', message: `caseId: case ${caseId} is another branch's; open this case again under a new case id` },
        laterOf(mine[0]!, mine[1]!),
      ]);
      const step = aCaseEvent('restated', caseId, { staffId: STAFF_ID['lobby-staff'] });
      expect(await push(server, lobbyA.token, [step])).toEqual(accepted(step));
      expect(await events()).toEqual([row(theirs, other.deviceId), row(step, lobbyA.deviceId, 'refused', 'wrong-branch')]);
      expect(await cases()).toEqual([{ id: caseId, branch_id: OTHER_BRANCH.branchId, status: 'open' }]);
      expect((await allCaseEvents(database.current.db, OTHER_BRANCH.branchId)).map((e) => e.event.id)).toEqual([theirs.id]);
    });
  });
});
