import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { recordRating, type RatingInput } from '../../src/store/ratings.ts';
import { recordShiftCommand } from '../../src/store/shift.ts';
import { anEnrolledDevice } from '../builders/device.ts';
import { BRANCH_ID, COUNTER_ID, SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';

const input: RatingInput = { branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID, signInId: SIGN_IN_ID, score: 'very-satisfied', reasons: [], language: 'zh-Hant' };
let db: BranchVoiceDB;

beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await saveEnrollment(db, anEnrolledDevice());
  await recordShiftCommand(db, { type: 'sign-in', tellerId: TELLER_ID, signInId: SIGN_IN_ID });
});
afterEach(async () => {
  await db.delete();
});

describe('recordRating', () => {
  it('given a tap, when it is recorded, then the rating and its outbox row exist together', async () => {
    const result = await recordRating(db, input, { now: () => 1_790_000_000_000 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(await db.ratings.toArray()).toEqual([result.value]);
    const row = (await db.outbox.toArray()).find((r) => r.kind === 'rating');
    expect(row).toMatchObject({ recordId: result.value.id, kind: 'rating', record: result.value, createdAt: 1_790_000_000_000 });
    expect(row?.bytes).toBe(JSON.stringify(result.value).length);
    expect(result.value.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it.each([
    ['paused', [{ type: 'pause' }]],
    ['closed', [{ type: 'sign-out' }]],
  ] as const)('given the window is %s, when a rating comes, then it is refused and nothing is written', async (_, commands) => {
    for (const command of commands) await recordShiftCommand(db, command);
    const before = await db.outbox.count();
    expect(await recordRating(db, input)).toEqual({ ok: false, reason: 'counter-closed', message: 'The window is closed or paused: no rating is taken.' });
    expect(await db.ratings.count()).toBe(0);
    expect(await db.outbox.count()).toBe(before);
  });

  it('given a rating for another sign-in than the one open, then it is refused', async () => {
    const result = await recordRating(db, { ...input, signInId: '0190a0b0-0000-7000-8000-0000000000aa' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe('counter-closed');
  });

  it('given the outbox write fails, when a rating is recorded, then neither row is kept', async () => {
    db.outbox.hook('creating', () => {
      throw new Error('disk said no');
    });
    await expect(recordRating(db, input)).rejects.toThrow('disk said no');
    expect(await db.ratings.count()).toBe(0);
    expect(await db.outbox.count()).toBe(1);
  });

  it('given the same id twice, when recorded, then the second fails and nothing is doubled', async () => {
    const newId = () => '019ab000-0000-7000-8000-00000000000a';
    expect((await recordRating(db, input, { newId })).ok).toBe(true);
    await expect(recordRating(db, input, { newId })).rejects.toThrow();
    expect(await db.ratings.count()).toBe(1);
    expect(await db.outbox.count()).toBe(2);
  });

  it.each([
    ['an unknown score', { score: 'ecstatic' }, 'score: must be very-satisfied, satisfied, neutral or dissatisfied'],
    ['an unknown language', { language: 'fr' }, 'language: must be one of zh-Hans, zh-Hant, en, es'],
    ['a branch id that is not a UUID', { branchId: 'main-street' }, 'branchId: must be a lower-case UUID'],
  ])('given %s, when recorded, then it is refused with a reason and nothing is written', async (_, change, message) => {
    const result = await recordRating(db, { ...input, ...(change as Partial<RatingInput>) });
    expect(result).toEqual({ ok: false, reason: 'invalid-record', message });
    expect(await db.ratings.count()).toBe(0);
  });

  it('given a device clock far off, when recorded, then its time is kept as data', async () => {
    const result = await recordRating(db, input, { now: () => Date.UTC(2027, 10, 23) });
    expect(result.ok && result.value.createdAt).toBe(Date.UTC(2027, 10, 23));
  });
});
