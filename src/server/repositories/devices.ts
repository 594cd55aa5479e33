import { sql, type Kysely } from 'kysely';
import type { DeviceMode } from '../../domain/config.ts';
import type { DeviceHealth } from '../../domain/wire.ts';
import { isPostgres } from '../db/database.ts';
import type { Database, DeviceRow, NewDeviceRow } from '../db/schema.ts';

/** An enrolled tablet. */
export type Device = {
  id: string;
  branchId: string;
  counterId: string | null;
  mode: DeviceMode;
  label: string | null;
  enrolledAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  health: DeviceHealth | null;
  /** The reference-code prefix given at enrollment (decision 0004); null only past 676 devices in a branch. */
  referencePrefix: number | null;
};

/** The device behind a bearer token, with what every push needs to answer. */
export type DeviceIdentity = Pick<Device, 'id' | 'branchId' | 'counterId' | 'mode' | 'referencePrefix' | 'revokedAt'> & {
  configVersion: number;
  /** The branch's time zone: the day its records count in. */
  timeZone: string;
};

/** Maps a row to a Device; health was validated before it was stored. */
export const deviceRowToDevice = (row: DeviceRow): Device => ({
  id: row.id,
  branchId: row.branch_id,
  counterId: row.counter_id,
  mode: row.mode as DeviceMode,
  label: row.label,
  enrolledAt: row.enrolled_at,
  revokedAt: row.revoked_at,
  lastSeenAt: row.last_seen_at,
  health: row.health === null ? null : (JSON.parse(row.health) as DeviceHealth),
  referencePrefix: row.reference_prefix,
});

/** Finds a device by the hash of its token, with its branch's config version, in one query. */
export async function findDeviceByTokenHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<DeviceIdentity | undefined> {
  const row = await db
    .selectFrom('devices')
    .innerJoin('branches', 'branches.id', 'devices.branch_id')
    .select([
      'devices.id',
      'devices.branch_id',
      'devices.counter_id',
      'devices.mode',
      'devices.reference_prefix',
      'devices.revoked_at',
      'branches.config_version',
      'branches.time_zone',
    ])
    .where('devices.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    branchId: row.branch_id,
    counterId: row.counter_id,
    mode: row.mode as DeviceMode,
    referencePrefix: row.reference_prefix,
    revokedAt: row.revoked_at,
    configVersion: row.config_version,
    timeZone: row.time_zone,
  };
}

/** One device by its full id. */
export async function findDevice(db: Kysely<Database>, id: string): Promise<Device | undefined> {
  const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  return row && deviceRowToDevice(row);
}

/** Devices of one branch, or of all, in order of enrollment. */
export async function listDevices(db: Kysely<Database>, branchId?: string): Promise<Device[]> {
  let query = db.selectFrom('devices').selectAll();
  if (branchId !== undefined) query = query.where('branch_id', '=', branchId);
  const rows = await query.orderBy('enrolled_at').orderBy('id').execute();
  return rows.map(deviceRowToDevice);
}

/** Every reference prefix a device of the branch holds or held: revoked devices keep theirs. */
export async function referencePrefixesOfBranch(db: Kysely<Database>, branchId: string): Promise<Set<number>> {
  const rows = await db
    .selectFrom('devices')
    .select('reference_prefix')
    .where('branch_id', '=', branchId)
    .where('reference_prefix', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.reference_prefix!));
}

export async function insertDevice(db: Kysely<Database>, row: NewDeviceRow): Promise<void> {
  await db.insertInto('devices').values(row).execute();
}

/**
 * How much older, by the device's own clock, a health report may be than the one stored and
 * still be a late arrival rather than a clock set back (see seenAt).
 */
export const HEALTH_REORDER_WINDOW_MS = 10 * 60_000;

/**
 * The columns that say a device was heard from at `now`, with its health when it sent one.
 * A report older than the one stored is not kept: a push the device gave up on (its engine
 * waits 30 s) can still be handled after the device's next ones, and its health, written
 * last, would tell the day close that a tablet with an empty outbox still holds records
 * (`npm run load` on a loaded machine left 4 of 1,000 tablets so). A report older by more
 * than HEALTH_REORDER_WINDOW_MS is a device clock set back, and is kept.
 */
export function seenAt(db: Kysely<Database>, now: number, health: DeviceHealth | undefined) {
  if (!health) return { last_seen_at: now };
  const stored = isPostgres(db)
    ? sql<number | null>`cast(cast(health as jsonb) ->> 'reportedAt' as bigint)`
    : sql<number | null>`json_extract(health, '$.reportedAt')`;
  const report = JSON.stringify(health);
  return {
    last_seen_at: now,
    health: sql<string>`case when ${stored} is null or ${stored} <= ${health.reportedAt} or ${stored} > ${health.reportedAt + HEALTH_REORDER_WINDOW_MS} then ${report} else health end`,
  };
}

/** Records that the device was heard from, and its health when it sent one. */
export async function touchDevice(
  db: Kysely<Database>,
  id: string,
  now: number,
  health: DeviceHealth | undefined,
): Promise<void> {
  await db.updateTable('devices').set(seenAt(db, now, health)).where('id', '=', id).execute();
}

/** Revokes a device; revoking twice keeps the first time. False when there is no such device. */
export async function revokeDevice(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('devices')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
