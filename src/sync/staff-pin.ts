import * as v from 'valibot';
import { newPinProblem, type NewPinProblem } from '../domain/pin-change.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { loadDevice } from '../store/device.ts';
import { appendPinAttempt } from '../store/staff.ts';
import { requestJson, type HttpOptions } from './http.ts';
import { SIGN_IN_TIMEOUT_MS, staffSessionHeaders, type StaffSession } from './staff-session.ts';

// A module of its own, imported by the choose-PIN screen alone: it stays out of a counter's
// first JavaScript (staff-session.ts is in it), which has a budget.
export type StaffPinChangeFailure =
  /** The PIN signed in with is no longer this member's (an admin reset it meanwhile). */
  | 'wrong-credentials'
  | 'locked'
  /** The session ended, or was checked by the tablet only: sign in again with the network up. */
  | 'needs-verified-session'
  /** The server cannot be reached: the PIN stays one-time until it can. */
  | 'needs-server'
  | NewPinProblem;

/**
 * The member signed in chooses their own PIN (decision 0021): checked against the rules here
 * first, then sent with the PIN they signed in with, under their live staff session, to the
 * server, which stores it and bumps the branch's configuration so every tablet of the branch
 * pulls the new hash. Answers the session, no longer one-time; the caller asks for a sync.
 */
export async function changeStaffPin(
  { db, http }: { db: BranchVoiceDB; http: HttpOptions },
  session: StaffSession,
  pins: { currentPin: string; newPin: string; repeated: string },
  now: () => number = Date.now,
): Promise<Result<StaffSession, StaffPinChangeFailure> & { lockedUntil?: number | null }> {
  const problem = newPinProblem(pins.newPin, pins.currentPin, session.staff.role);
  if (problem) return err(problem, 'The new PIN does not keep the rules.');
  if (pins.repeated !== pins.newPin) return err('pin-mismatch', 'The two new PINs differ.');
  const headers = staffSessionHeaders(session, now());
  const device = await loadDevice(db);
  if (!headers || !device) return err('needs-verified-session', 'This needs a sign-in checked by the server.');
  const answer = await requestJson(
    { ...http, timeoutMs: SIGN_IN_TIMEOUT_MS },
    '/api/staff-session/pin',
    { method: 'POST', token: device.identity.token, headers, body: { currentPin: pins.currentPin, newPin: pins.newPin } },
    { schema: v.null(), what: 'a PIN change' },
  );
  if (answer.ok) return ok({ ...session, pinMustChange: false });
  switch (answer.reason) {
    case 'staff-credentials-invalid':
      await appendPinAttempt(db, { at: now(), ok: false });
      return err('wrong-credentials', answer.message);
    case 'rate-limited':
      return { ...err('locked', answer.message), lockedUntil: now() + (answer.retryAfterMs ?? 15 * 60_000) };
    case 'staff-session-required':
      return err('needs-verified-session', answer.message);
    case 'bad-request':
      // The rules were checked above: the server's differ (a newer server), and its word stands.
      return err('pin-digits', answer.message);
    default:
      return err('needs-server', answer.message);
  }
}
