import type { Kysely } from 'kysely';
import { ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranch, hasAnyBranch, type Branch } from '../repositories/branches.ts';
import type { Counter } from '../repositories/counters.ts';
import { addBranch, addCounter, type AdminError } from './branches.ts';
import { issueEnrollmentCode, type IssuedCode } from './enrollment.ts';

/** What the first start of a server made, to be shown to the person installing it. */
export type FirstRun = { branch: Branch; counter: Counter; code: IssuedCode };

export const FIRST_COUNTER_NAME = 'Counter 1';

/**
 * On an empty database, makes one branch with one counter and a code to enroll its tablet,
 * so a fresh install works without the CLI; all or nothing, in one transaction. Answers
 * null once any branch exists. Fails only when the branch settings (from env) are invalid.
 */
export async function bootstrapFirstRun(
  db: Kysely<Database>,
  settings: { branchName: string; language: string },
  now: number,
): Promise<Result<FirstRun | null, AdminError>> {
  return inTransaction(db, async (trx) => {
    if (await hasAnyBranch(trx)) return ok(null);
    const branch = await addBranch(trx, { name: settings.branchName, defaultLanguage: settings.language }, now);
    if (!branch.ok) return branch; // validated before anything was written
    const counter = mustSucceed(await addCounter(trx, { branchId: branch.value.id, name: FIRST_COUNTER_NAME }, now));
    const code = mustSucceed(await issueEnrollmentCode(trx, { counterId: counter.id }, now));
    // addCounter bumped the config version; show what is stored.
    const stored = await findBranch(trx, branch.value.id);
    return ok({ branch: stored ?? branch.value, counter, code });
  });
}

/** The counter and code of a branch made a moment ago cannot be refused: if they are, it is a bug. */
function mustSucceed<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`First run: ${result.message}`);
  return result.value;
}
