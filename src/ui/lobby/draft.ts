import { CONSENT_VERSION } from '../../domain/consent.ts';
import type { Language } from '../../domain/language.ts';
import { checkOpinionDraft, type OpinionKind, type OpinionProblem } from '../../domain/opinion.ts';
import type { Score } from '../../domain/rating.ts';
import type { OpinionInput } from '../../store/opinions.ts';

/** The steps of one entry, in order. */
export const STEPS = ['language', 'kind', 'topic', 'text', 'visit', 'contact', 'review'] as const;
export type Step = (typeof STEPS)[number];

/**
 * One customer's entry while they write it. It lives only in the flow's component state:
 * never in storage, and gone with the component when the entry ends or is abandoned.
 */
export interface Draft {
  kind: OpinionKind | null;
  topicId: string | null;
  text: string;
  visitScore: Score | null;
  visitCounterId: string | null;
  visitTellerId: string | null;
  name: string;
  phone: string;
  email: string;
  wantsReply: boolean;
  consent: boolean;
}

export const EMPTY_DRAFT: Draft = {
  kind: null,
  topicId: null,
  text: '',
  visitScore: null,
  visitCounterId: null,
  visitTellerId: null,
  name: '',
  phone: '',
  email: '',
  wantsReply: false,
  consent: false,
};

/** The problems a step must clear before the customer moves on: each step checks its own fields. */
export function problemsOf(draft: Draft, step: 'text' | 'contact' | 'review'): OpinionProblem[] {
  const all = checkOpinionDraft(draft);
  if (step === 'review') return all;
  return all.filter((p) => (step === 'text' ? p.field === 'text' : p.field !== 'text'));
}

/** The step where a problem is fixed. */
export const stepOf = (problem: OpinionProblem): Step => (problem.field === 'text' ? 'text' : 'contact');

export const hasVisit = (d: Draft): boolean => d.visitScore !== null || d.visitCounterId !== null || d.visitTellerId !== null;
/**
 * Whether the customer filled in any contact field, a name alone included: the draft then
 * carries contact details (and needs consent). Not the domain's hasContact, which asks whether
 * the bank has a way to reply (a phone or an e-mail).
 */
export const hasContactFields = (d: Draft): boolean => Boolean(d.name.trim() || d.phone.trim() || d.email.trim());

/** The entry as the store takes it: contact only when given (and then with consent). */
export function toOpinionInput(draft: Draft, language: Language): OpinionInput | null {
  if (!draft.kind || !draft.topicId) return null;
  return {
    opinionKind: draft.kind,
    topicId: draft.topicId,
    text: draft.text,
    visit: hasVisit(draft) ? { score: draft.visitScore, counterId: draft.visitCounterId, tellerId: draft.visitTellerId } : null,
    contact: hasContactFields(draft)
      ? { name: draft.name.trim(), phone: draft.phone.trim(), email: draft.email.trim(), wantsReply: draft.wantsReply, consent: draft.consent as true, consentVersion: CONSENT_VERSION }
      : null,
    language,
  };
}
