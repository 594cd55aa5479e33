import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { recordRating, type RatingInput } from '../../src/store/ratings.ts';
import { BRANCH_ID, COUNTER_ID } from '../builders/rating.ts';

const input: RatingInput = { branchId: BRANCH_ID, counterId: COUNTER_ID, score: 'very-satisfied', reasons: [], language: 'zh-Hant' };
let db: BranchVoiceDB;

beforeEach(() => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
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
    const [row] = await db.outbox.toArray();
    expect(row).toMatchObject({ recordId: result.value.id, kind: 'rating', record: result.value, createdAt: 1_790_000_000_000 });
    expect(row?.bytes).toBe(JSON.stringify(result.value).length);
    expect(result.value.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('given the outbox write fails, when a rating is recorded, then neither row is kept', async () => {
    db.outbox.hook('creating', () => {
      throw new Error('disk said no');
    });
    await expect(recordRating(db, input)).rejects.toThrow('disk said no');
    expect(await db.ratings.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });

  it('given the same id twice, when recorded, then the second fails and nothing is doubled', async () => {
    const newId = () => '019ab000-0000-7000-8000-00000000000a';
    expect((await recordRating(db, input, { newId })).ok).toBe(true);
    await expect(recordRating(db, input, { newId })).rejects.toThrow();
    expect(await db.ratings.count()).toBe(1);
    expect(await db.outbox.count()).toBe(1);
  });

  it.each([
    ['an unknown score', { score: 'ecstatic' }, 'score: must be very-satisfied, satisfied, neutral or dissatisfied'],
    ['an unknown language', { language: 'fr' }, 'language: must be one of zh-Hans, zh-Hant, en, es'],
    ['a branch id that is not a UUID', { branchId: 'main-street' }, 'branchId: must be a lower-case UUID'],
  ])('given %s, when recorded, then it is refused with a reason and nothing is written', async (_, change, message) => {
    const result = await recordRating(db, { ...input, ...(change as Partial<RatingInput>) });
    expect(result).toEqual({ ok: false, reason: 'invalid-record', message });
    expect(await db.outbox.count()).toBe(0);
  });

  it('given a device clock far off, when recorded, then its time is kept as data', async () => {
    const result = await recordRating(db, input, { now: () => Date.UTC(2027, 10, 23) });
    expect(result.ok && result.value.createdAt).toBe(Date.UTC(2027, 10, 23));
  });
});
