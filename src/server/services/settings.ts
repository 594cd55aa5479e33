import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { DEFAULT_DEADLINES, type ReplyDeadlines } from '../../domain/case.ts';
import { DeadlineHoursSchema } from '../../domain/config.ts';
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
