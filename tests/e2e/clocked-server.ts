// A server of the test's own whose clock the test moves (buildApp's `now`), serving the built
// app as `npm start` does: a device token ages by days and a grace ends in minutes without
// waiting for either (device-token.test.ts, and `npx tsx scripts/screenshots.ts tokens`).
// One branch, "Main Street" in English, with Window 3 and its teller, and head office HQ1.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/server/app.ts';
import { addBranch, addCounter } from '../../src/server/services/branches.ts';
import { issueEnrollmentCode } from '../../src/server/services/enrollment.ts';
import { addTeller } from '../../src/server/services/tellers.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../builders/rating.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { givenHeadOfficeAccount, PASSWORD } from '../server/dashboard.ts';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));

export const TELLER = { staffNumber: '1001', pin: '2468' };
export const HEAD_OFFICE = { staffNumber: 'HQ1', password: PASSWORD };

export interface ClockedServer {
  /** `http://127.0.0.1:<port>/` */
  baseUrl: string;
  database: TestDatabase;
  /** The server's clock: the real one plus what the test has added. */
  now: () => number;
  /** Moves the server's clock forward. */
  advance: (ms: number) => void;
  /** A one-time code for Window 3, as the admin makes it. */
  code: () => Promise<string>;
  /** What the server keeps of a device's tokens. */
  device: (id: string) => Promise<{ token_issued_at: number | null; previous_token_until: number | null; clone_suspected_at: number | null; clone_detail: string | null; last_address: string | null }>;
  close: () => Promise<void>;
}

/** `startsAt`: how far from the real clock the server's starts (negative: in the past). */
export async function startClockedServer({ startsAt = 0 }: { startsAt?: number } = {}): Promise<ClockedServer> {
  const database = await createTestDatabase('sqlite');
  let offset = startsAt;
  const now = () => Date.now() + offset;
  const branch = await addBranch(database.db, { id: BRANCH_ID, name: 'Main Street', defaultLanguage: 'en', ratingCooldownMs: 300 }, now());
  if (!branch.ok) throw new Error(branch.message);
  const counter = await addCounter(database.db, { id: COUNTER_ID, branchId: BRANCH_ID, name: 'Window 3' }, now());
  if (!counter.ok) throw new Error(counter.message);
  const teller = await addTeller(database.db, { id: TELLER_ID, branchId: BRANCH_ID, staffNumber: TELLER.staffNumber, name: 'Mei Chen', pin: TELLER.pin, stars: 4 }, now());
  if (!teller.ok) throw new Error(teller.message);
  await givenHeadOfficeAccount(database);
  const app: FastifyInstance = await buildApp({ db: database.db, staticDir: DIST, now });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    database,
    now,
    advance: (ms) => void (offset += ms),
    code: async () => {
      const issued = await issueEnrollmentCode(database.db, { counterId: COUNTER_ID }, now());
      if (!issued.ok) throw new Error(issued.message);
      return issued.value.formatted;
    },
    device: (id) =>
      database.db
        .selectFrom('devices')
        .select(['token_issued_at', 'previous_token_until', 'clone_suspected_at', 'clone_detail', 'last_address'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    close: async () => {
      await app.close();
      await database.destroy();
    },
  };
}
