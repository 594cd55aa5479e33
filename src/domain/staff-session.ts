import * as v from 'valibot';
import { STAFF_ROLES } from './case.ts';
import type { DeviceMode } from './config.ts';
import { EpochMsSchema, IdSchema, RecordIdSchema } from './ids.ts';
import { ROSTER_ROLES, StaffNumberSchema, type RosterRole } from './teller.ts';

/**
 * A staff session: a member of staff signed in on a tablet with their PIN checked by the
 * server (decision 0014, attestation.ts). It lives as long as a working day at most, is
 * bound to the one tablet it was made on, and its key stays in that page's memory.
 */

/** How long a staff session lasts at most: a working day. Sign-out ends it sooner. */
export const STAFF_SESSION_MS = 12 * 3_600_000;

/**
 * How far a signed record's time may fall outside its session, once put on the server's
 * clock with the offset measured at sign-in: the tablet's clock drifts a little in a day.
 */
export const SESSION_CLOCK_SLACK_MS = 5 * 60_000;

/** The header an online act names its session in: `<sessionId>.<key>`. */
export const STAFF_SESSION_HEADER = 'x-staff-session';

/** The managers' roles: their acts weigh most, so their PINs are longer. */
export const MANAGER_ROLES = ['complaint-manager', 'branch-manager'] as const satisfies readonly RosterRole[];
export const isManagerRole = (role: string): boolean => (MANAGER_ROLES as readonly string[]).includes(role);

/** The fewest digits of a manager's PIN, and of anyone else's. */
export const MANAGER_PIN_MIN_DIGITS = 6;
export const PIN_MIN_DIGITS = 4;

/**
 * Who may sign in on each kind of tablet: at a counter, tellers for their shift and the
 * managers who close the day; in the lobby, its staff roles. A tablet holds the PIN hashes of
 * those who sign in on it offline (device-config.ts): a counter, only its tellers'.
 */
export const SIGN_IN_ROLES: Record<DeviceMode, readonly RosterRole[]> = {
  counter: ['teller', ...MANAGER_ROLES],
  lobby: STAFF_ROLES,
};

/** The roles whose PIN hashes a tablet of each kind carries, to check them offline. */
export const OFFLINE_ROLES: Record<DeviceMode, readonly RosterRole[]> = {
  counter: ['teller'],
  lobby: STAFF_ROLES,
};

/** POST /api/staff-session: the PIN is checked by the server; `deviceTime` is the tablet's clock. */
export const StaffSignInSchema = v.strictObject({
  // As typed: an unknown or malformed staff number is a wrong credential, not a bad request.
  staffNumber: v.pipe(v.string(), v.maxLength(40)),
  pin: v.pipe(v.string(), v.maxLength(40)),
  deviceTime: EpochMsSchema,
});
export type StaffSignIn = v.InferOutput<typeof StaffSignInSchema>;

/** The member of staff a session is for, as the server knows them now. */
export const SessionStaffSchema = v.object({
  id: IdSchema,
  staffNumber: StaffNumberSchema,
  name: v.string(),
  role: v.picklist(ROSTER_ROLES),
});
export type SessionStaff = v.InferOutput<typeof SessionStaffSchema>;

/** The answer to a staff sign-in: the session, its key (shown once) and when it ends. */
export const StaffSessionGrantSchema = v.object({
  sessionId: RecordIdSchema,
  key: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
  /** The server's clock when it ends; `expiresInMs` the same as a duration, for a tablet whose clock is off. */
  expiresAt: EpochMsSchema,
  expiresInMs: v.pipe(v.number(), v.integer(), v.minValue(0)),
  staff: SessionStaffSchema,
  /**
   * True when the PIN signed in with is one-time (decision 0021): the tablet asks for the
   * member's own before anything else. Absent from servers before one-time PINs.
   */
  pinMustChange: v.optional(v.boolean()),
});
export type StaffSessionGrant = v.InferOutput<typeof StaffSessionGrantSchema>;

/** A record's time on the server's clock lies within its session's life, give or take the slack. */
export function withinSession(createdAt: number, session: { createdAt: number; endsAt: number; clockOffsetMs: number }): boolean {
  const onServerClock = createdAt + session.clockOffsetMs;
  return onServerClock >= session.createdAt - SESSION_CLOCK_SLACK_MS && onServerClock <= session.endsAt + SESSION_CLOCK_SLACK_MS;
}
