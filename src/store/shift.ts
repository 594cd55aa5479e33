import { liveQuery } from 'dexie';
import { uuidv7 } from 'uuidv7';
import type { Attestation } from '../domain/attestation.ts';
import { applyShiftCommand, type Shift, type ShiftCommand, type ShiftEvent } from '../domain/shift.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { BranchVoiceDB, OutboxRow } from './db.ts';
import { getMeta, setMeta } from './meta.ts';
import { withReconnect } from './reconnect.ts';
import { isQuotaExceeded, storageFull, type WriteFailure } from './write.ts';

const CLOSED: Shift = { state: 'closed' };

export interface ShiftOptions {
  now?: () => number;
  newId?: () => string;
  /**
   * Signs the event as the member of staff's session allows (sync/staff-session.ts); none:
   * the event carries no attestation, the tablet's word.
   */
  attest?: (event: ShiftEvent) => Promise<Attestation>;
}

export type ShiftFailure = 'illegal-transition' | 'not-enrolled' | WriteFailure;

/** The counter's shift as last recorded; closed on a new tablet. */
export async function loadShift(db: BranchVoiceDB): Promise<Shift> {
  return (await getMeta(db, 'shift')) ?? CLOSED;
}

/** How many times a command is tried again when the shift changed (another tab) while it was signed. */
const ATTEMPTS = 3;

/**
 * Changes the shift (sign in, pause, resume, sign out) and records the event with its outbox
 * row, in one transaction: the shift on screen and the record pushed never disagree. The
 * event is made and signed first, outside the transaction (WebCrypto's promise would let an
 * open IndexedDB transaction commit early), from the shift as read then; the transaction
 * writes it only if the shift is still that one, and otherwise the command starts over.
 */
export async function recordShiftCommand(
  db: BranchVoiceDB,
  command: ShiftCommand,
  { now = Date.now, newId = uuidv7, attest }: ShiftOptions = {},
): Promise<Result<Shift, ShiftFailure>> {
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [config, current] = [await getMeta(db, 'config'), await loadShift(db)];
      if (!config?.counter) return err('not-enrolled', 'This tablet is not enrolled at a counter.');
      const at = now();
      const next = applyShiftCommand(current, command, at);
      if (!next.ok) return next;
      const owner = next.shift.state === 'closed' ? current : next.shift;
      if (owner.state === 'closed') return err('illegal-transition', 'No teller is signed in.');
      const made: ShiftEvent = {
        kind: 'shift',
        id: newId(),
        branchId: config.branch.id,
        counterId: config.counter.id,
        tellerId: owner.tellerId,
        signInId: owner.signInId,
        type: next.event,
        createdAt: at,
      };
      const event: ShiftEvent = attest ? { ...made, attestation: await attest(made) } : made;
      const written = await withReconnect(db, () =>
        db.transaction('rw', db.meta, db.shiftEvents, db.outbox, async () => {
          if (!sameShift(await loadShift(db), current)) return false;
          await db.shiftEvents.add(event);
          await db.outbox.add({ recordId: event.id, kind: 'shift', record: event, bytes: JSON.stringify(event).length, createdAt: at } as OutboxRow);
          await setMeta(db, 'shift', next.shift);
          return true;
        }),
      );
      if (written) {
        db.storagePressure.relieved();
        return ok(next.shift);
      }
    }
    return err('illegal-transition', 'The window changed on another screen meanwhile; try again.');
  } catch (error) {
    // A full storage refuses the pause like a rating: staff are told, nothing is half-written.
    if (isQuotaExceeded(error)) return storageFull(db);
    throw error;
  }
}

const sameShift = (a: Shift, b: Shift): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Opens the window for a teller whose PIN was checked (sync/staff-session.ts): a sign-in with a fresh sign-in id. */
export function openShift(db: BranchVoiceDB, tellerId: string, options: ShiftOptions = {}): Promise<Result<Shift, ShiftFailure>> {
  return recordShiftCommand(db, { type: 'sign-in', tellerId, signInId: (options.newId ?? uuidv7)() }, options);
}

/** Emits the shift whenever it changes, in this tab or another. */
export const watchShift = (db: BranchVoiceDB) => liveQuery(() => loadShift(db));
