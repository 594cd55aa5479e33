import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { storableText } from '../../domain/text.ts';
import { DeviceConfigSchema } from '../../domain/config-schema.ts';
import { DEFAULT_RATING_COOLDOWN_MS } from '../../domain/config.ts';
import { TimeZoneSchema } from '../../domain/period.ts';
import { VoicesSchema, type Voices } from '../../domain/voice.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranch, insertBranch, updateBranch, bumpConfigVersion, type Branch } from '../repositories/branches.ts';
import { findCounter, insertCounter, updateCounterName, type Counter } from '../repositories/counters.ts';
import { branchNotFound, parseInput, type AdminError } from './input.ts';
import { insertDefaultReasons } from './reasons.ts';
import { rebuildRollups } from './report-rollups.ts';
import { insertDefaultTopics } from './topics.ts';

// The same rules the device checks its configuration with (each shape is defined once, in
// the domain), so an admin cannot save a setting that devices would refuse.
const LanguageSchema = DeviceConfigSchema.entries.branch.entries.defaultLanguage;
const CooldownSchema = DeviceConfigSchema.entries.ratingCooldownMs;
// A partial set: the languages named change, the others keep theirs.
const VoicesChangeSchema = v.partial(VoicesSchema);
const NameSchema = v.pipe(v.string(), storableText(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'is longer than 100 characters'));

const BranchInputSchema = v.object({
  name: NameSchema,
  defaultLanguage: v.optional(LanguageSchema, 'en'),
  ratingCooldownMs: v.optional(CooldownSchema, DEFAULT_RATING_COOLDOWN_MS),
  // UTC unless told: the server's own zone would make a test's days depend on the machine.
  timeZone: v.optional(TimeZoneSchema, 'UTC'),
});
const BranchChangesSchema = v.partial(
  v.object({ name: NameSchema, defaultLanguage: LanguageSchema, ratingCooldownMs: CooldownSchema, speech: v.boolean(), timeZone: TimeZoneSchema, voices: VoicesChangeSchema }),
);
const CounterInputSchema = v.object({ name: NameSchema });

export type BranchInput = { name: string; defaultLanguage?: string; ratingCooldownMs?: number; timeZone?: string };
export type BranchEdit = Partial<BranchInput> & { speech?: boolean; voices?: Partial<Record<keyof Voices, string>> };
export type { AdminError };

/** Adds a branch with the default reasons and opinion-box topics; the id is made here unless a test fixes it. */
export async function addBranch(
  db: Kysely<Database>,
  input: BranchInput & { id?: string },
  now: number,
): Promise<Result<Branch, AdminError>> {
  const parsed = parseInput(BranchInputSchema, input);
  if (!parsed.ok) return parsed;
  const { name, defaultLanguage, ratingCooldownMs, timeZone } = parsed.value;
  const id = input.id ?? uuidv7();
  return ok(
    await inTransaction(db, async (trx) => {
      const branch = await insertBranch(trx, { id, name, defaultLanguage, ratingCooldownMs, timeZone, createdAt: now });
      await insertDefaultReasons(trx, id);
      await insertDefaultTopics(trx, id);
      return branch;
    }),
  );
}

/**
 * Edits a branch; devices see the change at their next push through the config version. A
 * new time zone moves every record of the branch to its day in that zone: the branch's
 * days and roll-ups are rebuilt in the same transaction as the change (decision 0009).
 */
export async function editBranch(
  db: Kysely<Database>,
  id: string,
  changes: BranchEdit,
): Promise<Result<Branch, AdminError>> {
  const parsed = parseInput(BranchChangesSchema, changes);
  if (!parsed.ok) return parsed;
  const { voices, ...rest } = parsed.value;
  const noVoices = voices === undefined || Object.values(voices).every((value) => value === undefined);
  if (Object.values(rest).every((value) => value === undefined) && noVoices) {
    return err('invalid-input', 'Nothing to change: give a new name, language, rating cooldown, speech setting, voice or time zone.');
  }
  return inTransaction(db, async (trx) => {
    const before = await findBranch(trx, id);
    if (!before || !(await updateBranch(trx, id, { ...rest, ...(!noVoices && { voices: definedOnly(voices) }) }))) return branchNotFound(id);
    if (parsed.value.timeZone !== undefined && parsed.value.timeZone !== before.timeZone) await rebuildRollups(trx, id);
    const branch = await findBranch(trx, id);
    return branch ? ok(branch) : branchNotFound(id);
  });
}

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** The zone a new branch gets unless told: BRANCH_TIME_ZONE, else the zone of the server's clock. */
export const defaultBranchTimeZone = (env: NodeJS.ProcessEnv = process.env): string =>
  env.BRANCH_TIME_ZONE || Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Adds a counter to a branch and bumps the branch's config version, in one transaction. */
export async function addCounter(
  db: Kysely<Database>,
  input: { branchId: string; name: string; id?: string },
  now: number,
): Promise<Result<Counter, AdminError>> {
  const parsed = parseInput(CounterInputSchema, input);
  if (!parsed.ok) return parsed;
  if (!(await findBranch(db, input.branchId))) return branchNotFound(input.branchId);
  const counter = { id: input.id ?? uuidv7(), branchId: input.branchId, name: parsed.value.name, createdAt: now, queueCode: null };
  await inTransaction(db, async (trx) => {
    await insertCounter(trx, counter);
    await bumpConfigVersion(trx, counter.branchId);
  });
  return ok(counter);
}

/**
 * Renames a counter and bumps its branch's config version, in one transaction. A counter is
 * never deleted: its ratings name it.
 */
export async function renameCounter(db: Kysely<Database>, id: string, name: string): Promise<Result<Counter, AdminError | 'counter-not-found'>> {
  const parsed = parseInput(CounterInputSchema, { name });
  if (!parsed.ok) return parsed;
  return inTransaction(db, async (trx) => {
    const counter = await findCounter(trx, id);
    if (!counter || !(await updateCounterName(trx, id, parsed.value.name))) {
      return err('counter-not-found', `No counter has the id ${id}; list them with \`npm run admin -- counters\`.`);
    }
    await bumpConfigVersion(trx, counter.branchId);
    return ok({ ...counter, name: parsed.value.name });
  });
}
