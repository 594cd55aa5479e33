import { randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import * as v from 'valibot';
import { hashPin, MANAGER_PIN_ITERATIONS, PIN_ITERATIONS, PinSchema, type PinHash } from '../../domain/pin.ts';
import { isManagerRole, MANAGER_PIN_MIN_DIGITS } from '../../domain/staff-session.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { PhotoSchema, StaffNumberSchema, StarsSchema } from '../../domain/teller.ts';
import type { Database } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { bumpConfigVersion, findBranch } from '../repositories/branches.ts';
import { findTeller, findTellerByStaffNumber, insertTeller, ROSTER_ROLES, updateTeller, type StoredTeller } from '../repositories/tellers.ts';
import { branchNotFound, parseInput, type AdminError } from './input.ts';

export const DEFAULT_STARS = 3;

// The roster's own rules (domain/teller.ts), so the admin cannot save a teller that tablets
// would refuse; names get the admin's messages.
const TellerNameSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(80, 'is longer than 80 characters'));

const RoleSchema = v.picklist(ROSTER_ROLES, `must be one of ${ROSTER_ROLES.join(', ')}`);

const TellerInputSchema = v.object({
  staffNumber: v.pipe(v.string(), v.trim(), StaffNumberSchema),
  name: TellerNameSchema,
  pin: PinSchema,
  stars: v.optional(StarsSchema, DEFAULT_STARS),
  photo: v.optional(v.nullable(PhotoSchema), null),
  role: v.optional(RoleSchema, 'teller'),
});
const TellerChangesSchema = v.partial(
  v.object({ name: TellerNameSchema, pin: PinSchema, stars: StarsSchema, photo: v.nullable(PhotoSchema), role: RoleSchema, active: v.boolean() }),
);

/**
 * `oneTime` (true unless said): the PIN is one its owner must change at their first sign-in
 * (decision 0021), as every PIN the server makes or an admin sets is. Only the demo's
 * published PINs say false.
 */
export type TellerInput = { branchId: string; staffNumber: string; name: string; pin: string; stars?: number; photo?: string | null; role?: string; oneTime?: boolean };
export type TellerEdit = { name?: string; pin?: string; stars?: number; photo?: string | null; role?: string; active?: boolean };
export type TellerError = AdminError | 'teller-not-found' | 'staff-number-taken';

/**
 * A PIN's salted slow hash; 16 random bytes of salt, as domain/pin.ts asks of its caller. A
 * manager's hash costs six times a teller's: it travels to lobby tablets, where whoever holds
 * one may try every PIN against it offline.
 */
export const hashNewPin = (pin: string, role: string = 'teller'): Promise<PinHash> =>
  hashPin(pin, new Uint8Array(randomBytes(16)), isManagerRole(role) ? MANAGER_PIN_ITERATIONS : PIN_ITERATIONS);

/** A manager's PIN has at least MANAGER_PIN_MIN_DIGITS digits; undefined when the PIN suits the role. */
export function pinTooShort(pin: string, role: string): ReturnType<typeof err<'invalid-input'>> | undefined {
  if (!isManagerRole(role) || pin.length >= MANAGER_PIN_MIN_DIGITS) return undefined;
  return err('invalid-input', `pin: a ${role}'s PIN must be ${MANAGER_PIN_MIN_DIGITS} to 8 digits: their acts weigh most, and lobby tablets carry its hash`);
}

/** A random PIN of `digits` digits (4 unless asked), for a teller made without one (the first run, the dashboard). */
export const randomPin = (digits = 4): string => String(randomInt(0, 10 ** digits)).padStart(digits, '0');

/** A random PIN as short as the role allows: a manager's has MANAGER_PIN_MIN_DIGITS digits. */
export const randomPinFor = (role: string): string => randomPin(isManagerRole(role) ? MANAGER_PIN_MIN_DIGITS : 4);

const tellerNotFound = (id: string) =>
  err('teller-not-found', `No teller has the id ${id}; list them with \`npm run admin -- tellers\`.`);

/**
 * Adds a teller to a branch and bumps its config version, so the branch's tablets pull the
 * new roster. The PIN is hashed before the transaction: 100,000 PBKDF2 rounds must not hold
 * the write lock, and a transaction holds storage only. `hash` is hashNewPin but in tests
 * that are not about the hash's cost.
 */
export async function addTeller(
  db: Kysely<Database>,
  input: TellerInput & { id?: string },
  now: number,
  hash: (pin: string, role: string) => Promise<PinHash> = hashNewPin,
  steps: WriteSteps = {},
): Promise<Result<StoredTeller, TellerError>> {
  const parsed = parseInput(TellerInputSchema, input);
  if (!parsed.ok) return parsed;
  const { pin, ...fields } = parsed.value;
  const short = pinTooShort(pin, fields.role);
  if (short) return short;
  const teller: StoredTeller = {
    id: input.id ?? uuidv7(),
    branchId: input.branchId,
    ...fields,
    pin: await hash(pin, fields.role),
    pinMustChange: input.oneTime ?? true,
    active: true,
    createdAt: now,
  };
  return storeNewTeller(db, teller, steps);
}

/**
 * What a caller adds to a teller's write, inside its transaction: `check` the member as they
 * are at the moment of writing (after the slow hash, someone may have changed them) and refuse
 * with a message; `then` write what belongs with the change, such as its audit row, so that
 * both are stored or neither.
 */
export type WriteSteps = {
  check?: (current: StoredTeller) => string | null;
  then?: (trx: Kysely<Database>, written: StoredTeller) => Promise<void>;
};

/** Stores a teller whose fields are checked and PIN hashed, and bumps the branch's config version. */
export async function storeNewTeller(db: Kysely<Database>, teller: StoredTeller, steps: WriteSteps = {}): Promise<Result<StoredTeller, TellerError>> {
  return inTransaction(db, async (trx) => {
    if (!(await findBranch(trx, teller.branchId))) return branchNotFound(teller.branchId);
    const taken = await findTellerByStaffNumber(trx, teller.branchId, teller.staffNumber);
    if (taken) {
      return err('staff-number-taken', `Staff number ${teller.staffNumber} is already ${taken.name} (${taken.id}) in this branch; change that teller with \`npm run admin -- teller:set\`.`);
    }
    await insertTeller(trx, teller);
    await bumpConfigVersion(trx, teller.branchId);
    await steps.then?.(trx, teller);
    return ok(teller);
  });
}

/**
 * Edits a teller and bumps the branch's config version. Deactivating takes the teller off
 * the tablets' roster; their ratings, and ratings still on offline tablets, stay theirs.
 */
export async function editTeller(db: Kysely<Database>, id: string, changes: TellerEdit, steps: WriteSteps = {}): Promise<Result<StoredTeller, TellerError>> {
  const parsed = parseInput(TellerChangesSchema, changes);
  if (!parsed.ok) return parsed;
  const { pin, ...fields } = parsed.value;
  if (pin === undefined && Object.values(fields).every((value) => value === undefined)) {
    return err('invalid-input', 'Nothing to change: give a new name, PIN, stars, photo, role or active.');
  }
  // The PIN is checked against the role the member will have, and hashed for it, before the
  // transaction: the slow hash must not hold the write lock.
  const current = await findTeller(db, id);
  if (!current) return tellerNotFound(id);
  const role = fields.role ?? current.role;
  if (isManagerRole(role) && !isManagerRole(current.role) && pin === undefined) {
    return err('invalid-input', `pin: ${current.name} becomes a ${role}, whose PIN must be ${MANAGER_PIN_MIN_DIGITS} to 8 digits; give a new one with --pin`);
  }
  const short = pin === undefined ? undefined : pinTooShort(pin, role);
  if (short) return short;
  const pinHash = pin === undefined ? undefined : await hashNewPin(pin, role);
  return inTransaction(db, async (trx) => {
    const teller = await findTeller(trx, id);
    if (!teller) return tellerNotFound(id);
    const refused = steps.check?.(teller);
    if (refused) return err('invalid-input', refused);
    // A PIN set here is the admin's (CLI, dashboard): one-time, until its owner chooses theirs (decision 0021).
    await updateTeller(trx, id, { ...fields, ...(pinHash && { pin: pinHash, pinMustChange: true }) });
    await bumpConfigVersion(trx, teller.branchId);
    const edited = await findTeller(trx, id);
    if (!edited) return tellerNotFound(id);
    await steps.then?.(trx, edited);
    return ok(edited);
  });
}
