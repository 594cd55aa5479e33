import * as v from 'valibot';
import { ATTESTATIONS } from './attestation.ts';
import type { StaffRole } from './case.ts';
import { DEVICE_MODES } from './config.ts';
import { EpochMsSchema, IdSchema } from './ids.ts';
import { LocalDaySchema } from './period.ts';

/**
 * Day close (日終): branches sync at day end at the latest. Staff press "close
 * day" on any tablet of the branch; that tablet syncs at once, and the server's day-close
 * report lists every enrolled device with what it last said of itself. The branch manager
 * then confirms the close on the dashboard, with every device synced or with the gaps named.
 */

/** Who may start a day close on a tablet: the complaint manager or the branch manager. */
export const DAY_CLOSE_ROLES = ['complaint-manager', 'branch-manager'] as const satisfies readonly StaffRole[];
export type DayCloseRole = (typeof DAY_CLOSE_ROLES)[number];
export const canCloseDay = (role: string): role is DayCloseRole => (DAY_CLOSE_ROLES as readonly string[]).includes(role);

/**
 * POST /api/day-close from a tablet, after its own sync. Who pressed it is not said in the
 * body: it is the member of staff of the staff session the request names (a manager whose
 * PIN the server checked on this tablet), so a tablet cannot start a close as anyone.
 */
export const DayCloseRequestSchema = v.strictObject({});
export type DayCloseRequest = v.InferOutput<typeof DayCloseRequestSchema>;

/**
 * Where a device stands for the close, from the last health report it sent:
 * - `synced`: heard from since the close began, with nothing waiting;
 * - `waiting`: its last report still had records waiting in its outbox;
 * - `not-heard`: not heard from since the close began: records made since its last sync may be missing;
 * - `never`: it has never synced.
 */
export const CLOSE_STATES = ['synced', 'waiting', 'not-heard', 'never'] as const;
export type CloseState = (typeof CLOSE_STATES)[number];

/** What the server last heard from a device: its last contact and the outbox it reported. */
export interface DeviceReport {
  lastSeenAt: number | null;
  outboxDepth: number | null;
  oldestUnsyncedAt: number | null;
}

/** A device's state for a close that began at `since`. */
export function closeStateOf(device: DeviceReport, since: number): CloseState {
  if (device.lastSeenAt === null) return 'never';
  if ((device.outboxDepth ?? 0) > 0) return 'waiting';
  if (device.lastSeenAt < since) return 'not-heard';
  return 'synced';
}

/** A device as the day-close report lists it. */
export const DayCloseDeviceSchema = v.object({
  id: IdSchema,
  mode: v.picklist(DEVICE_MODES),
  label: v.nullable(v.string()),
  counterId: v.nullable(IdSchema),
  counterName: v.nullable(v.string()),
  lastSeenAt: v.nullable(EpochMsSchema),
  outboxDepth: v.nullable(v.number()),
  oldestUnsyncedAt: v.nullable(EpochMsSchema),
  /** Records the server refused, kept on the tablet for staff: not lost, but not counted. */
  quarantined: v.nullable(v.number()),
  state: v.picklist(CLOSE_STATES),
});
export type DayCloseDevice = v.InferOutput<typeof DayCloseDeviceSchema>;

/** The day close of one branch and day, as the tablet and the dashboard show it. */
export const DayCloseStatusSchema = v.object({
  branchId: IdSchema,
  day: LocalDaySchema,
  /** When the first "close day" of that day was pressed; null until then. */
  startedAt: v.nullable(EpochMsSchema),
  startedBy: v.nullable(
    v.object({
      staffId: IdSchema,
      name: v.string(),
      /** How they were checked: `server` for a staff session, `tablet` for closes started before sessions existed. */
      attestation: v.optional(v.picklist(ATTESTATIONS), 'tablet'),
    }),
  ),
  /** Devices are judged against this instant: the start of the close, or of the day before one. */
  since: EpochMsSchema,
  devices: v.array(DayCloseDeviceSchema),
  confirmation: v.nullable(
    v.object({
      at: EpochMsSchema,
      staffNumber: v.string(),
      name: v.string(),
      /** The devices that were not synced when the manager confirmed: the named gaps. */
      gaps: v.array(DayCloseDeviceSchema),
    }),
  ),
});
export type DayCloseStatus = v.InferOutput<typeof DayCloseStatusSchema>;

/** The devices that keep a close from being clean. */
export const closeGaps = (devices: readonly DayCloseDevice[]): DayCloseDevice[] => devices.filter((d) => d.state !== 'synced');

/** POST /api/reports/day-close/confirm: confirming with gaps needs them acknowledged. */
export const ConfirmDayCloseSchema = v.strictObject({
  branchId: IdSchema,
  day: LocalDaySchema,
  /** True when the manager confirms although some devices are not synced. */
  acceptGaps: v.boolean(),
});
export type ConfirmDayClose = v.InferOutput<typeof ConfirmDayCloseSchema>;
