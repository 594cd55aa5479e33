import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referencePrefixOf } from '../../src/domain/opinion.ts';
import { createDatabase, type BranchVoiceDB } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { getMeta } from '../../src/store/meta.ts';
import { recordOpinion, type OpinionInput } from '../../src/store/opinions.ts';
import { anEnrolledDevice, anEnrolledLobby, LOBBY_PREFIX } from '../builders/device.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../builders/rating.ts';

const anonymous: OpinionInput = {
  opinionKind: 'suggestion',
  topicId: 'premises',
  text: '  More seats by the window, please.  ',
  visit: null,
  contact: null,
  language: 'es',
};
const withContact: OpinionInput = {
  opinionKind: 'complaint',
  topicId: 'waiting',
  text: 'I waited forty minutes.',
  visit: { score: 'dissatisfied', counterId: COUNTER_ID, tellerId: TELLER_ID },
  contact: { name: 'Wang Fang', phone: '+86 138 0000 0000', email: '', wantsReply: true, consent: true },
  language: 'zh-Hans',
};

let db: BranchVoiceDB;
beforeEach(async () => {
  db = createDatabase(`test-${crypto.randomUUID()}`);
  await saveEnrollment(db, anEnrolledLobby());
});
afterEach(async () => {
  await db.delete();
});

describe('recordOpinion', () => {
  it('given a confirmed entry, then it is in the outbox whole, with the branch, a code of this tablet and the time', async () => {
    const result = await recordOpinion(db, withContact, { now: () => 1_790_000_000_000 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ ...withContact, kind: 'opinion', branchId: BRANCH_ID, createdAt: 1_790_000_000_000 });
    expect(referencePrefixOf(result.value.referenceCode)).toBe(LOBBY_PREFIX);
    const rows = await db.outbox.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ recordId: result.value.id, kind: 'opinion', record: result.value, bytes: JSON.stringify(result.value).length });
  });

  it('given text with spaces around it, then it is stored trimmed', async () => {
    const result = await recordOpinion(db, anonymous);
    expect(result.ok && result.value.text).toBe('More seats by the window, please.');
  });

  it('given three entries, then their codes follow the sequence and the sequence is kept', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await recordOpinion(db, anonymous);
      if (!result.ok) throw new Error(result.message);
      codes.push(result.value.referenceCode);
    }
    expect(codes).toEqual(['2E-2223', '2E-2224', '2E-2225']);
    expect(await getMeta(db, 'opinionSequence')).toBe(3);
  });

  it('given entries confirmed at once, then every one gets its own code', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => recordOpinion(db, anonymous)));
    const codes = results.map((r) => (r.ok ? r.value.referenceCode : r.reason));
    expect(new Set(codes).size).toBe(20);
    expect(await db.outbox.count()).toBe(20);
  });

  it.each([
    ['empty text', { text: '   ' }, 'text'],
    ['contact without consent', { contact: { name: 'A', phone: '', email: '', wantsReply: false, consent: false } }, 'contact.consent'],
    ['a phone that is not one', { contact: { name: '', phone: 'call me', email: '', wantsReply: true, consent: true } }, 'contact.phone'],
  ] as const)('given %s, then nothing is written and the sequence does not move', async (_, change, path) => {
    const result = await recordOpinion(db, { ...anonymous, ...change } as OpinionInput);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe('invalid-record');
    expect(!result.ok && result.message).toContain(path);
    expect(await db.outbox.count()).toBe(0);
    expect(await getMeta(db, 'opinionSequence')).toBeUndefined();
  });

  it('given a counter tablet, then it refuses: only the opinion box makes entries', async () => {
    await saveEnrollment(db, anEnrolledDevice());
    const result = await recordOpinion(db, anonymous);
    expect(!result.ok && result.reason).toBe('not-enrolled');
    expect(await db.outbox.count()).toBe(0);
  });

  it('given the outbox write fails, then the sequence is not spent', async () => {
    db.outbox.hook('creating', () => {
      throw new Error('disk said no');
    });
    await expect(recordOpinion(db, anonymous)).rejects.toThrow('disk said no');
    expect(await getMeta(db, 'opinionSequence')).toBeUndefined();
  });
});
