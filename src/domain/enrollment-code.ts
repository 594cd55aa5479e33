/**
 * Enrollment codes are read aloud and typed on a tablet by the person installing it, so they
 * use only characters that cannot be mistaken for one another (no 0/O, 1/I/L, 5/S, 8/B, U/V).
 */
export const ENROLLMENT_CODE_ALPHABET = '2345679ACDEFGHJKMNPQRTWXYZ';
export const ENROLLMENT_CODE_LENGTH = 8;

/**
 * Makes a code from random bytes supplied by the caller (domain/ reads no randomness).
 * Rejection sampling keeps every character equally likely.
 */
export function makeEnrollmentCode(randomBytes: (n: number) => Uint8Array): string {
  const size = ENROLLMENT_CODE_ALPHABET.length;
  const limit = 256 - (256 % size);
  let code = '';
  while (code.length < ENROLLMENT_CODE_LENGTH) {
    for (const byte of randomBytes(ENROLLMENT_CODE_LENGTH * 2)) {
      if (byte < limit && code.length < ENROLLMENT_CODE_LENGTH) code += ENROLLMENT_CODE_ALPHABET[byte % size];
    }
  }
  return code;
}

/** Shows a code in two groups of four, the way it is printed and read aloud. */
export const formatEnrollmentCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * Reads what a person typed: case, spaces and dashes do not matter. Returns null when the
 * text cannot be a code, so the screen can say so before asking the server.
 */
export function normalizeEnrollmentCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== ENROLLMENT_CODE_LENGTH) return null;
  for (const ch of code) if (!ENROLLMENT_CODE_ALPHABET.includes(ch)) return null;
  return code;
}
