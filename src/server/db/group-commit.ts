import { sql, type Kysely } from 'kysely';
import { isPostgres } from './database.ts';
import type { Database } from './schema.ts';
import { inTransaction } from './transaction.ts';

/**
 * Group commit of pushes on SQLite (decision 0029). SQLite has one writer: pushes are stored
 * one transaction after another whatever we do, and each commit writes the pages it changed
 * to the WAL and syncs it (`synchronous = FULL`: an acknowledged batch must survive a power
 * cut). At day end, when a thousand tablets push at once, those commits were a fifth of the
 * server's time. So the pushes that are ready to store within one turn of the event loop are
 * stored in one transaction and one commit, each inside a savepoint of its own: a push that
 * fails is rolled back to its savepoint and fails alone, and the others are kept.
 *
 * Nothing is answered before the commit: each push's promise settles once the group's
 * transaction has committed (or failed, and then every push of the group fails, as one alone
 * would have, and its tablet sends it again). PostgreSQL, with many connections, commits
 * concurrent transactions together by itself: there, and inside a caller's transaction, `work`
 * runs in a transaction of its own as before.
 */
export function inPushTransaction<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction || isPostgres(db)) return inTransaction(db, work);
  let group = groups.get(db);
  if (!group) groups.set(db, (group = new Group(db)));
  return group.add(work);
}

/** The most pushes one transaction stores: about 13,000 records, a fraction of a second. */
export const MAX_GROUP = 64;

const groups = new WeakMap<Kysely<Database>, Group>();

type Member = { work: (trx: Kysely<Database>) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void };

class Group {
  private waiting: Member[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<Database>) {}

  add<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * After the pushes whose bytes are in this turn of the event loop have joined: setImmediate
   * runs once the loop has read every socket that was ready.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.commit());
  }

  private async commit(): Promise<void> {
    const members = this.waiting.splice(0, MAX_GROUP);
    if (members.length === 1) return this.commitAlone(members[0]!);
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const member of members) {
          await sql`savepoint push`.execute(trx);
          try {
            const value = await member.work(trx);
            await sql`release savepoint push`.execute(trx);
            results.push({ ok: true, value });
          } catch (error) {
            // Undoes this push's writes only; a failure to undo them fails the whole group.
            await sql`rollback to savepoint push`.execute(trx);
            await sql`release savepoint push`.execute(trx);
            results.push({ ok: false, error });
          }
        }
      });
      members.forEach((member, i) => {
        const result = results[i]!;
        if (result.ok) member.resolve(result.value);
        else member.reject(result.error);
      });
    } catch (error) {
      for (const member of members) member.reject(error);
    } finally {
      this.next();
    }
  }

  /** A push with no other ready: its own transaction, with no savepoint, as before group commit (the common case through the day). */
  private async commitAlone(member: Member): Promise<void> {
    try {
      member.resolve(await this.db.transaction().execute(member.work));
    } catch (error) {
      member.reject(error);
    } finally {
      this.next();
    }
  }

  private next(): void {
    this.scheduled = false;
    if (this.waiting.length > 0) this.schedule();
  }
}
