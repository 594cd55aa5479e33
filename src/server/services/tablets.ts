import type { Kysely } from 'kysely';
import { HEAD_OFFICE, maySeeBranch, type Viewer } from '../../domain/access.ts';
import { enrollmentLinkOf } from '../../domain/enrollment-link.ts';
import type { TabletCounters, TabletEdit, TabletReplacement } from '../../domain/manage-tablets.ts';
import type { FleetDevice } from '../../domain/reports.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { inTransaction } from '../db/transaction.ts';
import type { Database } from '../db/schema.ts';
import { enrollmentQrSvg } from '../enrollment-qr.ts';
import { bumpConfigVersion } from '../repositories/branches.ts';
import { listCounters } from '../repositories/counters.ts';
import { expireReplacementCodes } from '../repositories/enrollment-codes.ts';
import { findNamedDevice, type NamedDevice } from '../repositories/fleet.ts';
import { updateDevicePlace } from '../repositories/tablets.ts';
import { recordAudit, type Actor } from './audit.ts';
import { issueEnrollmentCode, type IssuedCode } from './enrollment.ts';
import { toFleetDevice } from './fleet.ts';

/**
 * Manage › tablets, on the dashboard's Devices page (src/server/routes/manage-tablets.ts) and
 * in `npm run admin -- device:set / device:replace`: a tablet's place label, the counter a
 * counter tablet stands at, and its replacement by a new tablet. Head office any tablet, a
 * regional manager their region's, a branch manager their branch's; the CLI's operator
 * ('shell') any. An unknown tablet is 404 for head office and the shell, and 403 like another
 * branch's for everyone else, who cannot probe ids. Every change is audited with the act.
 */

export type TabletError = 'forbidden' | 'not-found' | 'bad-request';

/** Who acts: a dashboard viewer, or the server's operator at its shell (the CLI). */
export type TabletManager = Viewer | 'shell';

const mayManage = (who: TabletManager, branchId: string) => who === 'shell' || maySeeBranch(who, branchId);

/** The tablet, when `who` may manage it; nothing else is said of another branch's. */
async function tabletFor(db: Kysely<Database>, who: TabletManager, deviceId: string): Promise<Result<NamedDevice, TabletError>> {
  const device = await findNamedDevice(db, deviceId);
  if (device && mayManage(who, device.branchId)) return ok(device);
  if (who === 'shell' || who.role === HEAD_OFFICE) {
    return err('not-found', `No device has the id ${deviceId}; list them with \`npm run admin -- devices\` or on the dashboard's Devices page.`);
  }
  return err('forbidden', `${who.staffNumber} (${who.role}) may manage the tablets of ${who.region ? `the region ${who.region.name}` : 'their own branch'} only.`);
}

/** A revoked tablet is history: it is neither changed nor replaced (enroll a new one with a code). */
const stillEnrolled = (device: NamedDevice): Result<NamedDevice, TabletError> =>
  device.revokedAt === null
    ? ok(device)
    : err('bad-request', `Device ${device.id} is revoked: it cannot be changed or replaced. Enroll a new tablet with an enrollment code instead.`);

/** GET /api/manage/devices/:deviceId/counters: the counters of the tablet's branch, by name. */
export async function tabletCounters(db: Kysely<Database>, who: TabletManager, deviceId: string): Promise<Result<TabletCounters, TabletError>> {
  const device = await tabletFor(db, who, deviceId);
  if (!device.ok) return device;
  const byName = new Intl.Collator('en', { numeric: true });
  const counters = (await listCounters(db, device.value.branchId)).map(({ id, name }) => ({ id, name }));
  return ok({ counters: counters.sort((a, b) => byName.compare(a.name, b.name)) });
}

/**
 * Sets a tablet's place label and/or moves a counter tablet to another counter of its own
 * branch. The counter is part of the configuration the tablet holds, so a move bumps the
 * branch's config version in the same transaction: the tablet pulls its new counter at its
 * next sync. Records it made for the old counter and has not sent yet are refused then (and
 * kept aside on the tablet), which is why the page asks to let it sync first.
 */
export async function editTablet(
  db: Kysely<Database>,
  who: TabletManager,
  input: { deviceId: string; edit: TabletEdit; actor: Actor },
  now: number,
): Promise<Result<FleetDevice, TabletError>> {
  const { deviceId, edit, actor } = input;
  const found = await tabletFor(db, who, deviceId);
  if (!found.ok) return found;
  const device = stillEnrolled(found.value);
  if (!device.ok) return device;
  const { branchId, counterId: from } = device.value;
  if (edit.counterId !== undefined) {
    if (device.value.mode !== 'counter') return err('bad-request', `counterId: device ${deviceId} is a lobby tablet, which stands at no counter.`);
    const counters = await listCounters(db, branchId);
    // The same words for a counter of another branch and none at all: nothing is learnt of other branches.
    if (!counters.some((c) => c.id === edit.counterId)) return err('bad-request', `counterId: ${edit.counterId} is not a counter of the tablet's branch ${branchId}.`);
  }
  const moved = edit.counterId !== undefined && edit.counterId !== from;
  const changed = await inTransaction(db, async (trx) => {
    if (!(await updateDevicePlace(trx, deviceId, { placeLabel: edit.label, counterId: moved ? edit.counterId : undefined }))) return false;
    if (moved) await bumpConfigVersion(trx, branchId);
    await recordAudit(
      trx,
      actor,
      {
        action: 'device-edit',
        branchId,
        subject: deviceId,
        detail: {
          ...(edit.label === undefined ? {} : { label: edit.label === null ? 'cleared' : 'set' }),
          ...(edit.counterId === undefined ? {} : { counterFrom: from, counterTo: edit.counterId }),
        },
      },
      now,
    );
    return true;
  });
  // Revoked between the read and the write: nothing changed.
  if (!changed) return stillEnrolled({ ...device.value, revokedAt: now }) as Result<never, TabletError>;
  const after = await findNamedDevice(db, deviceId);
  return after ? ok(toFleetDevice(after, now)) : err('not-found', `Device ${deviceId} disappeared while it was changed.`);
}

/** A replacement's code, with what the dashboard and the CLI show beside it. */
export type IssuedReplacement = { device: FleetDevice; issued: IssuedCode; place: string | null; branchName: string };

/**
 * A one-time code (24 hours) that enrolls a new tablet of the same mode at the same place of
 * the same branch; as it enrolls, the old tablet is revoked in the same transaction
 * (services/enrollment.ts) and its place label passes to the new one. Until then the old
 * tablet keeps syncing, so a tablet that still works can send what it holds first. A newer
 * replacement code ends the older ones; a revoked tablet is not replaced.
 */
export async function replaceTablet(
  db: Kysely<Database>,
  who: TabletManager,
  input: { deviceId: string; actor: Actor },
  now: number,
): Promise<Result<IssuedReplacement, TabletError>> {
  const { deviceId, actor } = input;
  const found = await tabletFor(db, who, deviceId);
  if (!found.ok) return found;
  const device = stillEnrolled(found.value);
  if (!device.ok) return device;
  const { branchId, counterId, mode } = device.value;
  if (mode === 'counter' && counterId === null) return err('bad-request', `Device ${deviceId} is a counter tablet without a counter: set its counter first.`);
  const target = mode === 'counter' ? { counterId: counterId! } : { mode: 'lobby' as const, branchId };
  const issued = await inTransaction(db, async (trx) => {
    await expireReplacementCodes(trx, deviceId, now);
    const code = await issueEnrollmentCode(trx, { ...target, replacesDeviceId: deviceId }, now);
    // The device and its place were just read: a code that cannot be made is the server's fault.
    if (!code.ok) throw new Error(`a replacement code could not be made: ${code.message}`);
    await recordAudit(trx, actor, { action: 'device-replace', branchId, subject: deviceId, detail: { mode, counterId, expiresAt: code.value.expiresAt } }, now);
    return code.value;
  });
  return ok({ device: toFleetDevice(device.value, now), issued, place: device.value.counterName, branchName: device.value.branchName });
}

/** The dashboard's view of a replacement: its link at `appUrl` and the link's QR code. */
export function replacementSheet({ device, issued, place, branchName }: IssuedReplacement, appUrl: string): TabletReplacement {
  const link = enrollmentLinkOf(appUrl, issued.formatted);
  return {
    device,
    mode: issued.mode,
    counterId: issued.counterId,
    place,
    code: issued.formatted,
    link,
    qrSvg: enrollmentQrSvg(link, `${place ?? branchName} · ${issued.formatted}`),
    expiresAt: issued.expiresAt,
  };
}
