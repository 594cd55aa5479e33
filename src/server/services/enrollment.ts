import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { formatEnrollmentCode, normalizeEnrollmentCode } from '../../domain/enrollment-code.ts';
import type { DeviceMode } from '../../domain/config.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { EnrollRequest, EnrollResponse } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { findCounter } from '../repositories/counters.ts';
import { claimEnrollmentCode, insertEnrollmentCode, type ClaimedCode } from '../repositories/enrollment-codes.ts';
import { insertDevice } from '../repositories/devices.ts';
import { hashSecret, newDeviceToken, newEnrollmentCode } from '../secrets.ts';
import { deviceConfigFor } from './device-config.ts';

/** A code is valid for a day unless the admin asks otherwise: long enough to install a branch. */
export const DEFAULT_CODE_HOURS = 24;
const MAX_CODE_HOURS = 24 * 30;

/** A freshly made code: the only moment its text exists outside the installer's hands. */
export type IssuedCode = {
  code: string;
  /** The code as printed and read aloud: two groups of four, joined by a dash. */
  formatted: string;
  branchId: string;
  counterId: string;
  expiresAt: number;
};

export const ENROLLMENT_CODE_INVALID_MESSAGE =
  'This enrollment code is unknown, expired or already used. Ask the admin for a new one (`npm run admin -- code:create`).';

/** Makes a one-time code that enrolls one tablet at a counter; only its hash is stored. */
export async function issueEnrollmentCode(
  db: Kysely<Database>,
  input: { counterId: string; hours?: number },
  now: number,
): Promise<Result<IssuedCode, 'counter-not-found' | 'invalid-input'>> {
  const hours = input.hours ?? DEFAULT_CODE_HOURS;
  if (!(hours > 0 && hours <= MAX_CODE_HOURS)) {
    return err('invalid-input', `hours: must be more than 0 and at most ${MAX_CODE_HOURS}`);
  }
  const counter = await findCounter(db, input.counterId);
  if (!counter) {
    return err('counter-not-found', `No counter has the id ${input.counterId}; list them with \`npm run admin -- counters\`.`);
  }
  const code = newEnrollmentCode();
  const expiresAt = now + Math.round(hours * 3_600_000);
  await insertEnrollmentCode(db, {
    code_hash: hashSecret(code),
    branch_id: counter.branchId,
    counter_id: counter.id,
    mode: 'counter',
    created_at: now,
    expires_at: expiresAt,
  });
  return ok({ code, formatted: formatEnrollmentCode(code), branchId: counter.branchId, counterId: counter.id, expiresAt });
}

/**
 * Enrolls a tablet: uses the code once and creates the device in the same transaction, so
 * a code is never spent without a device, nor a device made from a spent code.
 */
export async function enrollDevice(
  db: Kysely<Database>,
  request: EnrollRequest,
  now: number,
): Promise<Result<EnrollResponse, 'enrollment-code-invalid'>> {
  const code = normalizeEnrollmentCode(request.code);
  if (code === null) return err('enrollment-code-invalid', ENROLLMENT_CODE_INVALID_MESSAGE);
  const deviceId = uuidv7();
  const token = newDeviceToken();
  const claimed = await db.transaction().execute(async (trx) => {
    const grant = await claimEnrollmentCode(trx, hashSecret(code), deviceId, now);
    if (grant) await insertDevice(trx, deviceRow(deviceId, token, grant, request, now));
    return grant;
  });
  if (!claimed) return err('enrollment-code-invalid', ENROLLMENT_CODE_INVALID_MESSAGE);
  const config = await deviceConfigFor(db, { branchId: claimed.branch_id, counterId: claimed.counter_id });
  return ok({ deviceId, token, mode: claimed.mode as DeviceMode, config });
}

const deviceRow = (id: string, token: string, grant: ClaimedCode, request: EnrollRequest, now: number) => ({
  id,
  branch_id: grant.branch_id,
  counter_id: grant.counter_id,
  mode: grant.mode,
  label: request.deviceLabel ?? null,
  token_hash: hashSecret(token),
  enrolled_at: now,
});
