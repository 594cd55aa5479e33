import type { Kysely } from 'kysely';
import { foldCases } from '../../domain/case.ts';
import { addDays, localDayOf, startOfLocalDay } from '../../domain/period.ts';
import { ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { listBranches } from '../repositories/branches.ts';
import { appliedEventsOfBranch } from '../repositories/case-events.ts';
import { branchDaysToMatch, markMatchDirty } from '../repositories/match-dirty.ts';
import { createdAtSpan, restampDays, type DaySegment } from '../repositories/record-days.ts';
import { addStoredRecordsToRollups, clearRollups, holdOffIngest } from '../repositories/rollup-rows.ts';
import { readSettings, writeSettings } from '../repositories/settings.ts';
import { projectCases } from './case-events.ts';
import { branchNotFound, type AdminError } from './input.ts';

/**
 * The roll-ups rebuilt from the raw records (decision 0009). Ingest keeps them as records
 * arrive; a rebuild recomputes them when what they were computed with changes: a branch's
 * time zone (every day moves), or how they are computed (ROLLUPS_VERSION). It adds every
 * stored record by the very additions ingest makes (repositories/rollup-rows.ts), so a
 * rebuild and ingest count alike by construction.
 */

/**
 * The version of the roll-ups' definition. Raise it when what a roll-up counts changes: the
 * server rebuilds every branch once at its next start. 1: the roll-ups of migration 0006,
 * created empty beside the records already stored.
 */
export const ROLLUPS_VERSION = 1;
const VERSION_KEY = 'rollups-version';

const MS_PER_DAY = 86_400_000;

/**
 * The segments that cover every instant from `fromMs` to `toMs` in `timeZone`, in order:
 * a year of a zone with summer time is five (two 24-hour stretches and the two days the
 * clocks change, between three stretches). SQL has no time zones on SQLite, and only the
 * server's own tz data on PostgreSQL; these let both compute exactly what localDayOf does.
 */
export function daySegments(timeZone: string, fromMs: number, toMs: number): DaySegment[] {
  const segments: DaySegment[] = [];
  const last = localDayOf(toMs, timeZone);
  let day = localDayOf(fromMs, timeZone);
  let start = startOfLocalDay(day, timeZone);
  while (day <= last) {
    const next = addDays(day, 1);
    const end = startOfLocalDay(next, timeZone);
    const previous = segments.at(-1);
    if (end - start !== MS_PER_DAY) segments.push({ until: end, day });
    else {
      const offsetMs = Date.parse(`${day}T00:00:00Z`) - start;
      if (previous && 'offsetMs' in previous && previous.offsetMs === offsetMs) previous.until = end;
      else segments.push({ until: end, offsetMs });
    }
    day = next;
    start = end;
  }
  return segments;
}

/**
 * Recomputes one branch's roll-ups and case projection from its raw records, in the caller's
 * transaction, and marks each of its days for the matcher, which derives them again.
 */
async function rebuildBranch(trx: Kysely<Database>, branchId: string, timeZone: string, now: number): Promise<void> {
  await holdOffIngest(trx);
  // Queue events too: a ticket's day is the branch's calendar day of its events.
  for (const table of ['ratings', 'opinions', 'queue_events'] as const) {
    const span = await createdAtSpan(trx, table, branchId);
    if (span) await restampDays(trx, table, branchId, daySegments(timeZone, span.first, span.last));
  }
  await clearRollups(trx, branchId);
  await addStoredRecordsToRollups(trx, branchId);
  // Cases are the fold of their applied events in seq order: exactly what ingest folded.
  const { cases } = foldCases(await appliedEventsOfBranch(trx, branchId));
  await projectCases(trx, branchId, new Map(), cases, timeZone);
  // Tickets, flags and waiting roll-ups are the matcher's (services/queue-match.ts): it derives every day again within its next ticks.
  const days = await branchDaysToMatch(trx, branchId, timeZone);
  for (let start = 0; start < days.length; start += MARKS_PER_STATEMENT) await markMatchDirty(trx, days.slice(start, start + MARKS_PER_STATEMENT), now);
}

/** A branch's years of days are marked a thousand at a time: three bound values each. */
const MARKS_PER_STATEMENT = 1000;

/**
 * Recomputes `ratings.day`, `opinions.day` and `queue_events.day` from each branch's time zone, then every
 * roll-up and the case projection from the raw records: one transaction per branch, so a
 * large network is not one long transaction. All branches, or the one given. Their days are
 * marked for the matcher at `now`.
 */
export async function rebuildRollups(db: Kysely<Database>, branchId?: string, now: number = Date.now()): Promise<Result<{ branches: number }, AdminError>> {
  const branches = (await listBranches(db)).filter((b) => branchId === undefined || b.id === branchId);
  if (branchId !== undefined && branches.length === 0) return branchNotFound(branchId);
  for (const branch of branches) await inTransaction(db, (trx) => rebuildBranch(trx, branch.id, branch.timeZone, now));
  return ok({ branches: branches.length });
}

/**
 * On server start: rebuilds every branch's roll-ups once when they were computed by an older
 * definition than ROLLUPS_VERSION (or never, as after migration 0006), then records the
 * version. Answers how many branches it rebuilt (0 when they were current).
 */
export async function ensureRollupsCurrent(db: Kysely<Database>, now: number): Promise<number> {
  const stored = (await readSettings(db, [VERSION_KEY])).get(VERSION_KEY);
  if (typeof stored === 'number' && stored >= ROLLUPS_VERSION) return 0;
  const rebuilt = await rebuildRollups(db, undefined, now);
  if (!rebuilt.ok) throw new Error(rebuilt.message); // no branch was named: it cannot be "not found"
  await writeSettings(db, new Map([[VERSION_KEY, ROLLUPS_VERSION]]), now);
  return rebuilt.value.branches;
}
