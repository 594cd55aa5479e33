import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { DEFAULT_RATING_COOLDOWN_MS, DeviceConfigSchema } from '../../domain/config.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranch, insertBranch, updateBranch, bumpConfigVersion, type Branch } from '../repositories/branches.ts';
import { insertCounter, type Counter } from '../repositories/counters.ts';
import { branchNotFound, parseInput, type AdminError } from './input.ts';
import { insertDefaultReasons } from './reasons.ts';
import { insertDefaultTopics } from './topics.ts';

// The same rules the device checks its configuration with (STYLE.md §2.4), so an admin
// cannot save a setting that devices would refuse.
const LanguageSchema = DeviceConfigSchema.entries.branch.entries.defaultLanguage;
const CooldownSchema = DeviceConfigSchema.entries.ratingCooldownMs;
const NameSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'is longer than 100 characters'));

const BranchInputSchema = v.object({
  name: NameSchema,
  defaultLanguage: v.optional(LanguageSchema, 'en'),
  ratingCooldownMs: v.optional(CooldownSchema, DEFAULT_RATING_COOLDOWN_MS),
});
const BranchChangesSchema = v.partial(
  v.object({ name: NameSchema, defaultLanguage: LanguageSchema, ratingCooldownMs: CooldownSchema, speech: v.boolean() }),
);
const CounterInputSchema = v.object({ name: NameSchema });

export type BranchInput = { name: string; defaultLanguage?: string; ratingCooldownMs?: number };
export type BranchEdit = Partial<BranchInput> & { speech?: boolean };
export type { AdminError };

/** Adds a branch with the default reasons and opinion-box topics; the id is made here unless a test fixes it. */
export async function addBranch(
  db: Kysely<Database>,
  input: BranchInput & { id?: string },
  now: number,
): Promise<Result<Branch, AdminError>> {
  const parsed = parseInput(BranchInputSchema, input);
  if (!parsed.ok) return parsed;
  const { name, defaultLanguage, ratingCooldownMs } = parsed.value;
  const id = input.id ?? uuidv7();
  return ok(
    await inTransaction(db, async (trx) => {
      const branch = await insertBranch(trx, { id, name, defaultLanguage, ratingCooldownMs, createdAt: now });
      await insertDefaultReasons(trx, id);
      await insertDefaultTopics(trx, id);
      return branch;
    }),
  );
}

/** Edits a branch; devices see the change at their next push through the config version. */
export async function editBranch(
  db: Kysely<Database>,
  id: string,
  changes: BranchEdit,
): Promise<Result<Branch, AdminError>> {
  const parsed = parseInput(BranchChangesSchema, changes);
  if (!parsed.ok) return parsed;
  if (Object.values(parsed.value).every((value) => value === undefined)) {
    return err('invalid-input', 'Nothing to change: give a new name, language, rating cooldown or speech setting.');
  }
  if (!(await updateBranch(db, id, parsed.value))) return branchNotFound(id);
  const branch = await findBranch(db, id);
  return branch ? ok(branch) : branchNotFound(id);
}

/** Adds a counter to a branch and bumps the branch's config version, in one transaction. */
export async function addCounter(
  db: Kysely<Database>,
  input: { branchId: string; name: string; id?: string },
  now: number,
): Promise<Result<Counter, AdminError>> {
  const parsed = parseInput(CounterInputSchema, input);
  if (!parsed.ok) return parsed;
  if (!(await findBranch(db, input.branchId))) return branchNotFound(input.branchId);
  const counter = { id: input.id ?? uuidv7(), branchId: input.branchId, name: parsed.value.name, createdAt: now };
  await inTransaction(db, async (trx) => {
    await insertCounter(trx, counter);
    await bumpConfigVersion(trx, counter.branchId);
  });
  return ok(counter);
}
