import type { LocalDay } from '../../domain/period.ts';
import { startOfLocalDay } from '../../domain/period.ts';
import type { QueueEvent } from '../../domain/queue.ts';
import { seededRandom } from './random.ts';

/**
 * A day of a branch's queue system (排队叫号), simulated: customers arrive, take a ticket for a
 * service, wait, are called to the first free counter, walk up, are served and leave. The
 * demo (`npm run demo`), the simulator (`npm run queue-sim`) and the waiting-time bench all
 * replay it, so one seed gives the same day everywhere. Pure: no clock, and every random
 * draw from the seeded generator.
 *
 * The queue is one line served first come, first served by every open counter, as a branch's
 * ticket machine runs it: a ticket is called by the counter that frees up first, when it
 * frees up, or at once when a counter stands idle. Arrivals are a Poisson process whose rate
 * follows the hours of a bank's day (a morning peak at 10–11, an afternoon one at 14–16), so
 * the peaks queue up and the quiet hours drain them, which is what the waiting report shows.
 */

/** What customers come for, and how often, among the tickets of a day. */
export const SERVICE_MIX = {
  deposits: 0.42,
  withdrawals: 0.33,
  'foreign-exchange': 0.13,
  wealth: 0.12,
} as const;
export type ServiceType = keyof typeof SERVICE_MIX;

/**
 * The median service time of each, in minutes: cash over the counter is quick, a currency
 * exchange needs forms, a wealth-management talk takes a while. Times spread around it
 * (log-normal), never below SHORTEST_SERVICE_MS.
 */
const SERVICE_MEDIAN_MIN: Record<ServiceType, number> = { deposits: 2.5, withdrawals: 2, 'foreign-exchange': 5, wealth: 9 };
const SERVICE_SPREAD = 0.5;
/** No customer is served in under a minute; ratings after services are then never a burst (domain/queue.ts MIN_SERVICE_MS). */
const SHORTEST_SERVICE_MS = 60_000;
/** From the call to the customer at the counter, and from a customer leaving to the next call. */
const WALK_MS = [15_000, 75_000] as const;
const TIDY_MS = [5_000, 30_000] as const;

/** How busy each local hour of the day is, relative to the others: peaks at 10–11 and 14–16. */
const HOUR_WEIGHTS: Readonly<Record<number, number>> = { 8: 0.6, 9: 0.8, 10: 1.7, 11: 1.2, 12: 0.9, 13: 0.9, 14: 1.5, 15: 1.5, 16: 0.9, 17: 0.6, 18: 0.5 };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A day to simulate. */
export interface QueueDayPlan {
  day: LocalDay;
  timeZone: string;
  /** The queue system's codes of the counters open that day ("1", "2", …), in the order they are preferred on a tie. */
  counters: readonly string[];
  /** Tickets issued that day, on average. */
  customers: number;
  /** Local hours tickets are issued from and until (9 and 17: a bank's day); the last ones are still served after closing. */
  opensHour?: number;
  closesHour?: number;
  /** The letter of the ticket numbers: A001, A002, … */
  prefix?: string;
  /** Service times scaled by this: 1 the usual, 1.5 a branch whose customers' business takes longer. */
  pace?: number;
  /** Times a counter calls no one (a teller's lunch), local hours of the day. */
  breaks?: readonly { counter: string; fromHour: number; toHour: number }[];
  seed: number;
}

/** A ticket of the day and what happened to it. */
export interface SimulatedTicket {
  ticket: string;
  service: ServiceType;
  /** The code of the counter that served it. */
  counter: string;
  issuedAt: number;
  calledAt: number;
  startedAt: number;
  endedAt: number;
}

export interface QueueDay {
  /** In issue order, which is ticket-number order. */
  tickets: SimulatedTicket[];
  /** Every ticket's issued, called, started and ended, as the queue system posts them, in time order. */
  events: QueueEvent[];
}

/** Simulates a day; the same plan always gives the same day. */
export function simulateQueueDay(plan: QueueDayPlan): QueueDay {
  const random = seededRandom(plan.seed);
  const midnight = startOfLocalDay(plan.day, plan.timeZone);
  const opens = midnight + (plan.opensHour ?? 9) * HOUR;
  const closes = midnight + (plan.closesHour ?? 17) * HOUR;
  const prefix = plan.prefix ?? 'A';

  const arrivals = arrivalTimes(random, opens, closes, midnight, plan.customers);
  const counters = plan.counters.map((code) => ({
    code,
    freeAt: opens,
    breaks: (plan.breaks ?? []).filter((b) => b.counter === code).map((b) => ({ from: midnight + b.fromHour * HOUR, to: midnight + b.toHour * HOUR })),
  }));
  const tickets: SimulatedTicket[] = [];
  if (counters.length === 0) return { tickets, events: [] };

  for (const [index, issuedAt] of arrivals.entries()) {
    const service = pickService(random);
    // The counter that can call this ticket first: every ticket before it is called already (one line, first come first served).
    let best = counters[0]!;
    let bestAt = Infinity;
    for (const counter of counters) {
      const at = afterBreaks(Math.max(issuedAt, counter.freeAt), counter.breaks);
      if (at < bestAt) {
        best = counter;
        bestAt = at;
      }
    }
    const calledAt = bestAt;
    const startedAt = calledAt + between(random, WALK_MS[0], WALK_MS[1]);
    const endedAt = startedAt + serviceTime(random, service, plan.pace ?? 1);
    best.freeAt = endedAt + between(random, TIDY_MS[0], TIDY_MS[1]);
    tickets.push({ ticket: ticketNumber(prefix, index + 1), service, counter: best.code, issuedAt, calledAt, startedAt, endedAt });
  }
  return { tickets, events: eventsOf(tickets) };
}

/** Each ticket's four events, in time order; a ticket's own steps keep their order on a tie. */
export function eventsOf(tickets: readonly SimulatedTicket[]): QueueEvent[] {
  const events: QueueEvent[] = [];
  for (const t of tickets) {
    events.push(
      { ticket: t.ticket, type: 'issued', at: t.issuedAt, service: t.service },
      { ticket: t.ticket, type: 'called', at: t.calledAt, counter: t.counter },
      { ticket: t.ticket, type: 'started', at: t.startedAt, counter: t.counter },
      { ticket: t.ticket, type: 'ended', at: t.endedAt, counter: t.counter },
    );
  }
  // Array.prototype.sort is stable: equal times keep the order pushed above.
  return events.sort((a, b) => a.at - b.at);
}

/** A seed for one day of one branch, from names: the same branch and day replay the same day. */
export function queueDaySeed(...parts: readonly (string | number)[]): number {
  // FNV-1a over the parts' text: small, stable across runs and platforms.
  let hash = 0x811c9dc5;
  for (const char of parts.join('\u0000')) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A ticket number as ticket machines print them: A001 … A999, then A1000. */
export const ticketNumber = (prefix: string, n: number): string => `${prefix}${String(n).padStart(3, '0')}`;

/**
 * Arrival times between `opens` and `closes`: a Poisson process hour by hour, each hour's
 * rate its share of the day's customers by HOUR_WEIGHTS. Exponential gaps within an hour;
 * a gap that runs past the hour is drawn again from the hour's start at the next hour's rate
 * (memoryless, so this is exact).
 */
function arrivalTimes(random: () => number, opens: number, closes: number, midnight: number, customers: number): number[] {
  const hours: { from: number; to: number; weight: number }[] = [];
  for (let from = opens; from < closes; from += HOUR) {
    const to = Math.min(closes, from + HOUR);
    const hour = Math.floor((from - midnight) / HOUR);
    hours.push({ from, to, weight: (HOUR_WEIGHTS[hour] ?? 0.5) * ((to - from) / HOUR) });
  }
  const totalWeight = hours.reduce((sum, h) => sum + h.weight, 0);
  const times: number[] = [];
  if (totalWeight <= 0 || customers <= 0) return times;
  for (const h of hours) {
    const perMs = (customers * (h.weight / totalWeight)) / (h.to - h.from);
    let at = h.from;
    for (;;) {
      at += Math.round(-Math.log(1 - random()) / perMs);
      if (at >= h.to) break;
      times.push(at);
    }
  }
  return times;
}

function afterBreaks(at: number, breaks: readonly { from: number; to: number }[]): number {
  let t = at;
  for (const b of breaks) if (t >= b.from && t < b.to) t = b.to;
  return t;
}

const SERVICE_SHARES = Object.entries(SERVICE_MIX) as [ServiceType, number][];

function pickService(random: () => number): ServiceType {
  let roll = random();
  for (const [service, share] of SERVICE_SHARES) {
    roll -= share;
    if (roll < 0) return service;
  }
  return 'deposits';
}

function serviceTime(random: () => number, service: ServiceType, pace: number): number {
  // Box–Muller: a standard normal from two uniform draws.
  const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.max(SHORTEST_SERVICE_MS, Math.round(pace * SERVICE_MEDIAN_MIN[service] * MINUTE * Math.exp(SERVICE_SPREAD * normal)));
}

const between = (random: () => number, from: number, to: number): number => from + Math.floor(random() * (to - from));
