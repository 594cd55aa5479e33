import * as v from 'valibot';
import { storableText } from './text.ts';
import type { DeviceMode } from './config.ts';
import { IdSchema } from './ids.ts';
import { PhotoSchema, ROSTER_ROLES, StaffNumberSchema, StarsSchema, type RosterRole } from './teller.ts';

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

/**
 * Manage › Staff: a branch's roster on the dashboard (src/server/routes/manage.ts). The same
 * rules as `npm run admin -- teller:add / teller:set` (services/tellers.ts); PINs are made by
 * the server, answered once, and stored only hashed.
 */

/** PATCH /api/manage/staff/:tellerId and its PIN and photo: the member in the path. */
export const StaffParamsSchema = v.object({ tellerId: IdSchema });

const StaffNameSchema = v.pipe(
  v.string('must be text'),
  storableText(),
  v.trim(),
  v.minLength(1, 'must not be empty'),
  v.maxLength(80, 'is longer than 80 characters'),
);
const StaffRoleSchema = v.picklist(ROSTER_ROLES, `must be one of ${ROSTER_ROLES.join(', ')}`);
const StaffStarsSchema = v.pipe(v.number('must be a whole number from 1 to 5'), StarsSchema);

/** POST /api/manage/branches/:branchId/staff: a new member; the server makes their PIN. */
export const StaffAddSchema = v.strictObject({
  staffNumber: v.pipe(v.string('must be text'), v.trim(), StaffNumberSchema),
  name: StaffNameSchema,
  role: StaffRoleSchema,
  stars: StaffStarsSchema,
});
export type StaffAdd = v.InferOutput<typeof StaffAddSchema>;

/** PATCH /api/manage/staff/:tellerId: what changes; at least one field. */
export const StaffEditSchema = v.pipe(
  v.strictObject({
    name: v.optional(StaffNameSchema),
    stars: v.optional(StaffStarsSchema),
    active: v.optional(v.boolean('must be true or false')),
    role: v.optional(StaffRoleSchema),
  }),
  v.check((edit) => Object.values(edit).some((value) => value !== undefined), 'nothing to change: give a name, stars, active or role'),
);
export type StaffEdit = v.InferOutput<typeof StaffEditSchema>;

/** POST /api/manage/staff/:tellerId/pin: `{}`; the server makes the PIN. */
export const StaffPinRequestSchema = v.strictObject({});

/** PUT /api/manage/staff/:tellerId/photo: a small JPEG, PNG or WebP data URL, or null to remove it. */
export const StaffPhotoSchema = v.strictObject({ photo: v.nullable(PhotoSchema) });
export type StaffPhoto = v.InferOutput<typeof StaffPhotoSchema>;

/** A member of a branch's roster as the dashboard shows them: never their PIN hash, nor the photo's bytes. */
export interface StaffMember {
  id: string;
  branchId: string;
  staffNumber: string;
  name: string;
  role: RosterRole;
  stars: number;
  active: boolean;
  hasPhoto: boolean;
}

/** GET /api/manage/branches/:branchId/staff. */
export interface StaffList {
  branch: { id: string; name: string };
  staff: StaffMember[];
}

/**
 * An answer that changed a member: the member, and a PIN made just now (a new member, a
 * reset, a role that now needs a longer PIN) or null. The PIN is answered this once.
 */
export interface StaffChange {
  member: StaffMember;
  pin: string | null;
}
