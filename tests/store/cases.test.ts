import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from '../helpers/observable.ts';
import { foldStoredEvents, recordCaseEvent, savePulledCaseEvents, watchCases, type CaseEventInput } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { anEnrolledLobby } from '../builders/device.ts';
import { BRANCH_ID, TELLER_ID } from '../builders/rating.ts';

const T0 = Date.UTC(2026, 10, 23, 10);
const CASE = '019ab000-0000-7000-8000-0000000000c1';
const by = { staffId: TELLER_ID, caseId: CASE } as const;
const opened: CaseEventInput = { ...by, role: 'lobby-staff', type: 'opened', channel: 'in-person', opinionId: null, summary: 'Charged twice' };

let db: BranchVoiceDB;
beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await saveEnrollment(db, anEnrolledLobby());
});
afterEach(async () => {
  await db.delete();
});

describe('recordCaseEvent', () => {
  it('given staff open a case and restate it, then both events are pending with their outbox rows, and the case shows', async () => {
    const first = await recordCaseEvent(db, opened, { now: () => T0 });
    const second = await recordCaseEvent(db, { ...by, role: 'lobby-staff', type: 'restated', text: 'Twice on 20 November' }, { now: () => T0 + 60_000 });
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect((await db.outbox.toArray()).map((r) => [r.kind, r.recordId])).toEqual([
      ['case-event', first.ok && first.value.id],
      ['case-event', second.ok && second.value.id],
    ]);
    const board = await firstValueFrom(watchCases(db));
    expect(board.pending).toBe(2);
    expect(board.cases).toEqual([expect.objectContaining({ id: CASE, branchId: BRANCH_ID, status: 'open', restated: true, ownerStaffId: TELLER_ID })]);
  });

  it('given a step the case does not allow here, then it is refused with the reason and nothing is written', async () => {
    await recordCaseEvent(db, opened);
    const before = await db.outbox.count();
    const signed = await recordCaseEvent(db, { ...by, role: 'branch-manager', type: 'signed-off' });
    expect(!signed.ok && signed.reason).toBe('no-reply-yet');
    const byLobby = await recordCaseEvent(db, { ...by, role: 'lobby-staff', type: 'escalated', text: 'x' });
    expect(!byLobby.ok && byLobby.reason).toBe('role-not-allowed');
    expect(await db.outbox.count()).toBe(before);
    expect(await db.caseEvents.count()).toBe(1);
  });

  it("given the server's events pulled, then they replace the pending copies and a refused one leaves the fold but stays for staff", async () => {
    const open = await recordCaseEvent(db, opened, { now: () => T0 });
    const reply = await recordCaseEvent(db, { ...by, role: 'complaint-manager', type: 'replied', channel: 'phone', text: 'Refunded' }, { now: () => T0 + 60_000 });
    if (!open.ok || !reply.ok) throw new Error('setup');
    await savePulledCaseEvents(db, [
      { event: open.value, seq: 1, status: 'applied', reason: null, message: null },
      { event: reply.value, seq: 3, status: 'refused', reason: 'case-signed-off', message: 'replied: signed off' },
    ]);
    const board = await firstValueFrom(watchCases(db));
    expect(board.pending).toBe(0);
    expect(board.refused.map((r) => [r.id, r.reason])).toEqual([[reply.value.id, 'case-signed-off']]);
    expect(board.cases[0]).toMatchObject({ status: 'open', replies: 0 });
    expect(foldStoredEvents(await db.caseEvents.toArray()).cases.get(CASE)?.eventIds).toEqual([open.value.id]);
  });
});
