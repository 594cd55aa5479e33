import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { hashPassword, randomPassword } from '../passwords.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranch, hasAnyBranch, type Branch } from '../repositories/branches.ts';
import type { Counter } from '../repositories/counters.ts';
import type { StoredTeller } from '../repositories/tellers.ts';
import { storeNewAccount } from './accounts.ts';
import { addBranch, addCounter, type AdminError } from './branches.ts';
import { issueEnrollmentCode, type IssuedCode } from './enrollment.ts';
import { DEFAULT_STARS, hashNewPin, randomPin, storeNewTeller } from './tellers.ts';

/**
 * What the first start of a server made, to be shown to the person installing it: the
 * teller's PIN exists only here, as only its hash is stored. `code` enrolls the counter's
 * tablet, `lobbyCode` the lobby's opinion box; `dashboard` signs head office in to the
 * dashboard (its password, too, exists only here).
 */
export type FirstRun = {
  branch: Branch;
  counter: Counter;
  code: IssuedCode;
  lobbyCode: IssuedCode;
  teller: StoredTeller;
  pin: string;
  dashboard: { staffNumber: string; password: string };
};

export const FIRST_COUNTER_NAME = 'Counter 1';
export const FIRST_TELLER = { name: 'Teller 1', staffNumber: '1001', stars: DEFAULT_STARS } as const;
/** Head office's first dashboard account; branch managers get theirs with `account:add --teller`. */
export const FIRST_DASHBOARD_ACCOUNT = { staffNumber: 'HQ1', name: 'Head office' } as const;

/**
 * On an empty database, makes one branch with one counter, one teller with a random PIN, a
 * code to enroll the counter's tablet and one for a lobby tablet, and a head-office dashboard
 * account with a random password, so a fresh install works without the CLI; all or nothing,
 * in one transaction. Answers null once any branch exists. Fails only when the branch
 * settings (from env) are invalid.
 */
export async function bootstrapFirstRun(
  db: Kysely<Database>,
  settings: { branchName: string; language: string; timeZone?: string },
  now: number,
): Promise<Result<FirstRun | null, AdminError>> {
  // Checked once before hashing, so later starts skip the slow hash; again in the transaction.
  if (await hasAnyBranch(db)) return ok(null);
  const pin = randomPin();
  const password = randomPassword();
  // Outside the transaction: it holds storage only.
  const [pinHash, passwordHash] = await Promise.all([hashNewPin(pin), hashPassword(password)]);
  return inTransaction(db, async (trx) => {
    if (await hasAnyBranch(trx)) return ok(null);
    const branch = await addBranch(trx, { name: settings.branchName, defaultLanguage: settings.language, timeZone: settings.timeZone }, now);
    if (!branch.ok) return branch; // validated before anything was written
    const counter = mustSucceed(await addCounter(trx, { branchId: branch.value.id, name: FIRST_COUNTER_NAME }, now));
    const teller = mustSucceed(
      await storeNewTeller(trx, { id: uuidv7(), branchId: branch.value.id, ...FIRST_TELLER, photo: null, pin: pinHash, pinMustChange: true, role: 'teller', active: true, createdAt: now }),
    );
    const code = mustSucceed(await issueEnrollmentCode(trx, { counterId: counter.id }, now));
    const lobbyCode = mustSucceed(await issueEnrollmentCode(trx, { mode: 'lobby', branchId: branch.value.id }, now));
    // Its password is in the first run's file: its owner chooses their own at the first sign-in.
    const account = { ...FIRST_DASHBOARD_ACCOUNT, tellerId: null, headOffice: true, regionId: null, active: true, mustChangePassword: true, createdAt: now, updatedAt: now };
    mustSucceed(await storeNewAccount(trx, account, passwordHash));
    // The counter and teller bumped the config version; show what is stored.
    const stored = await findBranch(trx, branch.value.id);
    return ok({ branch: stored ?? branch.value, counter, code, lobbyCode, teller, pin, dashboard: { staffNumber: account.staffNumber, password } });
  });
}

/** What a branch made a moment ago is given cannot be refused: if it is, it is a bug. */
function mustSucceed<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`First run: ${result.message}`);
  return result.value;
}
