import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Runs `fn` in a transaction, or in the caller's when there already is one: Kysely does not
 * nest transactions, and a service such as addCounter is used both alone and inside another.
 */
export function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** PostgreSQL's codes for a transaction it rolled back to break a deadlock, or for a serialization failure. */
const RUN_AGAIN = new Set(['40P01', '40001']);

/**
 * Runs `fn`, a whole transaction of its own, again when PostgreSQL rolled it back to break a
 * deadlock (or a serialization failure), as PostgreSQL's manual asks of its clients: rolled
 * back, it did nothing, so running it again from the start is safe. Concurrent pushes lock
 * their rows in one order (repositories/rollup-rows.ts), but the parts of one statement run in
 * an order PostgreSQL does not promise, so a deadlock stays possible under load; without this,
 * the tablet would get a 500 and retry anyway, later. Inside a caller's transaction `fn` runs
 * once: only the caller can start its transaction again.
 */
export async function runningAgainOnDeadlock<T>(db: Kysely<Database>, fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (db.isTransaction || attempt >= attempts || typeof code !== 'string' || !RUN_AGAIN.has(code)) throw error;
    }
  }
}
