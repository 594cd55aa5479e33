import type { Score } from '../../src/domain/rating.ts';
import type { BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { setMeta } from '../../src/store/meta.ts';
import { recordRating } from '../../src/store/ratings.ts';
import { anEnrolledDevice } from '../builders/device.ts';
import { BRANCH_ID, COUNTER_ID, SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';

/**
 * A tablet enrolled at the builders' counter with the window open for TELLER_ID. The shift is
 * set directly, with no sign-in record, so that the outbox holds only what a test adds.
 */
export async function givenOpenCounter(db: BranchVoiceDB): Promise<void> {
  await saveEnrollment(db, anEnrolledDevice());
  await setMeta(db, 'shift', { state: 'open', tellerId: TELLER_ID, signInId: SIGN_IN_ID, since: Date.UTC(2026, 10, 23, 9) });
}

/** Records `count` ratings through the store function, as taps at the open counter would. */
export async function givenRatings(db: BranchVoiceDB, count: number, options: { counterId?: string; start?: number; score?: (i: number) => Score } = {}): Promise<void> {
  for (let i = 0; i < count; i++) {
    const at = (options.start ?? Date.UTC(2026, 10, 23, 9, 30)) + i;
    const result = await recordRating(
      db,
      { branchId: BRANCH_ID, counterId: options.counterId ?? COUNTER_ID, tellerId: TELLER_ID, signInId: SIGN_IN_ID, score: options.score?.(i) ?? 'satisfied', reasons: [], language: 'en' },
      { now: () => at },
    );
    if (!result.ok) throw new Error(result.message);
  }
}
