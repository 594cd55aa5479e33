import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../fixtures.ts';

// SQLite's statements run synchronously in the server's thread (src/server/db/database.ts
// takeTurns): a long run of them must still let the event loop read its sockets and accept
// connections, or a thousand tablets connecting at day end wait for the whole run.
describe('the event loop while SQLite works (sqlite)', () => {
  const database = useTestDatabase('sqlite');

  it('given a transaction of thousands of statements, when it runs, then the event loop gets its turns before it ends, and the transaction is whole', async () => {
    const { db } = database.current;
    let statements = 0;
    const seen: number[] = [];
    let ended = false;
    // A callback of the loop's check phase, as a socket's would be in its poll phase: it runs
    // only when the statements give the loop a turn.
    const watch = () => {
      seen.push(statements);
      if (!ended) setImmediate(watch);
    };
    const work = db.transaction().execute(async (trx) => {
      setImmediate(watch);
      for (let i = 0; i < 5000; i++) {
        await sql`select ${i} as n`.execute(trx);
        statements++;
      }
      await trx.insertInto('settings').values({ key: 'retention', value: '0', updated_at: statements }).execute();
    });
    await work;
    ended = true;

    // Turns came between statements, not only once all 5,000 had run.
    expect(seen.some((n) => n > 0 && n < 5000)).toBe(true);
    expect(await db.selectFrom('settings').select('updated_at').where('key', '=', 'retention').executeTakeFirst()).toEqual({ updated_at: 5000 });
  });
});
