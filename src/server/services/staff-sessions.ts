import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { claimedAttestation, TABLET_ATTESTED, type Attestation, type Attested } from '../../domain/attestation.ts';
import { signedContent } from '../../domain/canonical.ts';
import { hashPin, PIN_ITERATIONS, verifyPin, type PinHash } from '../../domain/pin.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import {
  isManagerRole,
  MANAGER_PIN_MIN_DIGITS,
  SIGN_IN_ROLES,
  STAFF_SESSION_MS,
  withinSession,
  type SessionStaff,
  type StaffSessionGrant,
  type StaffSignIn,
} from '../../domain/staff-session.ts';
import type { RosterRole } from '../../domain/teller.ts';
import type { Database } from '../db/schema.ts';
import type { KnownDevice } from '../repositories/devices.ts';
import { endStaffSession, findStaffSession, insertStaffSession, type StaffSession } from '../repositories/staff-sessions.ts';
import { findTeller, listTellers } from '../repositories/tellers.ts';

/**
 * Staff sessions (decision 0014): a member of staff's PIN checked by the server, for one
 * tablet, for a working day at most. What the tablet signs with the session's key is the
 * staff member's word as the server checked it; everything else is the tablet's word.
 */

export type StaffSignInError = 'staff-credentials-invalid' | 'role-not-here' | 'pin-too-short';

export const WRONG_PIN = 'The staff number or the PIN is wrong.';

// A PIN hash to check when the staff number is unknown, so that a wrong staff number costs
// as long as a wrong PIN and the answer's time tells nothing of who is on the roster.
let decoy: Promise<PinHash> | null = null;
const decoyHash = () => (decoy ??= hashPin('0000', new Uint8Array(randomBytes(16)), PIN_ITERATIONS));

/**
 * Checks a staff number and PIN for a tablet of the member's branch and opens a session.
 * The member must be active and in a role that signs in on this kind of tablet; a manager's
 * PIN must be long enough (a short one, set before that rule, is refused until reset).
 */
export async function startStaffSession(
  db: Kysely<Database>,
  device: KnownDevice,
  input: StaffSignIn,
  now: number,
): Promise<Result<StaffSessionGrant, StaffSignInError>> {
  const wanted = input.staffNumber.trim().toLowerCase();
  const roster = await listTellers(db, { branchId: device.branchId, activeOnly: true });
  const member = roster.find((m) => m.staffNumber.toLowerCase() === wanted);
  const matches = await verifyPin(input.pin, member?.pin ?? (await decoyHash()));
  if (!member || !matches) return err('staff-credentials-invalid', WRONG_PIN);
  if (!SIGN_IN_ROLES[device.mode].includes(member.role)) {
    return err(
      'role-not-here',
      `${member.name} is on the roster as ${member.role}, who does not sign in on a ${device.mode} tablet; ` +
        `it takes ${SIGN_IN_ROLES[device.mode].join(', ')}`,
    );
  }
  if (isManagerRole(member.role) && input.pin.length < MANAGER_PIN_MIN_DIGITS) {
    return err(
      'pin-too-short',
      `A ${member.role}'s PIN must have at least ${MANAGER_PIN_MIN_DIGITS} digits; ask the admin for a new one: ` +
        `\`npm run admin -- teller:set ${member.id} --pin <${MANAGER_PIN_MIN_DIGITS} to 8 digits>\``,
    );
  }
  const session: StaffSession = {
    id: uuidv7(),
    deviceId: device.id,
    branchId: device.branchId,
    staffId: member.id,
    role: member.role,
    key: randomBytes(32).toString('base64url'),
    createdAt: now,
    expiresAt: now + STAFF_SESSION_MS,
    endedAt: null,
    clockOffsetMs: now - input.deviceTime,
  };
  await insertStaffSession(db, session);
  return ok({
    sessionId: session.id,
    key: session.key,
    expiresAt: session.expiresAt,
    expiresInMs: STAFF_SESSION_MS,
    staff: { id: member.id, staffNumber: member.staffNumber, name: member.name, role: member.role },
    ...(member.pinMustChange && { pinMustChange: true }),
  });
}

/** The member of staff behind a live session named in a request, as the roster has them now. */
export type VerifiedStaff = { sessionId: string; staff: SessionStaff };

export const STAFF_SESSION_REQUIRED =
  'This needs a member of staff signed in with the server reachable: sign in again on this tablet while it is online.';

export const PIN_CHANGE_FIRST =
  'This PIN was given to you and works once: choose your own PIN on the tablet first, then try again.';

/**
 * The session a request names in its `x-staff-session` header (`<id>.<key>`): live (not
 * ended, not expired), of this very device, with the right key, and for a member of staff
 * still active in the role the session was opened in. Anything else is no session. A member
 * whose PIN is still one-time (someone else knows it) may do nothing in it but choose their
 * own PIN (`forPinChange`): the tablet asks them to, and a tablet that skipped it is refused here.
 */
export async function staffOfRequest(
  db: Kysely<Database>,
  device: KnownDevice,
  header: string | undefined,
  now: number,
  { forPinChange = false }: { forPinChange?: boolean } = {},
): Promise<Result<VerifiedStaff, 'staff-session-required'>> {
  const none = err('staff-session-required', STAFF_SESSION_REQUIRED);
  const [id, key] = parseHeader(header);
  if (!id || !key) return none;
  const session = await findStaffSession(db, device.id, id);
  if (!session || session.endedAt !== null || session.expiresAt <= now || !sameSecret(session.key, key)) return none;
  const member = await findTeller(db, session.staffId);
  if (!member || !member.active || member.role !== session.role || member.branchId !== device.branchId) return none;
  if (member.pinMustChange && !forPinChange) return err('staff-session-required', PIN_CHANGE_FIRST);
  return ok({ sessionId: session.id, staff: { id: member.id, staffNumber: member.staffNumber, name: member.name, role: member.role } });
}

/** Ends the session a request names, when it is this device's and the key is right. */
export async function endStaffSessionOfRequest(db: Kysely<Database>, device: KnownDevice, header: string | undefined, now: number): Promise<boolean> {
  const [id, key] = parseHeader(header);
  if (!id || !key) return false;
  const session = await findStaffSession(db, device.id, id);
  if (!session || !sameSecret(session.key, key)) return false;
  await endStaffSession(db, device.id, id, now);
  return true;
}

const parseHeader = (header: string | undefined): [string | undefined, string | undefined] => {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/.exec(header?.trim() ?? '');
  return [match?.[1], match?.[2]];
};

const sameSecret = (stored: string, given: string): boolean => {
  const a = Buffer.from(stored, 'base64url');
  const b = Buffer.from(given, 'base64url');
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The staff member a staff-made record names, and the role it claims. */
export type StaffClaim = { staffId: string; role: RosterRole };

/** What the server made of a record's attestation, and why not `server` when the record claimed it. */
export type CheckedAttestation = { attested: Attested; refused: string | null };

/**
 * Checks the attestation a record claims against the sessions of the device that pushed it:
 * the session is this device's, for the staff member and role the record names, the record's
 * time falls within the session's life (on the server's clock), and the signature matches
 * the record's content. Anything short of that makes the record the tablet's word only.
 * Pure but for the HMAC; the caller reads the sessions once per push.
 */
export function checkAttestation(record: object & { createdAt: number; attestation?: Attestation }, claim: StaffClaim, sessions: ReadonlyMap<string, StaffSession>): CheckedAttestation {
  const attestation = claimedAttestation(record);
  if (attestation.by === 'tablet') return { attested: TABLET_ATTESTED, refused: null };
  const refused = (why: string): CheckedAttestation => ({ attested: TABLET_ATTESTED, refused: why });
  const session = sessions.get(attestation.sessionId);
  if (!session) return refused('no such staff session on this device');
  if (session.staffId !== claim.staffId || session.role !== claim.role) return refused('the staff session is for another member of staff or role');
  if (!withinSession(record.createdAt, { createdAt: session.createdAt, endsAt: session.endedAt ?? session.expiresAt, clockOffsetMs: session.clockOffsetMs })) {
    return refused('made outside the staff session\'s time');
  }
  const expected = createHmac('sha256', Buffer.from(session.key, 'base64url')).update(signedContent(record)).digest();
  const given = Buffer.from(attestation.proof, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refused('the signature does not match the record');
  return { attested: { kind: 'server', sessionId: session.id }, refused: null };
}

/**
 * Signs a record with a session's key as a tablet would (attestation.ts attestRecord, with
 * WebCrypto): for records the server side makes in a session's name, the demo's and tests'.
 */
export function signRecord<R extends object>(record: R, session: Pick<StaffSession, 'id' | 'key'>): R & { attestation: Attestation } {
  const { attestation: _previous, ...content } = record as R & { attestation?: Attestation };
  const proof = createHmac('sha256', Buffer.from(session.key, 'base64url')).update(signedContent(content)).digest('base64url');
  return { ...(content as R), attestation: { by: 'server', sessionId: session.id, proof } };
}

/**
 * A staff session opened without a PIN, for what the server side makes in a member of
 * staff's name (the demo's history, tests): the same row a sign-in makes.
 */
export async function openStaffSession(
  db: Kysely<Database>,
  session: { deviceId: string; branchId: string; staffId: string; role: RosterRole; createdAt: number; expiresAt?: number; clockOffsetMs?: number },
): Promise<StaffSession> {
  const opened: StaffSession = {
    id: uuidv7(),
    key: randomBytes(32).toString('base64url'),
    endedAt: null,
    clockOffsetMs: 0,
    expiresAt: session.createdAt + STAFF_SESSION_MS,
    ...session,
  };
  await insertStaffSession(db, opened);
  return opened;
}
