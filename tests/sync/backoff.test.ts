import { describe, expect, it } from 'vitest';
import { backoffDelay, MAX_BACKOFF_MS, retryDelay } from '../../src/sync/backoff.ts';
import { retryAfterOf } from '../../src/sync/http.ts';

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

describe('a wait the server names (Retry-After)', () => {
  it.each([
    ['3', 3000],
    ['0', 0],
    [' 12 ', 12000],
    ['', undefined],
    ['soon', undefined],
    // Date.parse reads these as days in 2001: a past date, and a retry at once.
    ['1.5', undefined],
    ['-5', undefined],
  ])('reads Retry-After %j as %s ms', (header, ms) => {
    expect(retryAfterOf(header)).toBe(ms);
  });

  it('reads an HTTP date as the time until then', () => {
    const now = Date.UTC(2026, 10, 30, 17, 0, 0);
    expect(retryAfterOf('Mon, 30 Nov 2026 17:00:07 GMT', now)).toBe(7000);
    expect(retryAfterOf('Mon, 30 Nov 2026 16:59:00 GMT', now)).toBe(0);
  });

  it('waits what the server said, plus up to a tenth again, never past the cap; without it, the backoff', () => {
    expect(retryDelay(1, 2000, () => 0)).toBe(2000);
    expect(retryDelay(1, 2000, () => 1)).toBe(2200);
    expect(retryDelay(1, 250, () => 1)).toBe(275);
    expect(retryDelay(9, 2000, () => 0)).toBe(2000);
    expect(retryDelay(1, 3_600_000, () => 0)).toBe(MAX_BACKOFF_MS);
    expect(retryDelay(3, undefined, () => 0)).toBe(backoffDelay(3, () => 0));
  });
});
