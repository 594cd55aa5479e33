import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BURST_MIN_RATINGS,
  MAX_CORRECTION_MS,
  MIN_SERVICE_MS,
  OPEN_TICKET_MS,
  QUEUE_EVENT_TYPES,
  RATE_AFTER_END_MS,
  SAME_SCORE_MIN_RUN,
  WAIT_BUCKETS,
  type QueueEventType,
} from '../../src/domain/queue.ts';
import { correctedTimeOf, deriveBranchDay, type BranchDay, type CandidateRating, type UnitQueueEvent } from '../../src/domain/queue-match.ts';
import { SCORES, type Score } from '../../src/domain/rating.ts';

// A branch in Shanghai (UTC+8 all year) on Monday 7 December 2026.
const DAY = '2026-12-07';
const ZONE = 'Asia/Shanghai';
const MINUTE = 60_000;

/** The instant of a Shanghai wall-clock time "HH:MM[:SS]" on DAY (or `date`), plus `ms`. */
const at = (time: string, ms = 0, date = DAY): number => {
  const [h, m, s] = time.split(':').map(Number) as [number, number, number?];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, h - 8, m, s ?? 0) + ms;
};

const event = (ticket: string, type: QueueEventType, time: number, counterId: string | null = type === 'issued' ? null : 'c1', serviceType: string | null = null): UnitQueueEvent => ({
  ticket,
  type,
  at: time,
  counterId,
  serviceType,
});

/** The events of a ticket begun at `started` (and ended at `ended`, unless open) at a counter. */
function served(ticket: string, started: string, ended: string | null, counterId = 'c1'): UnitQueueEvent[] {
  const events = [event(ticket, 'started', at(started), counterId)];
  if (ended !== null) events.push(event(ticket, 'ended', at(ended), counterId));
  return events;
}

const aRating = (id: string, createdAt: number, overrides: Partial<CandidateRating> = {}): CandidateRating => ({
  id,
  counterId: 'c1',
  tellerId: 't1',
  score: 'satisfied',
  createdAt,
  clockOffsetMs: null,
  ...overrides,
});

function derive({
  events = [],
  ratings = [],
  queueCounters = ['c1', 'c2'],
  excluded = [],
  day = DAY,
}: {
  events?: UnitQueueEvent[];
  ratings?: CandidateRating[];
  queueCounters?: string[];
  excluded?: string[];
  day?: string;
}): BranchDay {
  return deriveBranchDay({ day, timeZone: ZONE, events, ratings, queueCounterIds: new Set(queueCounters), excludedRatingIds: new Set(excluded) });
}

/** Which ticket each rating took (null: none), by rating id. */
function joinOf(result: BranchDay, ratings: readonly CandidateRating[]): Record<string, string | null> {
  const taken = new Map(result.tickets.filter((t) => t.ratingId !== null).map((t) => [t.ratingId!, t.ticket]));
  return Object.fromEntries(ratings.map((r) => [r.id, taken.get(r.id) ?? null]));
}

const buckets = (counts: Record<number, number> = {}): number[] => Array.from({ length: WAIT_BUCKETS }, (_, i) => counts[i] ?? 0);

describe('deriveBranchDay: a ticket is the fold of its events', () => {
  it.each([
    [
      'issued, called, started and ended: waited from issue to call, served from start to end, at the hour of issue',
      [event('A001', 'issued', at('09:00'), null, 'deposits'), event('A001', 'called', at('09:12')), event('A001', 'started', at('09:13')), event('A001', 'ended', at('09:20'))],
      { serviceType: 'deposits', counterId: 'c1', issuedAt: at('09:00'), calledAt: at('09:12'), startedAt: at('09:13'), endedAt: at('09:20'), waitMs: 12 * MINUTE, serviceMs: 7 * MINUTE, hour: 9 },
    ],
    [
      'told twice: issued and called at their first telling, started and ended at their last, at the counter of the last call',
      [
        event('A001', 'issued', at('09:02')),
        event('A001', 'issued', at('09:00')),
        event('A001', 'called', at('09:11'), 'c2'),
        event('A001', 'called', at('09:10'), 'c1'),
        event('A001', 'started', at('09:12'), 'c2'),
        event('A001', 'started', at('09:15'), 'c2'),
        event('A001', 'ended', at('09:20'), 'c2'),
        event('A001', 'ended', at('09:21'), 'c2'),
      ],
      { counterId: 'c2', issuedAt: at('09:00'), calledAt: at('09:10'), startedAt: at('09:15'), endedAt: at('09:21'), waitMs: 10 * MINUTE, serviceMs: 6 * MINUTE },
    ],
    [
      'called to one counter and served at another: at the counter it was served at',
      [event('A001', 'issued', at('09:00')), event('A001', 'called', at('09:10'), 'c1'), event('A001', 'started', at('09:12'), 'c2')],
      { counterId: 'c2', waitMs: 10 * MINUTE, serviceMs: null },
    ],
    ['no call told: waited until it was started', [event('A001', 'issued', at('09:00')), event('A001', 'started', at('09:04'))], { calledAt: null, waitMs: 4 * MINUTE }],
    [
      'a call before the issue, an end before the start: no wait and no service time',
      [event('A001', 'issued', at('09:10')), event('A001', 'called', at('09:05')), event('A001', 'started', at('09:12')), event('A001', 'ended', at('09:11'))],
      { waitMs: null, serviceMs: null },
    ],
    ['no issue told: no wait, at the hour of its first event', [event('A001', 'ended', at('10:20')), event('A001', 'called', at('10:05'))], { issuedAt: null, waitMs: null, hour: 10 }],
    [
      'the last service type told wins, and an event without one keeps it',
      [event('A001', 'issued', at('09:00'), null, 'deposits'), event('A001', 'called', at('09:05'), 'c1', 'VIP'), event('A001', 'ended', at('09:20'), 'c1', null)],
      { serviceType: 'VIP' },
    ],
    ['only issued: at no counter yet', [event('A001', 'issued', at('23:59'))], { counterId: null, calledAt: null, startedAt: null, waitMs: null, hour: 23 }],
  ])('%s', (_, events, expected) => {
    const { tickets } = derive({ events });
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ ticket: 'A001', ...expected });
  });

  it('given the tickets of a day, then they come in ticket order, each once', () => {
    const events = [...served('B002', '09:00', '09:10'), event('A010', 'issued', at('09:00')), ...served('A002', '09:20', null)];
    expect(derive({ events }).tickets.map((t) => t.ticket)).toEqual(['A002', 'A010', 'B002']);
  });
});

describe('deriveBranchDay: which ticket a rating takes', () => {
  type Case = [string, UnitQueueEvent[], CandidateRating[], Record<string, string | null>, string[]?];
  // A001 served 09:10–09:20 and A002 begun at 09:21 at counter c1, in most cases.
  const twoTickets = [...served('A001', '09:10', '09:20'), ...served('A002', '09:21', null)];
  const cases: Case[] = [
    ['a rating after an end takes the ticket that ended, over the next one in service', twoTickets, [aRating('r1', at('09:22'))], { r1: 'A001' }],
    ['ended exactly RATE_AFTER_END_MS before: still the one that ended', twoTickets, [aRating('r1', at('09:20') + RATE_AFTER_END_MS)], { r1: 'A001' }],
    ['a millisecond later: the one in service', twoTickets, [aRating('r1', at('09:20') + RATE_AFTER_END_MS + 1)], { r1: 'A002' }],
    [
      'of two that ended within the window, the one that ended last',
      [...served('A001', '09:10', '09:18'), ...served('A002', '09:18:30', '09:20')],
      [aRating('r1', at('09:21'))],
      { r1: 'A002' },
    ],
    ['a ticket whose end comes after the rating is in service', twoTickets, [aRating('r1', at('09:19'))], { r1: 'A001' }],
    ['a ticket begun after the rating is not served yet', served('A001', '09:30', '09:40'), [aRating('r1', at('09:29'))], { r1: null }],
    [
      'an open ticket is served until the next ticket at its counter begins',
      [...served('A001', '09:00', null), ...served('A002', '09:10', null)],
      [aRating('r1', at('09:09')), aRating('r2', at('09:11'))],
      { r1: 'A001', r2: 'A002' },
    ],
    [
      'once the next ticket began and took a rating, the open one is over',
      [...served('A001', '09:00', null), ...served('A002', '09:10', null)],
      [aRating('r1', at('09:10:30')), aRating('r2', at('09:11'))],
      { r1: 'A002', r2: null },
    ],
    ['an open ticket alone is served OPEN_TICKET_MS at most', served('A001', '09:00', null), [aRating('r1', at('09:00') + OPEN_TICKET_MS)], { r1: 'A001' }],
    ['a millisecond later, it is not', served('A001', '09:00', null), [aRating('r1', at('09:00') + OPEN_TICKET_MS + 1)], { r1: null }],
    [
      'called and ended without a start told: served from its call',
      [event('A001', 'issued', at('09:00')), event('A001', 'called', at('09:05')), event('A001', 'ended', at('09:10'))],
      [aRating('r1', at('09:11'))],
      { r1: 'A001' },
    ],
    ["another counter's ticket is not this counter's", served('A001', '09:00', '09:10', 'c2'), [aRating('r1', at('09:11'))], { r1: null }],
    ['one rating per ticket: a second tap gets none', served('A001', '09:10', '09:20'), [aRating('r1', at('09:21')), aRating('r2', at('09:22'))], { r1: 'A001', r2: null }],
    ['a second tap goes to the customer now being served', twoTickets, [aRating('r1', at('09:21:30')), aRating('r2', at('09:22'))], { r1: 'A001', r2: 'A002' }],
    ['two taps at the same millisecond: the lower id first', served('A001', '09:10', '09:20'), [aRating('r2', at('09:21')), aRating('r1', at('09:21'))], { r1: 'A001', r2: null }],
    [
      'an excluded rating takes no ticket, so the real one after it does',
      served('A001', '09:10', '09:20'),
      [aRating('r1', at('09:21')), aRating('r2', at('09:22'))],
      { r1: null, r2: 'A001' },
      ['r1'],
    ],
    // A tablet 7 minutes slow: the customer tapped at 09:22, after A002 (09:11–09:20), and it said 09:15, just after A001 (09:00–09:10).
    [
      "a tablet whose clock is 7 minutes slow: read at its corrected time, it takes the ticket that ended then",
      [...served('A001', '09:00', '09:10'), ...served('A002', '09:11', '09:20')],
      [aRating('r1', at('09:15'), { clockOffsetMs: 7 * MINUTE })],
      { r1: 'A002' },
    ],
    [
      'the same tap without its offset: the ticket before',
      [...served('A001', '09:00', '09:10'), ...served('A002', '09:11', '09:20')],
      [aRating('r1', at('09:15'))],
      { r1: 'A001' },
    ],
    [
      'an offset of exactly MAX_CORRECTION_MS is applied',
      [...served('A001', '09:00', '09:10'), ...served('A002', '09:11', '09:20')],
      [aRating('r1', at('09:22') - MAX_CORRECTION_MS, { clockOffsetMs: MAX_CORRECTION_MS })],
      { r1: 'A002' },
    ],
    [
      'an offset beyond MAX_CORRECTION_MS is a broken clock: the tablet\'s own time is used',
      [...served('A001', '09:00', '09:10'), ...served('A002', '09:11', '09:20')],
      [aRating('r1', at('09:15'), { clockOffsetMs: MAX_CORRECTION_MS + 1 }), aRating('r2', at('09:21'), { clockOffsetMs: -(MAX_CORRECTION_MS + 1) })],
      { r1: 'A001', r2: 'A002' },
    ],
  ];

  it.each(cases)('%s', (_, events, ratings, expected, excluded = []) => {
    const result = derive({ events, ratings, excluded });
    expect(joinOf(result, ratings)).toEqual(expected);
    for (const ticket of result.tickets.filter((t) => t.ratingId !== null)) {
      const rating = ratings.find((r) => r.id === ticket.ratingId)!;
      expect(ticket).toMatchObject({ ratingScore: rating.score, ratedAt: correctedTimeOf(rating.createdAt, rating.clockOffsetMs) });
    }
  });

  it('given a rating whose corrected time falls after midnight, then it is joined on the next day, and its own day does not see it', () => {
    const lateTap = aRating('r1', at('23:58', 0, '2026-12-06'), { clockOffsetMs: 5 * MINUTE });
    const events = { '2026-12-06': served('B001', '23:40', '23:50'), [DAY]: served('A001', '00:00', '00:02') };
    const today = derive({ day: DAY, events: events[DAY], ratings: [lateTap] });
    const yesterday = derive({ day: '2026-12-06', events: events['2026-12-06'], ratings: [lateTap] });
    expect(joinOf(today, [lateTap])).toEqual({ r1: 'A001' });
    expect(yesterday.flags).toEqual([]);
    expect(yesterday.tickets[0]!.ratingId).toBeNull();
  });

  it('given the same tap with an offset too large to apply, then it stays on its own day, where no ticket was served for it', () => {
    const lateTap = aRating('r1', at('23:58', 0, '2026-12-06'), { clockOffsetMs: MAX_CORRECTION_MS + 1 });
    const today = derive({ day: DAY, events: served('A001', '00:00', '00:02'), ratings: [lateTap] });
    const yesterday = derive({ day: '2026-12-06', events: served('B001', '23:40', '23:50'), ratings: [lateTap] });
    expect(today.tickets[0]!.ratingId).toBeNull();
    expect(yesterday.flags.map((f) => [f.ratingId, f.kinds, f.correctedAt])).toEqual([['r1', ['no-ticket'], lateTap.createdAt]]);
  });
});

describe('deriveBranchDay: the integrity flags', () => {
  it('given a rating while nothing was served at a mapped counter, then it is flagged no-ticket with the tickets around it and who rated the one before', () => {
    const events = [event('A001', 'issued', at('09:00')), ...served('A001', '09:05', '09:10'), ...served('A002', '09:30', '09:40')];
    const ratings = [aRating('r0', at('09:11')), aRating('r1', at('09:20'), { score: 'dissatisfied', tellerId: 't7', clockOffsetMs: 1000 })];
    expect(derive({ events, ratings }).flags).toEqual([
      {
        ratingId: 'r1',
        counterId: 'c1',
        tellerId: 't7',
        score: 'dissatisfied',
        createdAt: at('09:20'),
        correctedAt: at('09:20') + 1000,
        kinds: ['no-ticket'],
        evidence: { 'no-ticket': { previous: { ticket: 'A001', startedAt: at('09:05'), endedAt: at('09:10'), ratedBy: 'r0' }, next: { ticket: 'A002', startedAt: at('09:30') } } },
      },
    ]);
  });

  it('given a second tap for the same customer, then its evidence names the rating that took the ticket', () => {
    const ratings = [aRating('r1', at('09:21')), aRating('r2', at('09:22'))];
    const { flags } = derive({ events: served('A001', '09:10', '09:20'), ratings });
    expect(flags.map((f) => [f.ratingId, f.evidence])).toEqual([['r2', { 'no-ticket': { previous: { ticket: 'A001', startedAt: at('09:10'), endedAt: at('09:20'), ratedBy: 'r1' }, next: null } }]]);
  });

  const noTicketCases: [string, Parameters<typeof derive>[0], [string, unknown][]][] = [
    ['the counter has no queue code', { queueCounters: ['c2'] }, []],
    ['the day has no tickets at all', { events: [] }, []],
    ["the day's only tickets were at another counter", { events: served('B001', '09:00', '09:10', 'c2') }, [['r1', { previous: null, next: null }]]],
    ['the rating is excluded and no ticket was there for it', { excluded: ['r1'] }, [['r1', { previous: { ticket: 'A001', startedAt: at('09:00'), endedAt: at('09:10'), ratedBy: null }, next: null }]]],
  ];
  it.each(noTicketCases)('given a rating without a ticket when %s, then no-ticket flags %j', (_, given, expected) => {
    const { flags } = derive({ events: served('A001', '09:00', '09:10'), ratings: [aRating('r1', at('09:30'))], ...given });
    expect(flags.map((f) => [f.ratingId, f.evidence['no-ticket']])).toEqual(expected);
  });

  it('given an excluded rating inside a ticket\'s window, even one another rating took, then it is not flagged no-ticket', () => {
    const ratings = [aRating('r1', at('09:21')), aRating('r2', at('09:22'))];
    expect(derive({ events: served('A001', '09:10', '09:20'), ratings, excluded: ['r2'] }).flags).toEqual([]);
  });

  /** Ratings at c1 `gaps` apart from 10:00 (no tickets that day, so only the burst rule can flag them). */
  const spaced = (gaps: number[]): CandidateRating[] => {
    let t = at('10:00');
    return [aRating('r0', t), ...gaps.map((gap, i) => aRating(`r${i + 1}`, (t += gap)))];
  };

  const burstCases: [string, number[], string[], { ratings: number; shortestGapMs: number } | null][] = [
    ['three ratings each just under MIN_SERVICE_MS apart', [MIN_SERVICE_MS - 1, MIN_SERVICE_MS - 1], ['r0', 'r1', 'r2'], { ratings: 3, shortestGapMs: MIN_SERVICE_MS - 1 }],
    ['three ratings exactly MIN_SERVICE_MS apart', [MIN_SERVICE_MS, MIN_SERVICE_MS], [], null],
    ['two ratings a second apart', [1000], [], null],
    ['four ratings 10 s, 20 s and 45 s apart: the first three', [10_000, 20_000, MIN_SERVICE_MS], ['r0', 'r1', 'r2'], { ratings: 3, shortestGapMs: 10_000 }],
    ['five ratings 1 s apart, then one 3 s after', [1000, 1000, 1000, 1000, 3000], ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'], { ratings: 6, shortestGapMs: 1000 }],
    [`${BURST_MIN_RATINGS - 1} ratings 1 s apart, a minute before ${BURST_MIN_RATINGS - 1} more`, [1000, MINUTE, 1000], [], null],
  ];
  it.each(burstCases)('given %s, then burst flags %j', (_, gaps, flagged, evidence) => {
    const ratings = spaced(gaps).map((r, i) => ({ ...r, score: SCORES[i % 4]! }));
    const { flags } = derive({ ratings });
    expect(flags.map((f) => f.ratingId)).toEqual(flagged);
    for (const f of flags) {
      const run = ratings.filter((r) => flagged.includes(r.id));
      expect(f.kinds).toEqual(['burst']);
      expect(f.evidence).toEqual({ burst: { ...evidence, firstAt: run[0]!.createdAt, lastAt: run.at(-1)!.createdAt } });
    }
  });

  it('given ratings close in time at two counters, then each counter is judged alone', () => {
    const ratings = [aRating('r1', at('10:00')), aRating('r2', at('10:00:10'), { counterId: 'c2' }), aRating('r3', at('10:00:20'))];
    expect(derive({ ratings }).flags).toEqual([]);
  });

  it('given taps a tablet made a minute apart whose offsets bring them within seconds, then the burst is judged at the corrected times', () => {
    const ratings = [aRating('r1', at('10:00'), { clockOffsetMs: 0 }), aRating('r2', at('10:01'), { clockOffsetMs: -50_000 }), aRating('r3', at('10:02'), { clockOffsetMs: -100_000 })];
    expect(derive({ ratings }).flags.map((f) => [f.ratingId, f.evidence.burst])).toEqual(
      ['r1', 'r2', 'r3'].map((id) => [id, { ratings: 3, firstAt: at('10:00'), lastAt: at('10:00:20'), shortestGapMs: 10_000 }]),
    );
  });

  /**
   * `run` ratings of one score at c1 two minutes apart, then `mixed` more at c1 and `others` at
   * c2, of the other scores in turn, that never repeat a score twice in a row.
   */
  function aRun(score: Score, run: number, mixed: number, others = 0): CandidateRating[] {
    const atC1 = Array.from({ length: run }, (_, i) => aRating(`a${String(i).padStart(2, '0')}`, at('10:00') + i * 2 * MINUTE, { score }));
    const mix = SCORES.filter((s) => s !== score);
    const mixedAtC1 = Array.from({ length: mixed }, (_, i) => aRating(`m${String(i).padStart(2, '0')}`, at('12:00') + i * 2 * MINUTE, { score: mix[i % mix.length]! }));
    const atC2 = Array.from({ length: others }, (_, i) => aRating(`b${String(i).padStart(2, '0')}`, at('14:00') + i * 2 * MINUTE, { counterId: 'c2', score: mix[i % mix.length]! }));
    return [...atC1, ...mixedAtC1, ...atC2];
  }

  it.each([
    // The counter's ratings × share^length against 1 in 1,000.
    ['twenty in a row of forty at the counter, a share of one half (40 × 0.5^20 ≈ 4e-5)', 20, 20, 0, 0.5],
    ['sixteen in a row of forty, a share of 0.4 (≈ 2e-5)', 16, 24, 0, 0.4],
    ['twelve in a row of twenty-four, a share of one half (≈ 6e-3)', 12, 12, 0, null],
    ['nine in a row of sixty-nine, too short whatever the share', SAME_SCORE_MIN_RUN - 1, 60, 0, null],
    ['twenty in a row of twenty-two at the counter: its own customers, 91% of whom chose it', 20, 2, 60, null],
    ['a whole day of one score at the counter', 30, 0, 60, null],
  ])('given %s, then same-score-run flags the run: %s', (_, run, mixed, others, share) => {
    const ratings = aRun('neutral', run, mixed, others);
    const { flags } = derive({ ratings });
    if (share === null) {
      expect(flags).toEqual([]);
      return;
    }
    const inRun = ratings.filter((r) => r.id.startsWith('a'));
    expect(flags.map((f) => f.ratingId)).toEqual(inRun.map((r) => r.id));
    const evidence = { score: 'neutral', length: run, share, firstAt: inRun[0]!.createdAt, lastAt: inRun.at(-1)!.createdAt };
    for (const f of flags) expect(f).toMatchObject({ kinds: ['same-score-run'], evidence: { 'same-score-run': evidence } });
  });

  it('given a branch whose customers rarely choose a score and a counter whose customers mostly do, then the counter is judged by its own share', () => {
    // c1: 20 "very satisfied" in a row among 24; the branch: 20 of 84.
    const ratings = aRun('very-satisfied', 20, 4, 60);
    expect(derive({ ratings }).flags).toEqual([]);
  });

  it('given excluded ratings inside a run, then they are part of it and flagged with it', () => {
    const ratings = aRun('very-satisfied', 20, 20);
    const { flags } = derive({ ratings, excluded: ['a03', 'a04'] });
    expect(flags.map((f) => f.ratingId)).toEqual(ratings.slice(0, 20).map((r) => r.id));
  });

  it('given a rating that is in a burst, in a run and without a ticket, then its kinds come in FLAG_KINDS order with all their evidence', () => {
    const ratings = Array.from({ length: 20 }, (_, i) => aRating(`r${i}`, at('11:00') + i * 1000, { score: 'very-satisfied' }));
    const { flags } = derive({ events: served('A001', '09:00', '09:10'), ratings: [...ratings, ...aRun('very-satisfied', 0, 20)] });
    expect(flags.find((f) => f.ratingId === 'r0')).toMatchObject({ kinds: ['no-ticket', 'burst', 'same-score-run'] });
    expect(Object.keys(flags.find((f) => f.ratingId === 'r0')!.evidence)).toEqual(['no-ticket', 'burst', 'same-score-run']);
  });
});

describe('deriveBranchDay: the waiting roll-ups', () => {
  const events = [
    // A001: waited 3 min, served 6.5 min at c1; A002: waited 12 min, served 8 min at c1; A003 never called; B001 waited 1 min at c2, still open.
    event('A001', 'issued', at('09:00'), null, 'deposits'),
    event('A001', 'called', at('09:03')),
    event('A001', 'started', at('09:03:30')),
    event('A001', 'ended', at('09:10')),
    event('A002', 'issued', at('09:30')),
    event('A002', 'called', at('09:42')),
    event('A002', 'started', at('09:42')),
    event('A002', 'ended', at('09:50')),
    event('A003', 'issued', at('09:40')),
    event('B001', 'issued', at('10:05')),
    event('B001', 'called', at('10:06'), 'c2'),
    event('B001', 'started', at('10:06'), 'c2'),
  ];
  const ratings = [
    aRating('r1', at('09:11'), { score: 'very-satisfied' }),
    aRating('r2', at('09:51'), { score: 'dissatisfied' }),
    aRating('r3', at('10:07'), { counterId: 'c2', score: 'neutral' }),
  ];
  const result = derive({ events, ratings, excluded: ['r3'] });

  it('given a morning of tickets, then wait_days counts them by counter (\'\' before a call) and hour of issue, waits in their buckets', () => {
    expect(result.waitDays).toEqual([
      { counterId: '', hour: 9, tickets: 1, waited: 0, buckets: buckets(), served: 0, serviceMs: 0 },
      { counterId: 'c1', hour: 9, tickets: 2, waited: 2, buckets: buckets({ 3: 1, 11: 1 }), served: 2, serviceMs: 14.5 * MINUTE },
      { counterId: 'c2', hour: 10, tickets: 1, waited: 1, buckets: buckets({ 1: 1 }), served: 0, serviceMs: 0 },
    ]);
  });

  it('then wait_hours sums them by hour, with the counters the tickets were at', () => {
    expect(result.waitHours).toEqual([
      { hour: 9, counters: 1, tickets: 3, waited: 2, buckets: buckets({ 3: 1, 11: 1 }), served: 2, serviceMs: 14.5 * MINUTE },
      { hour: 10, counters: 1, tickets: 1, waited: 1, buckets: buckets({ 1: 1 }), served: 0, serviceMs: 0 },
    ]);
  });

  it('then wait_score_days counts the matched ratings by their ticket\'s waiting band, the excluded one left out', () => {
    const none = { 'very-satisfied': 0, satisfied: 0, neutral: 0, dissatisfied: 0 };
    expect(result.waitScores).toEqual([
      { counterId: 'c1', band: 0, counts: { ...none, 'very-satisfied': 1 } },
      { counterId: 'c1', band: 2, counts: { ...none, dissatisfied: 1 } },
    ]);
    expect(result.flags).toEqual([]);
  });

  it('then each ticket carries its rating', () => {
    expect(result.tickets[0]).toEqual({
      ticket: 'A001',
      serviceType: 'deposits',
      counterId: 'c1',
      issuedAt: at('09:00'),
      calledAt: at('09:03'),
      startedAt: at('09:03:30'),
      endedAt: at('09:10'),
      waitMs: 3 * MINUTE,
      serviceMs: 6.5 * MINUTE,
      hour: 9,
      ratingId: 'r1',
      ratingScore: 'very-satisfied',
      ratedAt: at('09:11'),
    });
  });

  it('given a day the clocks change, then the hour of issue is the wall clock\'s', () => {
    // Madrid, 25 October 2026: 03:00 summer time is 02:00 again; 10:15 is 09:15 UTC.
    const result = deriveBranchDay({
      day: '2026-10-25',
      timeZone: 'Europe/Madrid',
      events: [event('A001', 'issued', Date.UTC(2026, 9, 25, 9, 15)), event('A002', 'issued', Date.UTC(2026, 9, 25, 0, 30))],
      ratings: [],
      queueCounterIds: new Set(),
      excludedRatingIds: new Set(),
    });
    expect(result.tickets.map((t) => [t.ticket, t.hour])).toEqual([
      ['A001', 10],
      ['A002', 2],
    ]);
  });
});

describe('deriveBranchDay: properties over any day', () => {
  const TICKETS = ['A001', 'A002', 'A003', 'A004', 'A005', 'B001', 'B002', 'B003'];
  const COUNTERS = ['c1', 'c2', 'c3'];
  const OFFSETS = [null, 0, 7 * MINUTE, -3 * MINUTE, 20_000, MAX_CORRECTION_MS, MAX_CORRECTION_MS + 1, -(MAX_CORRECTION_MS + 1)];
  const START = at('08:00');
  // Times on a minute grid over an hour and a half, plus some seconds, and days of up to 40
  // events and ratings: ratings at one counter at one instant, which only their ids order, are common.
  const anyTime = fc.tuple(fc.nat(90), fc.constantFrom(0, 0, 0, 10_000, 44_999)).map(([minutes, extra]) => START + minutes * MINUTE + extra);
  const anyEvent = fc.record({
    ticket: fc.constantFrom(...TICKETS),
    type: fc.constantFrom(...QUEUE_EVENT_TYPES),
    at: anyTime,
    counterId: fc.constantFrom(...COUNTERS),
    serviceType: fc.constantFrom(null, 'deposits', 'VIP'),
  });
  const anyEvents = fc
    .uniqueArray(anyEvent, { maxLength: 40, size: 'medium', selector: (e) => `${e.ticket}/${e.type}/${e.at}` })
    .map((events) => events.map((e): UnitQueueEvent => ({ ...e, counterId: e.type === 'issued' ? null : e.counterId })));
  const anyRatings = fc.uniqueArray(
    fc.record({ id: fc.uuid(), counterId: fc.constantFrom(...COUNTERS), tellerId: fc.constantFrom(null, 't1'), score: fc.constantFrom(...SCORES), createdAt: anyTime, clockOffsetMs: fc.constantFrom(...OFFSETS) }),
    { maxLength: 40, size: 'medium', selector: (r) => r.id },
  );
  const anyDay = fc.record({ events: anyEvents, ratings: anyRatings, queueCounters: fc.subarray(COUNTERS), excludedShare: fc.nat(3) });

  /** The same facts in another order: what the database happened to return this time. */
  const shuffled = <T>(items: readonly T[], keys: readonly number[]): T[] =>
    items
      .map((item, i) => [item, keys[i % Math.max(1, keys.length)]! ^ i] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([item]) => item);

  it('given the same facts in any order, then the derived rows are the same', () => {
    fc.assert(
      fc.property(anyDay, fc.array(fc.nat(), { minLength: 1, maxLength: 80 }), ({ events, ratings, queueCounters, excludedShare }, keys) => {
        const excluded = ratings.filter((_, i) => excludedShare > 0 && i % (excludedShare + 1) === 0).map((r) => r.id);
        const once = derive({ events, ratings, queueCounters, excluded });
        const again = derive({ events: shuffled(events, keys), ratings: shuffled(ratings, [...keys].reverse()), queueCounters: shuffled(queueCounters, keys), excluded: shuffled(excluded, keys) });
        expect(again).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('given any day, then the roll-ups add up to its tickets, each ticket has one rating at most and each rating one ticket at most, and an excluded rating none', () => {
    fc.assert(
      fc.property(anyDay, ({ events, ratings, queueCounters, excludedShare }) => {
        const excluded = ratings.filter((_, i) => excludedShare > 0 && i % (excludedShare + 1) === 0).map((r) => r.id);
        const { tickets, waitDays, waitHours, waitScores, flags } = derive({ events, ratings, queueCounters, excluded });
        const sum = (rows: readonly { tickets: number; waited: number; served: number; serviceMs: number; buckets: number[] }[]) => ({
          tickets: rows.reduce((n, r) => n + r.tickets, 0),
          waited: rows.reduce((n, r) => n + r.waited, 0),
          inBuckets: rows.reduce((n, r) => n + r.buckets.reduce((a, b) => a + b, 0), 0),
          served: rows.reduce((n, r) => n + r.served, 0),
          serviceMs: rows.reduce((n, r) => n + r.serviceMs, 0),
        });
        const expected = {
          tickets: tickets.length,
          waited: tickets.filter((t) => t.waitMs !== null).length,
          inBuckets: tickets.filter((t) => t.waitMs !== null).length,
          served: tickets.filter((t) => t.serviceMs !== null).length,
          serviceMs: tickets.reduce((n, t) => n + (t.serviceMs ?? 0), 0),
        };
        expect(sum(waitDays)).toEqual(expected);
        expect(sum(waitHours)).toEqual(expected);
        const rated = tickets.filter((t) => t.ratingId !== null);
        expect(new Set(rated.map((t) => t.ratingId)).size).toBe(rated.length);
        expect(rated.filter((t) => excluded.includes(t.ratingId!))).toEqual([]);
        const scored = waitScores.reduce((n, w) => n + SCORES.reduce((m, s) => m + w.counts[s], 0), 0);
        expect(scored).toBe(rated.filter((t) => t.waitMs !== null).length);
        // A rating with a ticket is never flagged for having none.
        const ratedIds = new Set(rated.map((t) => t.ratingId));
        expect(flags.filter((f) => f.kinds.includes('no-ticket') && ratedIds.has(f.ratingId))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
