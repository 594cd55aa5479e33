import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { CaseEvent } from '../../domain/case.ts';
import { BLANKED_TEXT, DEFAULT_RETENTION, dueBefore, RetentionSchema, type BlankingKind, type BlankingReason, type BlankingsPage, type Retention } from '../../domain/privacy.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpEveryConfigVersion } from '../repositories/branches.ts';
import { readSettings, writeSettings } from '../repositories/settings.ts';
import { recordAudit, SERVER_ACTOR, type Actor } from './audit.ts';
import { parseInput, type AdminError } from './input.ts';

/**
 * Retention (docs/privacy.md): the periods, and the purge that blanks what is due. Blanking
 * keeps every row, so figures, roll-ups and a case's history of steps stay; what goes is the
 * customer's contact details and words, replaced by BLANKED_TEXT (a case event's text may
 * not be empty on the wire). Each blanked subject is written to `blankings`, the feed lobby
 * tablets prune their own copies by.
 */

const RETENTION_KEY = 'retention' as const;

/** The network's retention periods: the stored ones, the defaults for any not stored or no longer valid. */
export async function readRetention(db: Kysely<Database>): Promise<Retention> {
  const stored = (await readSettings(db, [RETENTION_KEY])).get(RETENTION_KEY);
  const parsed = v.safeParse(v.partial(RetentionSchema), stored ?? {});
  if (!parsed.success) return DEFAULT_RETENTION;
  return { ...DEFAULT_RETENTION, ...Object.fromEntries(Object.entries(parsed.output).filter(([, days]) => days !== undefined)) };
}

/** Changes some periods; every tablet pulls them (its own pruning) at its next sync. Audited. */
export async function setRetention(db: Kysely<Database>, changes: Partial<Retention>, actor: Actor, now: number): Promise<Result<Retention, AdminError>> {
  const parsed = parseInput(v.partial(RetentionSchema), changes);
  if (!parsed.ok) return parsed;
  const given = Object.entries(parsed.value).filter(([, days]) => days !== undefined);
  if (given.length === 0) return err('invalid-input', 'Nothing to change: give at least one period in days.');
  return inTransaction(db, async (trx) => {
    const before = await readRetention(trx);
    const retention: Retention = { ...before, ...Object.fromEntries(given) };
    await writeSettings(trx, new Map([[RETENTION_KEY, retention]]), now);
    await bumpEveryConfigVersion(trx);
    await recordAudit(trx, actor, { action: 'retention-change', subject: 'retention', detail: { before, after: retention } }, now);
    return ok(retention);
  });
}

/** What one purge blanked or removed, as counts: what the log and the audit row say. */
export interface PurgeCounts {
  contacts: number;
  entryTexts: number;
  cases: number;
  caseEvents: number;
  /** Survey responses whose short-text answers were blanked (after `entryTextDays`, like an entry's words). */
  surveyTexts: number;
  auditRows: number;
}

/** How many subjects one transaction blanks: short transactions, so pushes are never held up for long. */
const PAGE = 200;

/**
 * Blanks everything due at `now` under `retention` and deletes audit rows past theirs.
 * Idempotent: what is blanked is marked and never chosen again, so a second run (or a second
 * server running it at once) finds nothing more. Open cases keep their words and their
 * entry's contact details, however old: the complaint is still being handled.
 */
export async function purgeDue(db: Kysely<Database>, retention: Retention, now: number): Promise<PurgeCounts> {
  const counts: PurgeCounts = { contacts: 0, entryTexts: 0, cases: 0, caseEvents: 0, surveyTexts: 0, auditRows: 0 };

  // Signed-off cases whose words are due: the case, its events and its entry.
  for (;;) {
    const due = await db
      .selectFrom('complaint_cases')
      .select(['id', 'branch_id'])
      .where('status', '=', 'signed-off')
      .where('updated_at', '<', dueBefore(now, retention.closedCaseDays))
      .where('text_blanked_at', 'is', null)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (due.length === 0) break;
    const done = await inTransaction(db, (trx) => blankCases(trx, due, 'retention', now));
    counts.cases += done.cases;
    counts.caseEvents += done.caseEvents;
    counts.entryTexts += done.entryTexts;
  }

  // Entries' contact details: due after arrival, or after their case was signed off.
  for (;;) {
    const due = await entriesDue(db, 'contact', dueBefore(now, retention.contactDays));
    if (due.length === 0) break;
    await inTransaction(db, (trx) => blankEntries(trx, due, { contact: true, text: false }, 'retention', now));
    counts.contacts += due.length;
  }

  // The words of entries that never became a case.
  for (;;) {
    const due = await entriesDue(db, 'text', dueBefore(now, retention.entryTextDays));
    if (due.length === 0) break;
    await inTransaction(db, (trx) => blankEntries(trx, due, { contact: false, text: true }, 'retention', now));
    counts.entryTexts += due.length;
  }

  // Survey comments are customers' words too: they go when an entry's words would.
  for (;;) {
    const due = await db
      .selectFrom('survey_responses as r')
      .select(['r.id', 'r.answers'])
      .where('r.text_blanked_at', 'is', null)
      .where('r.received_at', '<', dueBefore(now, retention.entryTextDays))
      .where((eb) => eb.exists(eb.selectFrom('survey_answers as a').select('a.response_id').whereRef('a.response_id', '=', 'r.id').where('a.type', '=', 'text')))
      .orderBy('r.seq')
      .limit(PAGE)
      .execute();
    if (due.length === 0) break;
    await inTransaction(db, (trx) => blankSurveyTexts(trx, due, now));
    counts.surveyTexts += due.length;
  }

  const deleted = await db.deleteFrom('audit_log').where('at', '<', dueBefore(now, retention.auditDays)).executeTakeFirst();
  counts.auditRows = Number(deleted.numDeletedRows);
  return counts;
}

type Subject = { id: string; branch_id: string };

/**
 * Blanks the short-text answers of survey responses: their rows leave `survey_answers` (the
 * reports' comments), and in the response's own `answers` each text becomes BLANKED_TEXT, so
 * the response keeps its shape and its other answers still count.
 */
async function blankSurveyTexts(trx: Kysely<Database>, due: readonly { id: string; answers: string }[], now: number): Promise<void> {
  const ids = due.map((r) => r.id);
  await trx.deleteFrom('survey_answers').where('response_id', 'in', ids).where('type', '=', 'text').execute();
  for (const response of due) {
    const answers = (JSON.parse(response.answers) as { type: string; text?: string }[]).map((a) => (a.type === 'text' ? { ...a, text: BLANKED_TEXT } : a));
    await trx.updateTable('survey_responses').set({ answers: JSON.stringify(answers), text_blanked_at: now }).where('id', '=', response.id).execute();
  }
}

/**
 * Entries due for blanking of their contact details or their words. For contact details, an
 * entry whose case is open is never due, and one whose case is signed off is due `before`
 * its case last changed; the words of an entry with a case go with the case's (blankCases).
 */
function entriesDue(db: Kysely<Database>, what: 'contact' | 'text', before: number): Promise<Subject[]> {
  return db
    .selectFrom('opinions as o')
    .select(['o.id', 'o.branch_id'])
    .$if(what === 'contact', (qb) => qb.where('o.consent', 'is not', null).where('o.contact_blanked_at', 'is', null))
    .$if(what === 'text', (qb) => qb.where('o.text_blanked_at', 'is', null))
    .where('o.received_at', '<', before)
    .where((eb) => {
      const caseOf = eb
        .selectFrom('case_events as e')
        .innerJoin('complaint_cases as c', 'c.id', 'e.case_id')
        .select('c.id')
        .whereRef('e.opinion_id', '=', 'o.id')
        .where('e.type', '=', 'opened')
        .where('e.status', '=', 'applied');
      if (what === 'text') return eb.not(eb.exists(caseOf));
      return eb.not(eb.exists(caseOf.where((c) => c.or([c('c.status', '<>', 'signed-off'), c('c.updated_at', '>=', before)]))));
    })
    .orderBy('o.seq')
    .limit(PAGE)
    .execute();
}

/** Blanks entries' contact details and/or words, and tells the tablets. */
export async function blankEntries(
  trx: Kysely<Database>,
  entries: readonly Subject[],
  what: { contact: boolean; text: boolean },
  reason: BlankingReason,
  now: number,
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .updateTable('opinions')
    .set({
      // A content hash of contact details is itself a way to test a guess: it goes too.
      content_hash: null,
      ...(what.contact ? { contact_name: null, contact_phone: null, contact_email: null, contact_blanked_at: now } : {}),
      ...(what.text ? { text: BLANKED_TEXT, text_blanked_at: now } : {}),
    })
    .where('id', 'in', entries.map((e) => e.id))
    .execute();
  await addBlankings(trx, entries, 'opinion', reason, now);
}

/** Blanks cases' words: the summary in their state, the text of each of their events, and their entry's words. */
export async function blankCases(
  trx: Kysely<Database>,
  cases: readonly Subject[],
  reason: BlankingReason,
  now: number,
): Promise<{ cases: number; caseEvents: number; entryTexts: number }> {
  if (cases.length === 0) return { cases: 0, caseEvents: 0, entryTexts: 0 };
  const ids = cases.map((c) => c.id);
  const states = await trx.selectFrom('complaint_cases').select(['id', 'state']).where('id', 'in', ids).execute();
  for (const row of states) {
    await trx
      .updateTable('complaint_cases')
      .set({ state: JSON.stringify({ ...(JSON.parse(row.state) as object), summary: BLANKED_TEXT }), text_blanked_at: now })
      .where('id', '=', row.id)
      .execute();
  }
  const events = await trx.selectFrom('case_events').select(['seq', 'payload', 'opinion_id']).where('case_id', 'in', ids).execute();
  for (const event of events) {
    await trx
      .updateTable('case_events')
      .set({ payload: JSON.stringify(blankedEvent(JSON.parse(event.payload) as CaseEvent)), content_hash: null, text_blanked_at: now })
      .where('seq', '=', event.seq)
      .execute();
  }
  const entryIds = [...new Set(events.flatMap((e) => (e.opinion_id ? [e.opinion_id] : [])))];
  const entries = entryIds.length === 0 ? [] : await trx.selectFrom('opinions').select(['id', 'branch_id']).where('id', 'in', entryIds).where('text_blanked_at', 'is', null).execute();
  await blankEntries(trx, entries, { contact: false, text: true }, reason, now);
  await addBlankings(trx, cases, 'case', reason, now);
  return { cases: states.length, caseEvents: events.length, entryTexts: entries.length };
}

/** An event with every free text replaced: the steps, who took them and when stay. */
export function blankedEvent(event: CaseEvent): CaseEvent {
  if (event.type === 'opened') return { ...event, summary: BLANKED_TEXT };
  if ('text' in event) return { ...event, text: BLANKED_TEXT };
  return event;
}

async function addBlankings(trx: Kysely<Database>, subjects: readonly Subject[], kind: BlankingKind, reason: BlankingReason, now: number): Promise<void> {
  if (subjects.length === 0) return;
  await trx
    .insertInto('blankings')
    .values(subjects.map((s) => ({ branch_id: s.branch_id, subject_kind: kind, subject_id: s.id, reason, at: now })))
    .execute();
}

/**
 * The daily purge, run by whichever server claims the day first: the claim is a row in
 * job_runs (job, day), so with several servers on one database exactly one runs it. Its
 * counts go to the audit log and the job row, never the data.
 */
export async function runDailyPurge(db: Kysely<Database>, now: number): Promise<{ ran: false } | { ran: true; counts: PurgeCounts }> {
  const day = new Date(now).toISOString().slice(0, 10);
  const claimed = await db
    .insertInto('job_runs')
    .values({ job: 'purge', day, started_at: now, finished_at: null, detail: null })
    .onConflict((oc) => oc.columns(['job', 'day']).doNothing())
    .executeTakeFirst();
  if (Number(claimed.numInsertedOrUpdatedRows ?? 0) === 0) return { ran: false };
  const counts = await purgeDue(db, await readRetention(db), now);
  await inTransaction(db, async (trx) => {
    await trx.updateTable('job_runs').set({ finished_at: now, detail: JSON.stringify(counts) }).where('job', '=', 'purge').where('day', '=', day).execute();
    await recordAudit(trx, SERVER_ACTOR, { action: 'purge', subject: day, detail: { ...counts } }, now);
  });
  return { ran: true, counts };
}

/** How often a server tries to claim the day's purge: the first try after midnight UTC wins the day. */
export const PURGE_TRY_EVERY_MS = 60 * 60 * 1000;

type PurgeLog = { info: (o: object, msg: string) => void; error: (o: object, msg: string) => void };

/**
 * Runs the daily purge now and then every hour (each server; the claim lets one run it a day).
 * A failure is logged as an error for whoever watches the server, and tried again next hour:
 * the purge is idempotent, so a run cut short is finished by the next. Returns the stop.
 */
export function schedulePurge(db: Kysely<Database>, log: PurgeLog, clock: () => number = Date.now): () => void {
  let stopped = false;
  const tick = async () => {
    try {
      const run = await runDailyPurge(db, clock());
      if (run.ran) log.info({ job: 'purge', ...run.counts }, 'retention purge done');
    } catch (error) {
      if (!stopped) log.error({ job: 'purge', err: error }, 'retention purge failed; it is tried again within the hour');
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), PURGE_TRY_EVERY_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * One page of a branch's blankings after the cursor, for its lobby tablets: each removes or
 * blanks its own copies of those subjects. Like the case-event pull, it asks for one more
 * than the page to know whether more are waiting.
 */
export async function blankingsAfter(db: Kysely<Database>, branchId: string, after: number, limit: number): Promise<BlankingsPage> {
  const rows = await db
    .selectFrom('blankings')
    .select(['seq', 'subject_kind', 'subject_id', 'reason'])
    .where('branch_id', '=', branchId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map((r) => ({ seq: Number(r.seq), kind: r.subject_kind as BlankingKind, id: r.subject_id, reason: r.reason as BlankingReason }));
  return { blankings: page, next: page.at(-1)?.seq ?? after, more: rows.length > limit };
}
