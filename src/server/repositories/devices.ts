import { sql, type Kysely } from 'kysely';
import type { DeviceMode } from '../../domain/config.ts';
import type { CopySeen, TokenFacts } from '../../domain/device-token.ts';
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
  /** What staff call it, e.g. "Window 3, left"; null: none (migration 0011). */
  placeLabel: string | null;
  enrolledAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  health: DeviceHealth | null;
  /** The reference-code prefix given at enrollment (decision 0004); null only past 676 devices in a branch. */
  referencePrefix: number | null;
  /** When its current token was issued: enrollment or the last rotation (null before tokens rotated). */
  tokenIssuedAt: number | null;
  /** The address its last push came from, as the server saw it. */
  lastAddress: string | null;
  /** When and where a copy of its token was first refused (decision 0016); null if never. */
  copySeen: CopySeen | null;
};

/** A device the server enrolled, as found behind a bearer token, with what every push needs to answer (the tablet keeps its own DeviceIdentity in src/store). */
export type KnownDevice = Pick<Device, 'id' | 'branchId' | 'counterId' | 'mode' | 'referencePrefix' | 'revokedAt'> & {
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
  placeLabel: row.place_label,
  enrolledAt: row.enrolled_at,
  revokedAt: row.revoked_at,
  lastSeenAt: row.last_seen_at,
  health: row.health === null ? null : (JSON.parse(row.health) as DeviceHealth),
  referencePrefix: row.reference_prefix,
  tokenIssuedAt: row.token_issued_at,
  lastAddress: row.last_address,
  copySeen: copySeenOf(row),
});

/** clone_detail holds what was seen; clone_suspected_at, when (the first time). */
function copySeenOf(row: Pick<DeviceRow, 'clone_suspected_at' | 'clone_detail'>): CopySeen | null {
  if (row.clone_suspected_at === null) return null;
  const detail = (row.clone_detail === null ? {} : JSON.parse(row.clone_detail)) as Partial<CopySeen>;
  return { at: row.clone_suspected_at, address: detail.address ?? null, token: detail.token ?? 'retired' };
}

/** Which of the device's tokens a request came with, and what judgeToken needs of them. */
export type TokenMatch = TokenFacts & { use: 'current' | 'previous' };

/**
 * Finds a device by the hash of its current or its previous token, with its branch's config
 * version, in one query: both columns are indexed, and this runs on every push.
 */
export async function findDeviceByTokenHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<(KnownDevice & { token: TokenMatch }) | undefined> {
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
      'devices.token_hash',
      'devices.enrolled_at',
      'devices.last_seen_at',
      'devices.token_issued_at',
      'devices.previous_token_until',
      'branches.config_version',
      'branches.time_zone',
    ])
    .select((eb) => eb('devices.previous_token_hash', 'is not', null).as('has_previous_token'))
    .where((eb) => eb.or([eb('devices.token_hash', '=', tokenHash), eb('devices.previous_token_hash', '=', tokenHash)]))
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
    token: {
      use: row.token_hash === tokenHash ? 'current' : 'previous',
      revokedAt: row.revoked_at,
      enrolledAt: row.enrolled_at,
      lastSeenAt: row.last_seen_at,
      tokenIssuedAt: row.token_issued_at,
      // SQLite answers a comparison as 0 or 1, PostgreSQL as a boolean.
      hasPreviousToken: Boolean(row.has_previous_token),
      previousTokenUntil: row.previous_token_until,
    },
  };
}

/**
 * The device an older token was given to, looked up only when a token is otherwise unknown:
 * a token that comes back from there is a copy's (decision 0016).
 */
export async function findRetiredToken(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<{ deviceId: string; revokedAt: number | null } | undefined> {
  const row = await db
    .selectFrom('retired_tokens')
    .innerJoin('devices', 'devices.id', 'retired_tokens.device_id')
    .select(['retired_tokens.device_id', 'devices.revoked_at'])
    .where('retired_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && { deviceId: row.device_id, revokedAt: row.revoked_at };
}

/**
 * The current token's first use: the one it replaced works for `until` more. Written once per
 * token (the condition makes a second request at the same moment change nothing).
 */
export async function markTokenUsed(db: Kysely<Database>, id: string, tokenHash: string, until: number): Promise<void> {
  await db
    .updateTable('devices')
    .set({ previous_token_until: until })
    .where('id', '=', id)
    .where('token_hash', '=', tokenHash)
    .where('previous_token_until', 'is', null)
    .execute();
}

/** Notes that a copy of the device's token was refused; the first time is kept. */
export async function noteCopySeen(db: Kysely<Database>, id: string, copy: CopySeen): Promise<void> {
  const { at, ...detail } = copy;
  await db
    .updateTable('devices')
    .set({ clone_suspected_at: at, clone_detail: JSON.stringify(detail) })
    .where('id', '=', id)
    .where('clone_suspected_at', 'is', null)
    .execute();
}

/**
 * Gives the device a new token (its hash, `next`), if the token the request came with is
 * still what it was when the request was authenticated; false when another rotation came
 * first, and then nothing changed. With the current token: it becomes the previous one, and
 * the previous one retires. With the previous one, while the current one was never used (the
 * answer that carried it was lost): the unused one retires and the previous one stays.
 * Call inside a transaction.
 */
export async function replaceToken(
  trx: Kysely<Database>,
  id: string,
  used: { hash: string; use: 'current' | 'previous' },
  next: string,
  now: number,
): Promise<boolean> {
  const row = await trx
    .selectFrom('devices')
    .select(['token_hash', 'previous_token_hash', 'previous_token_until'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return false;
  // Each update holds only if the row is still as read: a rotation at the same moment changes it.
  if (used.use === 'current') {
    if (row.token_hash !== used.hash) return false;
    const updated = await trx
      .updateTable('devices')
      .set({ token_hash: next, previous_token_hash: used.hash, token_issued_at: now, previous_token_until: null })
      .where('id', '=', id)
      .where('token_hash', '=', used.hash)
      .where('previous_token_hash', row.previous_token_hash === null ? 'is' : '=', row.previous_token_hash)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return false;
    if (row.previous_token_hash !== null) await retireToken(trx, row.previous_token_hash, id, now);
    return true;
  }
  if (row.previous_token_hash !== used.hash || row.previous_token_until !== null) return false;
  const updated = await trx
    .updateTable('devices')
    .set({ token_hash: next, token_issued_at: now })
    .where('id', '=', id)
    .where('token_hash', '=', row.token_hash)
    .where('previous_token_hash', '=', used.hash)
    .where('previous_token_until', 'is', null)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  await retireToken(trx, row.token_hash, id, now);
  return true;
}

async function retireToken(trx: Kysely<Database>, tokenHash: string, deviceId: string, now: number): Promise<void> {
  await trx.insertInto('retired_tokens').values({ token_hash: tokenHash, device_id: deviceId, retired_at: now }).execute();
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
 * The columns that say a device was heard from at `now`, from `address`, with its health when it sent one.
 * A report older than the one stored is not kept: a push the device gave up on (its engine
 * waits 30 s) can still be handled after the device's next ones, and its health, written
 * last, would tell the day close that a tablet with an empty outbox still holds records
 * (`npm run load` on a loaded machine left 4 of 1,000 tablets so). A report older by more
 * than HEALTH_REORDER_WINDOW_MS is a device clock set back, and is kept.
 */
export function seenAt(db: Kysely<Database>, now: number, health: DeviceHealth | undefined, address?: string) {
  const heard = address === undefined ? { last_seen_at: now } : { last_seen_at: now, last_address: address };
  if (!health) return heard;
  const stored = isPostgres(db)
    ? sql<number | null>`cast(cast(health as jsonb) ->> 'reportedAt' as bigint)`
    : sql<number | null>`json_extract(health, '$.reportedAt')`;
  const report = JSON.stringify(health);
  return {
    ...heard,
    health: sql<string>`case when ${stored} is null or ${stored} <= ${health.reportedAt} or ${stored} > ${health.reportedAt + HEALTH_REORDER_WINDOW_MS} then ${report} else health end`,
  };
}

/** Records that the device was heard from (from `address`), and its health when it sent one. */
export async function touchDevice(
  db: Kysely<Database>,
  id: string,
  now: number,
  health: DeviceHealth | undefined,
  address?: string,
): Promise<void> {
  await db.updateTable('devices').set(seenAt(db, now, health, address)).where('id', '=', id).execute();
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
