import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { DEFAULT_DEADLINES, type ReplyDeadlines } from '../../domain/case.ts';
import { DeadlineHoursSchema } from '../../domain/config.ts';
import { TargetPercentSchema, WaitTargetMinutesSchema } from '../../domain/manage-network.ts';
import { FIGURE_IDS, TARGETS, type FigureId, type Targets } from '../../domain/metrics.ts';
import { DEFAULT_WAIT_TARGET_MINUTES } from '../../domain/queue.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpEveryConfigVersion } from '../repositories/branches.ts';
import { readSettings, writeSettings, type SettingKey } from '../repositories/settings.ts';
import { parseInput, type AdminError } from './input.ts';

/** Where each reply deadline is kept. */
const DEADLINE_KEYS = { replyWithinHours: 'reply_within_hours', notOnSpotWithinHours: 'not_on_spot_within_hours' } as const satisfies Record<keyof ReplyDeadlines, SettingKey>;

// The rule the tablets check their configuration with (one schema in src/domain), so an admin cannot
// save a deadline that devices would refuse.
const DeadlineChangesSchema = v.object({
  replyWithinHours: v.optional(DeadlineHoursSchema),
  notOnSpotWithinHours: v.optional(DeadlineHoursSchema),
});

/** The network's reply deadlines for complaint cases: the stored ones, the defaults for the rest. */
export async function readCaseDeadlines(db: Kysely<Database>): Promise<ReplyDeadlines> {
  const stored = await readSettings(db, Object.values(DEADLINE_KEYS));
  // Written only by setCaseDeadlines, which checked them; a value that no longer passes (a hand
  // edit) falls back to the default rather than breaking every tablet's configuration.
  const hours = (field: keyof ReplyDeadlines): number => {
    const parsed = v.safeParse(DeadlineHoursSchema, stored.get(DEADLINE_KEYS[field]));
    return parsed.success ? parsed.output : DEFAULT_DEADLINES[field];
  };
  return { replyWithinHours: hours('replyWithinHours'), notOnSpotWithinHours: hours('notOnSpotWithinHours') };
}

/**
 * Changes the reply deadlines of the whole network and bumps every branch's config version
 * in the same transaction, so every tablet pulls them at its next push. A case handed on
 * from the spot gets the longer deadline, so it may not be shorter than the ordinary one.
 */
export async function setCaseDeadlines(
  db: Kysely<Database>,
  changes: Partial<ReplyDeadlines>,
  now: number,
): Promise<Result<ReplyDeadlines, AdminError>> {
  const parsed = parseInput(DeadlineChangesSchema, changes);
  if (!parsed.ok) return parsed;
  const given = Object.entries(parsed.value).filter(([, hours]) => hours !== undefined) as [keyof ReplyDeadlines, number][];
  if (given.length === 0) return err('invalid-input', 'Nothing to change: give --reply-within-hours or --not-on-spot-within-hours (1 to 720).');
  return inTransaction(db, async (trx) => {
    const deadlines = { ...(await readCaseDeadlines(trx)), ...Object.fromEntries(given) };
    if (deadlines.notOnSpotWithinHours < deadlines.replyWithinHours) {
      return err(
        'invalid-input',
        `notOnSpotWithinHours: ${deadlines.notOnSpotWithinHours} hours is shorter than the reply deadline of ${deadlines.replyWithinHours} hours; ` +
          'a case handed on from the spot gets the longer deadline',
      );
    }
    await writeSettings(trx, new Map(given.map(([field, hours]) => [DEADLINE_KEYS[field], hours])), now);
    await bumpEveryConfigVersion(trx);
    return ok(deadlines);
  });
}

/** Where each target is kept, as a fraction (0.8 for 80%); absent: the programme's default (TARGETS). */
const TARGET_KEYS = {
  satisfaction: 'target_satisfaction',
  'complaint-rate': 'target_complaint_rate',
  'follow-up-rate': 'target_follow_up_rate',
} as const satisfies Record<FigureId, SettingKey>;

const FractionSchema = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const TargetChangesSchema = v.object(Object.fromEntries(FIGURE_IDS.map((id) => [id, v.optional(TargetPercentSchema)])) as Record<FigureId, v.OptionalSchema<typeof TargetPercentSchema, undefined>>);

/**
 * The programme's targets the reports judge the figures against: the stored values, the
 * defaults for the rest. Each figure keeps its comparison (at least / at most); only the value
 * is head office's to set. Read by the report routes and passed in, so the reports stay pure.
 */
export async function readTargets(db: Kysely<Database>): Promise<Targets> {
  const stored = await readSettings(db, Object.values(TARGET_KEYS));
  const targetOf = (id: FigureId) => {
    // A hand-edited value that no longer passes falls back to the default, as a deadline does.
    const parsed = v.safeParse(FractionSchema, stored.get(TARGET_KEYS[id]));
    return { ...TARGETS[id], ...(parsed.success && { value: parsed.output }) };
  };
  return Object.fromEntries(FIGURE_IDS.map((id) => [id, targetOf(id)])) as Targets;
}

/** Percent (80) to the stored fraction (0.8), without 0.07 × 100 style noise in what is shown back. */
export const fractionOf = (percent: number): number => Number((percent / 100).toFixed(6));
export const percentOf = (fraction: number): number => Number((fraction * 100).toFixed(4));

/**
 * Sets some of the programme's targets, as percentages from 0 to 100. No tablet holds them:
 * the dashboard's reports read them on each request, so no config version changes.
 */
export async function setTargets(db: Kysely<Database>, changes: Partial<Record<FigureId, number>>, now: number): Promise<Result<Targets, AdminError>> {
  const parsed = parseInput(TargetChangesSchema, changes);
  if (!parsed.ok) return parsed;
  const given = Object.entries(parsed.value).filter(([, percent]) => percent !== undefined) as [FigureId, number][];
  if (given.length === 0) return err('invalid-input', 'Nothing to change: give a target (0 to 100 %).');
  return inTransaction(db, async (trx) => {
    await writeSettings(trx, new Map(given.map(([id, percent]) => [TARGET_KEYS[id], fractionOf(percent)])), now);
    return ok(await readTargets(trx));
  });
}

const WAIT_TARGET_KEY = 'wait_target_minutes' satisfies SettingKey;

/**
 * The network's waiting-time target in whole minutes: the stored one, else the programme's
 * default. Read by the waiting report's route and passed in, like the other targets.
 */
export async function readWaitTarget(db: Kysely<Database>): Promise<number> {
  const parsed = v.safeParse(WaitTargetMinutesSchema, (await readSettings(db, [WAIT_TARGET_KEY])).get(WAIT_TARGET_KEY));
  // A hand-edited value that no longer passes falls back to the default, as a target does.
  return parsed.success ? parsed.output : DEFAULT_WAIT_TARGET_MINUTES;
}

/** Sets the waiting-time target (1 to 180 minutes). No tablet holds it: no config version changes. */
export async function setWaitTarget(db: Kysely<Database>, minutes: number, now: number): Promise<Result<number, AdminError>> {
  const parsed = parseInput(v.object({ waitTargetMinutes: WaitTargetMinutesSchema }), { waitTargetMinutes: minutes });
  if (!parsed.ok) return parsed;
  await writeSettings(db, new Map([[WAIT_TARGET_KEY, parsed.value.waitTargetMinutes]]), now);
  return ok(parsed.value.waitTargetMinutes);
}
