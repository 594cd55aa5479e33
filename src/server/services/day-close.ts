import type { Kysely } from 'kysely';
import { maySeeBranch, type Viewer } from '../../domain/access.ts';
import {
  canCloseDay,
  closeGaps,
  closeStateOf,
  DAY_CLOSE_ROLES,
  type ConfirmDayClose,
  type DayCloseDevice,
  type DayCloseStatus,
} from '../../domain/day-close.ts';
import { localDayOf, startOfLocalDay, type LocalDay } from '../../domain/period.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { findBranchRef } from '../repositories/branch-refs.ts';
import { findDayClose, recordDayCloseConfirmation, recordDayCloseStart } from '../repositories/day-closes.ts';
import { touchDevice, type KnownDevice } from '../repositories/devices.ts';
import { listNamedDevices, type NamedDevice } from '../repositories/fleet.ts';
import { branchNotFound, forbiddenBranch } from './report-scope.ts';
import type { VerifiedStaff } from './staff-sessions.ts';

/**
 * Day close (日終). "Close day" on a tablet syncs that tablet, then tells the
 * server, which notes the first press of the branch's day; from then on, every device of the
 * branch is judged against that moment (domain/day-close.ts closeStateOf). The branch manager
 * (or head office) confirms on the dashboard: with every device synced, or with the devices
 * that were not named as the day's gaps.
 */

export type DayCloseError = 'branch-not-found' | 'forbidden' | 'future-day' | 'not-synced';

/** A device as the day close lists it, judged against `since`. */
export function toCloseDevice(d: NamedDevice, since: number): DayCloseDevice {
  const report = { lastSeenAt: d.lastSeenAt, outboxDepth: d.health?.outboxDepth ?? null, oldestUnsyncedAt: d.health?.oldestUnsyncedAt ?? null };
  return {
    id: d.id,
    mode: d.mode,
    label: d.label,
    counterId: d.counterId,
    counterName: d.counterName,
    ...report,
    quarantined: d.health?.quarantined ?? null,
    state: closeStateOf(report, since),
  };
}

/**
 * The close of a branch's day: every device not revoked, judged against the first press of
 * close or, before anyone pressed it, against the start of that day in the branch's zone.
 * Undefined when there is no such branch.
 */
export async function dayCloseStatus(db: Kysely<Database>, branchId: string, day: LocalDay): Promise<DayCloseStatus | undefined> {
  const branch = await findBranchRef(db, branchId);
  if (!branch) return undefined;
  const close = await findDayClose(db, branchId, day);
  const since = close?.started?.at ?? startOfLocalDay(day, branch.timeZone);
  const devices = await listNamedDevices(db, { branches: [branchId], activeOnly: true });
  const started = close?.started ?? null;
  const confirmed = close?.confirmed ?? null;
  return {
    branchId,
    day,
    startedAt: started?.at ?? null,
    // A roster entry is never deleted, so the name is there; the id stands in should one be.
    startedBy: started && { staffId: started.staffId, name: started.name ?? started.staffId, attestation: started.attestation },
    since,
    devices: devices.map((d) => toCloseDevice(d, since)),
    confirmation: confirmed && { at: confirmed.at, staffNumber: confirmed.staffNumber, name: confirmed.name ?? confirmed.staffNumber, gaps: confirmed.gaps },
  };
}

/**
 * POST /api/day-close from a tablet: a complaint or branch manager of the tablet's branch,
 * signed in on it with their PIN checked by the server (`closer`, from the staff session),
 * pressed "close day". The day is the branch's today by the server's clock (a tablet's clock
 * may be off); the first press of the day is kept.
 */
export async function startDayClose(
  db: Kysely<Database>,
  device: KnownDevice,
  closer: VerifiedStaff,
  now: number,
): Promise<Result<DayCloseStatus, DayCloseError>> {
  if (!canCloseDay(closer.staff.role)) {
    return err('forbidden', `${closer.staff.name} is on the roster as ${closer.staff.role}; a day close takes the ${DAY_CLOSE_ROLES.join(' or the ')}.`);
  }
  const day = localDayOf(now, device.timeZone);
  await inTransaction(db, async (trx) => {
    await touchDevice(trx, device.id, now, undefined);
    await recordDayCloseStart(trx, { branchId: device.branchId, day, at: now, staffId: closer.staff.id, deviceId: device.id, sessionId: closer.sessionId });
  });
  const status = await dayCloseStatus(db, device.branchId, day);
  return status ? ok(status) : err('branch-not-found', `Branch ${device.branchId} disappeared during the day close.`);
}

/**
 * The manager confirms a day's close. With devices not synced, only when `acceptGaps` says
 * they know: those devices are stored as the day's named gaps. A confirmed day stays as first
 * confirmed, and the answer is that confirmation.
 */
export async function confirmDayClose(
  db: Kysely<Database>,
  viewer: Viewer,
  input: ConfirmDayClose,
  now: number,
): Promise<Result<DayCloseStatus, DayCloseError>> {
  if (!maySeeBranch(viewer, input.branchId)) return forbiddenBranch(viewer, input.branchId);
  const branch = await findBranchRef(db, input.branchId);
  if (!branch) return branchNotFound(input.branchId);
  const today = localDayOf(now, branch.timeZone);
  if (input.day > today) {
    return err('future-day', `day: ${input.day} has not begun at ${branch.name}, where it is ${today}; a day is confirmed once it has begun.`);
  }
  const status = await dayCloseStatus(db, branch.id, input.day);
  if (!status) return branchNotFound(input.branchId);
  if (status.confirmation) return ok(status);
  const gaps = closeGaps(status.devices);
  if (gaps.length > 0 && !input.acceptGaps) {
    return err(
      'not-synced',
      `${gaps.length === 1 ? '1 device is' : `${gaps.length} devices are`} not synced: ${gaps.map(describeGap).join('; ')}. ` +
        'Sync them (or press "close day" again once they have), or confirm with acceptGaps: true to name them as the day\'s gaps.',
    );
  }
  await recordDayCloseConfirmation(db, { branchId: branch.id, day: input.day, at: now, staffNumber: viewer.staffNumber, gaps });
  const confirmed = await dayCloseStatus(db, branch.id, input.day);
  return confirmed ? ok(confirmed) : err('branch-not-found', `Branch ${branch.id} disappeared during the confirmation.`);
}

/** "Window 3 tablet (id): 4 records waiting". */
function describeGap(d: DayCloseDevice): string {
  // A device's label is its browser's user agent (the tablet sends it at enrollment): its place names it.
  const name = d.counterName === null ? `${d.mode} tablet` : `${d.counterName} tablet`;
  const why: Record<DayCloseDevice['state'], string> = {
    synced: 'synced',
    waiting: `${d.outboxDepth ?? 0} records waiting`,
    'not-heard': 'not heard from since the close began',
    never: 'never synced',
  };
  return `${name} (${d.id}): ${why[d.state]}`;
}
