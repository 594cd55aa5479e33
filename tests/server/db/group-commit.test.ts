import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { inPushTransaction, MAX_GROUP } from '../../../src/server/db/group-commit.ts';
import type { Database } from '../../../src/server/db/schema.ts';
import { createTestDatabase, describeEachDatabase } from '../../helpers/db.ts';

// Group commit (src/server/db/group-commit.ts) on a real SQLite file: the pushes ready in one
// turn of the event loop share a transaction, each in a savepoint of its own; on PostgreSQL
// each push keeps a transaction of its own.

/** A table of the test's own, so the checks read only what the works wrote. */
async function withProbeTable<T>(kind: 'sqlite' | 'postgres', use: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const database = await createTestDatabase(kind);
  try {
    await sql`create table group_probe (id text primary key)`.execute(database.db);
    return await use(database.db);
  } finally {
    await database.destroy();
  }
}

const insert = (trx: Kysely<Database>, id: string) => sql`insert into group_probe (id) values (${id})`.execute(trx);
const stored = async (db: Kysely<Database>) => (await sql<{ id: string }>`select id from group_probe order by id`.execute(db)).rows.map((r) => r.id);

describe('group commit on SQLite', () => {
  it('given three pushes ready at once, the second of which fails, then they share one transaction, the failure is undone alone, and the others are stored', async () => {
    await withProbeTable('sqlite', async (db) => {
      const transactions: Kysely<Database>[] = [];
      const work = (id: string, fail = false) => async (trx: Kysely<Database>) => {
        transactions.push(trx);
        await insert(trx, id);
        if (fail) throw new Error(`push ${id} failed after writing`);
        return id;
      };
      const answers = await Promise.allSettled([inPushTransaction(db, work('a')), inPushTransaction(db, work('b', true)), inPushTransaction(db, work('c'))]);

      expect(answers).toEqual([
        { status: 'fulfilled', value: 'a' },
        { status: 'rejected', reason: new Error('push b failed after writing') },
        { status: 'fulfilled', value: 'c' },
      ]);
      expect(new Set(transactions).size).toBe(1);
      expect(transactions[0]!.isTransaction).toBe(true);
      expect(await stored(db)).toEqual(['a', 'c']);
    });
  });

  it('given more pushes ready than one group takes, then the rest go in the next transaction, and every one is stored', async () => {
    await withProbeTable('sqlite', async (db) => {
      const transactions: Kysely<Database>[] = [];
      const ids = Array.from({ length: MAX_GROUP + 3 }, (_, i) => `p${String(i).padStart(3, '0')}`);
      await Promise.all(ids.map((id) => inPushTransaction(db, async (trx) => (transactions.push(trx), insert(trx, id)))));

      expect(new Set(transactions.slice(0, MAX_GROUP)).size).toBe(1);
      expect(new Set(transactions.slice(MAX_GROUP)).size).toBe(1);
      expect(transactions[MAX_GROUP]).not.toBe(transactions[0]);
      expect(await stored(db)).toEqual(ids);
    });
  });

  it('given a push whose store throws before the group commits, then nothing of it is stored, alone in its turn or not, and a later push is stored as usual', async () => {
    await withProbeTable('sqlite', async (db) => {
      // The same id twice in one group: the second insert breaks the primary key.
      const answers = await Promise.allSettled([inPushTransaction(db, (trx) => insert(trx, 'x')), inPushTransaction(db, (trx) => insert(trx, 'x'))]);
      expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected']);
      // Alone in its turn, a push has a transaction of its own: a failure after its write undoes it.
      await expect(inPushTransaction(db, async (trx) => (await insert(trx, 'w'), Promise.reject(new Error('alone, failed'))))).rejects.toThrow('alone, failed');
      await inPushTransaction(db, (trx) => insert(trx, 'y'));
      expect(await stored(db)).toEqual(['x', 'y']);
    });
  });
});

describeEachDatabase('group commit elsewhere', (kind) => {
  it('given a caller\'s transaction, then the push runs in it, and only with it does it commit', async () => {
    await withProbeTable(kind, async (db) => {
      await expect(
        db.transaction().execute(async (trx) => {
          await inPushTransaction(trx, async (inner) => {
            expect(inner).toBe(trx);
            await insert(inner, 'z');
          });
          throw new Error('the caller gives up');
        }),
      ).rejects.toThrow('the caller gives up');
      expect(await stored(db)).toEqual([]);
    });
  });
});
