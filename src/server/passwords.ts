import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Dashboard passwords (decision 0010): scrypt, stored as one self-describing string
 * `scrypt$N$r$p$salt$hash` (salt and hash base64), so a later change of cost still verifies
 * the hashes made before it. Node's scrypt runs on the libuv thread pool: a sign-in does not
 * stall the event loop that serves every tablet's sync.
 */

/**
 * OWASP's equivalent of its scrypt minimum at a quarter of the memory (N=2^15, r=8, p=3:
 * 32 MiB): about 230 ms on the 2-core machine here. Four sign-ins at once (the thread pool's
 * size) then need 128 MiB, not 512.
 */
export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 3 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 64;
const PREFIX = 'scrypt';

type Cost = { N: number; r: number; p: number };

function derive(password: string, salt: Buffer, keyLength: number, { N, r, p }: Cost): Promise<Buffer> {
  // Node refuses above 32 MiB by default; scrypt needs 128·N·r bytes, plus headroom.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The self-describing hash of a password, with a fresh random salt. */
export async function hashPassword(password: string, cost: Cost = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, cost);
  return [PREFIX, cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

const STORED = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

/** Whether the password is the one hashed; false for a string that is not our hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const cost = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const expected = Buffer.from(m[5]!, 'base64');
  if (expected.length === 0) return false;
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), expected.length, cost);
  // Constant time, so the answer's timing says nothing of how much of the hash matched.
  return timingSafeEqual(key, expected);
}

/**
 * A hash of no password, at today's cost: verifying against it when a staff number has no
 * account takes as long as a real check, so the answer's timing does not tell whether the
 * account exists.
 */
export const NO_ACCOUNT_HASH = [PREFIX, SCRYPT_COST.N, SCRYPT_COST.r, SCRYPT_COST.p, randomBytes(SALT_BYTES).toString('base64'), randomBytes(KEY_BYTES).toString('base64')].join('$');

// Easy to read aloud and to type from a printed banner: no 0/O, 1/l/I.
const READABLE = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of `length` readable characters (the first run's head-office account). */
export function randomPassword(length = 16): string {
  // 256 is not a multiple of the alphabet's size: draw bytes and drop those past the last whole multiple.
  const limit = 256 - (256 % READABLE.length);
  let password = '';
  while (password.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && password.length < length) password += READABLE[byte % READABLE.length];
    }
  }
  return password;
}
