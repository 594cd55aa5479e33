import * as v from 'valibot';
import type { CaseEvent, CaseStatus } from './case.ts';
import { IdSchema } from './ids.ts';
import type { Opinion } from './opinion.ts';

/**
 * How long customers' personal data lives (docs/privacy.md; the defaults and their reasons are
 * in decision 0019). Every period is whole days; figures and roll-ups are never touched.
 */
export interface Retention {
  /** Contact details of an entry: days after it arrived, or after its case was signed off; never while its case is open. */
  contactDays: number;
  /** The customer's words in an entry without a case: days after it arrived. */
  entryTextDays: number;
  /** The words in a signed-off case (summary, restatement, replies) and in its entry: days after the case last changed. */
  closedCaseDays: number;
  /** The audit log of who saw, exported or erased personal data. */
  auditDays: number;
  /** A lobby tablet keeps a signed-off case's events this many days after it last changed. */
  tabletClosedCaseDays: number;
  /** A record the server refused stays in a tablet's quarantine this many days for staff to see and act on. */
  quarantineDays: number;
}

export const DEFAULT_RETENTION: Retention = {
  contactDays: 90,
  entryTextDays: 365,
  closedCaseDays: 1095,
  auditDays: 1826,
  tabletClosedCaseDays: 30,
  quarantineDays: 30,
};

const Days = (min: number, max: number) =>
  v.pipe(v.number(), v.integer('must be whole days'), v.minValue(min, `must be at least ${min} days`), v.maxValue(max, `must be at most ${max} days`));

/** What an admin may set: long enough to answer and analyse, short enough to mean something (ten years at most). */
export const RetentionSchema = v.strictObject({
  contactDays: Days(7, 3650),
  entryTextDays: Days(30, 3650),
  closedCaseDays: Days(30, 3650),
  auditDays: Days(365, 3650),
  tabletClosedCaseDays: Days(1, 365),
  quarantineDays: Days(1, 365),
});

/** What a tablet needs of the retention periods: it prunes its own stores by them (DeviceConfig). */
export const TabletRetentionSchema = v.object({
  closedCaseDays: RetentionSchema.entries.tabletClosedCaseDays,
  quarantineDays: RetentionSchema.entries.quarantineDays,
});
export type TabletRetention = v.InferOutput<typeof TabletRetentionSchema>;
export const tabletRetentionOf = (r: Retention): TabletRetention => ({ closedCaseDays: r.tabletClosedCaseDays, quarantineDays: r.quarantineDays });

/** One page of the blankings feed: GET /api/blankings?after=<seq>, for lobby tablets. */
export const BlankingsPageSchema = v.object({
  blankings: v.array(
    v.object({
      seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
      kind: v.picklist(['opinion', 'case']),
      id: v.string(),
      reason: v.picklist(['retention', 'erasure']),
    }),
  ),
  next: v.pipe(v.number(), v.integer(), v.minValue(0)),
  more: v.boolean(),
});
export type BlankingsPage = v.InferOutput<typeof BlankingsPageSchema>;
export const BLANKINGS_PAGE_MAX = 500;

export const RETENTION_FIELDS = Object.keys(DEFAULT_RETENTION) as (keyof Retention)[];

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant before which a record is due under a period of `days`. */
export const dueBefore = (now: number, days: number): number => now - days * DAY_MS;

/**
 * What replaces a customer's words once blanked: a case event's text may not be empty on the
 * wire, and a dash reads the same in every language; screens show their own note beside it.
 */
export const BLANKED_TEXT = '—';

/** What an erasure or retention blanked, as the tablets learn it at their next sync. */
export type BlankingKind = 'opinion' | 'case';
export type BlankingReason = 'retention' | 'erasure';
export interface Blanking {
  seq: number;
  kind: BlankingKind;
  id: string;
  reason: BlankingReason;
}

/** A phone number's digits only, so "+852 9123-4567" and "85291234567" match. */
export const phoneDigits = (phone: string): string => phone.replace(/\D/g, '');

/** A customer's request, by what they can tell us: their entry's reference code, their phone or their e-mail. */
export const CustomerQuerySchema = v.union([
  // A reference code is unique within its branch: the branch, when given, narrows it to one.
  v.strictObject({ reference: v.pipe(v.string(), v.trim(), v.minLength(4, 'a reference code has at least 4 characters'), v.maxLength(40)), branchId: v.optional(IdSchema) }),
  v.strictObject({ phone: v.pipe(v.string(), v.trim(), v.maxLength(40), v.check((phone) => phoneDigits(phone).length >= 7, 'a phone number has at least 7 digits')) }),
  v.strictObject({ email: v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('must be an e-mail address'), v.maxLength(254)) }),
]);
export type CustomerQuery = v.InferOutput<typeof CustomerQuerySchema>;


/**
 * A customer's entry as held: the record as the tablet made it, when the server received it,
 * and, with contact details, the consent text they agreed to in the language they read it.
 */
export type CustomerEntry = Omit<Opinion, 'kind'> & { receivedAt: number; consentGiven: { version: number; text: string | null } | null };

/** A case that holds the customer's words: from their entry, or one whose texts name their phone, e-mail or reference. */
export interface CustomerCase {
  id: string;
  branchId: string;
  status: CaseStatus;
  /** Every event of the case as stored, in order: its history and the words in it. */
  events: CaseEvent[];
  /** Why it was found: it was opened from one of their entries, or its words name them. */
  foundBy: 'entry' | 'text';
}

/** Everything held about one customer: what a search shows and an export carries. */
export interface CustomerData {
  /** What was asked by, never its value. */
  by: 'reference' | 'phone' | 'email';
  entries: CustomerEntry[];
  cases: CustomerCase[];
}

/** What an erasure did: what it blanked, and what it kept because a complaint is still being handled. */
export interface Erasure {
  erasedEntries: string[];
  erasedCases: string[];
  /** An open case keeps the customer's words and their entry's contact details until it is signed off. */
  kept: { kind: 'entry' | 'case'; id: string; why: 'case-open' }[];
}

/** POST /api/privacy/customer/erase: the request, and a confirmation that it cannot be undone. */
export const EraseRequestSchema = v.strictObject({
  query: CustomerQuerySchema,
  confirm: v.literal(true, 'confirm must be true: an erasure cannot be undone'),
});

/** The acts the audit log records (services/audit.ts). */
export const AUDIT_ACTIONS = ['contact-view', 'case-text-view', 'survey-text-view', 'customer-search', 'customer-export', 'customer-erasure', 'purge', 'audit-export', 'retention-change', 'enrollment-codes', 'staff-add', 'staff-edit', 'staff-pin', 'staff-photo', 'account-add', 'account-edit', 'account-password', 'counter-add', 'counter-edit', 'reason-add', 'reason-edit', 'reason-order', 'topic-add', 'topic-edit', 'topic-order', 'staff-pin-change', 'device-edit', 'device-replace', 'region-add', 'region-edit', 'branch-add', 'branch-edit', 'network-settings', 'alert-rule-set', 'alert-rule-clear', 'webhook-add', 'webhook-edit', 'webhook-secret', 'notification-replay', 'email-recipient-add', 'email-recipient-edit', 'email-test', 'rating-exclude', 'rating-include', 'queue-system-add', 'queue-system-revoke', 'counter-queue-code', 'queue-import', 'survey-add', 'survey-edit', 'survey-end', 'survey-cards'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** How the actor of an audited act was checked. */
export type Verified = 'staff-session' | 'dashboard-session' | 'server-shell' | 'server';

/** One row of the audit log, as the dashboard and the CLI show it. */
export interface AuditRecord {
  seq: number;
  at: number;
  action: AuditAction;
  actor: string;
  role: string;
  verified: Verified;
  deviceId: string | null;
  address: string | null;
  branchId: string | null;
  subject: string;
  detail: Record<string, unknown>;
}

/** GET /api/privacy/audit?from&to: whole days (YYYY-MM-DD, UTC), at most a year. */
export const AuditQuerySchema = v.pipe(
  v.object({
    from: v.pipe(v.string(), v.isoDate('must be a day as YYYY-MM-DD')),
    to: v.pipe(v.string(), v.isoDate('must be a day as YYYY-MM-DD')),
  }),
  v.check((q) => q.from <= q.to, 'from must not be after to'),
);

/** The most rows one answer of the audit log carries; `more` says there were more. */
export const AUDIT_PAGE_MAX = 5000;
export interface AuditPage {
  rows: AuditRecord[];
  more: boolean;
}
