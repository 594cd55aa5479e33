import type * as v from 'valibot';
import type { QueueEventSchema } from '../../src/domain/queue.ts';

/** A queue event as a queue system posts it. */
export type QueueEventInput = v.InferInput<typeof QueueEventSchema>;

/** 23 Nov 2026, 09:00 in Shanghai (01:00 UTC): an hour before the server's clock in tests. */
export const QUEUE_MORNING = Date.UTC(2026, 10, 23, 1, 0);

/** A valid event: ticket A023 called to counter "3" at QUEUE_MORNING; pass only the fields a test is about. */
export function aQueueEvent(overrides: Partial<QueueEventInput> = {}): QueueEventInput {
  return { ticket: 'A023', type: 'called', at: QUEUE_MORNING, counter: '3', ...overrides };
}

/** A ticket's whole life at a counter: issued, called, started, ended, a few minutes apart. */
export function aTicket(ticket: string, counter: string, issuedAt = QUEUE_MORNING, service = 'deposits'): QueueEventInput[] {
  return [
    { ticket, type: 'issued', at: issuedAt, service },
    { ticket, type: 'called', at: issuedAt + 6 * 60_000, counter },
    { ticket, type: 'started', at: issuedAt + 6 * 60_000 + 20_000, counter },
    { ticket, type: 'ended', at: issuedAt + 11 * 60_000, counter },
  ];
}
