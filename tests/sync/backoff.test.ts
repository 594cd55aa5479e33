import { describe, expect, it } from 'vitest';
import { backoffDelay, MAX_BACKOFF_MS } from '../../src/sync/backoff.ts';

describe('backoffDelay', () => {
  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [9, 128_000, 256_000],
    [10, 150_000, 300_000],
    [50, 150_000, 300_000],
  ])('try %i waits between %i and %i ms', (attempt, low, high) => {
    expect(backoffDelay(attempt, () => 0)).toBe(low);
    expect(backoffDelay(attempt, () => 1)).toBe(high);
  });

  it('never waits longer than five minutes', () => {
    expect(MAX_BACKOFF_MS).toBe(300_000);
    for (let attempt = 1; attempt < 100; attempt++) expect(backoffDelay(attempt)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
  });
});
