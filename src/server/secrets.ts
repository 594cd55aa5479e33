import { createHash, randomBytes } from 'node:crypto';
import { makeEnrollmentCode } from '../domain/enrollment-code.ts';

/** A device's bearer token: 32 random bytes, base64url. Shown once, never stored. */
export const newDeviceToken = (): string => randomBytes(32).toString('base64url');

/**
 * sha256, hex. Tokens and codes are long random values, not passwords, so a fast hash is
 * enough: it keeps a copied database from being usable to sync as a device.
 */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A fresh, unformatted enrollment code from the domain's alphabet. */
export const newEnrollmentCode = (): string => makeEnrollmentCode((n) => randomBytes(n));
