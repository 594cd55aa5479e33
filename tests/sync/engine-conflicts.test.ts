import { uuidv7 } from 'uuidv7';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/case.ts';
import type { PushResponse } from '../../src/domain/wire.ts';
import { recordCaseEvent, watchCases, type CaseEventInput } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { setMeta } from '../../src/store/meta.ts';
import { recordOpinion } from '../../src/store/opinions.ts';
import { recordRating } from '../../src/store/ratings.ts';
import { recordEntryRead } from '../../src/store/review.ts';
import { recordShiftCommand } from '../../src/store/shift.ts';
import { enrollDevice } from '../../src/sync/enroll.ts';
import { SyncEngine } from '../../src/sync/engine.ts';
import { StaffKeyring } from '../../src/sync/staff-keyring.ts';
import { attesterOf, signInStaff } from '../../src/sync/staff-session.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../builders/rating.ts';
import { describeEachDatabase } from '../helpers/db.ts';
import { firstValueFrom } from '../helpers/observable.ts';
import { givenBranchWithCounter, givenCaseStaff, givenEnrollmentCode, givenLobbyCode, givenTeller, MANAGER_PIN, startTestServer, useTestDatabase, type TestServer } from '../server/fixtures.ts';

// The real engine and store on fake-indexeddb against the real server over loopback HTTP:
// a second tablet that uses ids the first one used (a cloned image, a bug, a hostile
// device) and a tablet that sends other content under its own id. Whatever happens, every
// record a tablet accepted ends on the server exactly once, under the tablet that made it,
// and no answer claims what the server does not hold (decision 0017).

const OTHER_BRANCH = { branchId: '0190a0b0-0000-7000-8000-0000000000b2', counterId: '0190a0b0-0000-7000-8000-0000000000c2', tellerId: '0190a0b0-0000-7000-8000-0000000000d3' };
const OTHER_STAFF = '0190a0b0-0000-7000-8000-0000000000e9';
const LOBBY = STAFF_ID['lobby-staff'];
const MANAGER = STAFF_ID['complaint-manager'];
const SIGN_IN = '0190a0b0-0000-7000-8000-0000000000f1';

describeEachDatabase('the sync engine when an id is held for another device', (kind) => {
  const database = useTestDatabase(kind);
  let server: TestServer;
  const tablets: BranchVoiceDB[] = [];

  beforeEach(async () => {
    await givenBranchWithCounter(database.current);
    await givenCaseStaff(database.current);
    server = await startTestServer({ db: database.current.db });
  });
  afterEach(async () => {
    for (const db of tablets.splice(0)) await db.delete();
  });

  /** A tablet enrolled with `code`, its engine, and a transport that can lose the next answers after the server handled them. */
  async function aTablet(code: string, options: { maxRecords?: number; answer?: (body: PushResponse) => PushResponse } = {}) {
    const db = createDatabase(`test-${crypto.randomUUID()}`);
    tablets.push(db);
    const enrolled = await enrollDevice(db, { baseUrl: server.baseUrl }, { code, appVersion: 'test' });
    if (!enrolled.ok) throw new Error(enrolled.message);
    let lose = 0;
    const answers: PushResponse[] = [];
    const sent: string[][] = [];
    const fetchFn: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/api/sync/push')) return response;
      sent.push((JSON.parse(String(init?.body)) as { records: { id: string }[] }).records.map((r) => r.id));
      const body = (await response.json()) as PushResponse;
      if (lose > 0) {
        lose--;
        throw new TypeError('fetch failed: the answer was lost');
      }
      const answer = options.answer ? options.answer(body) : body;
      answers.push(answer);
      return Response.json(answer);
    };
    const limits = options.maxRecords ? { maxRecords: options.maxRecords, maxBytes: 256 * 1024 } : undefined;
    // As on a tablet's page: the keys of the staff signed in, which re-sign a record renamed after a collision.
    const staffKeys = new StaffKeyring();
    const http = { baseUrl: server.baseUrl, fetch: fetchFn };
    const engine = new SyncEngine({ db, http, appVersion: 'test', locks: null, limits, resign: staffKeys.resign });
    /** A member of staff signs in on this tablet with the server, as the staff dialog does. */
    const signIn = async (staffNumber: string, pin: string) => {
      const signed = await signInStaff({ db, http, staffKeys }, { staffNumber, pin });
      if (!signed.ok || !signed.value.verified) throw new Error(`sign-in ${staffNumber}: ${JSON.stringify(signed)}`);
      return attesterOf(signed.value);
    };
    return { db, deviceId: enrolled.value.deviceId, engine, answers, sent, signIn, loseNextAnswer: () => (lose = 1) };
  }
  const aCounterTablet = async (options: Parameters<typeof aTablet>[1] = {}) => {
    const tablet = await aTablet((await givenEnrollmentCode(database.current)).code, options);
    await setMeta(tablet.db, 'shift', { state: 'open', tellerId: TELLER_ID, signInId: SIGN_IN, since: Date.now() });
    return tablet;
  };
  const aLobbyTablet = async (branchId = BRANCH_ID) => aTablet((await givenLobbyCode(database.current, branchId)).code);

  /** The server's rows of a pushed table: id, device, and one column that tells contents apart. */
  const rowsOf = async (table: 'ratings' | 'shift_events' | 'opinions' | 'opinion_reads' | 'case_events') =>
    (await database.current.db.selectFrom(table).selectAll().orderBy('seq').execute()).map((row) => row as unknown as { id: string; device_id: string });
  const idsBy = async (table: Parameters<typeof rowsOf>[0], deviceId: string) =>
    (await rowsOf(table))
      .filter((r) => r.device_id === deviceId)
      .map((r) => r.id)
      .sort();
  const expectAllHeld = async (table: Parameters<typeof rowsOf>[0]) => {
    const rows = await rowsOf(table);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  };

  const rate = async (db: BranchVoiceDB, score: 'satisfied' | 'dissatisfied', id?: string) => {
    const saved = await recordRating(
      db,
      { branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID, signInId: SIGN_IN, score, reasons: score === 'dissatisfied' ? ['waiting-time'] : [], language: 'en' },
      id ? { newId: () => id } : {},
    );
    if (!saved.ok) throw new Error(saved.message);
    return saved.value;
  };

  it("given a second counter tablet that reuses the first one's ids, when both sync (its first answer lost), then each rating and shift event is stored once under the tablet that made it, and the second's renamed ones are what its own tables hold", async () => {
    const a = await aCounterTablet();
    const mine = [await rate(a.db, 'satisfied'), await rate(a.db, 'satisfied'), await rate(a.db, 'satisfied')];
    await recordShiftCommand(a.db, { type: 'pause' }, { now: () => Date.now() });
    const [pausedA] = await a.db.shiftEvents.toArray();
    expect(await a.engine.syncNow()).toEqual({ ok: true, value: { pushed: 4, rejected: 0 } });

    const b = await aCounterTablet();
    const theirs = [await rate(b.db, 'dissatisfied', mine[0]!.id), await rate(b.db, 'satisfied'), await rate(b.db, 'dissatisfied', mine[2]!.id)];
    await recordShiftCommand(b.db, { type: 'pause' }, { now: () => Date.now(), newId: () => pausedA!.id });
    b.loseNextAnswer();
    expect(await b.engine.syncNow()).toMatchObject({ ok: false, reason: 'unreachable' });
    expect(await b.engine.syncNow()).toEqual({ ok: true, value: { pushed: 4, rejected: 0 } });

    // The answer heard: the new one accepted (stored by the lost push), the three others taken.
    expect(b.answers[0]!.results.map((r) => r.status)).toEqual(['conflict', 'accepted', 'conflict', 'conflict']);
    expect(await b.db.outbox.count()).toBe(0);
    expect(await b.db.quarantine.count()).toBe(0);
    const bRatings = (await b.db.ratings.toArray()).map((r) => r.id).sort();
    expect(bRatings).toHaveLength(3);
    expect(bRatings).toContain(theirs[1]!.id);
    expect(bRatings).not.toContain(mine[0]!.id);
    expect(await idsBy('ratings', b.deviceId)).toEqual(bRatings);
    expect(await idsBy('ratings', a.deviceId)).toEqual(mine.map((r) => r.id).sort());
    expect(await idsBy('shift_events', a.deviceId)).toEqual([pausedA!.id]);
    expect(await idsBy('shift_events', b.deviceId)).toEqual((await b.db.shiftEvents.toArray()).map((e) => e.id));
    expect((await b.db.shiftEvents.toArray())[0]!.id).not.toBe(pausedA!.id);
    await expectAllHeld('ratings');
    // A's ratings are as A sent them; the branch's day counts every rating once.
    const scores = await database.current.db.selectFrom('ratings').select(['id', 'score']).where('device_id', '=', a.deviceId).execute();
    expect(scores.every((r) => r.score === 'satisfied')).toBe(true);
    const day = await database.current.db.selectFrom('rating_branch_days').select(['satisfied', 'dissatisfied']).executeTakeFirstOrThrow();
    expect(day).toEqual({ satisfied: 4, dissatisfied: 2 });
  });

  it('given batches of two and a taken rating in the first, then it goes again under a new id after the others, in the same run', async () => {
    const a = await aCounterTablet();
    const taken = await rate(a.db, 'satisfied');
    await a.engine.syncNow();
    const b = await aCounterTablet({ maxRecords: 2 });
    const [r1, r2, r3] = [await rate(b.db, 'satisfied', taken.id), await rate(b.db, 'satisfied'), await rate(b.db, 'satisfied')];

    expect(await b.engine.syncNow()).toEqual({ ok: true, value: { pushed: 3, rejected: 0 } });

    const renamed = (await b.db.ratings.toArray()).map((r) => r.id).find((id) => id !== r2.id && id !== r3.id)!;
    expect(b.sent).toEqual([
      [r1.id, r2.id],
      [r3.id, renamed],
    ]);
    expect(await idsBy('ratings', b.deviceId)).toEqual([r2.id, r3.id, renamed].sort());
  });

  it('given a server that takes every new id too, then the run ends after the second try and the record waits in the outbox for the next run', async () => {
    const takeAll = (body: PushResponse): PushResponse => ({
      ...body,
      results: body.results.map((r) => ({ id: r.id!, status: 'conflict', reason: 'id-taken', message: 'taken' })),
    });
    const a = await aCounterTablet({ answer: takeAll });
    await rate(a.db, 'satisfied');

    expect(await a.engine.syncNow()).toEqual({ ok: true, value: { pushed: 0, rejected: 0 } });

    expect(a.sent).toHaveLength(2);
    expect(new Set(a.sent.flat()).size).toBe(2);
    expect(await a.db.outbox.count()).toBe(1);
    expect(await a.db.ratings.count()).toBe(1);
    expect((await a.db.outbox.toArray())[0]!.recordId).toBe((await a.db.ratings.toArray())[0]!.id);
  });

  it('given a tablet that sends other content under an id it used before (a bug), then that record waits in its quarantine with the reason, the first stays on the server, and the rest go through', async () => {
    const a = await aCounterTablet();
    const first = await rate(a.db, 'satisfied');
    await a.engine.syncNow();
    // The bug: the same id again with another score, as a broken client would queue it.
    await a.db.outbox.add({ recordId: first.id, kind: 'rating', record: { ...first, score: 'dissatisfied' }, bytes: 200, createdAt: first.createdAt } as never);
    const next = await rate(a.db, 'satisfied');

    expect(await a.engine.syncNow()).toEqual({ ok: true, value: { pushed: 1, rejected: 1 } });

    expect(await a.db.quarantine.toArray()).toEqual([
      {
        recordId: first.id,
        kind: 'rating',
        record: { ...first, score: 'dissatisfied' },
        reason: 'changed-resend',
        message: `id: this device sent another rating under ${first.id} before, and the server keeps that one; this one differs and was not stored`,
        quarantinedAt: expect.any(Number),
      },
    ]);
    expect(await database.current.db.selectFrom('ratings').select(['id', 'score']).orderBy('seq').execute()).toEqual([
      { id: first.id, score: 'satisfied' },
      { id: next.id, score: 'satisfied' },
    ]);
  });

  it("given a second lobby tablet that reuses the first one's ids for an entry, a read mark, a case event and a case, when both sync, then each is stored once under its own tablet, the second's case under a new case id, and both tablets fold the same two cases", async () => {
    const a = await aLobbyTablet();
    const act = async (db: BranchVoiceDB, input: CaseEventInput, eventId?: string): Promise<CaseEvent> => {
      const done = await recordCaseEvent(db, input, eventId ? { newId: () => eventId } : {});
      if (!done.ok) throw new Error(`${done.reason}: ${done.message}`);
      return done.value;
    };
    const caseId = uuidv7();
    const entryA = await recordOpinion(a.db, { opinionKind: 'complaint', topicId: 'waiting', text: 'Slow at lunch', visit: null, contact: null, language: 'en' });
    if (!entryA.ok) throw new Error(entryA.message);
    await act(a.db, { caseId, staffId: LOBBY, role: 'lobby-staff', type: 'opened', channel: 'in-person', opinionId: null, summary: 'Card swallowed' });
    const restatedA = await act(a.db, { caseId, staffId: LOBBY, role: 'lobby-staff', type: 'restated', text: 'At the machine outside' });
    expect((await a.engine.syncNow()).ok).toBe(true);
    // The complaint manager reads the entries signed in with the server, on each tablet.
    const readA = await recordEntryRead(a.db, { opinionId: entryA.value.id, staffId: MANAGER, role: 'complaint-manager' }, { attest: await a.signIn('3002', MANAGER_PIN) });
    if (!readA.ok) throw new Error(readA.message);
    expect((await a.engine.syncNow()).ok).toBe(true);

    const b = await aLobbyTablet();
    const entryB = await recordOpinion(b.db, { opinionKind: 'praise', topicId: 'staff', text: 'Kind staff', visit: null, contact: null, language: 'en' }, { newId: () => entryA.value.id });
    const readB = await recordEntryRead(b.db, { opinionId: entryA.value.id, staffId: MANAGER, role: 'complaint-manager' }, { newId: () => readA.value.id, attest: await b.signIn('3002', MANAGER_PIN) });
    // B opens its own case under A's case id, and then under A's event id a step of a case of its own.
    await act(b.db, { caseId, staffId: MANAGER, role: 'complaint-manager', type: 'opened', channel: 'phone', opinionId: null, summary: 'Charged twice' });
    await act(b.db, { caseId, staffId: MANAGER, role: 'complaint-manager', type: 'replied', channel: 'phone', text: 'Refunded' });
    const ownCase = uuidv7();
    await act(b.db, { caseId: ownCase, staffId: LOBBY, role: 'lobby-staff', type: 'opened', channel: 'letter', opinionId: null, summary: 'Wrong fee' });
    await act(b.db, { caseId: ownCase, staffId: LOBBY, role: 'lobby-staff', type: 'restated', text: 'Fee for a transfer' }, restatedA.id);
    if (!entryB.ok || !readB.ok) throw new Error('setup');

    expect(await b.engine.syncNow()).toEqual({ ok: true, value: { pushed: 6, rejected: 0 } });
    expect((await a.engine.syncNow()).ok).toBe(true);

    expect(await b.db.outbox.count()).toBe(0);
    expect(await b.db.quarantine.count()).toBe(0);
    for (const table of ['opinions', 'opinion_reads', 'case_events'] as const) await expectAllHeld(table);
    const opinions = await database.current.db.selectFrom('opinions').select(['id', 'device_id', 'text']).orderBy('seq').execute();
    expect(opinions.map((o) => [o.device_id, o.text])).toEqual([
      [a.deviceId, 'Slow at lunch'],
      [b.deviceId, 'Kind staff'],
    ]);
    expect(opinions[0]!.id).toBe(entryA.value.id);
    const reads = await database.current.db.selectFrom('opinion_reads').select(['id', 'device_id', 'attestation']).orderBy('seq').execute();
    expect(reads.map((r) => r.device_id)).toEqual([a.deviceId, b.deviceId]);
    // B's mark, sent again under a new id, was signed again with the manager's session: still the server's check.
    expect(reads.map((r) => r.attestation)).toEqual(['server', 'server']);
    expect(reads[0]!.id).toBe(readA.value.id);
    // Every case event the tablets made, once, under the tablet that made it, each applied.
    const stored = await database.current.db.selectFrom('case_events').select(['id', 'device_id', 'case_id', 'type', 'status']).orderBy('seq').execute();
    expect(stored.map((e) => [e.device_id === a.deviceId ? 'A' : 'B', e.type, e.status])).toEqual([
      ['A', 'opened', 'applied'],
      ['A', 'restated', 'applied'],
      ['B', 'opened', 'applied'],
      ['B', 'opened', 'applied'],
      ['B', 'replied', 'applied'],
      ['B', 'restated', 'applied'],
    ]);
    const bCase = stored.find((e) => e.device_id === b.deviceId && e.type === 'replied')!.case_id;
    expect(bCase).not.toBe(caseId);
    const boards = [await firstValueFrom(watchCases(a.db)), await firstValueFrom(watchCases(b.db))];
    for (const board of boards) {
      expect(board.pending).toBe(0);
      expect(board.cases.map((c) => [c.id, c.summary, c.status]).sort()).toEqual(
        [
          [caseId, 'Card swallowed', 'open'],
          [bCase, 'Charged twice', 'replied'],
          [ownCase, 'Wrong fee', 'open'],
        ].sort(),
      );
    }
  });

  it("given a case opened first in another branch under the same case id, when a tablet syncs its own, then its case is stored under a new case id in its branch and the other branch's is untouched", async () => {
    await givenBranchWithCounter(database.current, OTHER_BRANCH);
    await givenTeller(database.current, { id: OTHER_STAFF, branchId: OTHER_BRANCH.branchId, staffNumber: '4001', name: 'Other Lobby', role: 'lobby-staff' });
    const other = await aLobbyTablet(OTHER_BRANCH.branchId);
    const mine = await aLobbyTablet();
    const caseId = uuidv7();
    await recordCaseEvent(other.db, { caseId, staffId: OTHER_STAFF, role: 'lobby-staff', type: 'opened', channel: 'phone', opinionId: null, summary: 'Theirs' });
    expect((await other.engine.syncNow()).ok).toBe(true);
    await recordCaseEvent(mine.db, { caseId, staffId: LOBBY, role: 'lobby-staff', type: 'opened', channel: 'in-person', opinionId: null, summary: 'Ours' });
    await recordCaseEvent(mine.db, { caseId, staffId: LOBBY, role: 'lobby-staff', type: 'restated', text: 'Ours, restated' });

    expect(await mine.engine.syncNow()).toEqual({ ok: true, value: { pushed: 2, rejected: 0 } });

    const stored = await database.current.db.selectFrom('case_events').select(['branch_id', 'device_id', 'case_id', 'status']).orderBy('seq').execute();
    expect(stored.map((e) => [e.branch_id, e.device_id, e.case_id === caseId, e.status])).toEqual([
      [OTHER_BRANCH.branchId, other.deviceId, true, 'applied'],
      [BRANCH_ID, mine.deviceId, false, 'applied'],
      [BRANCH_ID, mine.deviceId, false, 'applied'],
    ]);
    const board = await firstValueFrom(watchCases(mine.db));
    expect(board.cases.map((c) => [c.summary, c.restated, c.id === caseId])).toEqual([['Ours', true, false]]);
    const cases = await database.current.db.selectFrom('complaint_cases').select(['id', 'branch_id']).execute();
    expect(cases.map((c) => [c.branch_id, c.id === caseId]).sort()).toEqual([
      [BRANCH_ID, false],
      [OTHER_BRANCH.branchId, true],
    ]);
  });
});
