import * as v from 'valibot';
import { EpochMsSchema, IdSchema, RecordIdSchema } from './ids.ts';
import { LanguageSchema } from './language.ts';
import { ScoreSchema } from './rating.ts';
import { storableText } from './text.ts';

/** What a customer leaves in the lobby opinion box (客戶意見簿). */
export const OPINION_KINDS = ['complaint', 'suggestion', 'praise', 'question'] as const;
export type OpinionKind = (typeof OPINION_KINDS)[number];

/** The customer's text: up to 2,000 characters (the opinion box's limit). */
export const MAX_OPINION_TEXT = 2000;

// Loose on purpose: the tablet's own keyboard, international numbers, spaces and dashes.
const PHONE = /^\+?[0-9][0-9 ()-]{5,22}[0-9]$/;
// One @, a dot in the domain, no spaces: what a person can be asked to correct.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

/**
 * Why a draft cannot be sent yet, as stable codes: the screen shows each in the customer's
 * language (locales `opinion.errors.<code>`), next to the field it names.
 */
export type OpinionProblem =
  | { field: 'text'; code: 'text-empty' | 'text-too-long' }
  | { field: 'phone'; code: 'phone-format' }
  | { field: 'email'; code: 'email-format' }
  | { field: 'contact'; code: 'contact-needed-for-reply' }
  | { field: 'consent'; code: 'consent-required' };

/** A draft as the screens hold it, before it becomes a record. */
export interface OpinionDraft {
  text: string;
  name: string;
  phone: string;
  email: string;
  wantsReply: boolean;
  consent: boolean;
}

/**
 * Checks a draft the way the review step needs: every problem at once, in field order, so
 * the customer sees all that is missing in one look.
 */
export function checkOpinionDraft(draft: OpinionDraft): OpinionProblem[] {
  const problems: OpinionProblem[] = [];
  const text = draft.text.trim();
  if (text.length === 0) problems.push({ field: 'text', code: 'text-empty' });
  else if ([...text].length > MAX_OPINION_TEXT) problems.push({ field: 'text', code: 'text-too-long' });
  const phone = draft.phone.trim();
  const email = draft.email.trim();
  if (phone && !PHONE.test(phone)) problems.push({ field: 'phone', code: 'phone-format' });
  if (email && !EMAIL.test(email)) problems.push({ field: 'email', code: 'email-format' });
  if (draft.wantsReply && !phone && !email) problems.push({ field: 'contact', code: 'contact-needed-for-reply' });
  const givesContact = Boolean(draft.name.trim() || phone || email);
  if (givesContact && !draft.consent) problems.push({ field: 'consent', code: 'consent-required' });
  return problems;
}

/** Characters left for the counter under the text box. */
export const charactersLeft = (text: string): number => MAX_OPINION_TEXT - [...text].length;

/**
 * Reference codes the customer can quote later: a per-device prefix (unique in the branch)
 * and the device's own sequence number, so codes made offline on two tablets never collide,
 * in characters that cannot be mistaken for one another.
 */
export const REFERENCE_ALPHABET = '2345679ACDEFGHJKMNPQRTWXYZ';

/** How many device prefixes a branch has: two characters of the alphabet. */
export const REFERENCE_PREFIXES = REFERENCE_ALPHABET.length ** 2;

/** The device prefix a reference code carries, or null when it is not a reference code. */
export function referencePrefixOf(code: string): number | null {
  const match = /^([2-9A-Z]{2})-[2-9A-Z]{4,}$/.exec(code);
  if (!match) return null;
  const [high, low] = [...match[1]!].map((c) => REFERENCE_ALPHABET.indexOf(c));
  if (high === undefined || low === undefined || high < 0 || low < 0) return null;
  return high * REFERENCE_ALPHABET.length + low;
}

/** Encodes a device prefix number (0–675) and a sequence number as `PP-SSSS[S…]`. */
export function referenceCode(devicePrefix: number, sequence: number): string {
  const base = REFERENCE_ALPHABET.length;
  if (!Number.isInteger(devicePrefix) || devicePrefix < 0 || devicePrefix >= REFERENCE_PREFIXES) throw new RangeError(`device prefix ${devicePrefix} is out of range`);
  if (!Number.isInteger(sequence) || sequence < 0) throw new RangeError(`sequence ${sequence} is out of range`);
  const digits = (n: number, width: number) => {
    let out = '';
    do {
      out = REFERENCE_ALPHABET[n % base] + out;
      n = Math.floor(n / base);
    } while (n > 0);
    return out.padStart(width, REFERENCE_ALPHABET[0]);
  };
  return `${digits(devicePrefix, 2)}-${digits(sequence, 4)}`;
}

const ContactSchema = v.strictObject({
  name: v.pipe(v.string(), storableText(), v.maxLength(80)),
  phone: v.union([v.literal(''), v.pipe(v.string(), v.regex(PHONE, 'is not a phone number'))]),
  email: v.union([v.literal(''), v.pipe(v.string(), storableText(), v.regex(EMAIL, 'is not an e-mail address'))]),
  wantsReply: v.boolean(),
  /** Contact details are kept only with the customer's explicit consent to be contacted. */
  consent: v.literal(true, 'consent to be contacted is required with contact details'),
  /** The version of the consent text they agreed to (domain/consent.ts); absent from entries made before versions: version 1. */
  consentVersion: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
});

/**
 * An opinion-box entry, append-only like a rating. Contact details travel only with consent;
 * the server gives them only to roles that handle complaints (decision 0014).
 */
export const OpinionSchema = v.strictObject({
  kind: v.literal('opinion'),
  id: RecordIdSchema,
  branchId: IdSchema,
  opinionKind: v.picklist(OPINION_KINDS, 'must be complaint, suggestion, praise or question'),
  topicId: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'must be a topic id')),
  text: v.pipe(v.string(), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.check((t) => [...t].length <= MAX_OPINION_TEXT, `is longer than ${MAX_OPINION_TEXT} characters`)),
  visit: v.nullable(v.strictObject({ score: v.nullable(ScoreSchema), counterId: v.nullable(IdSchema), tellerId: v.nullable(IdSchema) })),
  contact: v.nullable(ContactSchema),
  referenceCode: v.pipe(v.string(), v.regex(/^[2-9A-Z]{2}-[2-9A-Z]{4,}$/, 'must be a reference code')),
  language: LanguageSchema,
  createdAt: EpochMsSchema,
});
export type Opinion = v.InferOutput<typeof OpinionSchema>;
