import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/case.ts';
import { DAY_MS } from '../../src/domain/privacy.ts';
import { pruneClosedCases, removeBlankedCases } from '../../src/store/case-retention.ts';
import { recordCaseEvent, savePulledCaseEvents } from '../../src/store/cases.ts';
import { createDatabase, type BranchVoiceDB, type QuarantineRow } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { discardQuarantined, pruneQuarantine, removedAfter, tabletRetentionIn } from '../../src/store/quarantine.ts';
import { aCaseEvent, STAFF_ID } from '../builders/case-event.ts';
import { anEnrolledLobby } from '../builders/device.ts';
import { aRating } from '../builders/rating.ts';

// The tablet's own retention, on fake-indexeddb at a simulated date: what is due goes, to the
// day, and nothing else; the outbox is never touched.
const NOW = Date.UTC(2027, 0, 15, 9);
const daysAgo = (days: number, plusMs = 0) => NOW - days * DAY_MS + plusMs;
const CLOSED_DAYS = 30;

let db: BranchVoiceDB;
let seq = 0;
beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await saveEnrollment(db, anEnrolledLobby());
  seq = 0;
});
afterEach(async () => {
  await db.delete();
});

/** The server's events of one case as the tablet pulled them, the last at `lastAt`. */
async function pulledCase(caseId: string, status: 'open' | 'replied' | 'signed-off', lastAt: number) {
  const steps: CaseEvent[] = [aCaseEvent('opened', caseId, { createdAt: lastAt - 2 * DAY_MS })];
  if (status !== 'open') steps.push(aCaseEvent('replied', caseId, { createdAt: lastAt - DAY_MS }));
  if (status === 'signed-off') steps.push(aCaseEvent('signed-off', caseId, { createdAt: lastAt }));
  await savePulledCaseEvents(db, steps.map((event) => ({ event, seq: ++seq, status: 'applied' as const, reason: null, message: null })));
  return steps.map((e) => e.id);
}

const caseIdsKept = async () => [...new Set((await db.caseEvents.toArray()).map((r) => r.caseId))].sort();
const outboxAsIs = () => db.outbox.toArray();

describe('pruneClosedCases', () => {
  it('given cases of every age and state, when the tablet prunes, then only signed-off cases last changed more than closedCaseDays ago go, and the outbox is untouched', async () => {
    const ids = {
      due: '019ab000-0000-7000-8000-0000000000a1',
      dueLongAgo: '019ab000-0000-7000-8000-0000000000a2',
      exactlyThirty: '019ab000-0000-7000-8000-0000000000a3',
      recent: '019ab000-0000-7000-8000-0000000000a4',
      openOld: '019ab000-0000-7000-8000-0000000000a5',
      repliedOld: '019ab000-0000-7000-8000-0000000000a6',
      waiting: '019ab000-0000-7000-8000-0000000000a7',
    };
    await pulledCase(ids.due, 'signed-off', daysAgo(CLOSED_DAYS, -1));
    await pulledCase(ids.dueLongAgo, 'signed-off', daysAgo(400));
    await pulledCase(ids.exactlyThirty, 'signed-off', daysAgo(CLOSED_DAYS));
    await pulledCase(ids.recent, 'signed-off', daysAgo(29));
    await pulledCase(ids.openOld, 'open', daysAgo(200));
    await pulledCase(ids.repliedOld, 'replied', daysAgo(200));
    // Signed off long ago, and a follow-up made here (back then) still waits in the outbox: kept whole.
    await pulledCase(ids.waiting, 'signed-off', daysAgo(90));
    const followUp = await recordCaseEvent(db, { caseId: ids.waiting, staffId: STAFF_ID['complaint-manager'], role: 'complaint-manager', type: 'followed-up', outcome: 'satisfied', text: '' }, { now: () => daysAgo(89) });
    expect(followUp.ok).toBe(true);
    const outboxBefore = await outboxAsIs();
    expect(outboxBefore).toHaveLength(1);

    const removed = await pruneClosedCases(db, NOW, CLOSED_DAYS);

    expect(removed.sort()).toEqual([ids.due, ids.dueLongAgo].sort());
    expect(await caseIdsKept()).toEqual([ids.exactlyThirty, ids.recent, ids.openOld, ids.repliedOld, ids.waiting].sort());
    expect(await db.caseEvents.where('caseId').equals(ids.waiting).count()).toBe(4);
    expect(await outboxAsIs()).toEqual(outboxBefore);
  });

  it('given a case reopened after its sign-off, then it is not pruned however old its sign-off', async () => {
    const id = '019ab000-0000-7000-8000-0000000000b1';
    await pulledCase(id, 'signed-off', daysAgo(100));
    await savePulledCaseEvents(db, [{ event: aCaseEvent('reopened', id, { createdAt: daysAgo(99) }), seq: ++seq, status: 'applied', reason: null, message: null }]);
    expect(await pruneClosedCases(db, NOW, CLOSED_DAYS)).toEqual([]);
    expect(await db.caseEvents.count()).toBe(4);
  });

  it('given a refused late step after the sign-off, then it goes with its case: refused steps take no part in the case’s last change', async () => {
    const id = '019ab000-0000-7000-8000-0000000000b2';
    await pulledCase(id, 'signed-off', daysAgo(40));
    await savePulledCaseEvents(db, [{ event: aCaseEvent('replied', id, { createdAt: daysAgo(10) }), seq: ++seq, status: 'refused', reason: 'case-signed-off', message: 'signed off' }]);
    expect(await pruneClosedCases(db, NOW, CLOSED_DAYS)).toEqual([id]);
    expect(await db.caseEvents.count()).toBe(0);
  });

  it('given steps of a case whose opening this tablet no longer has, then they go once the newest is older than closedCaseDays', async () => {
    const [old, recent] = ['019ab000-0000-7000-8000-0000000000b3', '019ab000-0000-7000-8000-0000000000b4'];
    const step = (caseId: string, at: number) => ({ event: aCaseEvent('reopened', caseId, { createdAt: at }), seq: ++seq, status: 'applied' as const, reason: null, message: null });
    await savePulledCaseEvents(db, [step(old, daysAgo(45)), step(old, daysAgo(31)), step(recent, daysAgo(45)), step(recent, daysAgo(2))]);
    expect(await pruneClosedCases(db, NOW, CLOSED_DAYS)).toEqual([old]);
    expect(await caseIdsKept()).toEqual([recent]);
  });
});

describe('removeBlankedCases', () => {
  it('given a blanked case with one step still in the outbox, then every other copy of its events goes and that one stays, as do other cases', async () => {
    const blanked = '019ab000-0000-7000-8000-0000000000c1';
    const other = '019ab000-0000-7000-8000-0000000000c2';
    await pulledCase(blanked, 'signed-off', daysAgo(2));
    await pulledCase(other, 'open', daysAgo(2));
    const late = await recordCaseEvent(db, { caseId: blanked, staffId: STAFF_ID['complaint-manager'], role: 'complaint-manager', type: 'followed-up', outcome: 'unreachable', text: '' }, { now: () => daysAgo(1) });
    if (!late.ok) throw new Error(late.reason);
    const outboxBefore = await outboxAsIs();

    const removed = await db.transaction('rw', db.caseEvents, db.outbox, () => removeBlankedCases(db, [blanked, 'not-on-this-tablet']));

    expect(removed).toBe(3);
    expect((await db.caseEvents.where('caseId').equals(blanked).toArray()).map((r) => [r.id, r.status])).toEqual([[late.value.id, 'pending']]);
    expect(await db.caseEvents.where('caseId').equals(other).count()).toBe(1);
    expect(await outboxAsIs()).toEqual(outboxBefore);
  });
});

describe('the quarantine', () => {
  const row = (recordId: string, quarantinedAt: number): QuarantineRow => {
    const record = aRating({ id: recordId });
    return { recordId, kind: 'rating', record, reason: 'unknown-teller', message: 'no such teller', quarantinedAt };
  };

  it('given refused records of every age, when the tablet prunes, then those refused more than quarantineDays ago go and the outbox is untouched', async () => {
    const ids = ['019ab000-0000-7000-8000-0000000000d1', '019ab000-0000-7000-8000-0000000000d2', '019ab000-0000-7000-8000-0000000000d3', '019ab000-0000-7000-8000-0000000000d4'];
    await db.quarantine.bulkAdd([row(ids[0]!, daysAgo(31)), row(ids[1]!, daysAgo(30, -1)), row(ids[2]!, daysAgo(30)), row(ids[3]!, daysAgo(1))]);
    await recordCaseEvent(db, { caseId: '019ab000-0000-7000-8000-0000000000d9', staffId: STAFF_ID['lobby-staff'], role: 'lobby-staff', type: 'opened', channel: 'phone', opinionId: null, summary: 'Waits in the outbox' }, { now: () => daysAgo(300) });
    const outboxBefore = await outboxAsIs();

    expect(await pruneQuarantine(db, NOW, 30)).toBe(2);

    expect((await db.quarantine.toArray()).map((r) => r.recordId).sort()).toEqual([ids[2], ids[3]]);
    expect(await outboxAsIs()).toEqual(outboxBefore);
  });

  it('given a refused record, then it is removed after quarantineDays from its refusal, and staff can discard it sooner', async () => {
    const id = '019ab000-0000-7000-8000-0000000000e1';
    await db.quarantine.add(row(id, daysAgo(3)));
    const retention = tabletRetentionIn(anEnrolledLobby().config);
    expect(removedAfter({ quarantinedAt: daysAgo(3) }, retention)).toBe(daysAgo(3) + 30 * DAY_MS);
    await discardQuarantined(db, id);
    expect(await db.quarantine.count()).toBe(0);
  });

  it('given a configuration kept before the server sent retention periods, then the defaults hold', () => {
    const { tabletRetention: _, ...older } = anEnrolledLobby().config;
    expect(tabletRetentionIn(older as never)).toEqual({ closedCaseDays: 30, quarantineDays: 30 });
  });
});
