import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TABLET_ATTESTATION } from '../../src/domain/attestation.ts';
import { attestRecord, importSessionKey } from '../../src/domain/attestation-sign.ts';
import { PIN_LOCK_MS } from '../../src/domain/pin.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { loadShift, openShift, recordShiftCommand } from '../../src/store/shift.ts';
import { checkStaffCredentials } from '../../src/store/staff.ts';
import { aTeller, anEnrolledDevice, TELLER_PIN } from '../builders/device.ts';
import { TELLER_ID } from '../builders/rating.ts';

let db: BranchVoiceDB;
let clock = Date.UTC(2026, 10, 23, 9);
const now = () => clock;

beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await saveEnrollment(db, anEnrolledDevice());
  clock = Date.UTC(2026, 10, 23, 9);
});
afterEach(async () => {
  await db.delete();
});

describe("the tablet's own check of a staff number and PIN (offline)", () => {
  it('given the right staff number and PIN, then the member is found, whatever the spaces and case', async () => {
    expect(await checkStaffCredentials(db, { staffNumber: ' 1001 ', pin: TELLER_PIN }, now)).toMatchObject({ ok: true, value: { id: TELLER_ID } });
  });

  it('given a wrong PIN or an unknown staff number, then it says which tries are left, without saying which was wrong', async () => {
    expect(await checkStaffCredentials(db, { staffNumber: '1001', pin: '0000' }, now)).toMatchObject({ ok: false, reason: 'wrong-credentials', failuresLeft: 4 });
    expect(await checkStaffCredentials(db, { staffNumber: '9999', pin: TELLER_PIN }, now)).toMatchObject({ ok: false, reason: 'wrong-credentials', failuresLeft: 3 });
  });

  it('given five wrong PINs, then sign-in locks, even for the right PIN and after a reload, until the lock time passes', async () => {
    for (let i = 0; i < 5; i++) await checkStaffCredentials(db, { staffNumber: '1001', pin: '1111' }, now);
    const reopened = createDatabase(db.name);
    expect(await checkStaffCredentials(reopened, { staffNumber: '1001', pin: TELLER_PIN }, now)).toMatchObject({ ok: false, reason: 'locked', lockedUntil: clock + PIN_LOCK_MS });
    reopened.close();
    clock += PIN_LOCK_MS;
    expect((await checkStaffCredentials(db, { staffNumber: '1001', pin: TELLER_PIN }, now)).ok).toBe(true);
  });

  it('given two wrong PINs checked at the same moment, then both count towards the lockout', async () => {
    await Promise.all([checkStaffCredentials(db, { staffNumber: '1001', pin: '0000' }, now), checkStaffCredentials(db, { staffNumber: '1001', pin: '1111' }, now)]);
    expect(await checkStaffCredentials(db, { staffNumber: '1001', pin: '2222' }, now)).toMatchObject({ ok: false, failuresLeft: 2 });
  });

  it('given a member this tablet knows by name only (no PIN hash: they sign in here only online), then it says the server is needed and counts no attempt', async () => {
    await saveEnrollment(db, anEnrolledDevice({ config: { tellers: [aTeller({ staffNumber: '2003', role: 'branch-manager', pin: null })] } }));
    expect(await checkStaffCredentials(db, { staffNumber: '2003', pin: '246802' }, now)).toMatchObject({ ok: false, reason: 'needs-server' });
    expect((await db.meta.get('pinAttempts'))?.value ?? []).toEqual([]);
  });
});

describe('a teller shift on the tablet', () => {
  it('given a teller whose PIN was checked, when the window opens, then the sign-in is a record to push', async () => {
    const result = await openShift(db, TELLER_ID, { now });
    expect(result).toMatchObject({ ok: true, value: { state: 'open', tellerId: TELLER_ID, since: clock } });
    const shift = await loadShift(db);
    const [event] = await db.shiftEvents.toArray();
    expect(event).toMatchObject({ kind: 'shift', type: 'signed-in', tellerId: TELLER_ID, signInId: shift.state === 'open' ? shift.signInId : '' });
    expect(event).not.toHaveProperty('attestation');
    expect((await db.outbox.toArray()).map((r) => r.recordId)).toEqual([event!.id]);
  });

  it('given an open window, when paused, resumed and signed out, then each step is a record and the shift follows', async () => {
    await openShift(db, TELLER_ID, { now });
    for (const [type, state] of [['pause', 'paused'], ['resume', 'open'], ['sign-out', 'closed']] as const) {
      const result = await recordShiftCommand(db, { type }, { now });
      expect(result.ok && result.value.state).toBe(state);
    }
    expect((await db.shiftEvents.orderBy('createdAt').toArray()).map((e) => e.type)).toEqual(['signed-in', 'paused', 'resumed', 'signed-out']);
    expect(await db.outbox.count()).toBe(4);
  });

  it("given the teller's staff session, then each event is signed with its key, over the event as it is written", async () => {
    const key = await importSessionKey('A'.repeat(43));
    const session = { sessionId: '0190a0b0-0000-7000-8000-0000000000aa', key };
    await openShift(db, TELLER_ID, { now, attest: (event) => attestRecord(event, session) });
    await recordShiftCommand(db, { type: 'pause' }, { now, attest: async () => TABLET_ATTESTATION });

    const [signedIn, paused] = await db.shiftEvents.orderBy('createdAt').toArray();
    const { attestation, ...content } = signedIn!;
    expect(attestation).toEqual(await attestRecord(content, session));
    expect(paused!.attestation).toEqual({ by: 'tablet' });
    expect((await db.outbox.toArray()).map((row) => row.record)).toEqual([signedIn, paused]);
  });

  it('given a closed window, when asked to pause, then it is refused and nothing is recorded', async () => {
    expect(await recordShiftCommand(db, { type: 'pause' }, { now })).toEqual({ ok: false, reason: 'illegal-transition', message: 'No teller is signed in: there is nothing to pause.' });
    expect(await db.outbox.count()).toBe(0);
  });

  it('given the shift changes on another tab while an event is being signed, then the command starts over from the new shift', async () => {
    await openShift(db, TELLER_ID, { now });
    let paused = false;
    const result = await recordShiftCommand(db, { type: 'sign-out' }, {
      now,
      attest: async () => {
        // The first time, another tab pauses the window meanwhile.
        if (!paused) {
          paused = true;
          await recordShiftCommand(db, { type: 'pause' }, { now });
        }
        return TABLET_ATTESTATION;
      },
    });
    expect(result).toMatchObject({ ok: true, value: { state: 'closed' } });
    expect((await db.shiftEvents.orderBy('createdAt').toArray()).map((e) => e.type)).toEqual(['signed-in', 'paused', 'signed-out']);
  });
});
