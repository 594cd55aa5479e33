import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDayOf } from '../../../src/domain/period.ts';
import { readSettings } from '../../../src/server/repositories/settings.ts';
import { editBranch } from '../../../src/server/services/branches.ts';
import { daySegments, ensureRollupsCurrent, rebuildRollups, ROLLUPS_VERSION } from '../../../src/server/services/report-rollups.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { SERVER_NOW, useTestDatabase } from '../fixtures.ts';
import { BRANCH_A, caseEventAt, clearRecords, givenBranch, givenNetwork, historyArb, historyPushes, NETWORK, opinionAt, push, pushHistory, ratingAt, rollupsOf } from '../reports/given.ts';

const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);
const CASE_ID = '019ab000-0000-7000-8000-0000000000c1';
const OTHER_CASE_ID = '019ab000-0000-7000-8000-0000000000c2';

/** A rating_days-shaped row: zeros but for the scores given. */
const scores = (counts: Partial<Record<'very_satisfied' | 'satisfied' | 'neutral' | 'dissatisfied', number>>) => ({
  very_satisfied: 0,
  satisfied: 0,
  neutral: 0,
  dissatisfied: 0,
  ...counts,
});

const tally = (counts: Partial<Record<'opened' | 'replied' | 'followed_up' | 'at_fault' | 'not_at_fault' | 'escalated' | 'signed_off', number>>) => ({
  opened: 0,
  replied: 0,
  followed_up: 0,
  at_fault: 0,
  not_at_fault: 0,
  escalated: 0,
  signed_off: 0,
  ...counts,
});

describe('day segments', () => {
  it('given a year of Madrid, then it is two 24-hour stretches at +1, one at +2 and the two days the clocks change', () => {
    const segments = daySegments('Europe/Madrid', Date.UTC(2026, 0, 1, 12), Date.UTC(2026, 11, 31, 12));
    expect(segments.map((s) => ('day' in s ? s.day : s.offsetMs / 3_600_000))).toEqual([1, '2026-03-29', 2, '2026-10-25', 1]);
  });

  it.each(['Europe/Madrid', 'America/New_York', 'Asia/Shanghai', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Apia', 'UTC'])(
    'given %s, then the segments give every instant the day localDayOf gives it',
    (timeZone) => {
      const from = Date.UTC(2011, 0, 1);
      const to = Date.UTC(2027, 0, 1);
      const segments = daySegments(timeZone, from, to);
      const dayBySegments = (ms: number): string => {
        const s = segments.find((x) => ms < x.until)!;
        return 'day' in s ? s.day : new Date(ms + s.offsetMs).toISOString().slice(0, 10);
      };
      fc.assert(fc.property(fc.integer({ min: from, max: to }), (ms) => dayBySegments(ms) === localDayOf(ms, timeZone)), { numRuns: 500 });
    },
  );
});

describeEachDatabase('report roll-ups', (kind) => {
  const database = useTestDatabase(kind);
  const db = () => database.current.db;

  it('given ratings of two tellers at two counters, then the roll-ups count them by day in the branch zone, by counter, teller and reason', async () => {
    const [a] = await givenNetwork(db());
    await push(db(), a!.counters[0], [
      ratingAt(a!, at(23, 9, 30), { score: 'satisfied' }),
      ratingAt(a!, at(23, 10), { score: 'dissatisfied', reasons: ['waiting-time', 'attitude'] }),
      // 23:30 UTC is 00:30 on the 24th in Madrid: the customer's day.
      ratingAt(a!, at(23, 23, 30), { score: 'very-satisfied' }),
    ]);
    // A reason twice in one rating is picked once.
    await push(db(), a!.counters[1], [ratingAt(a!, at(23, 11), { counter: 1, teller: 1, score: 'neutral', reasons: ['waiting-time', 'waiting-time'] })]);

    const rollups = await rollupsOf(db());
    const [c1, c2] = a!.counterIds;
    const [t1, t2] = a!.tellerIds;
    expect(rollups.ratingDays).toEqual([
      { branch_id: BRANCH_A, day: '2026-11-23', counter_id: c1, teller_id: t1, ...scores({ satisfied: 1, dissatisfied: 1 }) },
      { branch_id: BRANCH_A, day: '2026-11-23', counter_id: c2, teller_id: t2, ...scores({ neutral: 1 }) },
      { branch_id: BRANCH_A, day: '2026-11-24', counter_id: c1, teller_id: t1, ...scores({ very_satisfied: 1 }) },
    ]);
    expect(rollups.ratingBranchDays).toEqual([
      { branch_id: BRANCH_A, day: '2026-11-23', ...scores({ satisfied: 1, neutral: 1, dissatisfied: 1 }) },
      { branch_id: BRANCH_A, day: '2026-11-24', ...scores({ very_satisfied: 1 }) },
    ]);
    expect(rollups.ratingReasonDays).toEqual([
      { branch_id: BRANCH_A, day: '2026-11-23', counter_id: c1, teller_id: t1, reason_id: 'attitude', count: 1 },
      { branch_id: BRANCH_A, day: '2026-11-23', counter_id: c1, teller_id: t1, reason_id: 'waiting-time', count: 1 },
      { branch_id: BRANCH_A, day: '2026-11-23', counter_id: c2, teller_id: t2, reason_id: 'waiting-time', count: 1 },
    ]);
  });

  it.each([
    ['the same batch sent twice', (batch: unknown[]) => [batch, batch]],
    ['a record twice in one batch', (batch: unknown[]) => [[...batch, batch[0]]]],
  ])('given %s, then each rating counts once', async (_, sends) => {
    const [a] = await givenNetwork(db());
    const batch = [ratingAt(a!, at(23, 9), { reasons: ['speed'] }), ratingAt(a!, at(23, 10), { score: 'neutral', reasons: ['speed'] })];
    for (const records of sends(batch)) await push(db(), a!.counters[0], records as typeof batch);
    const rollups = await rollupsOf(db());
    expect(rollups.ratingBranchDays).toEqual([{ branch_id: BRANCH_A, day: '2026-11-23', ...scores({ satisfied: 1, neutral: 1 }) }]);
    expect(rollups.ratingReasonDays.map((r) => r.count)).toEqual([2]);
  });

  it('given a push larger than one statement, then it is rolled up in its transaction as a small one is', async () => {
    const [a] = await givenNetwork(db());
    const many = Array.from({ length: 1001 }, (_, i) => ratingAt(a!, at(23, 9) + i, { score: i % 2 === 0 ? 'satisfied' : 'dissatisfied' }));
    await push(db(), a!.counters[0], many);
    await push(db(), a!.counters[0], many.slice(0, 10));
    expect((await rollupsOf(db())).ratingBranchDays).toEqual([{ branch_id: BRANCH_A, day: '2026-11-23', ...scores({ satisfied: 501, dissatisfied: 500 }) }]);
  });

  it('given opinion-box entries, then they count by day, kind and topic, and with contact only when they left a phone or an e-mail', async () => {
    const [a] = await givenNetwork(db());
    const contact = (phone: string, email: string) => ({ name: 'Ana', phone, email, wantsReply: true, consent: true as const });
    const entries = [
      opinionAt(a!, at(23, 12), { opinionKind: 'complaint', topicId: 'waiting', contact: contact('+34 600 000 000', '') }),
      opinionAt(a!, at(23, 13), { opinionKind: 'complaint', topicId: 'waiting', contact: contact('', 'ana@example.com') }),
      opinionAt(a!, at(23, 14), { opinionKind: 'complaint', topicId: 'waiting', contact: contact('', '') }),
      opinionAt(a!, at(23, 15), { opinionKind: 'praise', topicId: 'staff' }),
    ];
    await push(db(), a!.lobby, entries);
    // Sent again with a case event: the transaction's path on PostgreSQL, not the single statement.
    await push(db(), a!.lobby, [...entries, caseEventAt(a!, 'opened', CASE_ID, at(23, 16))]);
    expect((await rollupsOf(db())).opinionDays).toEqual([
      { branch_id: BRANCH_A, day: '2026-11-23', opinion_kind: 'complaint', topic_id: 'waiting', count: 3, with_contact: 2 },
      { branch_id: BRANCH_A, day: '2026-11-23', opinion_kind: 'praise', topic_id: 'staff', count: 1, with_contact: 0 },
    ]);
  });

  it('given a case opened from an entry and handled through sign-off, then its row follows each push and its tally counts once, under the entry topic and its opening day', async () => {
    const [a] = await givenNetwork(db());
    const entry = opinionAt(a!, at(23, 21), { topicId: 'fees' });
    // 22:30 UTC is 23:30 in Madrid: opened on the 23rd.
    const opened = caseEventAt(a!, 'opened', CASE_ID, at(23, 22, 30), { channel: 'opinion-box', opinionId: entry.id });
    const replied = caseEventAt(a!, 'replied', CASE_ID, at(24, 9));
    await push(db(), a!.lobby, [entry, opened, caseEventAt(a!, 'signed-off', CASE_ID, at(23, 23)), replied]);

    let rollups = await rollupsOf(db());
    expect(rollups.caseDays).toEqual([{ branch_id: BRANCH_A, day: '2026-11-23', channel: 'opinion-box', topic_id: 'fees', ...tally({ opened: 1, replied: 1 }) }]);
    expect(rollups.complaintCases).toEqual([
      {
        id: CASE_ID,
        branch_id: BRANCH_A,
        opened_day: '2026-11-23',
        channel: 'opinion-box',
        topic_id: 'fees',
        status: 'replied',
        opened_at: at(23, 22, 30),
        state: expect.objectContaining({ topicId: 'fees', replies: 1, status: 'replied', eventIds: [opened.id, replied.id] }),
        updated_at: at(24, 9),
        text_blanked_at: null,
      },
    ]);

    const rest = [caseEventAt(a!, 'fault-decided', CASE_ID, at(24, 10), { atFault: true }), caseEventAt(a!, 'signed-off', CASE_ID, at(24, 11)), caseEventAt(a!, 'followed-up', CASE_ID, at(25, 9))];
    await push(db(), a!.lobby, rest);
    await push(db(), a!.lobby, rest);
    rollups = await rollupsOf(db());
    expect(rollups.caseDays).toEqual([
      { branch_id: BRANCH_A, day: '2026-11-23', channel: 'opinion-box', topic_id: 'fees', ...tally({ opened: 1, replied: 1, followed_up: 1, at_fault: 1, signed_off: 1 }) },
    ]);
    expect(rollups.complaintCases).toEqual([expect.objectContaining({ status: 'signed-off', updated_at: at(25, 9) })]);
  });

  it('given refused events only, then no case changes', async () => {
    const [a] = await givenNetwork(db());
    await push(db(), a!.lobby, [caseEventAt(a!, 'opened', CASE_ID, at(23, 9), { topicId: 'staff' }), caseEventAt(a!, 'escalated', CASE_ID, at(23, 10))]);
    const before = await rollupsOf(db());
    await push(db(), a!.lobby, [
      caseEventAt(a!, 'escalated', CASE_ID, at(23, 11)), // already escalated
      caseEventAt(a!, 'replied', OTHER_CASE_ID, at(23, 12)), // no such case
      caseEventAt(a!, 'opened', CASE_ID, at(23, 13)), // already open
    ]);
    expect(await rollupsOf(db())).toEqual(before);
    expect(before.caseDays).toEqual([{ branch_id: BRANCH_A, day: '2026-11-23', channel: 'in-person', topic_id: 'staff', ...tally({ opened: 1, escalated: 1 }) }]);
  });

  it('given a branch in UTC, when its zone becomes Shanghai, then its late ratings, entries and cases move to the next day, and later pushes count there too', async () => {
    const a = await givenBranch(db(), { ...NETWORK[0]!, timeZone: 'UTC' });
    await push(db(), a.counters[0], [ratingAt(a, at(23, 10)), ratingAt(a, at(23, 17), { score: 'neutral' })]);
    await push(db(), a.lobby, [opinionAt(a, at(23, 20)), caseEventAt(a, 'opened', CASE_ID, at(23, 8))]);
    expect((await rollupsOf(db())).ratingBranchDays).toEqual([{ branch_id: BRANCH_A, day: '2026-11-23', ...scores({ satisfied: 1, neutral: 1 }) }]);

    expect(await editBranch(db(), BRANCH_A, { timeZone: 'Asia/Shanghai' })).toMatchObject({ ok: true, value: { timeZone: 'Asia/Shanghai' } });
    // The device's identity is read per push; after the change it carries the new zone.
    await push(db(), { ...a.counters[0], timeZone: 'Asia/Shanghai' }, [ratingAt(a, at(23, 18), { score: 'dissatisfied' })]);

    const rollups = await rollupsOf(db());
    expect(rollups.ratingBranchDays).toEqual([
      { branch_id: BRANCH_A, day: '2026-11-23', ...scores({ satisfied: 1 }) },
      { branch_id: BRANCH_A, day: '2026-11-24', ...scores({ neutral: 1, dissatisfied: 1 }) },
    ]);
    expect(rollups.opinionDays.map((r) => r.day)).toEqual(['2026-11-24']);
    expect(rollups.caseDays.map((r) => r.day)).toEqual(['2026-11-23']);
    expect(rollups.complaintCases.map((r) => r.opened_day)).toEqual(['2026-11-23']);
    const days = await db().selectFrom('ratings').select(['created_at', 'day']).orderBy('created_at').execute();
    expect(days.map((r) => r.day)).toEqual(['2026-11-23', '2026-11-24', '2026-11-24']);
    const incremental = await rollupsOf(db());
    await rebuildRollups(db());
    expect(await rollupsOf(db())).toEqual(incremental);
  });

  it('given ratings around the clock changes of a year, when the zone changes, then every rating gets the day localDayOf gives it', async () => {
    const a = await givenBranch(db(), { ...NETWORK[0]!, timeZone: 'UTC' });
    // Every 7 hours and 13 minutes through 2026, so the instants fall on every hour of the day.
    const instants = Array.from({ length: 1300 }, (_, i) => Date.UTC(2026, 0, 1) + i * 433 * 60_000);
    for (let i = 0; i < instants.length; i += 200) await push(db(), a.counters[0], instants.slice(i, i + 200).map((ms) => ratingAt(a, ms)));
    for (const timeZone of ['America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      expect(await editBranch(db(), BRANCH_A, { timeZone })).toMatchObject({ ok: true });
      const rows = await db().selectFrom('ratings').select(['created_at', 'day']).execute();
      expect(rows.filter((r) => r.day !== localDayOf(r.created_at, timeZone))).toEqual([]);
    }
  });

  it('given roll-ups emptied (as migration 0006 left them), when the server starts, then they are rebuilt once and the version is kept', async () => {
    const branches = await givenNetwork(db());
    const [a, b] = branches;
    await push(db(), a!.counters[0], [ratingAt(a!, at(23, 9), { reasons: ['attitude'] }), ratingAt(a!, at(24, 9), { score: 'neutral' })]);
    await push(db(), b!.lobby, [opinionAt(b!, at(23, 9)), caseEventAt(b!, 'opened', CASE_ID, at(23, 10)), caseEventAt(b!, 'answered-on-spot', CASE_ID, at(23, 11))]);
    const kept = await rollupsOf(db());
    for (const table of ['rating_days', 'rating_branch_days', 'rating_reason_days', 'opinion_days', 'complaint_cases', 'case_days'] as const) await db().deleteFrom(table).execute();

    expect(await ensureRollupsCurrent(db(), SERVER_NOW)).toBe(2);
    expect(await rollupsOf(db())).toEqual(kept);
    expect((await readSettings(db(), ['rollups-version'])).get('rollups-version')).toBe(ROLLUPS_VERSION);
    expect(await ensureRollupsCurrent(db(), SERVER_NOW)).toBe(0);
  });

  it('given an unknown branch, then the rebuild says so', async () => {
    expect(await rebuildRollups(db(), BRANCH_A)).toMatchObject({ ok: false, reason: 'branch-not-found' });
  });

  it('given random pushes (ratings, entries, case events, records twice, batches sent again), then the roll-ups are exactly what a rebuild from the records makes', async () => {
    // The network is set up once (hashing PINs is slow on purpose); each run starts from no records.
    const branches = await givenNetwork(db());
    await fc.assert(
      fc.asyncProperty(historyArb(), async (steps) => {
        await clearRecords(db());
        await pushHistory(db(), historyPushes(steps, branches));
        const kept = await rollupsOf(db());
        const rebuilt = await rebuildRollups(db());
        expect(rebuilt).toEqual({ ok: true, value: { branches: 2 } });
        expect(await rollupsOf(db())).toEqual(kept);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
