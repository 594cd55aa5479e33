import { afterEach, expect, it } from 'vitest';
import { migrateToLatest } from '../../../src/server/db/migrate.ts';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from '../../helpers/db.ts';

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
    expect(tables).toEqual(['branches', 'counters', 'devices', 'enrollment_codes', 'ratings']);
  });

  it('given the schema, then bigint times and seq come back as numbers', async () => {
    database = await createTestDatabase(kind);
    const at = Date.UTC(2026, 10, 23, 10, 0);
    await database.db
      .insertInto('ratings')
      .values({ id: 'r1', branch_id: 'b', counter_id: 'c', device_id: 'd', score: 'neutral', reasons: '[]', language: 'en', created_at: at, received_at: at + 1 })
      .execute();
    const row = await database.db.selectFrom('ratings').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ created_at: at, received_at: at + 1 });
    expect(typeof row.seq).toBe('number');
  });
});
