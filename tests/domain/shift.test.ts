import { describe, expect, it } from 'vitest';
import { applyShiftCommand, canRate, type Shift, type ShiftCommand } from '../../src/domain/shift.ts';

const T = '0190a0b0-0000-7000-8000-000000000003';
const S = '0190a0b0-0000-7000-8000-000000000004';
const closed: Shift = { state: 'closed' };
const open: Shift = { state: 'open', tellerId: T, signInId: S, since: 1 };
const paused: Shift = { state: 'paused', tellerId: T, signInId: S, since: 2 };
const signIn: ShiftCommand = { type: 'sign-in', tellerId: T, signInId: S };

// Every state against every command: the legal ones and the exact refusal of the others.
describe('applyShiftCommand', () => {
  it.each([
    ['closed', closed, signIn, { state: 'open', tellerId: T, signInId: S, since: 10 }, 'signed-in'],
    ['open', open, { type: 'pause' }, { state: 'paused', tellerId: T, signInId: S, since: 10 }, 'paused'],
    ['paused', paused, { type: 'resume' }, { state: 'open', tellerId: T, signInId: S, since: 10 }, 'resumed'],
    ['open', open, { type: 'sign-out' }, { state: 'closed' }, 'signed-out'],
    ['paused', paused, { type: 'sign-out' }, { state: 'closed' }, 'signed-out'],
  ] as const)('given %s, %o is legal', (_, shift, command, next, event) => {
    expect(applyShiftCommand(shift, command, 10)).toEqual({ ok: true, shift: next, event });
  });

  it.each([
    ['closed', closed, { type: 'pause' }, 'No teller is signed in: there is nothing to pause.'],
    ['closed', closed, { type: 'resume' }, 'The window is not paused.'],
    ['closed', closed, { type: 'sign-out' }, 'No teller is signed in.'],
    ['open', open, signIn, 'A teller is already signed in at this counter: sign out first.'],
    ['open', open, { type: 'resume' }, 'The window is not paused.'],
    ['paused', paused, signIn, 'A teller is already signed in at this counter: sign out first.'],
    ['paused', paused, { type: 'pause' }, 'The window is already paused.'],
  ] as const)('given %s, %o is refused', (_, shift, command, message) => {
    expect(applyShiftCommand(shift, command, 10)).toEqual({ ok: false, reason: 'illegal-transition', message });
  });

  it.each([
    [closed, false],
    [open, true],
    [paused, false],
  ])('ratings in %o: %s', (shift, expected) => {
    expect(canRate(shift)).toBe(expected);
  });
});
