import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { QueueEvent } from '../../../src/domain/queue.ts';
import type { Rating, Score } from '../../../src/domain/rating.ts';
import type { DeviceHealth } from '../../../src/domain/wire.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { findDeviceByTokenHash, type KnownDevice } from '../../../src/server/repositories/devices.ts';
import { markMatchDirty } from '../../../src/server/repositories/match-dirty.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { shellActor } from '../../../src/server/services/audit.ts';
import { addBranch, addCounter, editBranch } from '../../../src/server/services/branches.ts';
import { ingestPush } from '../../../src/server/services/ingest.ts';
import { postQueueEvents } from '../../../src/server/services/queue-events.ts';
import { matchBranchDay, matchDirtyDays, startQueueMatcher, type MatcherLog } from '../../../src/server/services/queue-match.ts';
import { addQueueSystem, authenticateQueueKey, setCounterQueueCode } from '../../../src/server/services/queue-systems.ts';
import { rebuildRollups } from '../../../src/server/services/report-rollups.ts';
import { aRating, BRANCH_ID, TELLER_ID } from '../../builders/rating.ts';
import { clearDatabase, createTestDatabase, describeEachDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../../helpers/db.ts';
import { givenEnrolledDevice, givenTeller, SERVER_NOW, useTestDatabase } from '../fixtures.ts';

// The matcher through the real paths: ratings pushed by enrolled counter tablets (ingest),
// tickets posted by the branch's queue system (services/queue-events.ts), marks claimed and
// matched by matchDirtyDays, on SQLite and PostgreSQL. The branch is in Shanghai (UTC+8); the
// server's clock (SERVER_NOW) is 23 November 2026, 18:00 there.

const MINUTE = 60_000;
const DAY = '2026-11-23';
const COUNTERS = { c1: '0190a0b0-0000-7000-8000-0000000000c1', c2: '0190a0b0-0000-7000-8000-0000000000c2', c3: '0190a0b0-0000-7000-8000-0000000000c3' } as const;
type CounterKey = keyof typeof COUNTERS;

/** The instant of a Shanghai wall-clock time "HH:MM[:SS]" on `day`. */
function at(time: string, day = DAY): number {
  const [h, m, s] = time.split(':').map(Number) as [number, number, number?];
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, h - 8, m, s ?? 0);
}

/** A tablet at a counter whose clock is `offsetMs` behind the server's (server minus tablet, as its health reports it). */
type Tablet = { device: KnownDevice; offsetMs: number; counter: CounterKey };

/**
 * A branch in Shanghai with three counters: c1 and c2 mapped to the queue system's "1" and
 * "2", c3 not; a teller; a counter tablet at each, c1's 7 minutes slow, c2's 2 minutes fast,
 * c3's right; and the branch's queue system. Answers how to push and how to post.
 */
async function givenBranch(db: Kysely<Database>, database: TestDatabase) {
  must(await addBranch(db, { id: BRANCH_ID, name: 'Lujiazui', defaultLanguage: 'zh-Hans', timeZone: 'Asia/Shanghai' }, SERVER_NOW));
  for (const [key, id] of Object.entries(COUNTERS)) must(await addCounter(db, { id, branchId: BRANCH_ID, name: `Window ${key}` }, SERVER_NOW));
  await givenTeller(database, { id: TELLER_ID, staffNumber: '1001', name: 'Mei Chen' });
  const by = { actor: shellActor() };
  must(await setCounterQueueCode(db, by, COUNTERS.c1, '1', SERVER_NOW));
  must(await setCounterQueueCode(db, by, COUNTERS.c2, '2', SERVER_NOW));
  const system = must(await authenticateQueueKey(db, must(await addQueueSystem(db, by, BRANCH_ID, 'Queue system', SERVER_NOW)).key));
  const tabletAt = async (counter: CounterKey, offsetMs: number): Promise<Tablet> => {
    const { token } = await givenEnrolledDevice(database, COUNTERS[counter]);
    return { device: (await findDeviceByTokenHash(db, hashSecret(token)))!, offsetMs, counter };
  };
  const tablets = { c1: await tabletAt('c1', 7 * MINUTE), c2: await tabletAt('c2', -2 * MINUTE), c3: await tabletAt('c3', 1500) };
  // The marks setting up made (a queue code marks today) are not what the tests are about.
  await db.deleteFrom('match_dirty').execute();
  return {
    tablets,
    /** Pushes ratings as the tablet does, with the health that shows its clock's offset. */
    async push(tablet: Tablet, records: Rating[]) {
      const answer = await ingestPush(db, tablet.device, { records, health: healthOf(tablet.offsetMs) }, SERVER_NOW);
      const refused = answer.results.filter((r) => r.status !== 'accepted');
      if (refused.length > 0) throw new Error(`not accepted: ${JSON.stringify(refused)}`);
    },
    /** Posts events as the queue system does. */
    async post(events: readonly QueueEvent[]) {
      const answer = await postQueueEvents(db, system, events, '127.0.0.1', SERVER_NOW);
      const refused = answer.results.filter((r) => r.status !== 'stored');
      if (refused.length > 0) throw new Error(`not stored: ${JSON.stringify(refused)}`);
    },
  };
}

/** The health a tablet sends: its report time by its own clock, and the offset it measured at its last sync. */
const healthOf = (offsetMs: number): DeviceHealth => ({
  outboxDepth: 0,
  oldestUnsyncedAt: null,
  quarantined: 0,
  storageUsed: null,
  storageQuota: null,
  storagePersisted: null,
  appVersion: 'test',
  clockOffsetMs: offsetMs,
  reportedAt: SERVER_NOW - offsetMs,
});

/** A rating a customer made at `realTime`, stamped by the tablet's clock. */
const tap = (tablet: Tablet, realTime: number, score: Score = 'satisfied'): Rating =>
  aRating({ counterId: COUNTERS[tablet.counter], createdAt: realTime - tablet.offsetMs, score });

/** A ticket's events at the queue system's counter `code`, as far as the plan goes. */
function ticketEvents(ticket: string, plan: { issued: number; called?: number; started?: number; ended?: number; code: '1' | '2'; service?: string }): QueueEvent[] {
  const events: QueueEvent[] = [{ ticket, type: 'issued', at: plan.issued, service: plan.service ?? 'deposits' }];
  if (plan.called !== undefined) events.push({ ticket, type: 'called', at: plan.called, counter: plan.code });
  if (plan.started !== undefined) events.push({ ticket, type: 'started', at: plan.started, counter: plan.code });
  if (plan.ended !== undefined) events.push({ ticket, type: 'ended', at: plan.ended, counter: plan.code });
  return events;
}

/** A log that fails the test: no day may fail to match. */
const failOnError: MatcherLog = {
  error: (o, msg) => {
    throw new Error(`${msg}: ${String((o as { err?: unknown }).err)}`);
  },
};

/** Matches until no day is marked: what the worker does within a tick or two. */
async function settle(db: Kysely<Database>): Promise<void> {
  while ((await matchDirtyDays(db, SERVER_NOW, 50, failOnError)) > 0);
  expect(await db.selectFrom('match_dirty').selectAll().execute()).toEqual([]);
}

/** Every derived row, in key order: what the matcher made of the facts. */
async function derivedRows(db: Kysely<Database>) {
  return {
    tickets: await db.selectFrom('tickets').selectAll().orderBy('branch_id').orderBy('day').orderBy('ticket').execute(),
    flags: (await db.selectFrom('rating_flags').selectAll().orderBy('rating_id').execute()).map((f) => ({ ...f, evidence: JSON.parse(f.evidence) as unknown })),
    waitDays: await db.selectFrom('wait_days').selectAll().orderBy('branch_id').orderBy('day').orderBy('counter_id').orderBy('hour').execute(),
    waitHours: await db.selectFrom('wait_hours').selectAll().orderBy('branch_id').orderBy('day').orderBy('hour').execute(),
    waitScores: await db.selectFrom('wait_score_days').selectAll().orderBy('branch_id').orderBy('day').orderBy('counter_id').orderBy('band').execute(),
  };
}

const ticketRow = (db: Kysely<Database>, ticket: string, day = DAY) =>
  db.selectFrom('tickets').selectAll().where('branch_id', '=', BRANCH_ID).where('day', '=', day).where('ticket', '=', ticket).executeTakeFirstOrThrow();

describeEachDatabase('the matcher: ratings joined to queue tickets', (kind) => {
  const database = useTestDatabase(kind);
  const given = () => givenBranch(database.current.db, database.current);

  it('given a ticket served at counter 1 and a rating there just after, then the ticket carries the rating, and the roll-ups its wait, service and the score by waiting band', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    await post(ticketEvents('A023', { issued: at('08:50'), called: at('09:00'), started: at('09:01'), ended: at('09:10'), code: '1', service: 'foreign-exchange' }));
    const rating = tap(tablets.c1, at('09:11'), 'very-satisfied');
    await push(tablets.c1, [rating]);

    await settle(db);

    expect(await ticketRow(db, 'A023')).toEqual({
      branch_id: BRANCH_ID,
      day: DAY,
      ticket: 'A023',
      service_type: 'foreign-exchange',
      counter_id: COUNTERS.c1,
      issued_at: at('08:50'),
      called_at: at('09:00'),
      started_at: at('09:01'),
      ended_at: at('09:10'),
      wait_ms: 10 * MINUTE,
      service_ms: 9 * MINUTE,
      hour: 8,
      rating_id: rating.id,
      rating_score: 'very-satisfied',
      rated_at: at('09:11'),
    });
    const { waitDays, waitHours, waitScores, flags } = await derivedRows(db);
    // Ten minutes is wait bucket 10 ([10, 12) minutes) and waiting band 2 ([10, 15)).
    expect(waitDays).toEqual([expect.objectContaining({ counter_id: COUNTERS.c1, hour: 8, tickets: 1, waited: 1, w10: 1, w9: 0, w11: 0, served: 1, service_ms: 9 * MINUTE })]);
    expect(waitHours).toEqual([expect.objectContaining({ hour: 8, counters: 1, tickets: 1, waited: 1, w10: 1, served: 1, service_ms: 9 * MINUTE })]);
    expect(waitScores).toEqual([{ branch_id: BRANCH_ID, day: DAY, counter_id: COUNTERS.c1, band: 2, very_satisfied: 1, satisfied: 0, neutral: 0, dissatisfied: 0 }]);
    expect(flags).toEqual([]);
  });

  it('given a tablet 7 minutes slow, then its rating is matched at its corrected time to the ticket that ended then, where a right clock with the same reading takes the one before', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    // At both counters: B1 served 09:00–09:10, B2 09:11–09:20. Each tablet's rating reads 09:15.
    for (const code of ['1', '2'] as const) {
      await post([...ticketEvents(`K${code}01`, { issued: at('08:55'), started: at('09:00'), ended: at('09:10'), code }), ...ticketEvents(`K${code}02`, { issued: at('08:56'), started: at('09:11'), ended: at('09:20'), code })]);
    }
    const slow = aRating({ counterId: COUNTERS.c1, createdAt: at('09:15') });
    const right = { ...tablets.c2, offsetMs: 0 };
    const onTime = aRating({ counterId: COUNTERS.c2, createdAt: at('09:15') });
    await push(tablets.c1, [slow]);
    await push(right, [onTime]);

    await settle(db);

    // The slow tablet's customer rated at 09:22, after K102 ended at 09:20.
    expect(await db.selectFrom('ratings').select('clock_offset_ms').where('id', '=', slow.id).executeTakeFirstOrThrow()).toEqual({ clock_offset_ms: 7 * MINUTE });
    expect(await ticketRow(db, 'K102')).toMatchObject({ rating_id: slow.id, rated_at: at('09:22') });
    expect(await ticketRow(db, 'K101')).toMatchObject({ rating_id: null });
    expect(await ticketRow(db, 'K201')).toMatchObject({ rating_id: onTime.id, rated_at: at('09:15') });
    expect(await ticketRow(db, 'K202')).toMatchObject({ rating_id: null });
    expect((await derivedRows(db)).flags).toEqual([]);
  });

  it('given a rating that arrives before its ticket\'s events, then it has no ticket until they arrive, and is matched once they do', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    const rating = tap(tablets.c2, at('10:31'), 'neutral');
    await push(tablets.c2, [rating]);
    await settle(db);
    // Without any ticket that day the counter could have served, the rating is not flagged for lacking one.
    expect(await derivedRows(db)).toEqual({ tickets: [], flags: [], waitDays: [], waitHours: [], waitScores: [] });

    await post(ticketEvents('C007', { issued: at('10:00'), called: at('10:20'), started: at('10:20'), ended: at('10:30'), code: '2' }));
    expect(await db.selectFrom('match_dirty').select(['branch_id', 'day']).execute()).toEqual([{ branch_id: BRANCH_ID, day: DAY }]);
    await settle(db);

    expect(await ticketRow(db, 'C007')).toMatchObject({ rating_id: rating.id, rating_score: 'neutral', wait_ms: 20 * MINUTE, rated_at: at('10:31') });
  });

  it('given a rating whose corrected time is past midnight, then ingest marks both days and it is joined on the next', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    // The customer tapped at 00:03 on the 23rd; the 7-minutes-slow tablet said 23:56 on the 22nd.
    const rating = tap(tablets.c1, at('00:03'));
    await push(tablets.c1, [rating]);
    const marked = await db.selectFrom('match_dirty').select('day').orderBy('day').execute();
    expect(marked.map((m) => m.day)).toEqual(['2026-11-22', DAY]);

    await post(ticketEvents('N001', { issued: at('23:50', '2026-11-22'), called: at('00:00'), started: at('00:00'), ended: at('00:02'), code: '1' }));
    await settle(db);

    expect(await db.selectFrom('ratings').select('day').where('id', '=', rating.id).executeTakeFirstOrThrow()).toEqual({ day: '2026-11-22' });
    expect(await ticketRow(db, 'N001')).toMatchObject({ rating_id: rating.id, rated_at: at('00:03') });
    // The ticket issued before midnight is two half-tickets: its issue on the 22nd, the rest on the 23rd.
    expect(await ticketRow(db, 'N001', '2026-11-22')).toMatchObject({ issued_at: at('23:50', '2026-11-22'), counter_id: null, rating_id: null });
  });

  it('given a second tap for one customer, taps in a burst, and a rating at a counter with nothing served, then each is flagged with what the server saw', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    await post(ticketEvents('D001', { issued: at('11:00'), called: at('11:02'), started: at('11:02'), ended: at('11:10'), code: '1' }));
    await post(ticketEvents('D002', { issued: at('11:05'), called: at('11:30'), started: at('11:31'), ended: at('11:40'), code: '1' }));
    const [first, second, third] = [tap(tablets.c1, at('11:11')), tap(tablets.c1, at('11:11:20'), 'dissatisfied'), tap(tablets.c1, at('11:11:40'), 'dissatisfied')];
    // c3 has no queue code: the burst rule alone applies there.
    const unmapped = [tap(tablets.c3, at('12:00')), tap(tablets.c3, at('12:00:30')), tap(tablets.c3, at('14:00'))];
    await push(tablets.c1, [first, second, third]);
    await push(tablets.c3, unmapped);

    await settle(db);

    const burstAtC1 = { ratings: 3, firstAt: at('11:11'), lastAt: at('11:11:40'), shortestGapMs: 20_000 };
    const noTicket = { previous: { ticket: 'D001', startedAt: at('11:02'), endedAt: at('11:10'), ratedBy: first.id }, next: { ticket: 'D002', startedAt: at('11:31') } };
    const flags = (await derivedRows(db)).flags;
    expect(flags.map(({ rating_id, kinds, evidence }) => ({ rating_id, kinds, evidence })).sort((a, b) => a.rating_id.localeCompare(b.rating_id))).toEqual(
      [
        { rating_id: first.id, kinds: 'burst', evidence: { burst: burstAtC1 } },
        { rating_id: second.id, kinds: 'no-ticket,burst', evidence: { 'no-ticket': noTicket, burst: burstAtC1 } },
        { rating_id: third.id, kinds: 'no-ticket,burst', evidence: { 'no-ticket': noTicket, burst: burstAtC1 } },
      ].sort((a, b) => a.rating_id.localeCompare(b.rating_id)),
    );
    expect(flags.find((f) => f.rating_id === second.id)).toMatchObject({
      branch_id: BRANCH_ID,
      day: DAY,
      counter_id: COUNTERS.c1,
      teller_id: TELLER_ID,
      score: 'dissatisfied',
      created_at: second.createdAt,
      corrected_at: at('11:11:20'),
    });
    expect(await ticketRow(db, 'D001')).toMatchObject({ rating_id: first.id });
  });

  it('given a day whose matching throws, then its mark is put back behind the others, the error is logged, and the other days are matched', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    await post(ticketEvents('E001', { issued: at('09:00'), started: at('09:05'), ended: at('09:10'), code: '1' }));
    await push(tablets.c1, [tap(tablets.c1, at('09:11'))]);
    // A day that is no day of the calendar cannot be derived: the time zone arithmetic refuses it.
    await markMatchDirty(db, [{ branchId: BRANCH_ID, day: 'not-a-day' }], 0);
    const errors: object[] = [];

    const matched = await matchDirtyDays(db, SERVER_NOW + 1, 50, { error: (o) => errors.push(o) });

    expect(matched).toBe(1);
    expect(await db.selectFrom('match_dirty').selectAll().execute()).toEqual([{ branch_id: BRANCH_ID, day: 'not-a-day', marked_at: SERVER_NOW + 1, version: 0 }]);
    expect(errors).toEqual([expect.objectContaining({ job: 'queue-match', branchId: BRANCH_ID, day: 'not-a-day' })]);
    expect(await ticketRow(db, 'E001')).toMatchObject({ rating_id: expect.any(String) });
  });

  it('given a ticket served early in the morning, when the branch moves to another time zone, then its events move to their day there and the ticket and its rating follow', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    // 07:30 in Shanghai is 23:30 of the day before in UTC.
    await post(ticketEvents('G001', { issued: at('07:30'), started: at('07:35'), ended: at('07:40'), code: '1' }));
    const rating = tap(tablets.c1, at('07:41'));
    await push(tablets.c1, [rating]);
    await settle(db);
    expect(await ticketRow(db, 'G001')).toMatchObject({ rating_id: rating.id, hour: 7 });

    must(await editBranch(db, BRANCH_ID, { timeZone: 'UTC' }));
    await settle(db);

    expect(await db.selectFrom('queue_events').select('day').distinct().where('branch_id', '=', BRANCH_ID).execute()).toEqual([{ day: '2026-11-22' }]);
    expect(await ticketRow(db, 'G001', '2026-11-22')).toMatchObject({ rating_id: rating.id, hour: 23 });
    expect(await db.selectFrom('tickets').select('day').where('day', '=', DAY).execute()).toEqual([]);
  });

  it('given the worker running, when ratings and tickets arrive, then it drains the marks and the join appears', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    const errors: object[] = [];
    const matcher = startQueueMatcher({ db, log: { error: (o) => errors.push(o) }, intervalMs: 20, clock: () => SERVER_NOW });
    onTestFinished(() => matcher.stop());
    const rating = tap(tablets.c2, at('15:21'));
    await push(tablets.c2, [rating]);
    await post(ticketEvents('F001', { issued: at('15:00'), called: at('15:10'), started: at('15:10'), ended: at('15:20'), code: '2' }));

    await vi.waitFor(async () => expect(await ticketRow(db, 'F001')).toMatchObject({ rating_id: rating.id }), { timeout: 30_000, interval: 20 });
    await vi.waitFor(async () => expect(await db.selectFrom('match_dirty').selectAll().execute()).toEqual([]), { timeout: 30_000, interval: 20 });
    await matcher.stop();
    expect(errors).toEqual([]);
  });

  it.skipIf(kind !== 'postgres')('given a push that marks the day while the matcher derives it, then the matcher leaves the mark, with its new version, and the push\'s rating is joined at the next round', async () => {
    const db = database.current.db;
    const { tablets, push, post } = await given();
    await post([
      ...ticketEvents('H001', { issued: at('11:00'), called: at('11:05'), started: at('11:05'), ended: at('11:15'), code: '2' }),
      ...ticketEvents('H002', { issued: at('11:10'), called: at('11:20'), started: at('11:20'), ended: at('11:30'), code: '2' }),
    ]);
    const first = tap(tablets.c2, at('11:16'));
    await push(tablets.c2, [first]);
    const late = tap(tablets.c2, at('11:31'));

    // A push of `late` that has stored it and marked the day, and has not committed yet.
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    let stored!: () => void;
    const pushStored = new Promise<void>((resolve) => (stored = resolve));
    const pushing = db.transaction().execute(async (trx) => {
      await ingestPush(trx, tablets.c2.device, { records: [late], health: healthOf(tablets.c2.offsetMs) }, SERVER_NOW);
      stored();
      await committed;
    });
    await pushStored;

    // The matcher derives the day from what is committed, then waits for the push to take the mark.
    const matching = matchDirtyDays(db, SERVER_NOW, 50, failOnError);
    await vi.waitFor(
      async () => {
        const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
        expect(rows[0]!.waiting).toBe(1);
      },
      { timeout: 30_000, interval: 20 },
    );
    commit();
    await pushing;
    // It matched the day and took no mark: the round does not count as one that drained any.
    expect(await matching).toBe(0);

    expect(await ticketRow(db, 'H001')).toMatchObject({ rating_id: first.id });
    expect(await ticketRow(db, 'H002')).toMatchObject({ rating_id: null });
    expect(await db.selectFrom('match_dirty').select(['day', 'version']).execute()).toEqual([{ day: DAY, version: 2 }]);

    await settle(db);
    expect(await ticketRow(db, 'H002')).toMatchObject({ rating_id: late.id });
  });

  it('given tablets pushing, then the worker leaves the marks until they stop, or until it has waited its longest', async () => {
    const db = database.current.db;
    const { tablets, push } = await given();
    await push(tablets.c2, [tap(tablets.c2, at('12:00'))]);
    let pushing = true;
    let asked = 0;
    let clock = SERVER_NOW;
    const marks = () => db.selectFrom('match_dirty').select('day').execute();
    const matcher = startQueueMatcher({ db, log: failOnError, intervalMs: 10, clock: () => clock, maxDeferMs: 60_000, busy: () => (asked++, pushing) });
    onTestFinished(() => matcher.stop());

    // Rounds come and give way: the mark stays.
    await vi.waitFor(() => expect(asked).toBeGreaterThanOrEqual(5), { timeout: 30_000, interval: 10 });
    expect(await marks()).toEqual([{ day: DAY }]);

    // The pushes stop: the next round matches the day.
    pushing = false;
    await vi.waitFor(async () => expect(await marks()).toEqual([]), { timeout: 30_000, interval: 10 });

    // Pushing again, for longer than the worker waits: it matches all the same.
    pushing = true;
    await push(tablets.c2, [tap(tablets.c2, at('12:05'))]);
    const before = asked;
    await vi.waitFor(() => expect(asked).toBeGreaterThanOrEqual(before + 5), { timeout: 30_000, interval: 10 });
    expect(await marks()).toEqual([{ day: DAY }]);
    clock += 60_000;
    await vi.waitFor(async () => expect(await marks()).toEqual([]), { timeout: 30_000, interval: 10 });
  });

  it('given a history of a few days, then matching every day again, in any order, and a rebuild of the roll-ups give the very same rows; and so do the same facts arriving in another order', async () => {
    const db = database.current.db;
    const history = aHistory(2026_11_23);
    const fed = await feedHistory(db, database.current, history, 'as it happened');
    expect(fed.tickets.length).toBeGreaterThan(100);
    expect(fed.tickets.filter((t) => t.rating_id !== null).length).toBeGreaterThan(80);
    expect(new Set(fed.flags.map((f) => f.kinds))).toEqual(new Set(['no-ticket', 'burst']));

    for (const day of [...history.days].reverse()) await matchBranchDay(db, BRANCH_ID, day);
    await matchBranchDay(db, BRANCH_ID, history.days[1]!);
    expect(await derivedRows(db)).toEqual(fed);

    must(await rebuildRollups(db, BRANCH_ID, SERVER_NOW));
    const marked = (await db.selectFrom('match_dirty').select('day').orderBy('day').execute()).map((m) => m.day);
    expect(marked).toEqual(history.days);
    await settle(db);
    expect(await derivedRows(db)).toEqual(fed);

    await clearDatabase(database.current);
    expect(await feedHistory(db, database.current, history, 'backwards')).toEqual(fed);
  });
});

// ---- One generated history, fed to both databases ---------------------------------------

/** A fact of the history, at the real time it happened. */
type Fact = { at: number } & ({ kind: 'events'; events: QueueEvent[] } | { kind: 'rating'; counter: CounterKey; realTime: number; score: Score; id: string });

type History = { days: string[]; facts: Fact[] };

/** A small deterministic random source (mulberry32): the same history every run. */
function randomOf(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Three days of the branch: at counters 1 and 2, tickets served one after another from 09:00,
 * most rated by their customer within a minute and a half of their end, a few twice, some
 * left open; taps at the unmapped counter c3 now and then in twos and threes; and a customer
 * served just after midnight whose tablet said the day before.
 */
function aHistory(seed: number): History {
  const random = randomOf(seed);
  const days = ['2026-11-21', '2026-11-22', DAY];
  const facts: Fact[] = [];
  const scoreOf = (): Score => (['very-satisfied', 'very-satisfied', 'satisfied', 'satisfied', 'neutral', 'dissatisfied'] as const)[Math.floor(random() * 6)]!;
  let n = 0;
  const rate = (counter: CounterKey, realTime: number) => facts.push({ at: realTime, kind: 'rating', counter, realTime, score: scoreOf(), id: `0190a0b0-0000-7000-8000-${String(++n).padStart(12, '0')}` });
  for (const day of days) {
    for (const code of ['1', '2'] as const) {
      let t = at('09:00', day) + Math.floor(random() * 10 * MINUTE);
      for (let i = 1; i <= 20; i++) {
        const ticket = `${code === '1' ? 'A' : 'B'}${String(i).padStart(3, '0')}`;
        const issued = t - Math.floor(random() * 25 * MINUTE);
        const started = t + Math.floor(random() * 30_000);
        const open = random() < 0.08;
        const ended = started + 2 * MINUTE + Math.floor(random() * 10 * MINUTE);
        facts.push({ at: issued, kind: 'events', events: ticketEvents(ticket, { issued, code }) });
        facts.push({ at: t, kind: 'events', events: [{ ticket, type: 'called', at: t, counter: code }, { ticket, type: 'started', at: started, counter: code }] });
        if (!open) facts.push({ at: ended, kind: 'events', events: [{ ticket, type: 'ended', at: ended, counter: code }] });
        const counter: CounterKey = code === '1' ? 'c1' : 'c2';
        if (random() < 0.85) rate(counter, (open ? started + 3 * MINUTE : ended) + 5000 + Math.floor(random() * 85_000));
        if (random() < 0.1) rate(counter, (open ? started + 3 * MINUTE : ended) + 95_000 + Math.floor(random() * 20_000));
        t = (open ? started + 6 * MINUTE : ended) + 2 * MINUTE + Math.floor(random() * 3 * MINUTE);
      }
    }
    for (let i = 0; i < 6; i++) {
      const start = at('10:00', day) + Math.floor(random() * 6 * 60) * MINUTE;
      const taps = 1 + Math.floor(random() * 3);
      for (let k = 0; k < taps; k++) rate('c3', start + k * 20_000);
    }
  }
  // Served just after midnight on the 23rd; the 7-minutes-slow tablet at c1 said 23:56 on the 22nd.
  facts.push({ at: at('00:00'), kind: 'events', events: ticketEvents('Z001', { issued: at('23:50', '2026-11-22'), called: at('00:00'), started: at('00:00'), ended: at('00:02'), code: '1' }) });
  rate('c1', at('00:03'));
  return { days, facts: facts.sort((a, b) => a.at - b.at) };
}

/**
 * Feeds a history to a fresh branch and matches it. 'as it happened': in time order, a few
 * facts at a time, matching after each, as a busy branch with the worker running. 'backwards':
 * every rating first (the tablets synced before the queue system exported), then the events
 * from the last to the first, matched once at the end. Answers the derived rows.
 */
async function feedHistory(db: Kysely<Database>, database: TestDatabase, history: History, order: 'as it happened' | 'backwards') {
  const { tablets, push, post } = await givenBranch(db, database);
  const ratingOf = (f: Extract<Fact, { kind: 'rating' }>) => ({ ...tap(tablets[f.counter], f.realTime, f.score), id: f.id });
  const ratings = history.facts.filter((f): f is Extract<Fact, { kind: 'rating' }> => f.kind === 'rating');
  const events = history.facts.flatMap((f) => (f.kind === 'events' ? f.events : []));
  if (order === 'as it happened') {
    for (let start = 0; start < history.facts.length; start += 15) {
      const chunk = history.facts.slice(start, start + 15);
      const posted = chunk.flatMap((f) => (f.kind === 'events' ? f.events : []));
      if (posted.length > 0) await post(posted);
      for (const counter of ['c1', 'c2', 'c3'] as const) {
        const records = chunk.filter((f): f is Extract<Fact, { kind: 'rating' }> => f.kind === 'rating' && f.counter === counter).map(ratingOf);
        if (records.length > 0) await push(tablets[counter], records);
      }
      await settle(db);
    }
  } else {
    for (const counter of ['c1', 'c2', 'c3'] as const) await push(tablets[counter], ratings.filter((f) => f.counter === counter).map(ratingOf).reverse());
    const backwards = [...events].reverse();
    for (let start = 0; start < backwards.length; start += 50) await post(backwards.slice(start, start + 50));
    await settle(db);
  }
  return derivedRows(db);
}

const suite = TEST_POSTGRES_URL ? describe : describe.skip;
suite(TEST_POSTGRES_URL ? 'the matcher on SQLite and PostgreSQL' : 'the matcher on SQLite and PostgreSQL (skipped: TEST_POSTGRES_URL not set)', () => {
  let sqlite: TestDatabase;
  let postgres: TestDatabase;
  beforeAll(async () => {
    [sqlite, postgres] = [await createTestDatabase('sqlite'), await createTestDatabase('postgres')];
  }, 60_000);
  afterAll(async () => {
    await sqlite?.destroy();
    await postgres?.destroy();
  });

  it('given one generated history, then the tickets, flags and waiting roll-ups are identical on both', async () => {
    const history = aHistory(7);
    const onSqlite = await feedHistory(sqlite.db, sqlite, history, 'as it happened');
    const onPostgres = await feedHistory(postgres.db, postgres, history, 'as it happened');
    expect(onSqlite.tickets.length).toBeGreaterThan(100);
    expect(onSqlite.flags.length).toBeGreaterThan(5);
    expect(onSqlite.waitScores.length).toBeGreaterThan(5);
    expect(new Set(onSqlite.waitHours.map((w) => w.day))).toEqual(new Set(history.days));
    expect(onPostgres).toEqual(onSqlite);
  }, 120_000);
});

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}
