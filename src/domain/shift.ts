import * as v from 'valibot';
import { AttestationSchema } from './attestation.ts';
import { EpochMsSchema, IdSchema, RecordIdSchema } from './ids.ts';

/**
 * What happened to a counter's shift, as a record the device pushes: the assessment must
 * know beyond doubt who was at the window when a rating was made.
 */
export const SHIFT_EVENT_TYPES = ['signed-in', 'paused', 'resumed', 'signed-out'] as const;
export type ShiftEventType = (typeof SHIFT_EVENT_TYPES)[number];

export const ShiftEventSchema = v.strictObject({
  kind: v.literal('shift'),
  id: RecordIdSchema,
  branchId: IdSchema,
  counterId: IdSchema,
  tellerId: IdSchema,
  signInId: RecordIdSchema,
  type: v.picklist(SHIFT_EVENT_TYPES),
  createdAt: EpochMsSchema,
  /** How the teller's PIN was checked (attestation.ts); absent on events made before it existed. */
  attestation: v.optional(AttestationSchema),
});
export type ShiftEvent = v.InferOutput<typeof ShiftEventSchema>;

/** Who is at the window; kept on the device so a restart mid-shift keeps the teller. */
export type Shift =
  | { state: 'closed' }
  | { state: 'open'; tellerId: string; signInId: string; since: number }
  | { state: 'paused'; tellerId: string; signInId: string; since: number };

export type ShiftCommand =
  | { type: 'sign-in'; tellerId: string; signInId: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'sign-out' };

export type ShiftResult = { ok: true; shift: Shift; event: ShiftEventType } | { ok: false; reason: 'illegal-transition'; message: string };

const illegal = (message: string): ShiftResult => ({ ok: false, reason: 'illegal-transition', message });

/**
 * The shift's state machine. Closed → open by a sign-in; open ⇄ paused (柜員離席, teller
 * away); open or paused → closed by sign-out. Ratings are possible only while open.
 */
export function applyShiftCommand(shift: Shift, command: ShiftCommand, now: number): ShiftResult {
  switch (command.type) {
    case 'sign-in':
      if (shift.state !== 'closed') return illegal('A teller is already signed in at this counter: sign out first.');
      return { ok: true, shift: { state: 'open', tellerId: command.tellerId, signInId: command.signInId, since: now }, event: 'signed-in' };
    case 'pause':
      if (shift.state !== 'open') return illegal(shift.state === 'paused' ? 'The window is already paused.' : 'No teller is signed in: there is nothing to pause.');
      return { ok: true, shift: { ...shift, state: 'paused', since: now }, event: 'paused' };
    case 'resume':
      if (shift.state !== 'paused') return illegal('The window is not paused.');
      return { ok: true, shift: { ...shift, state: 'open', since: now }, event: 'resumed' };
    case 'sign-out':
      if (shift.state === 'closed') return illegal('No teller is signed in.');
      return { ok: true, shift: { state: 'closed' }, event: 'signed-out' };
  }
}

/** Ratings are taken only while a teller is signed in and the window is not paused. */
export const canRate = (shift: Shift): shift is Extract<Shift, { state: 'open' }> => shift.state === 'open';
