import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { aCaseEvent, aCaseId } from '../builders/case-event.ts';
import { anOpinion, aRating } from '../builders/rating.ts';
import { isStorableText } from '../../src/domain/text.ts';
import { SyncRecordSchema } from '../../src/domain/wire.ts';

describe('text a database keeps as it came', () => {
  it.each([
    ['plain text', 'The queue was long', true],
    ['Chinese, RTL marks and an emoji', '排隊太久 \u200f\u202eabc 😀', true],
    ['both normal forms of é', 'e\u0301 \u00e9', true],
    ['SQL-looking text', "'; drop table ratings; --", true],
    ['a tab and a newline', 'a\tb\nc', true],
    ['a NUL', 'a\u0000b', false],
    ['a high surrogate alone', 'a\ud83db', false],
    ['a low surrogate alone', 'a\ude00b', false],
    ['a high surrogate at the end', 'abc\ud83d', false],
    ['a pair the wrong way round', '\ude00\ud83d', false],
  ])('given %s, then storable is %s', (_, text, expected) => {
    expect(isStorableText(text)).toBe(expected);
  });

  it.each([
    ['an opinion text', anOpinion({ text: 'hi\u0000there' }), 'text'],
    ['a contact name', anOpinion({ contact: { name: 'Ana\ud800', phone: '', email: 'ana@example.com', wantsReply: true, consent: true } }), 'contact.name'],
    ['a contact e-mail', anOpinion({ contact: { name: '', phone: '', email: 'ana\u0000@example.com', wantsReply: true, consent: true } }), 'contact.email'],
    ['a reason', aRating({ score: 'neutral', reasons: ['queue\u0000'] }), 'reasons.0'],
    ['a case summary', { ...aCaseEvent('opened', aCaseId()), summary: 'rude\ud800' }, 'summary'],
  ])('given %s with a NUL or an unpaired surrogate, then the record is invalid and says where', (_, record, path) => {
    const parsed = v.safeParse(SyncRecordSchema, record);
    expect(parsed.success).toBe(false);
    expect(parsed.issues?.map((issue) => [v.getDotPath(issue), issue.message])).toContainEqual([path, 'must not contain NUL characters or unpaired surrogates']);
  });
});
