import { describe, expect, it } from 'vitest';
import type { PushResponse, PushResult } from '../../src/domain/wire.ts';
import type { OutboxRow } from '../../src/store/db.ts';
import { settlement } from '../../src/sync/push.ts';
import { aRating } from '../builders/rating.ts';

const rows: OutboxRow[] = [1, 2, 3].map((seq) => {
  const record = aRating();
  return { seq, recordId: record.id, kind: 'rating', record, bytes: 200, createdAt: record.createdAt };
});
const [a, b, c] = rows as [OutboxRow, OutboxRow, OutboxRow];
const answer = (results: unknown[]): PushResponse => ({ results: results as PushResult[], serverTime: 0, configVersion: 1 });
const TAKEN_MESSAGE = "id: … is held by the server for another device's rating; send this rating again under a new id";
const CHANGED_MESSAGE = 'id: this device sent another rating under … before, and the server keeps that one; this one differs and was not stored';

describe('settlement: pairing the answers with the rows sent', () => {
  it.each<[string, unknown[], unknown]>([
    ['all accepted', [{ id: a.recordId, status: 'accepted' }, { id: b.recordId, status: 'accepted' }, { id: c.recordId, status: 'accepted' }], { acknowledged: [1, 2, 3], rejected: [], taken: [] }],
    [
      'one rejected, one taken, one changed re-send',
      [
        { id: a.recordId, status: 'rejected', reason: 'wrong-counter', message: 'not this counter' },
        { id: b.recordId, status: 'conflict', reason: 'id-taken', message: TAKEN_MESSAGE },
        { id: c.recordId, status: 'conflict', reason: 'changed-resend', message: CHANGED_MESSAGE },
      ],
      { acknowledged: [], rejected: [{ seq: 1, reason: 'wrong-counter', message: 'not this counter' }, { seq: 3, reason: 'changed-resend', message: CHANGED_MESSAGE }], taken: [2] },
    ],
    [
      'a conflict of a reason this app does not know: kept for staff as a rejection is',
      [{ id: a.recordId, status: 'accepted' }, { id: b.recordId, status: 'conflict', reason: 'held-elsewhere', message: 'a newer reason' }, { id: c.recordId, status: 'accepted' }],
      { acknowledged: [1, 3], rejected: [{ seq: 2, reason: 'held-elsewhere', message: 'a newer reason' }], taken: [] },
    ],
    ['a rejection without an id (the record had none the server could read)', [{ id: null, status: 'rejected', reason: 'invalid-record', message: 'id: missing' }, { id: b.recordId, status: 'accepted' }, { id: c.recordId, status: 'accepted' }], { acknowledged: [2, 3], rejected: [{ seq: 1, reason: 'invalid-record', message: 'id: missing' }], taken: [] }],
  ])('given %s, then the rows settle so', (_, results, expected) => {
    expect(settlement(rows, answer(results))).toEqual({ ok: true, value: expected });
  });

  it.each<[string, PushResponse, string]>([
    ['no answer at all', null as unknown as PushResponse, 'The server answered a push without results.'],
    ['no results', { serverTime: 0, configVersion: 1 } as unknown as PushResponse, 'The server answered a push without results.'],
    // As many answers as rows, but one of them empty: JSON's null where a result should be.
    ['an empty answer among them', answer([{ id: a.recordId, status: 'accepted' }, null, { id: c.recordId, status: 'accepted' }]), `The server gave no result for record ${b.recordId}.`],
    ['too few results', answer([{ id: a.recordId, status: 'accepted' }]), 'The server answered 1 results for 3 records.'],
    ['another id acknowledged', answer([{ id: b.recordId, status: 'accepted' }, { id: b.recordId, status: 'accepted' }, { id: c.recordId, status: 'accepted' }]), `The server acknowledged ${b.recordId} in place of ${a.recordId}.`],
    [
      'a conflict for another id',
      answer([{ id: a.recordId, status: 'accepted' }, { id: c.recordId, status: 'conflict', reason: 'id-taken', message: TAKEN_MESSAGE }, { id: c.recordId, status: 'accepted' }]),
      `The server answered a conflict for ${c.recordId} in place of ${b.recordId}.`,
    ],
  ])('given %s, then it is a bad response and nothing settles', (_, response, message) => {
    expect(settlement(rows, response)).toEqual({ ok: false, reason: 'bad-response', message });
  });
});
