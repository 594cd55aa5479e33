import type { Actor } from '../../src/server/services/audit.ts';
import { addBranch, addCounter, editBranch } from '../../src/server/services/branches.ts';
import { addQueueSystem, setCounterQueueCode, type QueueActor } from '../../src/server/services/queue-systems.ts';
import { BRANCH_ID, COUNTER_ID } from '../builders/rating.ts';
import type { TestDatabase } from '../helpers/db.ts';
import { givenBranchWithCounter, SERVER_NOW } from './fixtures.ts';

/** Harbour Road, the other branch of the queue tests, and its counters. */
export const HARBOUR_ID = '0190a0b0-0000-7000-8000-0000000000b2';
export const HARBOUR_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
export const HARBOUR_WINDOW_9_ID = '0190a0b0-0000-7000-8000-0000000000c9';
/** Main Street's second counter, which the queue system does not know. */
export const WINDOW_5_ID = '0190a0b0-0000-7000-8000-0000000000c5';

/** The operator of the tests' set-up: the CLI's powers, audited as such. */
export const TEST_OPERATOR: QueueActor = { actor: { actor: 'tester@ci', role: 'operator', verified: 'server-shell' } satisfies Actor };

const must = <T>(result: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!result.ok) throw new Error(result.message);
  return result.value;
};

/**
 * Main Street in Asia/Shanghai, its Window 3 known to its queue system as "3" and Window 5
 * not mapped; Harbour Road in Europe/Madrid, whose Window 1 is also "3" and Window 9 is "B9".
 * Each branch has a queue system key.
 */
export async function givenQueueBranches(database: TestDatabase) {
  const { db } = database;
  const main = await givenBranchWithCounter(database);
  must(await editBranch(db, BRANCH_ID, { timeZone: 'Asia/Shanghai' }));
  must(await addCounter(db, { id: WINDOW_5_ID, branchId: BRANCH_ID, name: 'Window 5' }, SERVER_NOW));
  must(await addBranch(db, { id: HARBOUR_ID, name: 'Harbour Road', timeZone: 'Europe/Madrid' }, SERVER_NOW));
  must(await addCounter(db, { id: HARBOUR_COUNTER_ID, branchId: HARBOUR_ID, name: 'Window 1' }, SERVER_NOW));
  must(await addCounter(db, { id: HARBOUR_WINDOW_9_ID, branchId: HARBOUR_ID, name: 'Window 9' }, SERVER_NOW));
  must(await setCounterQueueCode(db, TEST_OPERATOR, COUNTER_ID, '3', SERVER_NOW));
  must(await setCounterQueueCode(db, TEST_OPERATOR, HARBOUR_COUNTER_ID, '3', SERVER_NOW));
  must(await setCounterQueueCode(db, TEST_OPERATOR, HARBOUR_WINDOW_9_ID, 'B9', SERVER_NOW));
  const mainKey = must(await addQueueSystem(db, TEST_OPERATOR, BRANCH_ID, 'Lobby ticket printer', SERVER_NOW));
  const harbourKey = must(await addQueueSystem(db, TEST_OPERATOR, HARBOUR_ID, 'Harbour queue', SERVER_NOW));
  // The set-up's own marks and audit rows are not what the tests are about.
  await db.deleteFrom('match_dirty').execute();
  await db.deleteFrom('audit_log').execute();
  return { ...main, mainKey, harbourKey };
}
