import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../../src/server/db/schema.ts';
import { runningAgainOnDeadlock } from '../../../src/server/db/transaction.ts';
import { TEST_POSTGRES_URL } from '../../helpers/db.ts';
import { useTestDatabase } from '../fixtures.ts';

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

// Deadlocks are PostgreSQL's: SQLite has one writer at a time.
describe.skipIf(!TEST_POSTGRES_URL)('a transaction PostgreSQL rolls back to break a deadlock (postgres)', () => {
  const database = useTestDatabase('postgres');

  it('given two transactions that lock two rows in opposite orders, when PostgreSQL breaks the deadlock, then the one it rolled back runs again and both commit', async () => {
    const { db } = database.current;
    await db.insertInto('settings').values([{ key: 'retention', value: '0', updated_at: 0 }, { key: 'wait_target_minutes', value: '0', updated_at: 0 }]).execute();
    const holds = [signal(), signal()];
    const runs = [0, 0];
    const bump = (trx: Kysely<Database>, key: 'retention' | 'wait_target_minutes', at: number) => trx.updateTable('settings').set({ updated_at: at }).where('key', '=', key).execute();
    const transaction = (index: 0 | 1, first: 'retention' | 'wait_target_minutes', second: 'retention' | 'wait_target_minutes') =>
      runningAgainOnDeadlock(db, () =>
        db.transaction().execute(async (trx) => {
          runs[index]!++;
          await bump(trx, first, index + 1);
          holds[index]!.fire();
          // Each holds its first row before asking for the other's: a deadlock, the first time.
          await holds[1 - index]!.promise;
          await bump(trx, second, index + 1);
        }),
      );
    await Promise.all([transaction(0, 'retention', 'wait_target_minutes'), transaction(1, 'wait_target_minutes', 'retention')]);
    expect(runs.toSorted()).toEqual([1, 2]);
    const rows = await db.selectFrom('settings').select(['key', 'updated_at']).orderBy('key').execute();
    // The one run again committed last: both rows carry its mark.
    const last = runs.indexOf(2) + 1;
    expect(rows).toEqual([{ key: 'retention', updated_at: last }, { key: 'wait_target_minutes', updated_at: last }]);
  });

  it('given any other failure, then it is not run again', async () => {
    let runs = 0;
    await expect(runningAgainOnDeadlock(database.current.db, async () => {
      runs++;
      throw Object.assign(new Error('unique violation'), { code: '23505' });
    })).rejects.toThrow('unique violation');
    expect(runs).toBe(1);
  });
});
