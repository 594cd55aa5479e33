import { sql, type Kysely } from 'kysely';
import type { AttestationKind } from '../../domain/attestation.ts';
import type { DayCloseDevice } from '../../domain/day-close.ts';
import type { LocalDay } from '../../domain/period.ts';
import type { Database } from '../db/schema.ts';

/** A branch's day close as stored, with the names of who started and who confirmed it. */
export type DayCloseRecord = {
  branchId: string;
  day: LocalDay;
  started: { at: number; staffId: string; name: string | null; deviceId: string | null; attestation: AttestationKind } | null;
  confirmed: { at: number; staffNumber: string; name: string | null; gaps: DayCloseDevice[] } | null;
};

/** The day close of a branch and day, or undefined before anyone pressed close or confirmed. */
export async function findDayClose(db: Kysely<Database>, branchId: string, day: LocalDay): Promise<DayCloseRecord | undefined> {
  const row = await db
    .selectFrom('day_closes')
    .leftJoin('tellers as starter', 'starter.id', 'day_closes.started_by')
    .leftJoin('staff_accounts', 'staff_accounts.staff_number', 'day_closes.confirmed_by')
    .leftJoin('tellers as confirmer', 'confirmer.id', 'staff_accounts.teller_id')
    .selectAll('day_closes')
    // A roster member's name is the roster's of today; head office's is its account's.
    .select((eb) => ['starter.name as started_by_name', eb.fn.coalesce('confirmer.name', 'staff_accounts.name').as('confirmed_by_name')])
    .where('day_closes.branch_id', '=', branchId)
    .where('day_closes.day', '=', day)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    branchId: row.branch_id,
    day: row.day,
    started:
      row.started_at === null || row.started_by === null
        ? null
        : { at: row.started_at, staffId: row.started_by, name: row.started_by_name, deviceId: row.started_device_id, attestation: row.started_attestation ?? 'tablet' },
    confirmed:
      row.confirmed_at === null || row.confirmed_by === null
        ? null
        : { at: row.confirmed_at, staffNumber: row.confirmed_by, name: row.confirmed_by_name, gaps: JSON.parse(row.gaps ?? '[]') as DayCloseDevice[] },
  };
}

/**
 * Records that close was pressed. Only the first press of the day counts: a later one (a
 * second tablet, the same one again) keeps it, in one statement, so two tablets pressing at
 * the same moment cannot both win.
 */
export async function recordDayCloseStart(
  db: Kysely<Database>,
  start: { branchId: string; day: LocalDay; at: number; staffId: string; deviceId: string; sessionId: string },
): Promise<void> {
  await db
    .insertInto('day_closes')
    .values({
      branch_id: start.branchId,
      day: start.day,
      started_at: start.at,
      started_by: start.staffId,
      started_device_id: start.deviceId,
      // Only a staff session the server checked starts a close.
      started_attestation: 'server',
      started_session_id: start.sessionId,
    })
    .onConflict((oc) =>
      oc
        .columns(['branch_id', 'day'])
        .doUpdateSet({
          started_at: sql`excluded.started_at`,
          started_by: sql`excluded.started_by`,
          started_device_id: sql`excluded.started_device_id`,
          started_attestation: sql`excluded.started_attestation`,
          started_session_id: sql`excluded.started_session_id`,
        })
        .where('day_closes.started_at', 'is', null),
    )
    .execute();
}

/** Records the manager's confirmation with the gaps it named; a second confirmation keeps the first. */
export async function recordDayCloseConfirmation(
  db: Kysely<Database>,
  confirmation: { branchId: string; day: LocalDay; at: number; staffNumber: string; gaps: readonly DayCloseDevice[] },
): Promise<void> {
  await db
    .insertInto('day_closes')
    .values({
      branch_id: confirmation.branchId,
      day: confirmation.day,
      confirmed_at: confirmation.at,
      confirmed_by: confirmation.staffNumber,
      gaps: JSON.stringify(confirmation.gaps),
    })
    .onConflict((oc) =>
      oc
        .columns(['branch_id', 'day'])
        .doUpdateSet({ confirmed_at: sql`excluded.confirmed_at`, confirmed_by: sql`excluded.confirmed_by`, gaps: sql`excluded.gaps` })
        .where('day_closes.confirmed_at', 'is', null),
    )
    .execute();
}
