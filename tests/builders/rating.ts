import { uuidv7 } from 'uuidv7';
import type { Rating } from '../../src/domain/rating.ts';

/** Fixed ids so that records built in different tests agree on their branch and counter. */
export const BRANCH_ID = '0190a0b0-0000-7000-8000-000000000001';
export const COUNTER_ID = '0190a0b0-0000-7000-8000-000000000002';

/** A valid rating; pass only the fields a test is about. */
export function aRating(overrides: Partial<Rating> = {}): Rating {
  return {
    kind: 'rating',
    id: uuidv7(),
    branchId: BRANCH_ID,
    counterId: COUNTER_ID,
    score: 'satisfied',
    reasons: [],
    language: 'en',
    createdAt: Date.UTC(2026, 10, 23, 9, 30),
    ...overrides,
  };
}
