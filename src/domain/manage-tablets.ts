import * as v from 'valibot';
import type { DeviceMode } from './config.ts';
import { IdSchema } from './ids.ts';
import type { FleetDevice } from './reports.ts';
import { storableText } from './text.ts';

/**
 * The fleet's tablets managed on the dashboard (src/server/routes/manage-tablets.ts), beside
 * revoking (routes/fleet.ts): a place label, a counter tablet moved to another counter of its
 * branch, and a broken tablet replaced by a new one enrolled with a one-time code that names
 * it. The same rules as `npm run admin -- device:set / device:replace` (services/tablets.ts).
 */

/** The longest place label: it must fit beside the counter's name on a row of the fleet. */
export const TABLET_LABEL_MAX = 60;

/** PATCH /api/manage/devices/:deviceId and its replacement: the device in the path. */
export const TabletParamsSchema = v.object({ deviceId: IdSchema });

/** A place label, trimmed; empty (or null) clears it. */
export const TabletLabelSchema = v.pipe(
  v.nullable(
    v.pipe(
      v.string('must be text or null'),
      v.trim(),
      storableText(),
      v.maxLength(TABLET_LABEL_MAX, `is longer than ${TABLET_LABEL_MAX} characters`),
    ),
  ),
  v.transform((label) => (label === '' ? null : label)),
);

/** PATCH /api/manage/devices/:deviceId: what changes; at least one field. */
export const TabletEditSchema = v.pipe(
  v.strictObject({
    label: v.optional(TabletLabelSchema),
    counterId: v.optional(IdSchema),
  }),
  v.check((edit) => edit.label !== undefined || edit.counterId !== undefined, 'nothing to change: give a label or a counterId'),
);
export type TabletEdit = v.InferOutput<typeof TabletEditSchema>;

/** POST /api/manage/devices/:deviceId/replacement: `{}`; the place and mode are the old tablet's. */
export const TabletReplacementRequestSchema = v.strictObject({});

/** GET /api/manage/devices/:deviceId/counters: where a counter tablet may be moved (its branch's counters). */
export interface TabletCounters {
  counters: { id: string; name: string }[];
}

/**
 * A replacement's one-time code: it enrolls a tablet of the same mode at the same place of the
 * same branch; that tablet revokes `device` as it enrolls, and takes its place label.
 */
export interface TabletReplacement {
  device: FleetDevice;
  mode: DeviceMode;
  counterId: string | null;
  /** The counter's name; null for the lobby (the page names it in the reader's language). */
  place: string | null;
  /** As printed and read aloud: `K7QM-2XPD`. */
  code: string;
  /** `https://host/#enroll=K7QM-2XPD`, at the address the dashboard was reached at. */
  link: string;
  qrSvg: string;
  expiresAt: number;
}
