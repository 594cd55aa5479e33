import type { Kysely } from 'kysely';
import { newPinProblem, type NewPinProblem, type StaffPinChange } from '../../domain/pin-change.ts';
import { verifyPin } from '../../domain/pin.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { MANAGER_PIN_MIN_DIGITS } from '../../domain/staff-session.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpConfigVersion } from '../repositories/branches.ts';
import type { KnownDevice } from '../repositories/devices.ts';
import { findTeller, updateTeller } from '../repositories/tellers.ts';
import { recordAudit } from './audit.ts';
import { staffOfRequest } from './staff-sessions.ts';
import { hashNewPin } from './tellers.ts';

/**
 * A member of staff choosing their own PIN on a tablet (decision 0021): the one-time PIN the
 * server made or an admin set is known to someone else, so its owner replaces it before they
 * do anything. Online only: the new hash must reach the server, and through it every tablet
 * of the branch, before the old one stops working anywhere.
 */

export type PinChangeError = 'staff-session-required' | 'staff-credentials-invalid' | 'bad-request';

export const WRONG_CURRENT_PIN = 'currentPin: is not the PIN of the member of staff signed in.';

const PROBLEM_MESSAGES: Record<Exclude<NewPinProblem, 'pin-mismatch'>, string> = {
  'pin-digits': 'newPin: must be 4 to 8 digits',
  'pin-manager-digits': `newPin: a manager's PIN must be ${MANAGER_PIN_MIN_DIGITS} to 8 digits`,
  'pin-same': 'newPin: must not be the one-time PIN: someone else knows it',
};

/**
 * Replaces the PIN of the member signed in through the session `header` names (of this very
 * device, so of its branch), when `currentPin` is theirs and the new one keeps the rules;
 * clears the one-time flag, bumps the branch's config version so its tablets pull the new
 * hash, and audits it, all in one transaction. The new PIN is hashed before it: the slow hash
 * must not hold the write lock.
 */
export async function changeOwnPin(
  db: Kysely<Database>,
  device: KnownDevice,
  header: string | undefined,
  input: StaffPinChange,
  context: { now: number; address: string | null },
): Promise<Result<null, PinChangeError>> {
  const verified = await staffOfRequest(db, device, header, context.now, { forPinChange: true });
  if (!verified.ok) return verified;
  const member = await findTeller(db, verified.value.staff.id);
  if (!member) return err('staff-session-required', 'The member of staff of this session is no longer on the roster.');
  if (!(await verifyPin(input.currentPin, member.pin))) return err('staff-credentials-invalid', WRONG_CURRENT_PIN);
  const problem = newPinProblem(input.newPin, input.currentPin, member.role);
  if (problem) return err('bad-request', PROBLEM_MESSAGES[problem]);
  const pin = await hashNewPin(input.newPin, member.role);
  return inTransaction(db, async (trx) => {
    // An admin who reset the PIN while this one was being hashed wins: the PIN checked above is gone.
    const current = await findTeller(trx, member.id);
    if (!current || current.pin.hash !== member.pin.hash || current.pin.salt !== member.pin.salt) return err('staff-credentials-invalid', WRONG_CURRENT_PIN);
    await updateTeller(trx, member.id, { pin, pinMustChange: false });
    await bumpConfigVersion(trx, member.branchId);
    await recordAudit(
      trx,
      { actor: member.id, role: member.role, verified: 'staff-session', deviceId: device.id, address: context.address },
      { action: 'staff-pin-change', branchId: member.branchId, subject: member.id, detail: { wasOneTime: member.pinMustChange } },
      context.now,
    );
    return ok(null);
  });
}
