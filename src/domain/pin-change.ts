import * as v from 'valibot';
import { isManagerRole, MANAGER_PIN_MIN_DIGITS } from './staff-session.ts';

/**
 * One-time PINs (decision 0021): a PIN the server made or an admin set works for one sign-in,
 * after which its owner chooses their own, online. The rules here are the tablet's and the
 * server's alike, so the tablet says what is wrong before it asks the server.
 */

/** POST /api/staff-session/pin (device token and x-staff-session): the PIN signed in with, and the new one. */
export const StaffPinChangeSchema = v.strictObject({
  // As typed: a wrong current PIN is a wrong credential, not a bad request.
  currentPin: v.pipe(v.string(), v.maxLength(40)),
  newPin: v.pipe(v.string(), v.maxLength(40)),
});
export type StaffPinChange = v.InferOutput<typeof StaffPinChangeSchema>;

/** Why a chosen PIN is refused; each has its text on the tablet (`pinChange.errors.*`). */
export type NewPinProblem = 'pin-digits' | 'pin-manager-digits' | 'pin-same' | 'pin-mismatch';

/** The most digits a PIN has (domain/pin.ts PinSchema). */
export const PIN_MAX_DIGITS = 8;

/**
 * Whether `newPin` may replace `currentPin` for a member in `role`: 4 to 8 digits (6 to 8 for
 * a manager, as staff-session.ts asks), and not the one-time PIN itself, which someone else
 * knows. Null when it may.
 */
export function newPinProblem(newPin: string, currentPin: string, role: string): Exclude<NewPinProblem, 'pin-mismatch'> | null {
  if (!/^\d{4,8}$/.test(newPin)) return 'pin-digits';
  if (isManagerRole(role) && newPin.length < MANAGER_PIN_MIN_DIGITS) return 'pin-manager-digits';
  if (newPin === currentPin) return 'pin-same';
  return null;
}
