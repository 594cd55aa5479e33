import { describe, expect, it } from 'vitest';
import type { PushResult } from '../../../src/domain/wire.ts';
import type { HeldRecord } from '../../../src/server/repositories/pushed-records.ts';
import { answerClaims, judgeIds, judgeInserted, type SentRecord } from '../../../src/server/services/push-answers.ts';

const X = '0190a0b0-0000-7000-8000-00000000aa01';
const Y = '0190a0b0-0000-7000-8000-00000000aa02';
const A = 'device-a';
const B = 'device-b';

const sent = (id: string, deviceId: string, contentHash: string): SentRecord => ({ id, deviceId, contentHash });
const held = (entries: [string, HeldRecord][] = []): Map<string, HeldRecord> => new Map(entries);

const TAKEN = {
  id: X,
  status: 'conflict',
  reason: 'id-taken',
  message: `id: ${X} is held by the server for another device's rating; send this rating again under a new id`,
};
const CHANGED = {
  id: X,
  status: 'conflict',
  reason: 'changed-resend',
  message: `id: this device sent another rating under ${X} before, and the server keeps that one; this one differs and was not stored`,
};
const CHANGED_IN_PUSH = {
  id: X,
  status: 'conflict',
  reason: 'changed-resend',
  message: `id: this push carries two different ratings under ${X}; the server keeps the first, and this one was not stored`,
};

describe('judging the ids of a push', () => {
  it.each<[string, SentRecord[], Map<string, HeldRecord>, unknown[]]>([
    ['a new id', [sent(X, A, 'h1')], held(), [{ status: 'fresh' }]],
    ['a re-send: the same device and content', [sent(X, A, 'h1')], held([[X, { deviceId: A, contentHash: 'h1' }]]), [{ status: 'accepted' }]],
    ['a row from before content hashes, from the same device', [sent(X, A, 'h2')], held([[X, { deviceId: A, contentHash: null }]]), [{ status: 'accepted' }]],
    ['the id held for another device, other content', [sent(X, B, 'h2')], held([[X, { deviceId: A, contentHash: 'h1' }]]), [TAKEN]],
    ['the id held for another device, the very same content (a cloned tablet)', [sent(X, B, 'h1')], held([[X, { deviceId: A, contentHash: 'h1' }]]), [TAKEN]],
    ['the id held for another device by a row from before content hashes', [sent(X, B, 'h1')], held([[X, { deviceId: A, contentHash: null }]]), [TAKEN]],
    ['other content under an id this device used before', [sent(X, A, 'h2')], held([[X, { deviceId: A, contentHash: 'h1' }]]), [CHANGED]],
    ['one record twice in one push', [sent(X, A, 'h1'), sent(X, A, 'h1')], held(), [{ status: 'fresh' }, { status: 'accepted' }]],
    ['two records under one id in one push', [sent(X, A, 'h1'), sent(X, A, 'h2')], held(), [{ status: 'fresh' }, CHANGED_IN_PUSH]],
    ['a held id twice in one push, the second changed', [sent(X, A, 'h1'), sent(X, A, 'h2')], held([[X, { deviceId: A, contentHash: 'h1' }]]), [{ status: 'accepted' }, CHANGED]],
    ['a taken id and then a new one', [sent(X, B, 'h1'), sent(Y, B, 'h3')], held([[X, { deviceId: A, contentHash: 'h1' }]]), [TAKEN, { status: 'fresh' }]],
  ])('given %s, then the claims are as expected', (_, records, before, expected) => {
    expect(judgeIds('rating', records, before)).toEqual(expected);
  });

  it('given ids an insert stored and ids it skipped, then the stored are accepted and the skipped judged by what is held', () => {
    const claims = judgeInserted('rating', [sent(X, B, 'h1'), sent(Y, B, 'h3'), sent(Y, B, 'h4')], new Set([Y]), held([[X, { deviceId: A, contentHash: 'h1' }]]));
    expect(claims).toEqual([TAKEN, { status: 'accepted' }, { ...CHANGED_IN_PUSH, id: Y, message: CHANGED_IN_PUSH.message.replace(X, Y) }]);
  });

  it('given an id the insert skipped that is not held either, then it is a bug, never an answer', () => {
    expect(() => judgeInserted('rating', [sent(X, A, 'h1')], new Set(), held())).toThrow(`ingest: the rating ${X} was neither stored nor found held`);
  });
});

describe('answering a push with its claims', () => {
  const accepted = (id: string): PushResult => ({ id, status: 'accepted' });
  const rejected: PushResult = { id: null, status: 'rejected', reason: 'invalid-record', message: 'kind: has an unknown kind' };

  it('given claims by kind, then each accepted record gets the next claim of its kind, in order, and rejections stay', () => {
    const results = [accepted(X), rejected, accepted(Y), accepted(X)];
    const answer = answerClaims(results, ['rating', null, 'shift', 'rating'], { rating: [{ status: 'accepted' }, CHANGED_IN_PUSH as never], shift: [{ status: 'accepted' }] });
    expect(answer).toEqual([accepted(X), rejected, accepted(Y), CHANGED_IN_PUSH]);
  });

  it.each([
    ['a kind without claims', { rating: [] }, 'ingest: no claim judged for record 0 (rating)'],
    ['a claim left fresh', { rating: [{ status: 'fresh' as const }] }, 'ingest: no claim judged for record 0 (rating)'],
  ])('given %s, then it is a bug, never an answer', (_, claims, message) => {
    expect(() => answerClaims([accepted(X)], ['rating'], claims)).toThrow(message);
  });
});
