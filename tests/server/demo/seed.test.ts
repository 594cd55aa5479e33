import { expect, it } from 'vitest';
import { localDayOf } from '../../../src/domain/period.ts';
import { integrityCaseDay, seedDemo } from '../../../src/server/demo/seed.ts';
import { DEMO_BRANCHES, DEMO_INTEGRITY_CASES, DEMO_RUN_LENGTH, type DemoIntegrityCase } from '../../../src/server/demo/world.ts';
import { authenticateQueueKey } from '../../../src/server/services/queue-systems.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { useTestDatabase } from '../fixtures.ts';

/** Friday 27 Nov 2026, 18:00 UTC: Madrid has closed, Mexico City is open, in Shanghai and Hong Kong it is 2 a.m. on Saturday. */
const NOW = Date.UTC(2026, 10, 27, 18, 0);
/** Enough days for every integrity case of world.ts. */
const DAYS = 8;

describeEachDatabase('the demo', (kind) => {
  const database = useTestDatabase(kind);

  it('given the demo seeded, then its branches have queue systems whose tickets stand beside the ratings, nearly every rating joined to the ticket served at its counter, and its integrity cases are flagged', { timeout: 240_000 }, async () => {
    const db = database.current.db;
    const seeded = await seedDemo(db, { now: NOW, days: DAYS });

    expect(seeded.counts.tickets).toBeGreaterThan(1000);
    for (const branch of seeded.branches) {
      expect(branch.queueKey).not.toBeNull();
      expect((await authenticateQueueKey(db, branch.queueKey!)).ok).toBe(true);
      const codes = await db.selectFrom('counters').select('queue_code').where('branch_id', '=', branch.id).orderBy('queue_code').execute();
      expect(codes.map((c) => c.queue_code)).toEqual(branch.counterIds.map((_, i) => String(i + 1)));
      const tickets = await db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).where('branch_id', '=', branch.id).executeTakeFirstOrThrow();
      expect(Number(tickets.n)).toBeGreaterThan(100);
    }
    // The matcher has been through every day.
    expect(await db.selectFrom('match_dirty').selectAll().execute()).toEqual([]);

    // Every rating's ticket was served at its counter; each was made after its ticket ended but a tap of the burst, made during a service.
    const joined = await db
      .selectFrom('tickets')
      .innerJoin('ratings', 'ratings.id', 'tickets.rating_id')
      .select(['tickets.counter_id as ticketCounter', 'ratings.counter_id as ratingCounter', 'tickets.ended_at', 'ratings.created_at'])
      .execute();
    expect(joined.filter((r) => r.ticketCounter !== r.ratingCounter)).toEqual([]);
    expect(joined.filter((r) => Number(r.created_at) < Number(r.ended_at!)).length).toBeLessThanOrEqual(1);
    const ratings = await db.selectFrom('ratings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(ratings.n)).toBe(seeded.counts.ratings);
    expect(joined.length / seeded.counts.ratings).toBeGreaterThan(0.97);

    // The deliberate integrity cases of world.ts are flagged, and nothing else looks like a burst.
    const flags = await db
      .selectFrom('rating_flags')
      .innerJoin('counters', 'counters.id', 'rating_flags.counter_id')
      .select(['rating_flags.branch_id', 'counters.queue_code', 'rating_flags.day', 'rating_flags.kinds'])
      .execute();
    /** The case's flags: of its kind, at its counter, on its day. */
    const flagsOf = (c: DemoIntegrityCase) => {
      const plan = DEMO_BRANCHES.find((b) => b.key === c.branch)!;
      const branchId = seeded.branches.find((b) => b.key === c.branch)!.id;
      const day = integrityCaseDay(c, localDayOf(NOW, plan.timeZone));
      return flags.filter((f) => f.branch_id === branchId && f.queue_code === String(c.counter + 1) && f.day === day && f.kinds.split(',').includes(c.kind));
    };
    const cases = (kind: DemoIntegrityCase['kind']) => DEMO_INTEGRITY_CASES.filter((c) => c.kind === kind);

    // Five taps seconds apart (and a customer's rating just before or after them, if one was);
    // no rating of a customer is ever that close to the one before.
    for (const c of cases('burst')) expect(flagsOf(c).length).toBeGreaterThanOrEqual(5);
    expect(flags.filter((f) => f.kinds.split(',').includes('burst')).length).toBe(cases('burst').reduce((n, c) => n + flagsOf(c).length, 0));
    for (const c of cases('same-score-run')) expect(flagsOf(c).length).toBeGreaterThanOrEqual(DEMO_RUN_LENGTH);
    // The star tellers' long runs of "very satisfied" are their customers' own: never flagged.
    expect(flags.filter((f) => f.kinds.split(',').includes('same-score-run')).length).toBe(cases('same-score-run').reduce((n, c) => n + flagsOf(c).length, 0));
    // The tablet tried before opening, five minutes after the teller signed in.
    for (const c of cases('no-ticket')) expect(flagsOf(c).length).toBeGreaterThanOrEqual(1);
  });
});
