import type { Insertable, Kysely } from 'kysely';
import type { Database, QueueEventTable } from '../db/schema.ts';

export type NewQueueEventRow = Insertable<QueueEventTable>;

/** An event's natural key within its branch: what makes a second post or an import of it a duplicate. */
export const queueEventKey = (row: { day: string; ticket: string; type: string; at: number }): string => `${row.day}\u0000${row.ticket}\u0000${row.type}\u0000${row.at}`;

/** Rows per statement: 11 columns each stays far below SQLite's and PostgreSQL's limits on parameters. */
const ROWS_PER_INSERT = 500;

/**
 * Inserts events of one branch, skipping any held already (the same branch, day, ticket, type
 * and time), and answers the natural keys of those it stored. Two equal events in one call
 * are one: the second is skipped like a re-post.
 */
export async function insertQueueEvents(db: Kysely<Database>, rows: readonly NewQueueEventRow[]): Promise<Set<string>> {
  const stored = new Set<string>();
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const inserted = await db
      .insertInto('queue_events')
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) => oc.columns(['branch_id', 'day', 'ticket', 'type', 'at']).doNothing())
      .returning(['day', 'ticket', 'type', 'at'])
      .execute();
    for (const row of inserted) stored.add(queueEventKey({ ...row, at: Number(row.at) }));
  }
  return stored;
}

/**
 * What Manage › Queue system shows of a branch's intake: the time of its latest event and how
 * many it has today. Both read through the natural key's index (branch, day, …): the latest
 * day first, then that day's latest time, never the branch's whole history.
 */
export async function queueActivity(db: Kysely<Database>, branchId: string, today: string): Promise<{ lastEventAt: number | null; eventsToday: number }> {
  const latestDay = await db.selectFrom('queue_events').select((eb) => eb.fn.max('day').as('day')).where('branch_id', '=', branchId).executeTakeFirst();
  const day = latestDay?.day ?? null;
  const [latest, todays] = await Promise.all([
    day === null
      ? undefined
      : db.selectFrom('queue_events').select((eb) => eb.fn.max('at').as('at')).where('branch_id', '=', branchId).where('day', '=', day).executeTakeFirst(),
    db.selectFrom('queue_events').select((eb) => eb.fn.countAll().as('n')).where('branch_id', '=', branchId).where('day', '=', today).executeTakeFirst(),
  ]);
  const at = latest?.at ?? null;
  return { lastEventAt: at === null ? null : Number(at), eventsToday: Number(todays?.n ?? 0) };
}
