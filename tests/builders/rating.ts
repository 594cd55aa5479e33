import { uuidv7 } from 'uuidv7';
import { referenceCode, type Opinion } from '../../src/domain/opinion.ts';
import type { Rating } from '../../src/domain/rating.ts';
import type { ShiftEvent } from '../../src/domain/shift.ts';

/** Fixed ids so that records built in different tests agree on their branch, counter and teller. */
export const BRANCH_ID = '0190a0b0-0000-7000-8000-000000000001';
export const COUNTER_ID = '0190a0b0-0000-7000-8000-000000000002';
export const TELLER_ID = '0190a0b0-0000-7000-8000-000000000003';
export const SIGN_IN_ID = '0190a0b0-0000-7000-8000-000000000004';

/** A valid rating; pass only the fields a test is about. */
export function aRating(overrides: Partial<Rating> = {}): Rating {
  return {
    kind: 'rating',
    id: uuidv7(),
    branchId: BRANCH_ID,
    counterId: COUNTER_ID,
    tellerId: TELLER_ID,
    signInId: SIGN_IN_ID,
    score: 'satisfied',
    reasons: [],
    language: 'en',
    createdAt: Date.UTC(2026, 10, 23, 9, 30),
    ...overrides,
  };
}

/** A valid shift event (a sign-in unless told otherwise). */
export function aShiftEvent(overrides: Partial<ShiftEvent> = {}): ShiftEvent {
  return {
    kind: 'shift',
    id: uuidv7(),
    branchId: BRANCH_ID,
    counterId: COUNTER_ID,
    tellerId: TELLER_ID,
    signInId: SIGN_IN_ID,
    type: 'signed-in',
    createdAt: Date.UTC(2026, 10, 23, 9, 0),
    ...overrides,
  };
}

/** A valid anonymous opinion-box complaint; pass only the fields a test is about. */
export function anOpinion(overrides: Partial<Opinion> = {}): Opinion {
  return {
    kind: 'opinion',
    id: uuidv7(),
    branchId: BRANCH_ID,
    opinionKind: 'complaint',
    topicId: 'waiting',
    text: 'Only one window was open at lunchtime.',
    visit: null,
    contact: null,
    referenceCode: referenceCode(10, 1),
    language: 'en',
    createdAt: Date.UTC(2026, 10, 23, 12, 15),
    ...overrides,
  };
}
