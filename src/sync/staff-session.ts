import * as v from 'valibot';
import { TABLET_ATTESTATION, type Attestation, type AttestationKind } from '../domain/attestation.ts';
import { attestRecord, importSessionKey } from '../domain/attestation-sign.ts';
import type { DeviceMode } from '../domain/config.ts';
import { PIN_MAX_FAILURES } from '../domain/pin.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { isManagerRole, MANAGER_PIN_MIN_DIGITS, SIGN_IN_ROLES, STAFF_SESSION_HEADER, StaffSessionGrantSchema, type SessionStaff } from '../domain/staff-session.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { loadDevice } from '../store/device.ts';
import { appendPinAttempt, checkStaffCredentials } from '../store/staff.ts';
import { requestJson, type HttpOptions } from './http.ts';
import type { StaffKeyring } from './staff-keyring.ts';

/**
 * A member of staff signing in on this tablet (decision 0014). With the server reachable, it
 * checks the PIN and answers a staff session: the key to sign this member's records with,
 * which lives in this object, in memory, and nowhere else (not IndexedDB: whoever copies the
 * tablet's storage must not be able to act as them). Offline, the tablet checks its own copy
 * of the PIN hash, when it has one, and what the member does is the tablet's word.
 */

/** Who is signed in, and how their PIN was checked. */
export interface StaffSession {
  staff: SessionStaff;
  /** Set when the server checked the PIN: the session's id, its key and when it ends on this tablet's clock. */
  verified: { sessionId: string; key: CryptoKey; header: string; expiresAt: number } | null;
  /**
   * True when the PIN signed in with is one-time (decision 0021): the member chooses their own
   * (changeStaffPin) before anything else, and the screens show nothing else until they have.
   */
  pinMustChange?: boolean;
}

export type StaffSignInFailure =
  /** The staff number or PIN is wrong (said by the server, or by the tablet offline). */
  | 'wrong-credentials'
  /** Too many wrong PINs: on the server for this tablet, or on the tablet offline. */
  | 'locked'
  /** The member does not sign in on this kind of tablet (a teller at the lobby). */
  | 'not-here'
  /** A manager's PIN set before managers needed six digits. */
  | 'pin-too-short'
  /** The server cannot be reached and this tablet does not check this member's PIN itself. */
  | 'needs-server'
  /** Offline, with a one-time PIN: it must be changed first, which takes the server (decision 0021). */
  | 'pin-must-change'
  | 'not-enrolled';

export type StaffSignIn = Result<StaffSession, StaffSignInFailure> & { lockedUntil?: number | null; failuresLeft?: number };

/** How long a sign-in waits for the server before the tablet checks the PIN itself. */
export const SIGN_IN_TIMEOUT_MS = 8_000;

/** Whether the session's maker was checked by the server and the session has not ended. */
export const isVerified = (session: StaffSession, now: number = Date.now()): boolean => session.verified !== null && session.verified.expiresAt > now;

/** How a record made now in this session is attested. */
export const attestationKindOf = (session: StaffSession, now: number = Date.now()): AttestationKind => (isVerified(session, now) ? 'server' : 'tablet');

/**
 * Signs records made in this session: with the session's key while it is live, else as the
 * tablet's word. Store functions take it, so a record is signed before it is written.
 */
export function attesterOf(session: StaffSession, now: () => number = Date.now): (record: object) => Promise<Attestation> {
  return async (record) => (session.verified && session.verified.expiresAt > now() ? attestRecord(record, session.verified) : TABLET_ATTESTATION);
}

/** The header an online act sends (the review, a day close); none without a live session. */
export function staffSessionHeaders(session: StaffSession, now: number = Date.now()): Record<string, string> | null {
  return session.verified && session.verified.expiresAt > now ? { [STAFF_SESSION_HEADER]: session.verified.header } : null;
}

/**
 * Signs a member of staff in on this tablet: the server checks the PIN when it answers; when
 * it cannot be reached (offline, down, too slow), the tablet checks its copy of the roster,
 * with its own lockout. A refusal from the server is final: going offline does not reopen it,
 * and each wrong PIN it reports counts towards the tablet's lockout too.
 */
export async function signInStaff(
  { db, http, staffKeys }: { db: BranchVoiceDB; http: HttpOptions; staffKeys?: StaffKeyring },
  credentials: { staffNumber: string; pin: string },
  now: () => number = Date.now,
): Promise<StaffSignIn> {
  const device = await loadDevice(db);
  if (!device) return err('not-enrolled', 'This tablet is not enrolled.');
  const answer = await requestJson(
    { ...http, timeoutMs: SIGN_IN_TIMEOUT_MS },
    '/api/staff-session',
    { method: 'POST', token: device.identity.token, body: { staffNumber: credentials.staffNumber, pin: credentials.pin, deviceTime: now() } },
    { schema: StaffSessionGrantSchema, what: 'a staff session' },
  );
  if (answer.ok) {
    await appendPinAttempt(db, { at: now(), ok: true });
    const { sessionId, key, expiresInMs, staff } = answer.value;
    const session: StaffSession = {
      staff,
      verified: { sessionId, key: await importSessionKey(key), header: `${sessionId}.${key}`, expiresAt: now() + expiresInMs },
      ...(answer.value.pinMustChange && { pinMustChange: true }),
    };
    staffKeys?.add(session);
    return ok(session);
  }
  switch (answer.reason) {
    case 'staff-credentials-invalid': {
      const failures = await appendPinAttempt(db, { at: now(), ok: false });
      return { ...err('wrong-credentials', answer.message), failuresLeft: Math.max(0, PIN_MAX_FAILURES - trailingFailures(failures)) };
    }
    case 'rate-limited':
      return { ...err('locked', answer.message), lockedUntil: now() + (answer.retryAfterMs ?? 15 * 60_000) };
    case 'forbidden':
      return err('not-here', answer.message);
    case 'pin-too-short':
      return err('pin-too-short', answer.message);
    default:
      break; // offline, unreachable, down, busy, an answer out of shape: the tablet checks the PIN itself.
  }
  return signInOffline(db, device.identity.mode, credentials, now);
}

async function signInOffline(db: BranchVoiceDB, mode: DeviceMode, credentials: { staffNumber: string; pin: string }, now: () => number): Promise<StaffSignIn> {
  const checked = await checkStaffCredentials(db, credentials, now);
  if (!checked.ok) return checked;
  const member = checked.value;
  if (!SIGN_IN_ROLES[mode].includes(member.role)) return err('not-here', `${member.name} does not sign in on this tablet.`);
  // The server would refuse it; offline, the tablet does too.
  if (isManagerRole(member.role) && credentials.pin.length < MANAGER_PIN_MIN_DIGITS) return err('pin-too-short', `A manager's PIN must have at least ${MANAGER_PIN_MIN_DIGITS} digits.`);
  // Someone else knows a one-time PIN (who made it, who saw it handed over): offline, the
  // tablet cannot have it changed, so it lets no one act with it (decision 0021).
  if (member.pinMustChange) return err('pin-must-change', 'This PIN must be changed first, which needs the server.');
  return ok({ staff: { id: member.id, staffNumber: member.staffNumber, name: member.name, role: member.role }, verified: null });
}

const trailingFailures = (attempts: readonly { ok: boolean }[]): number => {
  let n = 0;
  for (let i = attempts.length - 1; i >= 0 && !attempts[i]!.ok; i--) n++;
  return n;
};

/**
 * Ends the session on the server at sign-out; the key is dropped with the object. Best
 * effort: offline, the session simply runs out, and nothing signed after this moment is
 * accepted as the server's check (the server keeps the time it ended).
 */
export async function endStaffSession({ db, http, staffKeys }: { db: BranchVoiceDB; http: HttpOptions; staffKeys?: StaffKeyring }, session: StaffSession): Promise<void> {
  staffKeys?.remove(session);
  const headers = staffSessionHeaders(session);
  const device = await loadDevice(db);
  if (!headers || !device) return;
  await requestJson({ ...http, timeoutMs: SIGN_IN_TIMEOUT_MS }, '/api/staff-session', { method: 'DELETE', token: device.identity.token, headers }, { schema: v.null(), what: 'a sign-out' });
}
