import { err, ok, type Result } from '../domain/result.ts';
import { pinLockout, verifyPin, type PinAttempt } from '../domain/pin.ts';
import type { Teller } from '../domain/teller.ts';
import type { BranchVoiceDB } from './db.ts';
import { getMeta, setMeta } from './meta.ts';

/** Attempts kept: enough to know about the last lockout, no more. */
const KEEP_ATTEMPTS = 10;

/** `needs-server`: the right member, whose PIN this tablet does not carry (they sign in only online). */
export type StaffCheckFailure = 'locked' | 'wrong-credentials' | 'needs-server';
export type StaffCheck = Result<Teller, StaffCheckFailure> & { lockedUntil?: number | null; failuresLeft?: number };

/**
 * Checks a staff number and PIN offline against the pulled roster, with the lockout kept in
 * IndexedDB. An unknown staff number counts as a failed attempt too, so the lockout cannot
 * be dodged and the screen does not tell which of the two was wrong. Used by the counter's
 * sign-in and by the lobby's staff exit.
 */
export async function checkStaffCredentials(
  db: BranchVoiceDB,
  credentials: { staffNumber: string; pin: string },
  now: () => number = Date.now,
): Promise<StaffCheck> {
  const attempts = (await getMeta(db, 'pinAttempts')) ?? [];
  const before = pinLockout(attempts, now());
  if (before.locked) return { ...err('locked', 'Too many wrong PINs: sign-in is locked for a few minutes.'), lockedUntil: before.until };

  const config = await getMeta(db, 'config');
  const wanted = credentials.staffNumber.trim().toLowerCase();
  const teller = config?.tellers.find((t) => t.staffNumber.toLowerCase() === wanted);
  // A member this tablet knows by name only: it cannot check them, and says so without
  // counting an attempt (nothing was tried against a hash).
  if (teller && teller.pin === null) return err('needs-server', 'This member of staff signs in on this tablet only with the server reachable.');
  // The hash is checked outside any IndexedDB transaction: WebCrypto's promise would let an
  // open transaction commit early.
  const matches = teller?.pin ? await verifyPin(credentials.pin, teller.pin) : false;
  const next = await appendPinAttempt(db, { at: now(), ok: matches });
  if (!teller || !matches) {
    const after = pinLockout(next, now());
    return { ...err('wrong-credentials', 'The staff number or the PIN is wrong.'), lockedUntil: after.until, failuresLeft: after.failuresLeft };
  }
  return ok(teller);
}

/**
 * Adds an attempt to the list in one read-write transaction, so two wrong PINs submitted at
 * once are both counted: a read outside it would let the second overwrite the first.
 */
export async function appendPinAttempt(db: BranchVoiceDB, attempt: PinAttempt): Promise<PinAttempt[]> {
  return db.transaction('rw', db.meta, async () => {
    const next = [...((await getMeta(db, 'pinAttempts')) ?? []), attempt].slice(-KEEP_ATTEMPTS);
    await setMeta(db, 'pinAttempts', next);
    return next;
  });
}
