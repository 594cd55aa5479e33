import { describe, expect, it } from 'vitest';
import { entryState, hasContact, needsCase } from '../../src/domain/review.ts';
import { anOpinion } from '../builders/rating.ts';

const CONTACT = { name: 'Ana', phone: '+34 600 000 000', email: '', wantsReply: false, consent: true } as const;

describe('daily review: when an opinion-box entry is closed', () => {
  it('given a praise without contact, then reading it closes it', () => {
    const praise = anOpinion({ opinionKind: 'praise', contact: null });
    expect(needsCase(praise)).toBe(false);
    expect(entryState(praise, false, null)).toBe('unread');
    expect(entryState(praise, true, null)).toBe('closed');
  });

  it('given a complaint, then it needs a case once read, and a case closes it when there is no contact', () => {
    const complaint = anOpinion({ opinionKind: 'complaint', contact: null });
    expect(entryState(complaint, true, null)).toBe('needs-case');
    expect(entryState(complaint, true, 'open')).toBe('closed');
  });

  it('given an entry with contact details, then it cannot be closed without a reply', () => {
    const suggestion = anOpinion({ opinionKind: 'suggestion', contact: { ...CONTACT } });
    expect(hasContact(suggestion)).toBe(true);
    expect(entryState(suggestion, true, null)).toBe('awaiting-reply');
    expect(entryState(suggestion, true, 'open')).toBe('awaiting-reply');
    expect(entryState(suggestion, true, 'escalated')).toBe('awaiting-reply');
    expect(entryState(suggestion, true, 'replied')).toBe('closed');
    expect(entryState(suggestion, true, 'signed-off')).toBe('closed');
  });

  it('given a customer who wants a reply, then the entry needs a case before anything else', () => {
    const question = anOpinion({ opinionKind: 'question', contact: { ...CONTACT, wantsReply: true } });
    expect(needsCase(question)).toBe(true);
    expect(entryState(question, true, null)).toBe('needs-case');
  });
});
