import { liveQuery } from 'dexie';
import { uuidv7 } from 'uuidv7';
import { applyShiftCommand, type Shift, type ShiftCommand, type ShiftEvent } from '../domain/shift.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { pinLockout, verifyPin } from '../domain/pin.ts';
import type { Teller } from '../domain/teller.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';
import { getMeta, setMeta } from './meta.ts';
import { withReconnect } from './reconnect.ts';
import { appendPinAttempt, checkStaffCredentials, type StaffCheckFailure } from './staff.ts';

const CLOSED: Shift = { state: 'closed' };

export interface ShiftOptions {
  now?: () => number;
  newId?: () => string;
}

export type ShiftFailure = 'illegal-transition' | 'not-enrolled';

/** The counter's shift as last recorded; closed on a new tablet. */
export async function loadShift(db: BranchVoiceDB): Promise<Shift> {
  return (await getMeta(db, 'shift')) ?? CLOSED;
}

/**
 * Changes the shift (sign in, pause, resume, sign out) and records the event with its outbox
 * row, all in one transaction: the shift on screen and the record pushed never disagree.
 */
export async function recordShiftCommand(
  db: BranchVoiceDB,
  command: ShiftCommand,
  { now = Date.now, newId = uuidv7 }: ShiftOptions = {},
): Promise<Result<Shift, ShiftFailure>> {
  return withReconnect(db, () =>
    db.transaction('rw', db.meta, db.shiftEvents, db.outbox, async (): Promise<Result<Shift, ShiftFailure>> => {
      const [config, current] = [await getMeta(db, 'config'), (await getMeta(db, 'shift')) ?? CLOSED];
      if (!config?.counter) return err('not-enrolled', 'This tablet is not enrolled at a counter.');
      const at = now();
      const next = applyShiftCommand(current, command, at);
      if (!next.ok) return next;
      const owner = next.shift.state === 'closed' ? current : next.shift;
      if (owner.state === 'closed') return err('illegal-transition', 'No teller is signed in.');
      const event: ShiftEvent = {
        kind: 'shift',
        id: newId(),
        branchId: config.branch.id,
        counterId: config.counter.id,
        tellerId: owner.tellerId,
        signInId: owner.signInId,
        type: next.event,
        createdAt: at,
      };
      await db.shiftEvents.add(event);
      await db.outbox.add({ recordId: event.id, kind: 'shift', record: event, bytes: JSON.stringify(event).length, createdAt: at } as OutboxRow);
      await setMeta(db, 'shift', next.shift);
      return ok(next.shift);
    }),
  );
}

export type SignInFailure = StaffCheckFailure | ShiftFailure;

/** Signs a teller in with staff number and PIN, checked offline (staff.ts), and opens the window. */
export async function signInTeller(
  db: BranchVoiceDB,
  credentials: { staffNumber: string; pin: string },
  options: ShiftOptions = {},
): Promise<Result<Teller, SignInFailure> & { lockedUntil?: number | null; failuresLeft?: number }> {
  const checked = await checkStaffCredentials(db, credentials, options.now);
  if (!checked.ok) return checked;
  const teller = checked.value;
  const opened = await recordShiftCommand(db, { type: 'sign-in', tellerId: teller.id, signInId: (options.newId ?? uuidv7)() }, options);
  return opened.ok ? ok(teller) : opened;
}

/**
 * Checks the PIN of the teller signed in, for the staff menu behind the kiosk lock; wrong
 * PINs count towards the same lockout as sign-in.
 */
export async function checkShiftPin(db: BranchVoiceDB, pin: string, now: () => number = Date.now): Promise<Result<Teller, 'locked' | 'wrong-credentials' | 'closed'>> {
  const [shift, config, attempts] = [await loadShift(db), await getMeta(db, 'config'), (await getMeta(db, 'pinAttempts')) ?? []];
  if (pinLockout(attempts, now()).locked) return err('locked', 'Too many wrong PINs: sign-in is locked for a few minutes.');
  if (shift.state === 'closed') return err('closed', 'No teller is signed in.');
  const teller = config?.tellers.find((t) => t.id === shift.tellerId);
  const matches = teller ? await verifyPin(pin, teller.pin) : false;
  await appendPinAttempt(db, { at: now(), ok: matches });
  return teller && matches ? ok(teller) : err('wrong-credentials', 'The PIN is wrong.');
}

/** Emits the shift whenever it changes, in this tab or another. */
export const watchShift = (db: BranchVoiceDB) => liveQuery(() => loadShift(db));
