import { liveQuery } from 'dexie';
import { uuidv7 } from 'uuidv7';
import { applyShiftCommand, type Shift, type ShiftCommand, type ShiftEvent } from '../domain/shift.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { pinLockout, verifyPin, type PinAttempt } from '../domain/pin.ts';
import type { Teller } from '../domain/teller.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';
import { getMeta, setMeta } from './meta.ts';
import { withReconnect } from './reconnect.ts';

const CLOSED: Shift = { state: 'closed' };
/** Attempts kept: enough to know about the last lockout, no more. */
const KEEP_ATTEMPTS = 10;

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

export type SignInFailure = 'locked' | 'wrong-credentials' | ShiftFailure;

/**
 * Signs a teller in with staff number and PIN, checked offline against the pulled roster.
 * An unknown staff number counts as a failed attempt too, so the lockout cannot be dodged and
 * the screen does not tell which of the two was wrong.
 */
export async function signInTeller(
  db: BranchVoiceDB,
  credentials: { staffNumber: string; pin: string },
  options: ShiftOptions = {},
): Promise<Result<Teller, SignInFailure> & { lockedUntil?: number | null; failuresLeft?: number }> {
  const now = options.now ?? Date.now;
  const attempts = (await getMeta(db, 'pinAttempts')) ?? [];
  const before = pinLockout(attempts, now());
  if (before.locked) return { ...err('locked', 'Too many wrong PINs: sign-in is locked for a few minutes.'), lockedUntil: before.until };

  const config = await getMeta(db, 'config');
  const teller = config?.tellers.find((t) => t.staffNumber.toLowerCase() === credentials.staffNumber.trim().toLowerCase());
  // The hash is checked outside any IndexedDB transaction: WebCrypto's promise would let an
  // open transaction commit early.
  const matches = teller ? await verifyPin(credentials.pin, teller.pin) : false;
  const next = await appendPinAttempt(db, { at: now(), ok: matches });
  if (!teller || !matches) {
    const after = pinLockout(next, now());
    return { ...err('wrong-credentials', 'The staff number or the PIN is wrong.'), lockedUntil: after.until, failuresLeft: after.failuresLeft };
  }
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

/**
 * Adds an attempt to the list in one read-write transaction, so two wrong PINs submitted at
 * once are both counted: a read outside it would let the second overwrite the first.
 */
async function appendPinAttempt(db: BranchVoiceDB, attempt: PinAttempt): Promise<PinAttempt[]> {
  return db.transaction('rw', db.meta, async () => {
    const next = [...((await getMeta(db, 'pinAttempts')) ?? []), attempt].slice(-KEEP_ATTEMPTS);
    await setMeta(db, 'pinAttempts', next);
    return next;
  });
}
