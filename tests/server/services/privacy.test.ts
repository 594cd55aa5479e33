import type { Kysely } from 'kysely';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DAY_MS, DEFAULT_RETENTION, BLANKED_TEXT } from '../../../src/domain/privacy.ts';
import { createDatabase } from '../../../src/server/db/database.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { recordAudit, SERVER_ACTOR, readAudit } from '../../../src/server/services/audit.ts';
import { purgeDue, readRetention, runDailyPurge, setRetention } from '../../../src/server/services/privacy.ts';
import { rebuildRollups } from '../../../src/server/services/report-rollups.ts';
import { insertSurveyResponses } from '../../../src/server/repositories/survey-responses.ts';
import { aCaseId } from '../../builders/case-event.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { caseEventAt, eventTexts, figuresOf, givenNetwork, opinionAt, push, type GivenBranch } from '../reports/given.ts';

const T0 = SERVER_NOW;
const HOUR = 3_600_000;
const CONTACT = { name: 'Lucía Gómez', phone: '+34 612 345 678', email: 'lucia@example.es', wantsReply: true, consent: true } as const;

/**
 * A branch's history at T0: an entry with contact and no case (e1), one whose case is still
 * open (e2), one whose case was signed off an hour later (e3), an anonymous suggestion (e4),
 * and a case taken in person and signed off (c4).
 */
async function givenHistory(db: Kysely<Database>, branch: GivenBranch) {
  const e1 = opinionAt(branch, T0, { contact: CONTACT });
  const e2 = opinionAt(branch, T0, { contact: { ...CONTACT, name: 'Wong Tai Sin', phone: '+852 9123 4567', email: '' } });
  const e3 = opinionAt(branch, T0, { contact: { ...CONTACT, name: 'Chen Jing', phone: '', email: 'chen@example.cn' } });
  const e4 = opinionAt(branch, T0, { opinionKind: 'suggestion' });
  await push(db, branch.lobby, [e1, e2, e3, e4], T0);
  const [c2, c3, c4] = [aCaseId(), aCaseId(), aCaseId()];
  await push(db, branch.lobby, [
    caseEventAt(branch, 'opened', c2, T0 + 1000, { channel: 'opinion-box', opinionId: e2.id, summary: 'Queue at lunchtime, call +852 9123 4567' }),
    caseEventAt(branch, 'opened', c3, T0 + 1000, { channel: 'opinion-box', opinionId: e3.id, summary: 'Card retained by the ATM' }),
    caseEventAt(branch, 'replied', c3, T0 + HOUR / 2, { text: 'Card returned at the counter' }),
    caseEventAt(branch, 'signed-off', c3, T0 + HOUR),
    caseEventAt(branch, 'opened', c4, T0 + 1000, { channel: 'in-person', opinionId: null, summary: 'Charged twice for a transfer' }),
    caseEventAt(branch, 'replied', c4, T0 + HOUR / 2, { text: 'The second charge is refunded' }),
    caseEventAt(branch, 'signed-off', c4, T0 + HOUR),
  ], T0);
  return { e1, e2, e3, e4, c2, c3, c4 };
}

const entry = (db: Kysely<Database>, id: string) =>
  db.selectFrom('opinions').select(['text', 'contact_name', 'contact_phone', 'contact_email', 'consent', 'had_contact', 'contact_blanked_at', 'text_blanked_at']).where('id', '=', id).executeTakeFirstOrThrow();

const blankings = (db: Kysely<Database>) =>
  db.selectFrom('blankings').select(['subject_kind', 'subject_id', 'reason']).orderBy('seq').execute();

describeEachDatabase('retention purge', (kind) => {
  const database = useTestDatabase(kind);

  it('given a branch history, when the purge runs at each due date, then it blanks exactly what is due and every figure stays', async () => {
    const { db } = database.current;
    const [branch] = await givenNetwork(db);
    const h = await givenHistory(db, branch!);
    const figures = await figuresOf(db);
    const r = DEFAULT_RETENTION;

    // The day before anything is due: nothing.
    expect(await purgeDue(db, r, T0 + (r.contactDays - 1) * DAY_MS)).toEqual({ contacts: 0, entryTexts: 0, cases: 0, caseEvents: 0, surveyTexts: 0, auditRows: 0 });

    // Contact details: the entry without a case at 90 days; the one whose case was signed off
    // an hour later, an hour after that; never the one whose case is open.
    expect(await purgeDue(db, r, T0 + r.contactDays * DAY_MS + 1)).toMatchObject({ contacts: 1, entryTexts: 0, cases: 0 });
    expect(await entry(db, h.e1.id)).toMatchObject({ contact_name: null, contact_phone: null, contact_email: null, had_contact: 1, text: h.e1.text });
    expect((await entry(db, h.e3.id)).contact_email).toBe('chen@example.cn');
    expect(await purgeDue(db, r, T0 + r.contactDays * DAY_MS + HOUR + 1)).toMatchObject({ contacts: 1 });
    expect((await entry(db, h.e3.id)).contact_email).toBeNull();

    // Words of entries without a case at a year: e1 and the suggestion; the others go with their case.
    expect(await purgeDue(db, r, T0 + r.entryTextDays * DAY_MS + 1)).toMatchObject({ contacts: 0, entryTexts: 2, cases: 0 });
    expect((await entry(db, h.e4.id)).text).toBe(BLANKED_TEXT);
    expect((await entry(db, h.e3.id)).text).toBe(h.e3.text);

    // Signed-off cases three years after they last changed: both, their events, e3's words.
    expect(await purgeDue(db, r, T0 + r.closedCaseDays * DAY_MS + HOUR + 1)).toEqual({ contacts: 0, entryTexts: 1, cases: 2, caseEvents: 6, surveyTexts: 0, auditRows: 0 });
    expect(await eventTexts(db, h.c3)).toEqual([BLANKED_TEXT, BLANKED_TEXT, null]);
    expect(await eventTexts(db, h.c4)).toEqual([BLANKED_TEXT, BLANKED_TEXT, null]);
    expect((await entry(db, h.e3.id)).text).toBe(BLANKED_TEXT);
    const state = await db.selectFrom('complaint_cases').select(['id', 'state']).where('id', '=', h.c4).executeTakeFirstOrThrow();
    expect(JSON.parse(state.state)).toMatchObject({ summary: BLANKED_TEXT, status: 'signed-off' });

    // The open case keeps everything, however old.
    expect(await eventTexts(db, h.c2)).toEqual(['Queue at lunchtime, call +852 9123 4567']);
    expect(await entry(db, h.e2.id)).toMatchObject({ contact_phone: '+852 9123 4567', text: h.e2.text, contact_blanked_at: null });

    // Again: nothing more. And the figures are those of before, also when rebuilt from the rows.
    expect(await purgeDue(db, r, T0 + r.closedCaseDays * DAY_MS + HOUR + 1)).toEqual({ contacts: 0, entryTexts: 0, cases: 0, caseEvents: 0, surveyTexts: 0, auditRows: 0 });
    expect(await figuresOf(db)).toEqual(figures);
    await rebuildRollups(db, branch!.id);
    expect(await figuresOf(db)).toEqual(figures);

    // The tablets are told each subject once, in the order it was blanked.
    expect(await blankings(db)).toEqual([
      { subject_kind: 'opinion', subject_id: h.e1.id, reason: 'retention' },
      { subject_kind: 'opinion', subject_id: h.e3.id, reason: 'retention' },
      { subject_kind: 'opinion', subject_id: h.e1.id, reason: 'retention' },
      { subject_kind: 'opinion', subject_id: h.e4.id, reason: 'retention' },
      { subject_kind: 'opinion', subject_id: h.e3.id, reason: 'retention' },
      ...[h.c3, h.c4].sort().map((id) => ({ subject_kind: 'case', subject_id: id, reason: 'retention' })),
    ].map((b) => expect.objectContaining(b)));
  });

  it('given survey responses with comments, when the purge runs after an entry\'s words would go, then the comments go and every other answer stays', async () => {
    const { db } = database.current;
    const surveyId = '0190a0b0-0000-7000-8000-00000000b001';
    const answers = (text: string | null) => [{ type: 'faces', questionId: 'service', score: 'satisfied' }, ...(text ? [{ type: 'text', questionId: 'comment', text }] : [])];
    const response = (id: string, text: string | null, receivedAt: number) => ({
      id, survey_id: surveyId, version: 1, branch_id: '0190a0b0-0000-7000-8000-0000000000b1', channel: 'phone', device_id: null, counter_id: null, teller_id: null,
      visited_at: null, code_id: null, language: 'es', answers: JSON.stringify(answers(text)), created_at: receivedAt, received_at: receivedAt, day: '2026-11-23', content_hash: null,
    });
    const older = '0190a0b0-0000-7000-8000-00000000c001';
    const newer = '0190a0b0-0000-7000-8000-00000000c002';
    const plain = '0190a0b0-0000-7000-8000-00000000c003';
    await insertSurveyResponses(db, [response(older, 'Call me on 612 345 678', T0), response(newer, 'Muy amables', T0 + DAY_MS), response(plain, null, T0)]);
    const r = DEFAULT_RETENTION;

    expect(await purgeDue(db, r, T0 + r.entryTextDays * DAY_MS - 1)).toMatchObject({ surveyTexts: 0 });
    expect(await purgeDue(db, r, T0 + r.entryTextDays * DAY_MS + 1)).toMatchObject({ surveyTexts: 1 });
    const stored = await db.selectFrom('survey_responses').select(['id', 'answers', 'text_blanked_at']).orderBy('id').execute();
    expect(stored.map((s) => [s.id, JSON.parse(s.answers), s.text_blanked_at])).toEqual([
      [older, answers(BLANKED_TEXT), T0 + r.entryTextDays * DAY_MS + 1],
      [newer, answers('Muy amables'), null],
      [plain, answers(null), null],
    ]);
    const rows = await db.selectFrom('survey_answers').select(['response_id', 'type', 'text']).orderBy('response_id').orderBy('type').execute();
    expect(rows).toEqual([
      { response_id: older, type: 'faces', text: null },
      { response_id: newer, type: 'faces', text: null },
      { response_id: newer, type: 'text', text: 'Muy amables' },
      { response_id: plain, type: 'faces', text: null },
    ]);
    expect(await purgeDue(db, r, T0 + r.entryTextDays * DAY_MS + 2)).toMatchObject({ surveyTexts: 0 });
  });

  it('given audit rows of every age, when the purge runs, then only those past the audit period go', async () => {
    const { db } = database.current;
    const r = DEFAULT_RETENTION;
    for (const age of [r.auditDays + 1, r.auditDays - 1, 1]) {
      await recordAudit(db, SERVER_ACTOR, { action: 'purge', subject: `${age} days`, detail: {} }, T0 - age * DAY_MS);
    }
    expect(await purgeDue(db, r, T0)).toMatchObject({ auditRows: 1 });
    expect((await readAudit(db, { from: 0, to: T0 + 1, limit: 10 })).map((a) => a.subject)).toEqual([`${r.auditDays - 1} days`, '1 days']);
  });

  it('given two servers on one database, when both start the daily purge at once, then one runs it and the audit log says what it did', async () => {
    const { db } = database.current;
    const [branch] = await givenNetwork(db);
    await givenHistory(db, branch!);
    const now = T0 + DEFAULT_RETENTION.contactDays * DAY_MS + 2 * HOUR;
    // A second server: its own connection to the same database.
    const other = createDatabase(kind === 'sqlite' ? { sqliteFile: database.current.url } : { url: database.current.url });
    onTestFinished(() => other.destroy());
    const runs = await Promise.all([runDailyPurge(db, now), runDailyPurge(other.db, now)]);
    expect(runs.filter((run) => run.ran)).toHaveLength(1);
    expect(await runDailyPurge(db, now + HOUR)).toEqual({ ran: false });
    const [audit] = await readAudit(db, { from: 0, to: now + DAY_MS, limit: 10 });
    expect(audit).toMatchObject({ action: 'purge', actor: 'server', verified: 'server', detail: { contacts: 2, entryTexts: 0, cases: 0 } });
    // The log holds counts, never the data.
    expect(JSON.stringify(audit)).not.toMatch(/Lucía|612|example/);
    // The next day runs again, and finds nothing more.
    expect(await runDailyPurge(db, now + DAY_MS)).toMatchObject({ ran: true, counts: { contacts: 0 } });
  });

  it('given an admin who changes a period, then the new one holds, the defaults the rest, a bad one changes nothing, and the change is audited', async () => {
    const { db } = database.current;
    const admin = { actor: 'ops@server', role: 'operator', verified: 'server-shell' } as const;
    expect(await setRetention(db, { contactDays: 30 }, admin, T0)).toMatchObject({ ok: true, value: { ...DEFAULT_RETENTION, contactDays: 30 } });
    const refused = await setRetention(db, { contactDays: 3, auditDays: 400 }, admin, T0);
    expect(refused).toMatchObject({ ok: false, reason: 'invalid-input' });
    expect(!refused.ok && refused.message).toMatch(/contactDays.*at least 7 days/);
    expect(await readRetention(db)).toEqual({ ...DEFAULT_RETENTION, contactDays: 30 });
    expect(await readAudit(db, { from: 0, to: T0 + 1, limit: 10 })).toEqual([
      expect.objectContaining({ action: 'retention-change', actor: 'ops@server', verified: 'server-shell', detail: { before: DEFAULT_RETENTION, after: { ...DEFAULT_RETENTION, contactDays: 30 } } }),
    ]);
  });
});

describe('retention defaults', () => {
  it('are within the limits an admin may set', async () => {
    const { RetentionSchema } = await import('../../../src/domain/privacy.ts');
    const v = await import('valibot');
    expect(v.safeParse(RetentionSchema, DEFAULT_RETENTION).success).toBe(true);
  });
});
