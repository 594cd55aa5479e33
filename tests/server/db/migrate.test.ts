import { afterEach, expect, it } from 'vitest';
import { DEFAULT_REASONS } from '../../../src/domain/reason.ts';
import { migrateTo, migrateToLatest } from '../../../src/server/db/migrate.ts';
import { findBranch } from '../../../src/server/repositories/branches.ts';
import { latestRatings } from '../../../src/server/repositories/ratings.ts';
import { listReasons } from '../../../src/server/repositories/reasons.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';

const AT = Date.UTC(2026, 10, 23, 10, 0);

describeEachDatabase('migrations', (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.destroy();
  });

  it('given a migrated database, when migrations run again, then nothing is applied and nothing breaks', async () => {
    database = await createTestDatabase(kind);
    expect(await migrateToLatest(database.db)).toEqual({ ok: true, value: [] });
    expect(await migrateToLatest(database.db)).toEqual({ ok: true, value: [] });
    const tables = (await database.db.introspection.getTables()).map((t) => t.name).sort();
    expect(tables).toEqual(['branches', 'counters', 'devices', 'enrollment_codes', 'ratings', 'reasons', 'shift_events', 'tellers']);
  });

  it('given the schema, then bigint times and seq come back as numbers', async () => {
    database = await createTestDatabase(kind);
    await database.db
      .insertInto('ratings')
      .values({ id: 'r1', branch_id: 'b', counter_id: 'c', device_id: 'd', score: 'neutral', reasons: '[]', language: 'en', created_at: AT, received_at: AT + 1 })
      .execute();
    const row = await database.db.selectFrom('ratings').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ created_at: AT, received_at: AT + 1 });
    expect(typeof row.seq).toBe('number');
  });

  it('given a database with rows from 0001, when 0002 runs, then old ratings keep no teller and the branch gets reasons, speech off and a new version', async () => {
    database = await createTestDatabase(kind, { upTo: '0001_initial' });
    const db = database.db;
    await db.insertInto('branches').values({ id: BRANCH_ID, name: 'Main Street', default_language: 'en', config_version: 2, created_at: AT }).execute();
    await db.insertInto('counters').values({ id: COUNTER_ID, branch_id: BRANCH_ID, name: 'Window 3', created_at: AT }).execute();
    const old = { id: 'r-old', branch_id: BRANCH_ID, counter_id: COUNTER_ID, device_id: 'd', score: 'satisfied', reasons: '[]', language: 'en', created_at: AT, received_at: AT };
    await db.insertInto('ratings').values(old).execute();

    expect(await migrateToLatest(db)).toEqual({ ok: true, value: ['0002_tellers_reasons_shifts'] });

    expect(await latestRatings(db, 10)).toEqual([expect.objectContaining({ id: 'r-old', tellerId: null, signInId: null, score: 'satisfied' })]);
    expect(await findBranch(db, BRANCH_ID)).toMatchObject({ speech: false, configVersion: 3 });
    const reasons = await listReasons(db, { branchId: BRANCH_ID });
    expect(reasons.map(({ id, scores, labels }) => ({ id, scores, labels }))).toEqual(DEFAULT_REASONS);
    expect(reasons.map((r) => [r.position, r.active])).toEqual(DEFAULT_REASONS.map((_, i) => [i + 1, true]));
  });

  it('given the latest schema, when it goes back to 0001 and up again, then both directions work', async () => {
    database = await createTestDatabase(kind);
    expect(await migrateTo(database.db, '0001_initial')).toEqual({ ok: true, value: ['0002_tellers_reasons_shifts'] });
    expect(await migrateToLatest(database.db)).toEqual({ ok: true, value: ['0002_tellers_reasons_shifts'] });
  });
});
