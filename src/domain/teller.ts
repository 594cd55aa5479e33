import * as v from 'valibot';
import { IdSchema } from './ids.ts';
import { STAFF_ROLES } from './case.ts';
import { PinHashSchema } from './pin.ts';

/** Largest photo the roster carries, as a data URL: it travels to every counter tablet. */
export const MAX_PHOTO_BYTES = 200_000;

export const StaffNumberSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,20}$/, 'must be 1 to 20 letters, digits or dashes'));
export const StarsSchema = v.pipe(v.number(), v.integer(), v.minValue(1, 'must be 1 to 5'), v.maxValue(5, 'must be 1 to 5'));
export const PhotoSchema = v.pipe(
  v.string(),
  v.regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/]+=*$/, 'must be a JPEG, PNG or WebP data URL'),
  v.maxLength(MAX_PHOTO_BYTES, `must be under ${MAX_PHOTO_BYTES / 1000} KB`),
);

/** What a member of the branch's roster is: a teller at the windows, or lobby and complaint staff. */
export const ROSTER_ROLES = ['teller', ...STAFF_ROLES] as const;
export type RosterRole = (typeof ROSTER_ROLES)[number];

/**
 * A member of the branch's roster as a tablet knows them: what the customer is shown (name,
 * photo, staff number, star level) and, for those who sign in on that tablet offline, the PIN
 * hash it checks. A tablet carries only what its job needs (domain/staff-session.ts
 * OFFLINE_ROLES): a counter, its tellers' hashes and no one else; a lobby tablet, its staff's
 * hashes, and the tellers' names for the customer to say whom a visit was about.
 */
export const TellerSchema = v.object({
  id: IdSchema,
  staffNumber: StaffNumberSchema,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
  photo: v.nullable(PhotoSchema),
  stars: StarsSchema,
  /** Null: this tablet does not check this member's PIN; they sign in only with the server reachable. */
  pin: v.nullable(PinHashSchema),
  /**
   * True while the PIN is one-time (decision 0021): the server made it or an admin set it, and
   * its owner must choose their own, online, before doing anything else. Absent: not one-time
   * (servers before one-time PINs, and members who do not sign in on this tablet).
   */
  pinMustChange: v.optional(v.boolean()),
  /** Absent in configurations pulled from servers before staff roles: a teller then. */
  role: v.optional(v.picklist(ROSTER_ROLES), 'teller'),
});
export type Teller = v.InferOutput<typeof TellerSchema>;
