import * as v from 'valibot';
import type { CaseEvent } from '../../domain/case.ts';
import { CustomerQuerySchema, DAY_MS, RETENTION_FIELDS, type CustomerQuery, type Retention } from '../../domain/privacy.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { describeIssues } from '../../domain/wire.ts';
import { readAudit, recordAudit, shellActor, type AuditRecord } from '../services/audit.ts';
import { eraseCustomerData, findCustomerData, type CustomerData, type Erasure } from '../services/customer-requests.ts';
import { purgeDue, readRetention, setRetention } from '../services/privacy.ts';
import { str, table, text, time, wholeNumber, type Command, type Parsed } from './args.ts';

/**
 * The admin CLI's privacy commands (docs/privacy.md): retention, the purge, the audit log and
 * a customer's requests. Whoever runs them has a shell on the server; each act is audited
 * under the operating-system account that ran it.
 */

const now = () => Date.now();

/** --contact-days and so on: each retention field as a kebab-case option. */
const OPTION_OF = Object.fromEntries(RETENTION_FIELDS.map((field) => [field, field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)])) as Record<keyof Retention, string>;

const describeRetention = (r: Retention): string =>
  [
    `Contact details of an entry: ${r.contactDays} days after it arrived, or after its case was signed off (never while the case is open)`,
    `Words of an entry without a case: ${r.entryTextDays} days after it arrived`,
    `Words of a signed-off case and its entry: ${r.closedCaseDays} days after the case last changed`,
    `Audit log: ${r.auditDays} days`,
    `On a lobby tablet, a signed-off case: ${r.tabletClosedCaseDays} days after it last changed`,
    `On a tablet, a record the server refused: ${r.quarantineDays} days`,
  ].join('\n');

/** --reference, --phone or --email: exactly one, checked as the dashboard checks it. */
function customerQuery(values: Parsed['values'], command: string): Result<CustomerQuery> {
  const given = (['reference', 'phone', 'email'] as const).filter((k) => values[k] !== undefined);
  if (given.length !== 1) return err('invalid-input', `${command} takes one of --reference, --phone or --email; see \`npm run admin -- help\`.`);
  const key = given[0]!;
  if (values.branch !== undefined && key !== 'reference') return err('invalid-input', `--branch goes with --reference: a reference code is unique within its branch.`);
  const parsed = v.safeParse(CustomerQuerySchema, { [key]: str(values[key]), ...(values.branch === undefined ? {} : { branchId: str(values.branch) }) });
  return parsed.success ? ok(parsed.output) : err('invalid-input', `--${key}: ${describeIssues(parsed.issues).replace(/^[^:]*: /, '')}`);
}

/** A whole day YYYY-MM-DD as the start of that UTC day. */
function dayOption(value: string | boolean | undefined, name: string): Result<number | undefined> {
  if (value === undefined) return ok(undefined);
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  return Number.isNaN(ms) ? err('invalid-input', `--${name} must be a day as YYYY-MM-DD, not "${String(value)}".`) : ok(ms);
}

const customerOptions = { reference: text, branch: text, phone: text, email: text } as const;

export const PRIVACY_COMMANDS: Record<string, Command> = {
  retention: {
    usage: 'retention',
    summary: 'show how long customers\' contact details, their words, closed cases and the audit log are kept',
    options: {},
    run: async (db) => ok(describeRetention(await readRetention(db))),
  },
  'retention:set': {
    usage: `retention:set ${RETENTION_FIELDS.map((f) => `[--${OPTION_OF[f]} N]`).join(' ')}`,
    summary: 'change retention periods (whole days); tablets pull theirs at their next sync; audited',
    options: Object.fromEntries(RETENTION_FIELDS.map((f) => [OPTION_OF[f], text])),
    run: async (db, { values }) => {
      const changes: Partial<Retention> = {};
      for (const field of RETENTION_FIELDS) {
        const days = wholeNumber(values[OPTION_OF[field]], OPTION_OF[field]);
        if (!days.ok) return days;
        if (days.value !== undefined) changes[field] = days.value;
      }
      const set = await setRetention(db, changes, shellActor(), now());
      return set.ok ? ok(`${describeRetention(set.value)}\nEvery branch's config version was bumped: tablets pull their periods at their next sync.`) : set;
    },
  },
  purge: {
    usage: 'purge',
    summary: 'blank now what retention says is due (the server also does it daily); prints the counts; audited',
    options: {},
    run: async (db) => {
      const at = now();
      const counts = await purgeDue(db, await readRetention(db), at);
      await recordAudit(db, shellActor(), { action: 'purge', subject: 'cli', detail: { ...counts } }, at);
      return ok(
        `Blanked: contact details of ${counts.contacts} entries, words of ${counts.entryTexts} entries, ${counts.cases} cases (${counts.caseEvents} events), ` +
          `comments of ${counts.surveyTexts} survey responses; ` +
          `${counts.auditRows} audit rows past their period deleted.`,
      );
    },
  },
  audit: {
    usage: 'audit [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]',
    summary: 'show the audit log of views, exports and erasures of personal data (default: the last 30 days); reading it is audited too',
    options: { from: text, to: text, json: { type: 'boolean' } },
    run: async (db, { values }) => {
      const from = dayOption(values.from, 'from');
      const to = dayOption(values.to, 'to');
      if (!from.ok) return from;
      if (!to.ok) return to;
      const at = now();
      const range = { from: from.value ?? at - 30 * DAY_MS, to: to.value === undefined ? at + 1 : to.value + DAY_MS };
      const rows: AuditRecord[] = [];
      for (;;) {
        const page = await readAudit(db, { ...range, afterSeq: rows.at(-1)?.seq, limit: 1000 });
        rows.push(...page);
        if (page.length < 1000) break;
      }
      await recordAudit(db, shellActor(), { action: 'audit-export', subject: 'cli', detail: { from: range.from, to: range.to, rows: rows.length } }, at);
      if (values.json) return ok(JSON.stringify(rows, null, 2));
      return ok(
        table(
          ['at', 'action', 'actor', 'role', 'verified', 'device', 'address', 'branch', 'subject', 'detail'],
          rows.map((r) => [time(r.at), r.action, r.actor, r.role, r.verified, r.deviceId ?? '-', r.address ?? '-', r.branchId ?? '-', r.subject, JSON.stringify(r.detail)]),
        ),
      );
    },
  },
  'customer:export': {
    usage: 'customer:export (--reference <code> [--branch <branchId>] | --phone <number> | --email <address>) [--json]',
    summary: "everything held about one customer (their entries, contact details, and the cases that hold their words), readable or as JSON; audited",
    options: { ...customerOptions, json: { type: 'boolean' } },
    run: async (db, { values }) => {
      const query = customerQuery(values, 'customer:export');
      if (!query.ok) return query;
      const data = await findCustomerData(db, query.value, shellActor(), now(), 'customer-export');
      return ok(values.json ? JSON.stringify(data, null, 2) : readableExport(data));
    },
  },
  'customer:erase': {
    usage: 'customer:erase (--reference <code> [--branch <branchId>] | --phone <number> | --email <address>) --yes',
    summary: "erase one customer's contact details and words (an open case keeps them until it is signed off, and says so); figures stay; tablets forget at their next sync; audited",
    options: { ...customerOptions, yes: { type: 'boolean' } },
    run: async (db, { values }) => {
      const query = customerQuery(values, 'customer:erase');
      if (!query.ok) return query;
      if (!values.yes) return err('invalid-input', 'customer:erase cannot be undone: run `customer:export` first, then add --yes.');
      const erased = await eraseCustomerData(db, query.value, shellActor(), now());
      return erased.ok ? ok(describeErasure(erased.value)) : erased;
    },
  },
};

function describeErasure(e: Erasure): string {
  const lines = [`Erased: ${e.erasedEntries.length} entries, ${e.erasedCases.length} cases.`];
  for (const kept of e.kept) lines.push(`Kept: ${kept.kind} ${kept.id}: its case is still open; the bank needs the details to answer it. Erase again after its sign-off.`);
  return lines.join('\n');
}

/** The words of an event, or its outcome: what the customer would want to read of their case. */
function eventLine(e: CaseEvent): string {
  const words = e.type === 'opened' ? e.summary : 'text' in e ? e.text : '';
  const extra = e.type === 'opened' ? ` (${e.channel})` : e.type === 'deadline-agreed' ? ` (due ${time(e.dueAt)})` : e.type === 'replied' ? ` (by ${e.channel})` : '';
  return `    ${time(e.createdAt)} ${e.type}${extra} by ${e.role}${words ? `: ${words}` : ''}`;
}

/** The export as a person reads it: every entry and case, with every word and detail held. */
function readableExport(data: CustomerData): string {
  const lines = [`Personal data held, found by ${data.by}: ${data.entries.length} entries, ${data.cases.length} cases.`, ''];
  for (const e of data.entries) {
    lines.push(`Entry ${e.referenceCode} (${e.opinionKind}, topic ${e.topicId}), made ${time(e.createdAt)}, received ${time(e.receivedAt)}, branch ${e.branchId}, language ${e.language}`);
    lines.push(`    Words: ${e.text}`);
    if (e.contact) {
      lines.push(`    Contact: name ${e.contact.name || '-'}, phone ${e.contact.phone || '-'}, e-mail ${e.contact.email || '-'}, reply wanted: ${e.contact.wantsReply ? 'yes' : 'no'}, consent to be contacted: given`);
      if (e.consentGiven) lines.push(`    Consent agreed to (version ${e.consentGiven.version}): ${e.consentGiven.text ?? '(text not in this version of the app)'}`);
    } else lines.push('    Contact: none held');
    if (e.visit) lines.push(`    Visit: score ${e.visit.score ?? '-'}, counter ${e.visit.counterId ?? '-'}, teller ${e.visit.tellerId ?? '-'}`);
  }
  for (const c of data.cases) {
    lines.push('', `Case ${c.id}, ${c.status}, branch ${c.branchId} (${c.foundBy === 'entry' ? 'opened from their entry' : 'its words name them'})`);
    lines.push(...c.events.map(eventLine));
  }
  return lines.join('\n');
}
