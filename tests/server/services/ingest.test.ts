import type { Kysely, KyselyPlugin } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../../src/server/db/schema.ts';
import { findDeviceByTokenHash } from '../../../src/server/repositories/devices.ts';
import { hashSecret } from '../../../src/server/secrets.ts';
import { ingestPush } from '../../../src/server/services/ingest.ts';
import { aRating } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { givenBranchWithCounter, givenEnrolledDevice, SERVER_NOW, useTestDatabase } from '../fixtures.ts';

// What a push costs in statements: only ids an insert skipped are looked up, so a push of new
// records reads nothing more than before (decision 0017), and on PostgreSQL it is still one
// statement that inserts, rolls up, marks the device seen and answers the ids stored.

/** The database, and the SQL of every statement run through it (Kysely's, not the roll-ups' prepared texts). */
function counted(db: Kysely<Database>) {
  const statements: string[] = [];
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      statements.push(db.getExecutor().compileQuery(node, queryId).sql);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), statements };
}

const lookups = (statements: readonly string[]) => statements.filter((s) => /^select .*"content_hash" from "ratings"/.test(s));

describeEachDatabase('ingestPush: what an id check costs', (kind) => {
  const database = useTestDatabase(kind);

  async function given() {
    await givenBranchWithCounter(database.current);
    const [a, b] = [await givenEnrolledDevice(database.current), await givenEnrolledDevice(database.current)];
    const identity = async (token: string) => (await findDeviceByTokenHash(database.current.db, hashSecret(token)))!;
    return { a: await identity(a.token), b: await identity(b.token) };
  }

  it('given a push of 200 new ratings, then nothing is looked up; on PostgreSQL storing them is one statement', async () => {
    const { a } = await given();
    const { db, statements } = counted(database.current.db);
    const records = Array.from({ length: 200 }, () => aRating());

    const answer = await ingestPush(db, a, { records }, SERVER_NOW);

    expect(answer.results.every((r) => r.status === 'accepted')).toBe(true);
    expect(lookups(statements)).toEqual([]);
    if (kind === 'postgres') {
      const writes = statements.filter((s) => /insert into|update "devices"/.test(s));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/^with "stored_ratings" as \(insert into "ratings".*"device_seen" as \(update "devices".* select \(select json_agg\(id\) from stored_ratings\) as "ratings"$/s);
    }
  });

  it('given a push of which one id another device holds, then that one id is looked up, once, and answered id-taken', async () => {
    const { a, b } = await given();
    const held = aRating();
    await ingestPush(database.current.db, a, { records: [held] }, SERVER_NOW);
    const { db, statements } = counted(database.current.db);
    const records = [...Array.from({ length: 99 }, () => aRating()), { ...held, score: 'neutral' }, ...Array.from({ length: 100 }, () => aRating())];

    const answer = await ingestPush(db, b, { records }, SERVER_NOW);

    expect(answer.results.filter((r) => r.status !== 'accepted')).toEqual([
      { id: held.id, status: 'conflict', reason: 'id-taken', message: `id: ${held.id} is held by the server for another device's rating; send this rating again under a new id` },
    ]);
    expect(lookups(statements)).toHaveLength(1);
    expect(lookups(statements)[0]).toMatch(/where "id" in \((\?|\$1)\)$/);
  });
});
