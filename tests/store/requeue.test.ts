import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attestation } from '../../src/domain/attestation.ts';
import type { CaseEvent } from '../../src/domain/case.ts';
import type { SyncRecord } from '../../src/domain/wire.ts';
import { foldStoredEvents, recordCaseEvent, savePulledCaseEvents, type CaseEventInput } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB, type OutboxRow } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { recordOpinion } from '../../src/store/opinions.ts';
import { settleOutbox, type Settlement } from '../../src/store/outbox.ts';
import { recordEntryRead } from '../../src/store/review.ts';
import { recordShiftCommand } from '../../src/store/shift.ts';
import { STAFF_ID } from '../builders/case-event.ts';
import { anEnrolledLobby } from '../builders/device.ts';
import { givenOpenCounter, givenRatings } from '../helpers/counter.ts';

// Records the server answered id-taken go again under new ids, in the one transaction that
// settles the push: their own rows renamed, their outbox rows moved to the end, nothing lost
// and nothing doubled (decision 0017). On fake-indexeddb, through the store's own functions.

const T0 = Date.UTC(2026, 10, 23, 10);
const CASE_C = '019ab000-0000-7000-8000-0000000000c1';
const CASE_D = '019ab000-0000-7000-8000-0000000000c2';
const LOBBY = STAFF_ID['lobby-staff'];
const MANAGER = STAFF_ID['complaint-manager'];

let db: BranchVoiceDB;
afterEach(async () => {
  await db.delete();
});

/** New ids in order, recognisable in expectations: new-1, new-2, … */
function newIds() {
  let n = 0;
  return () => `019ab000-0000-7000-8000-${String(++n).padStart(12, '0')}`;
}

/** A signature as a staff session makes it (attestation.ts); its bytes do not matter here. */
const SIGNED: Attestation = { by: 'server', sessionId: '019ab000-0000-7000-8000-0000000000aa', proof: 'A'.repeat(43) };

const settle = (settled: Partial<Settlement>, options: { resign?: (record: SyncRecord) => Promise<Attestation | null>; newId?: () => string } = {}) =>
  settleOutbox(db, { acknowledged: [], rejected: [], taken: [], ...settled }, { now: T0, newId: options.newId ?? newIds(), ...options });

const outbox = async () => (await db.outbox.toArray()).map((row) => ({ seq: row.seq, id: row.recordId, kind: row.kind, caseId: (row.record as { caseId?: string }).caseId }));

describe('re-queuing records answered id-taken, on a counter tablet', () => {
  beforeEach(async () => {
    db = createDatabase(`test-${crypto.randomUUID()}`);
    await givenOpenCounter(db);
  });

  it('given a batch of ratings and a shift event, two of them taken, then those are renamed in their own tables and appended at the end of the outbox in their order; the others settle as answered', async () => {
    await givenRatings(db, 3);
    await recordShiftCommand(db, { type: 'pause' }, { now: () => T0 });
    await recordShiftCommand(db, { type: 'resume' }, { now: () => T0 + 1 });
    const rows = await db.outbox.toArray();
    const [r1, r2, r3, paused, resumed] = rows as [OutboxRow, OutboxRow, OutboxRow, OutboxRow, OutboxRow];
    const newId = newIds();

    const appended = await settle({ acknowledged: [r1.seq, r3.seq], taken: [r2.seq, paused.seq] }, { newId });

    const [new2, newPaused] = ['019ab000-0000-7000-8000-000000000001', '019ab000-0000-7000-8000-000000000002'];
    const r4 = resumed;
    expect(await outbox()).toEqual([
      { seq: r4.seq, id: r4.recordId, kind: 'shift', caseId: undefined },
      { seq: r4.seq + 1, id: new2, kind: 'rating', caseId: undefined },
      { seq: r4.seq + 2, id: newPaused, kind: 'shift', caseId: undefined },
    ]);
    expect(appended).toEqual([r4.seq + 1, r4.seq + 2]);
    expect((await db.outbox.get(r4.seq + 1))?.record).toEqual({ ...r2.record, id: new2 });
    expect((await db.outbox.get(r4.seq + 2))).toMatchObject({ record: { ...paused.record, id: newPaused }, createdAt: paused.createdAt, bytes: JSON.stringify({ ...paused.record, id: newPaused }).length });
    expect((await db.ratings.toCollection().primaryKeys()).sort()).toEqual([r1.recordId, r3.recordId, new2].sort());
    expect(await db.ratings.get(new2)).toEqual({ ...r2.record, id: new2 });
    expect((await db.shiftEvents.toArray()).sort((a, b) => a.createdAt - b.createdAt)).toEqual([{ ...paused.record, id: newPaused }, resumed.record]);
    expect(await db.quarantine.count()).toBe(0);
  });

  it('given a changed re-send, then it waits in the quarantine with its reason and message, as a rejection does', async () => {
    await givenRatings(db, 2);
    const [r1, r2] = (await db.outbox.toArray()) as [OutboxRow, OutboxRow];
    const message = `id: this device sent another rating under ${r2.recordId} before, and the server keeps that one; this one differs and was not stored`;
    await settle({ acknowledged: [r1.seq], rejected: [{ seq: r2.seq, reason: 'changed-resend', message }] });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.quarantine.toArray()).toEqual([{ recordId: r2.recordId, kind: 'rating', record: r2.record, reason: 'changed-resend', message, quarantinedAt: T0 }]);
    expect(await db.ratings.count()).toBe(2);
  });
});

describe('re-queuing on a lobby tablet', () => {
  beforeEach(async () => {
    db = createDatabase(`test-${crypto.randomUUID()}`);
    await saveEnrollment(db, anEnrolledLobby());
  });

  const act = async (input: CaseEventInput, at = T0): Promise<CaseEvent> => {
    const done = await recordCaseEvent(db, input, { now: () => at });
    if (!done.ok) throw new Error(`${done.reason}: ${done.message}`);
    return done.value;
  };
  const opening = (caseId: string): CaseEventInput => ({ caseId, staffId: LOBBY, role: 'lobby-staff', type: 'opened', channel: 'in-person', opinionId: null, summary: 'Charged twice' });
  const restating = (caseId: string): CaseEventInput => ({ caseId, staffId: LOBBY, role: 'lobby-staff', type: 'restated', text: 'Twice on 20 November' });
  const replying = (caseId: string): CaseEventInput => ({ caseId, staffId: MANAGER, role: 'complaint-manager', type: 'replied', channel: 'phone', text: 'Refunded' });
  const seqOf = async (id: string) => (await db.outbox.toArray()).find((row) => row.recordId === id)!.seq;

  it('given an entry and a read mark taken, then they go again under new ids, only in the outbox', async () => {
    const entry = await recordOpinion(db, { opinionKind: 'complaint', topicId: 'waiting', text: 'Slow', visit: null, contact: null, language: 'en' });
    const read = await recordEntryRead(db, { opinionId: '019ab000-0000-7000-8000-0000000000e1', staffId: MANAGER, role: 'complaint-manager' }, { attest: async () => SIGNED });
    if (!entry.ok || !read.ok) throw new Error('setup');
    const [a, b] = (await db.outbox.toArray()) as [OutboxRow, OutboxRow];

    await settle({ taken: [a.seq, b.seq] });

    expect((await db.outbox.toArray()).map((row) => [row.seq, row.record])).toEqual([
      [b.seq + 1, { ...entry.value, id: '019ab000-0000-7000-8000-000000000001' }],
      // Its signature covered the old id: without the session's key here, it is the tablet's word.
      [b.seq + 2, { ...read.value, id: '019ab000-0000-7000-8000-000000000002', attestation: { by: 'tablet' } }],
    ]);
  });

  it("given a case's opening taken, then the case goes again under a new case id: its taken events under new ids, its later waiting ones with theirs, all after the rest in the order made; another case is untouched", async () => {
    const openedC = await act(opening(CASE_C), T0);
    const restatedC = await act(restating(CASE_C), T0 + 1);
    const openedD = await act(opening(CASE_D), T0 + 2);
    const repliedC = await act(replying(CASE_C), T0 + 3);
    const restatedD = await act(restating(CASE_D), T0 + 4);
    // The batch was the first three: D's opening was accepted, C's two events taken.
    const [s1, s2, s3] = [await seqOf(openedC.id), await seqOf(restatedC.id), await seqOf(openedD.id)];

    await settle({ acknowledged: [s3], taken: [s1, s2] });

    const [newCase, newOpened, newRestated] = ['019ab000-0000-7000-8000-000000000001', '019ab000-0000-7000-8000-000000000002', '019ab000-0000-7000-8000-000000000003'];
    const last = await seqOf(restatedD.id);
    expect(await outbox()).toEqual([
      { seq: last, id: restatedD.id, kind: 'case-event', caseId: CASE_D },
      { seq: last + 1, id: newOpened, kind: 'case-event', caseId: newCase },
      { seq: last + 2, id: newRestated, kind: 'case-event', caseId: newCase },
      { seq: last + 3, id: repliedC.id, kind: 'case-event', caseId: newCase },
    ]);
    const stored = await db.caseEvents.toArray();
    expect(stored.map((r) => [r.id, r.caseId, r.event.id, r.event.caseId, r.status]).sort()).toEqual(
      [
        [newOpened, newCase, newOpened, newCase, 'pending'],
        [newRestated, newCase, newRestated, newCase, 'pending'],
        [repliedC.id, newCase, repliedC.id, newCase, 'pending'],
        [openedD.id, CASE_D, openedD.id, CASE_D, 'pending'],
        [restatedD.id, CASE_D, restatedD.id, CASE_D, 'pending'],
      ].sort(),
    );
    const { cases } = foldStoredEvents(stored);
    expect([...cases.keys()].sort()).toEqual([CASE_D, newCase].sort());
    expect(cases.get(newCase)).toMatchObject({ status: 'replied', restated: true, summary: 'Charged twice' });
  });

  it("given a case's later event taken, then it and the case's events after it go again in their order under the same case id; the events before stay settled", async () => {
    const opened = await act(opening(CASE_C), T0);
    const restated = await act(restating(CASE_C), T0 + 1);
    const replied = await act(replying(CASE_C), T0 + 2);
    const [s1, s2, s3] = [await seqOf(opened.id), await seqOf(restated.id), await seqOf(replied.id)];

    await settle({ acknowledged: [s1], taken: [s2] });

    const last = s3 + 1;
    expect(await outbox()).toEqual([
      { seq: last, id: '019ab000-0000-7000-8000-000000000001', kind: 'case-event', caseId: CASE_C },
      { seq: last + 1, id: replied.id, kind: 'case-event', caseId: CASE_C },
    ]);
    expect(last).toBeGreaterThan(s2);
    expect((await db.caseEvents.toCollection().primaryKeys()).sort()).toEqual([opened.id, replied.id, '019ab000-0000-7000-8000-000000000001'].sort());
  });

  describe('signed records', () => {
    const SIGNED: Attestation = { by: 'server', sessionId: '019ab000-0000-7000-8000-0000000000a1', proof: 'A'.repeat(43) };
    /** Marks the outbox row of `id` as signed in a staff session, as the store writes such a record. */
    const sign = async (id: string, attestation: Attestation = SIGNED) => {
      const seq = await seqOf(id);
      const row = (await db.outbox.get(seq))!;
      await db.outbox.put({ ...row, record: { ...row.record, attestation } as SyncRecord });
      return seq;
    };

    it('given records signed in a staff session and no way to sign again, then the renamed ones become the tablet\'s word and a record not renamed keeps its signature', async () => {
      const opened = await act(opening(CASE_C), T0);
      const restated = await act(restating(CASE_C), T0 + 1);
      const replied = await act(replying(CASE_C), T0 + 2);
      const [s1] = [await sign(opened.id), await sign(restated.id, { by: 'tablet' }), await sign(replied.id)];

      await settle({ taken: [s1] });

      const records = (await db.outbox.toArray()).map((row) => row.record as CaseEvent);
      expect(records.map((r) => [r.type, r.attestation])).toEqual([
        ['opened', { by: 'tablet' }],
        ['restated', { by: 'tablet' }],
        // Renamed case: its content changed too, so its signature no longer holds.
        ['replied', { by: 'tablet' }],
      ]);
      expect((await db.caseEvents.toArray()).every((r) => r.event.attestation?.by === 'tablet')).toBe(true);
    });

    it('given a re-sign hook, then each renamed record signed by a session is signed anew, the hook seeing its new ids; unchanged ones keep theirs', async () => {
      const opened = await act(opening(CASE_C), T0);
      const restated = await act(restating(CASE_C), T0 + 1);
      const replied = await act(replying(CASE_C), T0 + 2);
      await sign(opened.id);
      const [s2] = [await sign(restated.id), await sign(replied.id)];
      const seen: [string, string][] = [];
      const resign = async (record: SyncRecord) => {
        seen.push([record.id, (record as CaseEvent).caseId]);
        return { by: 'server' as const, sessionId: SIGNED.by === 'server' ? SIGNED.sessionId : '', proof: 'B'.repeat(43) };
      };

      await settle({ acknowledged: [await seqOf(opened.id)], taken: [s2] }, { resign });

      expect(seen).toEqual([['019ab000-0000-7000-8000-000000000001', CASE_C]]);
      const records = (await db.outbox.toArray()).map((row) => row.record as CaseEvent);
      expect(records.map((r) => [r.id, r.attestation])).toEqual([
        ['019ab000-0000-7000-8000-000000000001', { by: 'server', sessionId: SIGNED.by === 'server' && SIGNED.sessionId, proof: 'B'.repeat(43) }],
        [replied.id, SIGNED],
      ]);
    });

    it('given staff record a step on the case while the re-queue is being planned, then it is planned again and that step goes with its case too', async () => {
      const opened = await act(opening(CASE_C), T0);
      const s1 = await sign(opened.id);
      let late: CaseEvent | undefined;
      const resign = async () => {
        late ??= await act(restating(CASE_C), T0 + 5);
        return null;
      };

      await settle({ taken: [s1] }, { resign });

      const rows = await db.outbox.toArray();
      expect(rows.map((r) => [r.recordId, (r.record as CaseEvent).type, (r.record as CaseEvent).caseId])).toEqual([
        // Planned twice: the first plan's ids (…1, …2) were never written.
        ['019ab000-0000-7000-8000-000000000004', 'opened', '019ab000-0000-7000-8000-000000000003'],
        [late!.id, 'restated', '019ab000-0000-7000-8000-000000000003'],
      ]);
      expect(await db.caseEvents.count()).toBe(2);
    });
  });

  it("given the server's copy of another device's event pulled under the taken id, then it stays, and this tablet's event is kept under its new id", async () => {
    const opened = await act(opening(CASE_C), T0);
    const theirs = { ...opened, staffId: MANAGER, role: 'complaint-manager' as const, caseId: CASE_D, summary: 'Another case' };
    await savePulledCaseEvents(db, [{ event: theirs, seq: 7, status: 'applied', reason: null, message: null }]);

    await settle({ taken: [await seqOf(opened.id)] });

    const stored = await db.caseEvents.toArray();
    expect(stored.map((r) => [r.id, r.caseId, r.seq, r.status]).sort()).toEqual(
      [
        [opened.id, CASE_D, 7, 'applied'],
        ['019ab000-0000-7000-8000-000000000002', '019ab000-0000-7000-8000-000000000001', null, 'pending'],
      ].sort(),
    );
  });
});
