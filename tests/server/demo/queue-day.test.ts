import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { startOfLocalDay } from '../../../src/domain/period.ts';
import { QUEUE_EVENT_TYPES, QueueEventSchema } from '../../../src/domain/queue.ts';
import { queueDaySeed, simulateQueueDay, type QueueDayPlan, type SimulatedTicket } from '../../../src/server/demo/queue-day.ts';

const HOUR = 3_600_000;
const PLAN: QueueDayPlan = { day: '2026-11-23', timeZone: 'Asia/Shanghai', counters: ['1', '2', '3', '4'], customers: 240, seed: 7 };
const MIDNIGHT = startOfLocalDay(PLAN.day, PLAN.timeZone);
const localHourOf = (at: number) => Math.floor((at - MIDNIGHT) / HOUR);

/** Every seed from 1 to n, each a day of the plan. */
const days = (n: number, plan: Partial<QueueDayPlan> = {}) => Array.from({ length: n }, (_, i) => simulateQueueDay({ ...PLAN, ...plan, seed: i + 1 }));

describe('simulateQueueDay', () => {
  it('given the same plan and seed, when simulated twice, then the days are the same; another seed gives another day', () => {
    expect(simulateQueueDay(PLAN)).toEqual(simulateQueueDay(PLAN));
    expect(simulateQueueDay({ ...PLAN, seed: 8 }).events).not.toEqual(simulateQueueDay(PLAN).events);
  });

  it('given a day, then its tickets are numbered A001, A002, … in the order they were issued, between opening and closing', () => {
    const { tickets } = simulateQueueDay(PLAN);
    expect(tickets.length).toBeGreaterThan(100);
    expect(tickets.map((t) => t.ticket)).toEqual(tickets.map((_, i) => `A${String(i + 1).padStart(3, '0')}`));
    for (const [i, t] of tickets.entries()) {
      if (i > 0) expect(t.issuedAt).toBeGreaterThanOrEqual(tickets[i - 1]!.issuedAt);
      expect(localHourOf(t.issuedAt)).toBeGreaterThanOrEqual(9);
      expect(localHourOf(t.issuedAt)).toBeLessThan(17);
    }
  });

  it('given a day, then every ticket is issued, called, started and ended in that order at one of the counters, and the events say exactly that', () => {
    const { tickets, events } = simulateQueueDay(PLAN);
    for (const t of tickets) {
      expect(PLAN.counters).toContain(t.counter);
      expect(t.calledAt).toBeGreaterThanOrEqual(t.issuedAt);
      expect(t.startedAt).toBeGreaterThan(t.calledAt);
      // No one is served in under a minute (so ratings after services are never a burst).
      expect(t.endedAt - t.startedAt).toBeGreaterThanOrEqual(60_000);
    }
    expect(events).toHaveLength(tickets.length * 4);
    const byTicket = new Map<string, typeof events>();
    for (const e of events) byTicket.set(e.ticket, [...(byTicket.get(e.ticket) ?? []), e]);
    for (const t of tickets) {
      expect(byTicket.get(t.ticket)).toEqual([
        { ticket: t.ticket, type: 'issued', at: t.issuedAt, service: t.service },
        { ticket: t.ticket, type: 'called', at: t.calledAt, counter: t.counter },
        { ticket: t.ticket, type: 'started', at: t.startedAt, counter: t.counter },
        { ticket: t.ticket, type: 'ended', at: t.endedAt, counter: t.counter },
      ]);
    }
    expect(events.map((e) => e.type).filter((type) => !QUEUE_EVENT_TYPES.includes(type))).toEqual([]);
  });

  it('given a day, then its events are in time order and each is what the server reads from a queue system', () => {
    const { events } = simulateQueueDay(PLAN);
    for (const [i, e] of events.entries()) {
      if (i > 0) expect(e.at).toBeGreaterThanOrEqual(events[i - 1]!.at);
      expect(v.parse(QueueEventSchema, e)).toEqual(e);
    }
  });

  it('given many days, then no counter ever serves two tickets at once, and tickets are called first come, first served', () => {
    for (const { tickets } of days(20)) {
      const byCounter = new Map<string, SimulatedTicket[]>();
      for (const t of tickets) byCounter.set(t.counter, [...(byCounter.get(t.counter) ?? []), t]);
      for (const served of byCounter.values()) {
        served.sort((a, b) => a.calledAt - b.calledAt);
        for (let i = 1; i < served.length; i++) expect(served[i]!.calledAt).toBeGreaterThan(served[i - 1]!.endedAt);
      }
      for (let i = 1; i < tickets.length; i++) expect(tickets[i]!.calledAt).toBeGreaterThanOrEqual(tickets[i - 1]!.calledAt);
    }
  });

  it('given many days, then they issue about the planned tickets, more in the 10–11 and 14–16 peaks than at lunch', () => {
    const all = days(30).flatMap((d) => d.tickets);
    expect(all.length / 30).toBeGreaterThan(PLAN.customers * 0.9);
    expect(all.length / 30).toBeLessThan(PLAN.customers * 1.1);
    const inHour = (hour: number) => all.filter((t) => localHourOf(t.issuedAt) === hour).length;
    expect(inHour(10)).toBeGreaterThan(inHour(12) * 1.5);
    expect(inHour(14)).toBeGreaterThan(inHour(12) * 1.3);
    expect(inHour(15)).toBeGreaterThan(inHour(13) * 1.3);
  });

  it('given a counter at lunch from 12 to 14, then it calls no one then, and the others serve the line', () => {
    for (const { tickets } of days(10, { breaks: [{ counter: '2', fromHour: 12, toHour: 14 }] })) {
      const calledAtLunch = tickets.filter((t) => localHourOf(t.calledAt) >= 12 && localHourOf(t.calledAt) < 14);
      expect(calledAtLunch.length).toBeGreaterThan(0);
      expect(calledAtLunch.filter((t) => t.counter === '2')).toEqual([]);
    }
  });

  it('given no counters or no customers, then the day has no tickets', () => {
    expect(simulateQueueDay({ ...PLAN, counters: [] })).toEqual({ tickets: [], events: [] });
    expect(simulateQueueDay({ ...PLAN, customers: 0 })).toEqual({ tickets: [], events: [] });
  });
});

describe('queueDaySeed', () => {
  it('given the same names, then the same seed; given another day, another seed', () => {
    expect(queueDaySeed('SHA', '2026-11-23')).toBe(queueDaySeed('SHA', '2026-11-23'));
    expect(queueDaySeed('SHA', '2026-11-23')).not.toBe(queueDaySeed('SHA', '2026-11-24'));
    expect(queueDaySeed('SHA', '2026-11-23')).not.toBe(queueDaySeed('SHA2', '026-11-23'));
  });
});
