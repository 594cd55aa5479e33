import * as v from 'valibot';
import type { DeviceMode } from './config.ts';
import { IdSchema } from './ids.ts';

/**
 * The dashboard's acts on a branch's set-up, under /api/manage (src/server/routes/manage.ts):
 * for now, a printable sheet of enrollment codes (decision 0020), one per place of the branch.
 */

/** POST /api/manage/branches/:branchId/enrollment-codes: the branch in the path. */
export const BranchParamsSchema = v.object({ branchId: IdSchema });

/** Its body: `{}`, or `{ confirm: true }`; nothing else. */
export const EnrollmentSheetRequestSchema = v.strictObject({ confirm: v.optional(v.literal(true)) });
export type EnrollmentSheetRequest = v.InferOutput<typeof EnrollmentSheetRequestSchema>;

/** One place's fresh code: its link and the link's QR code (an SVG, with the code under it). */
export interface EnrollmentSheetCode {
  mode: DeviceMode;
  /** The counter it enrolls a tablet at; null for the lobby opinion box. */
  counterId: string | null;
  /** The counter's name; null for the lobby (the page names it in the reader's language). */
  place: string | null;
  /** As printed and read aloud: `K7QM-2XPD`. */
  code: string;
  /** `https://host/#enroll=K7QM-2XPD`, at the address the dashboard was reached at. */
  link: string;
  qrSvg: string;
}

/** A branch's enrollment sheet: a code for every counter, then one for the lobby; each works once, until `expiresAt`. */
export interface EnrollmentSheet {
  branch: { id: string; name: string };
  expiresAt: number;
  codes: EnrollmentSheetCode[];
}
