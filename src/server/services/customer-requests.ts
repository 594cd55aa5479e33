import type { Kysely } from 'kysely';
import type { CaseEvent, CaseStatus } from '../../domain/case.ts';

export type { CustomerCase, CustomerData, Erasure };
import { consentTextOf } from '../../domain/consent.ts';
import { phoneDigits, type CustomerCase, type CustomerData, type CustomerEntry, type CustomerQuery, type Erasure } from '../../domain/privacy.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database, OpinionRow } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { opinionRowToStored } from '../repositories/opinions.ts';
import { recordAudit, type Actor } from './audit.ts';
import { blankCases, blankEntries } from './privacy.ts';

/**
 * A customer's requests under the data-protection laws (docs/privacy.md): find everything
 * held about them by their entry's reference code, their phone or their e-mail; export it;
 * erase it. Every one of these is audited with who asked and which records, never with the
 * phone or e-mail asked for.
 */

/** How many rows a scan reads at a time. */
const PAGE = 500;

const byOf = (query: CustomerQuery): CustomerData['by'] => ('reference' in query ? 'reference' : 'phone' in query ? 'phone' : 'email');

/**
 * Everything held about one customer. Phones are matched on their digits (the end of the
 * longer one is the shorter, at least 7 digits), so "+34 612 345 678" is found by "612345678".
 * Texts are scanned in pages: a request is rare, and the words of a case are not indexed.
 */
async function collect(db: Kysely<Database>, query: CustomerQuery): Promise<CustomerData> {
  const matchesContact = contactMatcher(query);
  const matchesText = textMatcher(query);
  const entries: CustomerEntry[] = [];
  if ('reference' in query) {
    const branchId = query.branchId;
    const rows = await db
      .selectFrom('opinions')
      .selectAll()
      .where('reference_code', '=', query.reference.trim().toUpperCase())
      .$if(branchId !== undefined, (qb) => qb.where('branch_id', '=', branchId!))
      .execute();
    entries.push(...rows.map(customerEntryOf));
  } else {
    for (let after = 0; ; ) {
      const rows = await db.selectFrom('opinions').selectAll().where('seq', '>', after).where('consent', 'is not', null).where('contact_blanked_at', 'is', null).orderBy('seq').limit(PAGE).execute();
      if (rows.length === 0) break;
      entries.push(...rows.filter((r) => matchesContact(r.contact_phone ?? '', r.contact_email ?? '')).map(customerEntryOf));
      after = rows.at(-1)!.seq;
    }
  }

  const fromEntries = new Set<string>();
  if (entries.length > 0) {
    const opened = await db.selectFrom('case_events').select('case_id').where('type', '=', 'opened').where('opinion_id', 'in', entries.map((e) => e.id)).execute();
    for (const o of opened) fromEntries.add(o.case_id);
  }
  const fromText = new Set<string>();
  for (let after = 0; ; ) {
    const rows = await db
      .selectFrom('case_events')
      .select(['seq', 'case_id', 'payload'])
      .where('seq', '>', after)
      .where('text_blanked_at', 'is', null)
      .$if('reference' in query && query.branchId !== undefined, (qb) => qb.where('branch_id', '=', (query as { branchId: string }).branchId))
      .orderBy('seq')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) if (!fromEntries.has(r.case_id) && matchesText(wordsOf(JSON.parse(r.payload) as CaseEvent))) fromText.add(r.case_id);
    after = rows.at(-1)!.seq;
  }

  const caseIds = [...fromEntries, ...fromText];
  const cases: CustomerCase[] = [];
  if (caseIds.length > 0) {
    const [states, events] = await Promise.all([
      db.selectFrom('complaint_cases').select(['id', 'branch_id', 'status']).where('id', 'in', caseIds).orderBy('id').execute(),
      db.selectFrom('case_events').select(['case_id', 'payload']).where('case_id', 'in', caseIds).orderBy('seq').execute(),
    ]);
    for (const state of states) {
      cases.push({
        id: state.id,
        branchId: state.branch_id,
        status: state.status as CaseStatus,
        events: events.filter((e) => e.case_id === state.id).map((e) => JSON.parse(e.payload) as CaseEvent),
        foundBy: fromEntries.has(state.id) ? 'entry' : 'text',
      });
    }
  }
  return { by: byOf(query), entries, cases };
}

/** An entry as the customer's export shows it: the consent they gave, in their language, beside it. */
function customerEntryOf(row: OpinionRow): CustomerEntry {
  const stored = opinionRowToStored(row);
  const version = stored.contact?.consentVersion ?? 1;
  return { ...stored, consentGiven: stored.contact ? { version, text: consentTextOf(version, stored.language) } : null };
}

function contactMatcher(query: CustomerQuery): (phone: string, email: string) => boolean {
  if ('phone' in query) {
    const wanted = phoneDigits(query.phone);
    return (phone) => samePhone(phoneDigits(phone), wanted);
  }
  if ('email' in query) {
    const wanted = query.email.trim().toLowerCase();
    return (_, email) => email.trim().toLowerCase() === wanted;
  }
  return () => false;
}

const samePhone = (a: string, b: string): boolean => {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length >= 7 && longer.endsWith(shorter);
};

function textMatcher(query: CustomerQuery): (text: string) => boolean {
  if ('phone' in query) {
    const wanted = phoneDigits(query.phone);
    // Digits in a text run together across spaces and dashes: "+852 9123-4567".
    return (text) => (text.match(/[+\d][\d\s().-]{5,}\d/g) ?? []).some((run) => samePhone(phoneDigits(run), wanted));
  }
  if ('email' in query) {
    const wanted = query.email.trim().toLowerCase();
    return (text) => text.toLowerCase().includes(wanted);
  }
  const reference = query.reference.trim().toUpperCase();
  return (text) => text.toUpperCase().includes(reference);
}

/** The free texts of an event, where staff may have written the customer's details. */
function wordsOf(event: CaseEvent): string {
  if (event.type === 'opened') return event.summary;
  return 'text' in event ? event.text : '';
}

/** Finds what is held about one customer, and records who looked. */
export async function findCustomerData(db: Kysely<Database>, query: CustomerQuery, actor: Actor, now: number, action: 'customer-search' | 'customer-export' = 'customer-search'): Promise<CustomerData> {
  const data = await collect(db, query);
  await recordAudit(db, actor, { action, subject: `by ${data.by}`, detail: idsOf(data) }, now);
  return data;
}

const idsOf = (data: CustomerData) => ({ entries: data.entries.map((e) => e.id), cases: data.cases.map((c) => c.id) });

/**
 * Erases what is held about one customer: their entries' contact details and words, and the
 * words of the cases that hold them. A case still open keeps them, and so does its entry:
 * the complaint is being handled and the bank must be able to answer it; the erasure says so,
 * and a request made again after the sign-off finishes it. Figures and roll-ups stay.
 */
export async function eraseCustomerData(db: Kysely<Database>, query: CustomerQuery, actor: Actor, now: number): Promise<Result<Erasure, 'ambiguous-reference'>> {
  return inTransaction(db, async (trx) => {
    const data = await collect(trx, query);
    // Each branch numbers its own entries: the same code in two branches is two customers.
    const branches = new Set(data.entries.map((e) => e.branchId));
    if ('reference' in query && query.branchId === undefined && branches.size > 1) {
      return err(
        'ambiguous-reference',
        `The reference ${query.reference} is an entry of ${branches.size} branches (${[...branches].join(', ')}): ` +
          'each is a different customer. Say which branch the customer left it at (branchId, or --branch).',
      );
    }
    const open = new Set(data.cases.filter((c) => c.status !== 'signed-off').map((c) => c.id));
    const openEntryIds = new Set(data.cases.filter((c) => open.has(c.id)).flatMap((c) => c.events.flatMap((e) => (e.type === 'opened' && e.opinionId ? [e.opinionId] : []))));
    const entries = data.entries.filter((e) => !openEntryIds.has(e.id));
    const cases = data.cases.filter((c) => !open.has(c.id));
    await blankEntries(trx, entries.map((e) => ({ id: e.id, branch_id: e.branchId })), { contact: true, text: true }, 'erasure', now);
    await blankCases(trx, cases.map((c) => ({ id: c.id, branch_id: c.branchId })), 'erasure', now);
    const erasure: Erasure = {
      erasedEntries: entries.map((e) => e.id),
      erasedCases: cases.map((c) => c.id),
      kept: [
        ...data.entries.filter((e) => openEntryIds.has(e.id)).map((e) => ({ kind: 'entry' as const, id: e.id, why: 'case-open' as const })),
        ...[...open].map((id) => ({ kind: 'case' as const, id, why: 'case-open' as const })),
      ],
    };
    await recordAudit(trx, actor, { action: 'customer-erasure', subject: `by ${data.by}`, detail: { ...erasure } }, now);
    return ok(erasure);
  });
}
