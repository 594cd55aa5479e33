import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { formatEnrollmentCode, normalizeEnrollmentCode } from '../../domain/enrollment-code.ts';
import type { DeviceMode } from '../../domain/config.ts';
import { referenceCode, REFERENCE_PREFIXES } from '../../domain/opinion.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import type { EnrollRequest, EnrollResponse } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { findBranch } from '../repositories/branches.ts';
import { findCounter } from '../repositories/counters.ts';
import { claimEnrollmentCode, findUsableEnrollmentCode, insertEnrollmentCode, type ClaimedCode } from '../repositories/enrollment-codes.ts';
import { findDevice, insertDevice, referencePrefixesOfBranch } from '../repositories/devices.ts';
import { revokeActiveDevice } from '../repositories/tablets.ts';
import { hashSecret, newDeviceToken, newEnrollmentCode } from '../secrets.ts';
import { deviceConfigFor } from './device-config.ts';
import { branchNotFound } from './input.ts';

/** A code is valid for a day unless the admin asks otherwise: long enough to install a branch. */
export const DEFAULT_CODE_HOURS = 24;
const MAX_CODE_HOURS = 24 * 30;

/** A freshly made code: the only moment its text exists outside the installer's hands. */
export type IssuedCode = {
  code: string;
  /** The code as printed and read aloud: two groups of four, joined by a dash. */
  formatted: string;
  mode: DeviceMode;
  branchId: string;
  /** The counter a counter tablet is enrolled at; null for a lobby tablet. */
  counterId: string | null;
  expiresAt: number;
};

/** What a code enrolls: a tablet at one counter (the default), or the branch's lobby opinion box. */
export type CodeTarget = { mode?: 'counter'; counterId: string } | { mode: 'lobby'; branchId: string };

export type IssueCodeError = 'counter-not-found' | 'branch-not-found' | 'invalid-input';
export type EnrollError = 'enrollment-code-invalid' | 'reference-prefixes-used';

const replacedAlready = (deviceId: string) =>
  err(
    'enrollment-code-invalid',
    `This code replaces tablet ${deviceId}, which is revoked already: a revoked tablet is replaced once. Make a new enrollment code on the dashboard's Devices page.`,
  );

/** A replacement that lost a race: its transaction is rolled back whole, the code unspent. */
class ReplacedAlready extends Error {
  constructor(readonly deviceId: string) {
    super(`device ${deviceId} was revoked by another enrollment`);
  }
}

export const ENROLLMENT_CODE_INVALID_MESSAGE =
  'This enrollment code is unknown, expired or already used. Ask the admin for a new one (`npm run admin -- code:create`).';

/** Makes a one-time code that enrolls one tablet at a counter or in a branch's lobby; only its hash is stored. */
export async function issueEnrollmentCode(
  db: Kysely<Database>,
  input: CodeTarget & { hours?: number; replacesDeviceId?: string },
  now: number,
): Promise<Result<IssuedCode, IssueCodeError>> {
  const hours = input.hours ?? DEFAULT_CODE_HOURS;
  if (!(hours > 0 && hours <= MAX_CODE_HOURS)) {
    return err('invalid-input', `hours: must be more than 0 and at most ${MAX_CODE_HOURS}`);
  }
  const target = await resolveTarget(db, input);
  if (!target.ok) return target;
  const code = newEnrollmentCode();
  const expiresAt = now + Math.round(hours * 3_600_000);
  const { mode, branchId, counterId } = target.value;
  await insertEnrollmentCode(db, {
    code_hash: hashSecret(code),
    branch_id: branchId,
    counter_id: counterId,
    mode,
    created_at: now,
    expires_at: expiresAt,
    replaces_device_id: input.replacesDeviceId ?? null,
  });
  return ok({ code, formatted: formatEnrollmentCode(code), mode, branchId, counterId, expiresAt });
}

async function resolveTarget(
  db: Kysely<Database>,
  target: CodeTarget,
): Promise<Result<{ mode: DeviceMode; branchId: string; counterId: string | null }, IssueCodeError>> {
  if (target.mode === 'lobby') {
    if (!(await findBranch(db, target.branchId))) return branchNotFound(target.branchId);
    return ok({ mode: 'lobby', branchId: target.branchId, counterId: null });
  }
  const counter = await findCounter(db, target.counterId);
  if (!counter) {
    return err('counter-not-found', `No counter has the id ${target.counterId}; list them with \`npm run admin -- counters\`.`);
  }
  return ok({ mode: 'counter', branchId: counter.branchId, counterId: counter.id });
}

// Ten tablets enrolled at the same moment in one branch need at most ten rounds: each round,
// one of them wins the prefix the others wanted.
const MAX_ENROLL_ATTEMPTS = 20;

/**
 * Enrolls a tablet: uses the code once and creates the device, with the lowest reference
 * prefix its branch never gave (decision 0004), in the same transaction, so a code is never
 * spent without a device, nor a device made from a spent code.
 */
export async function enrollDevice(
  db: Kysely<Database>,
  request: EnrollRequest,
  now: number,
): Promise<Result<EnrollResponse, EnrollError>> {
  const code = normalizeEnrollmentCode(request.code);
  if (code === null) return err('enrollment-code-invalid', ENROLLMENT_CODE_INVALID_MESSAGE);
  const deviceId = uuidv7();
  const token = newDeviceToken();
  const enrolled = await withPrefixRetry(() =>
    db.transaction().execute(async (trx): Promise<Result<{ grant: ClaimedCode; referencePrefix: number }, EnrollError>> => {
      const codeHash = hashSecret(code);
      // Looked at before it is used: a branch without a free prefix must leave the code unspent.
      const usable = await findUsableEnrollmentCode(trx, codeHash, now);
      if (!usable) return err('enrollment-code-invalid', ENROLLMENT_CODE_INVALID_MESSAGE);
      // A replacement code (services/tablets.ts) is for a tablet still enrolled: nothing is spent for one revoked since.
      const replaced = usable.replaces_device_id === null ? undefined : await findDevice(trx, usable.replaces_device_id);
      if (replaced && replaced.revokedAt !== null) return replacedAlready(replaced.id);
      const referencePrefix = lowestUnused(await referencePrefixesOfBranch(trx, usable.branch_id));
      if (referencePrefix === undefined) return prefixesUsed(usable.branch_id);
      // The claim decides between tablets racing for this one code.
      const grant = await claimEnrollmentCode(trx, codeHash, deviceId, now);
      if (!grant) return err('enrollment-code-invalid', ENROLLMENT_CODE_INVALID_MESSAGE);
      await insertDevice(trx, { ...deviceRow(deviceId, token, grant, request, now), reference_prefix: referencePrefix, place_label: replaced?.placeLabel ?? null });
      // The old tablet stops syncing as the new one starts: its token is refused from now on.
      // A second enrollment that revoked it first (another of its codes, at the same moment) wins.
      if (replaced && !(await revokeActiveDevice(trx, replaced.id, now))) throw new ReplacedAlready(replaced.id);
      return ok({ grant, referencePrefix });
    }),
  ).catch((error: unknown) => {
    if (error instanceof ReplacedAlready) return replacedAlready(error.deviceId);
    throw error;
  });
  if (!enrolled.ok) return enrolled;
  const { grant, referencePrefix } = enrolled.value;
  const config = await deviceConfigFor(db, { id: deviceId, mode: grant.mode as DeviceMode, branchId: grant.branch_id, counterId: grant.counter_id }, now);
  return ok({ deviceId, token, mode: grant.mode as DeviceMode, referencePrefix, config });
}

/**
 * Two enrollments at once in one branch (PostgreSQL runs them side by side; SQLite's BEGIN
 * IMMEDIATE one after the other) can pick the same free prefix. The unique index refuses the
 * second; its transaction rolled back whole, code claim included, so it simply runs again
 * and sees the prefix the first one took.
 */
async function withPrefixRetry<T>(enroll: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await enroll();
    } catch (error) {
      if (attempt >= MAX_ENROLL_ATTEMPTS || !isPrefixTaken(error)) throw error;
    }
  }
}

/** True for the unique-index violation of devices (branch_id, reference_prefix), on either database. */
function isPrefixTaken(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') return e.constraint === 'devices_branch_id_reference_prefix';
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof e.message === 'string' && e.message.includes('devices.reference_prefix');
}

/** A reference prefix as it starts the codes of its tablet, e.g. 10 → "2C". */
export const referencePrefixText = (prefix: number): string => referenceCode(prefix, 0).slice(0, 2);

/** The lowest prefix not in `used`, or undefined when the branch has given them all. */
function lowestUnused(used: ReadonlySet<number>): number | undefined {
  for (let prefix = 0; prefix < REFERENCE_PREFIXES; prefix++) if (!used.has(prefix)) return prefix;
  return undefined;
}

const prefixesUsed = (branchId: string) =>
  err(
    'reference-prefixes-used',
    `Branch ${branchId} has given all ${REFERENCE_PREFIXES} reference-code prefixes to its tablets, and a prefix is never given twice ` +
      '(revoked tablets keep theirs, so that opinion reference codes stay unique), so it cannot enroll another tablet. ' +
      'Enroll this tablet in a new branch (`npm run admin -- branch:add`). The code was not used.',
  );

const deviceRow = (id: string, token: string, grant: ClaimedCode, request: EnrollRequest, now: number) => ({
  id,
  branch_id: grant.branch_id,
  counter_id: grant.counter_id,
  mode: grant.mode,
  label: request.deviceLabel ?? null,
  token_hash: hashSecret(token),
  enrolled_at: now,
  token_issued_at: now,
});
