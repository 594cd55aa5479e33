import type { Kysely } from 'kysely';
import type { QueueEvent } from '../../../src/domain/queue.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { shellActor } from '../../../src/server/services/audit.ts';
import { postQueueEvents } from '../../../src/server/services/queue-events.ts';
import { matchDirtyDays } from '../../../src/server/services/queue-match.ts';
import { addQueueSystem, authenticateQueueKey, setCounterQueueCode } from '../../../src/server/services/queue-systems.ts';
import { SERVER_NOW } from '../fixtures.ts';
import type { GivenBranch } from './given.ts';

/**
 * Queue systems for the report tests: a branch of given.ts gets a queue system whose counters
 * "1" and "2" are its two counters, and tickets reach the server as the queue system posts
 * them (services/queue-events.ts); the matcher (services/queue-match.ts) then derives the
 * tickets, flags and waiting roll-ups the reports read.
 */

/** Posts a branch's queue events as its queue system does; every event must be stored. */
export type QueuePoster = (events: readonly QueueEvent[]) => Promise<void>;

/** Gives a branch a queue system and maps its counters to the codes "1" and "2"; answers how to post its events. */
export async function givenQueueSystem(db: Kysely<Database>, branch: GivenBranch): Promise<QueuePoster> {
  const by = { actor: shellActor() };
  for (const [i, counterId] of branch.counterIds.entries()) must(await setCounterQueueCode(db, by, counterId, String(i + 1), SERVER_NOW));
  const { key } = must(await addQueueSystem(db, by, branch.id, 'Queue system', SERVER_NOW));
  const system = must(await authenticateQueueKey(db, key));
  return async (events) => {
    const answer = await postQueueEvents(db, system, events, '127.0.0.1', SERVER_NOW);
    const refused = answer.results.filter((r) => r.status !== 'stored');
    if (refused.length > 0) throw new Error(`not stored: ${JSON.stringify(refused)}`);
  };
}

/** When a ticket's steps happened (UTC ms), and at which counter code; a step left out did not happen. */
export type TicketPlan = { issued: number; called?: number; started?: number; ended?: number; counter?: '1' | '2'; service?: string };

/** A ticket's events, issued then called, started and ended at its counter as far as the plan goes. */
export function ticketEvents(ticket: string, plan: TicketPlan): QueueEvent[] {
  const events: QueueEvent[] = [{ ticket, type: 'issued', at: plan.issued, service: plan.service ?? 'deposits' }];
  const counter = plan.counter ?? '1';
  if (plan.called !== undefined) events.push({ ticket, type: 'called', at: plan.called, counter });
  if (plan.started !== undefined) events.push({ ticket, type: 'started', at: plan.started, counter });
  if (plan.ended !== undefined) events.push({ ticket, type: 'ended', at: plan.ended, counter });
  return events;
}

/** Runs the matcher until no branch-day is left marked: what its worker does within a tick or two. */
export async function settleMatcher(db: Kysely<Database>): Promise<void> {
  // A day that fails to match fails the test, with why.
  const log = {
    error: (o: { err?: unknown }, msg: string) => {
      throw new Error(`${msg}: ${String(o.err)}`, { cause: o.err });
    },
  };
  while ((await matchDirtyDays(db, SERVER_NOW, 50, log)) > 0);
}

function must<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new Error(result.message);
  return result.value;
}
