import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { uuidv7 } from 'uuidv7';
import {
  charactersLeft,
  checkOpinionDraft,
  OpinionSchema,
  REFERENCE_ALPHABET,
  referenceCode,
  type OpinionDraft,
  type OpinionProblem,
} from '../../src/domain/opinion.ts';
import en from '../../src/locales/lobby/en.json';
import es from '../../src/locales/lobby/es.json';
import zhHans from '../../src/locales/lobby/zh-Hans.json';
import zhHant from '../../src/locales/lobby/zh-Hant.json';
import { BRANCH_ID } from '../builders/rating.ts';

const draft = (overrides: Partial<OpinionDraft> = {}): OpinionDraft => ({ text: 'The queue was long.', name: '', phone: '', email: '', wantsReply: false, consent: false, ...overrides });

describe('checkOpinionDraft', () => {
  it.each<[string, Partial<OpinionDraft>, OpinionProblem[]]>([
    ['an anonymous entry', {}, []],
    ['no text', { text: '   ' }, [{ field: 'text', code: 'text-empty' }]],
    ['2,001 characters', { text: '意'.repeat(2001) }, [{ field: 'text', code: 'text-too-long' }]],
    ['2,000 characters', { text: '意'.repeat(2000) }, []],
    ['a phone and consent', { phone: '+86 138-0013-8000', consent: true, wantsReply: true }, []],
    ['a bad phone', { phone: '12ab', consent: true }, [{ field: 'phone', code: 'phone-format' }]],
    ['a bad e-mail', { email: 'li@example', consent: true }, [{ field: 'email', code: 'email-format' }]],
    ['a reply wanted with no way to reply', { wantsReply: true }, [{ field: 'contact', code: 'contact-needed-for-reply' }]],
    ['a name without consent', { name: 'Li' }, [{ field: 'consent', code: 'consent-required' }]],
    ['an e-mail without consent', { email: 'li@example.com' }, [{ field: 'consent', code: 'consent-required' }]],
    ['everything wrong at once', { text: '', phone: 'x', wantsReply: true }, [
      { field: 'text', code: 'text-empty' },
      { field: 'phone', code: 'phone-format' },
      { field: 'consent', code: 'consent-required' },
    ]],
  ])('given %s', (_, overrides, problems) => {
    expect(checkOpinionDraft(draft(overrides))).toEqual(problems);
  });

  it('counts what is left in characters a customer sees, not UTF-16 units', () => {
    expect(charactersLeft('意見😀')).toBe(1997);
  });

  // Every problem the check can raise has a message in each language the customer can pick.
  it.each([
    ['en', en],
    ['es', es],
    ['zh-Hans', zhHans],
    ['zh-Hant', zhHant],
  ] as const)('in %s, every problem has a message', (_, locale) => {
    const codes = ['text-empty', 'text-too-long', 'phone-format', 'email-format', 'contact-needed-for-reply', 'consent-required'] as const;
    for (const code of codes) expect(locale.opinion.errors[code], code).toMatch(/\S/);
  });
});

describe('referenceCode', () => {
  it('given 10 tablets of a branch making 10,000 entries each, then the 100,000 codes never collide', () => {
    const codes = new Set<string>();
    for (let device = 0; device < 10; device++) for (let n = 0; n < 10_000; n++) codes.add(referenceCode(device * 37, n));
    expect(codes.size).toBe(100_000);
  });

  it('uses no character that can be mistaken for another', () => {
    for (const ambiguous of '018BILOSUV') expect(REFERENCE_ALPHABET).not.toContain(ambiguous);
    expect(referenceCode(0, 0)).toBe('22-2222');
    expect(referenceCode(675, 26 ** 4)).toBe('ZZ-32222');
  });

  it.each([
    [-1, 0],
    [676, 0],
    [0, -1],
    [0, 1.5],
  ])('refuses prefix %d and sequence %d', (prefix, sequence) => {
    expect(() => referenceCode(prefix, sequence)).toThrow(RangeError);
  });
});

describe('OpinionSchema', () => {
  const anOpinion = (overrides: Record<string, unknown> = {}) => ({
    kind: 'opinion',
    id: uuidv7(),
    branchId: BRANCH_ID,
    opinionKind: 'complaint',
    topicId: 'waiting-time',
    text: '  The queue was long.  ',
    visit: null,
    contact: null,
    referenceCode: referenceCode(3, 41),
    language: 'zh-Hant',
    createdAt: Date.UTC(2026, 10, 23, 10),
    ...overrides,
  });

  it('given an anonymous complaint, then it is valid and its text is trimmed', () => {
    const parsed = v.safeParse(OpinionSchema, anOpinion());
    expect(parsed.success && parsed.output.text).toBe('The queue was long.');
  });

  it.each([
    ['contact without consent', { contact: { name: 'Li', phone: '13800138000', email: '', wantsReply: true, consent: false } }, 'contact.consent: consent to be contacted is required with contact details'],
    ['an unknown kind', { opinionKind: 'rant' }, 'opinionKind: must be complaint, suggestion, praise or question'],
    ['empty text', { text: '   ' }, 'text: must not be empty'],
    ['a made-up reference', { referenceCode: 'AB1-0' }, 'referenceCode: must be a reference code'],
  ])('given %s, then it is refused with a reason', (_, overrides, message) => {
    const parsed = v.safeParse(OpinionSchema, anOpinion(overrides));
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.issues.map((i) => `${v.getDotPath(i)}: ${i.message}`)).toContain(message);
  });
});
