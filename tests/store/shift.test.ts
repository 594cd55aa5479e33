import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PIN_LOCK_MS } from '../../src/domain/pin.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { checkShiftPin, loadShift, recordShiftCommand, signInTeller } from '../../src/store/shift.ts';
import { anEnrolledDevice, TELLER_PIN } from '../builders/device.ts';
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

describe('a teller shift on the tablet', () => {
  it('given the right staff number and PIN, when the teller signs in, then the window opens and the sign-in is a record to push', async () => {
    const result = await signInTeller(db, { staffNumber: ' 1001 ', pin: TELLER_PIN }, { now });
    expect(result.ok && result.value.id).toBe(TELLER_ID);
    const shift = await loadShift(db);
    expect(shift).toMatchObject({ state: 'open', tellerId: TELLER_ID, since: clock });
    const [event] = await db.shiftEvents.toArray();
    expect(event).toMatchObject({ kind: 'shift', type: 'signed-in', tellerId: TELLER_ID, signInId: shift.state === 'open' ? shift.signInId : '' });
    expect((await db.outbox.toArray()).map((r) => r.recordId)).toEqual([event!.id]);
  });

  it('given a wrong PIN or an unknown staff number, then it says which tries are left, without saying which was wrong', async () => {
    expect(await signInTeller(db, { staffNumber: '1001', pin: '0000' }, { now })).toMatchObject({ ok: false, reason: 'wrong-credentials', failuresLeft: 4 });
    expect(await signInTeller(db, { staffNumber: '9999', pin: TELLER_PIN }, { now })).toMatchObject({ ok: false, reason: 'wrong-credentials', failuresLeft: 3 });
    expect(await loadShift(db)).toEqual({ state: 'closed' });
  });

  it('given five wrong PINs, then sign-in locks, even for the right PIN and after a reload, until the lock time passes', async () => {
    for (let i = 0; i < 5; i++) await signInTeller(db, { staffNumber: '1001', pin: '1111' }, { now });
    const reopened = createDatabase(db.name);
    expect(await signInTeller(reopened, { staffNumber: '1001', pin: TELLER_PIN }, { now })).toMatchObject({ ok: false, reason: 'locked', lockedUntil: clock + PIN_LOCK_MS });
    reopened.close();
    clock += PIN_LOCK_MS;
    expect((await signInTeller(db, { staffNumber: '1001', pin: TELLER_PIN }, { now })).ok).toBe(true);
  });

  it('given two wrong PINs checked at the same moment, then both count towards the lockout', async () => {
    await Promise.all([signInTeller(db, { staffNumber: '1001', pin: '0000' }, { now }), signInTeller(db, { staffNumber: '1001', pin: '1111' }, { now })]);
    expect(await signInTeller(db, { staffNumber: '1001', pin: '2222' }, { now })).toMatchObject({ ok: false, failuresLeft: 2 });
  });

  it('given an open window, when paused, resumed and signed out, then each step is a record and the shift follows', async () => {
    await signInTeller(db, { staffNumber: '1001', pin: TELLER_PIN }, { now });
    for (const [type, state] of [['pause', 'paused'], ['resume', 'open'], ['sign-out', 'closed']] as const) {
      const result = await recordShiftCommand(db, { type }, { now });
      expect(result.ok && result.value.state).toBe(state);
    }
    expect((await db.shiftEvents.orderBy('createdAt').toArray()).map((e) => e.type)).toEqual(['signed-in', 'paused', 'resumed', 'signed-out']);
    expect(await db.outbox.count()).toBe(4);
  });

  it('given a closed window, when asked to pause, then it is refused and nothing is recorded', async () => {
    expect(await recordShiftCommand(db, { type: 'pause' }, { now })).toEqual({ ok: false, reason: 'illegal-transition', message: 'No teller is signed in: there is nothing to pause.' });
    expect(await db.outbox.count()).toBe(0);
  });

  it('given the staff menu, then only the PIN of the teller signed in opens it', async () => {
    await signInTeller(db, { staffNumber: '1001', pin: TELLER_PIN }, { now });
    expect((await checkShiftPin(db, '9999', now)).ok).toBe(false);
    expect((await checkShiftPin(db, TELLER_PIN, now)).ok).toBe(true);
  });
});
