import * as v from 'valibot';

/**
 * Staff PINs are checked on the tablet with no network (docs/architecture.md, "The trust model"), against a salted
 * slow hash in the pulled roster. PBKDF2-SHA256 because WebCrypto has it in every browser and
 * in Node, so the server hashes and the tablet verifies with the same code. The salt is
 * passed in: domain/ reads no randomness.
 */
export const PIN_ITERATIONS = 100_000;
/**
 * A manager's PIN: longer (staff-session.ts), and six times the rounds, as OWASP advises for
 * PBKDF2-SHA256 (600,000). A lobby tablet checks it in well under a second; a copy of its
 * hash costs an attacker six times as long per guess, over a hundred times the guesses.
 */
export const MANAGER_PIN_ITERATIONS = 600_000;

export const PinSchema = v.pipe(v.string(), v.regex(/^\d{4,8}$/, 'must be 4 to 8 digits'));

export const PinHashSchema = v.object({
  salt: v.pipe(v.string(), v.base64()),
  hash: v.pipe(v.string(), v.base64()),
  iterations: v.pipe(v.number(), v.integer(), v.minValue(10_000), v.maxValue(1_000_000)),
});
export type PinHash = v.InferOutput<typeof PinHashSchema>;

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** Hashes a PIN with a caller-supplied random salt (16 bytes). */
export async function hashPin(pin: string, salt: Uint8Array, iterations = PIN_ITERATIONS): Promise<PinHash> {
  return { salt: toBase64(salt), hash: toBase64(await derive(pin, salt, iterations)), iterations };
}

/** True when `pin` matches; compares every byte, whatever the first difference. */
export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const actual = await derive(pin, fromBase64(stored.salt), stored.iterations);
  const expected = fromBase64(stored.hash);
  if (actual.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ expected[i]!;
  return diff === 0;
}

/** Five wrong PINs lock sign-in for five minutes. */
export const PIN_MAX_FAILURES = 5;
export const PIN_LOCK_MS = 5 * 60_000;

export type PinAttempt = { at: number; ok: boolean };

/**
 * Whether sign-in is locked at `now`, from the recent attempts (oldest first): locked when
 * the last PIN_MAX_FAILURES attempts all failed and the last of them is under PIN_LOCK_MS old.
 * A success clears the count.
 */
export function pinLockout(attempts: readonly PinAttempt[], now: number): { locked: boolean; until: number | null; failuresLeft: number } {
  let failures = 0;
  for (let i = attempts.length - 1; i >= 0 && !attempts[i]!.ok; i--) failures++;
  const last = attempts.at(-1);
  if (failures >= PIN_MAX_FAILURES && last && now - last.at < PIN_LOCK_MS) {
    return { locked: true, until: last.at + PIN_LOCK_MS, failuresLeft: 0 };
  }
  const counted = failures >= PIN_MAX_FAILURES ? 0 : failures;
  return { locked: false, until: null, failuresLeft: PIN_MAX_FAILURES - counted };
}
