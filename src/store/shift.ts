import { liveQuery } from 'dexie';
import { uuidv7 } from 'uuidv7';
import { applyShiftCommand, ShiftEventSchema, type Shift, type ShiftCommand, type ShiftEvent } from '../domain/shift.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { BranchVoiceDB } from './db.ts';
import { getMeta, setMeta } from './meta.ts';
import { attestedWith, readBeforeWrite, writeRecord, type StaffWriteOptions, type WriteFailure } from './write.ts';

const CLOSED: Shift = { state: 'closed' };

/**
 * What a shift command needs: when, ids, and how to sign the event as the member of staff's
 * session allows (sync/staff-session.ts); without `attest` the event carries no attestation,
 * the tablet's word.
 */
export type ShiftOptions = StaffWriteOptions<ShiftEvent>;

export type ShiftFailure = 'illegal-transition' | 'not-enrolled' | 'invalid-record' | WriteFailure;

/** The counter's shift as last recorded; closed on a new tablet. */
export async function loadShift(db: BranchVoiceDB): Promise<Shift> {
  return shiftFrom(await getMeta(db, 'shift'));
}

/** The shift from its stored value: closed when none was ever stored. */
export function shiftFrom(stored: Shift | undefined): Shift {
  return stored ?? CLOSED;
}

/** How many times a command is tried again when the shift changed (another tab) while it was signed. */
const ATTEMPTS = 3;

/**
 * Changes the shift (sign in, pause, resume, sign out) and records the event with its outbox
 * row, in one transaction: the shift on screen and the record pushed never disagree. The
 * event is made and signed first, outside the transaction, from the shift as read then; the
 * transaction writes it only if the shift is still that one, and otherwise the command
 * starts over.
 */
export async function recordShiftCommand(
  db: BranchVoiceDB,
  command: ShiftCommand,
  { now = Date.now, newId = uuidv7, attest, onFatal }: ShiftOptions = {},
): Promise<Result<Shift, ShiftFailure>> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const [config, current] = await readBeforeWrite(db, () => Promise.all([getMeta(db, 'config'), loadShift(db)]), onFatal);
    if (!config?.counter) return err('not-enrolled', 'This tablet is not enrolled at a counter.');
    const at = now();
    const next = applyShiftCommand(current, command, at);
    if (!next.ok) return next;
    const owner = next.shift.state === 'closed' ? current : next.shift;
    if (owner.state === 'closed') return err('illegal-transition', 'No teller is signed in.');
    const written = await writeRecord<ShiftEvent, 'shift-changed'>(db, {
      schema: ShiftEventSchema,
      draft: { kind: 'shift', id: newId(), branchId: config.branch.id, counterId: config.counter.id, tellerId: owner.tellerId, signInId: owner.signInId, type: next.event, createdAt: at },
      tables: [db.meta, db.shiftEvents],
      sign: attestedWith(attest),
      check: async () => (sameShift(await loadShift(db), current) ? ok(undefined) : err('shift-changed', 'The shift changed while the event was signed.')),
      save: (event) => Promise.all([db.shiftEvents.add(event), setMeta(db, 'shift', next.shift)]),
      onFatal,
    });
    if (written.ok) return ok(next.shift);
    if (written.reason !== 'shift-changed') return err(written.reason, written.message);
  }
  return err('illegal-transition', 'The window changed on another screen meanwhile; try again.');
}

const sameShift = (a: Shift, b: Shift): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Opens the window for a teller whose PIN was checked (sync/staff-session.ts): a sign-in with a fresh sign-in id. */
export function openShift(db: BranchVoiceDB, tellerId: string, options: ShiftOptions = {}): Promise<Result<Shift, ShiftFailure>> {
  return recordShiftCommand(db, { type: 'sign-in', tellerId, signInId: (options.newId ?? uuidv7)() }, options);
}

/** Emits the shift whenever it changes, in this tab or another. */
export const watchShift = (db: BranchVoiceDB) => liveQuery(() => loadShift(db));
