import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../src/server/content-hash.ts';
import { aCaseEvent, aCaseId } from '../builders/case-event.ts';
import { aRating } from '../builders/rating.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the content hash of a pushed record', () => {
  it('given a record, then it is sha256 (hex) of its canonical JSON', () => {
    expect(contentHash({ kind: 'rating', id: 'r', score: 'neutral' })).toBe(sha256('{"id":"r","kind":"rating","score":"neutral"}'));
  });

  it('given the same record with its keys in another order, then the hash is the same', () => {
    const rating = aRating();
    const reordered = Object.fromEntries(Object.entries(rating).reverse());
    expect(contentHash(reordered)).toBe(contentHash(rating));
  });

  it('given a staff-made record with and without a signature, then the hash is the same: the signature is not its content', () => {
    const event = aCaseEvent('restated', aCaseId());
    const signed = { ...event, attestation: { by: 'server' as const, sessionId: aCaseId(), proof: 'A'.repeat(43) } };
    expect(contentHash(signed)).toBe(contentHash(event));
    expect(contentHash({ ...event, attestation: { by: 'tablet' as const } })).toBe(contentHash(event));
  });

  it.each([
    ['its score', { score: 'dissatisfied' as const }],
    ['its reasons', { reasons: ['waiting-time'] }],
    ['its time', { createdAt: Date.UTC(2026, 10, 23, 9, 31) }],
  ])('given a rating that differs only in %s, then the hash differs', (_, change) => {
    const rating = aRating();
    expect(contentHash({ ...rating, ...change })).not.toBe(contentHash(rating));
  });
});
