/**
 * The life of a device's bearer token (decision 0016). A tablet holds one token; the server
 * keeps the sha256 of the current one and of the one it replaced. The server asks for a new
 * token when the one a push came with is more than a day old; the one replaced keeps working
 * until the new one is first used, and for a grace after that (requests already under way in
 * another tab of the same tablet). A replaced token used after that, or one older still, means
 * two devices hold this tablet's token: the copy is refused and the fleet says so. A device
 * not heard from for 60 days must be enrolled again. Pure: the server passes `now` in.
 */

/** A token older than this is replaced at the device's next push. */
export const TOKEN_ROTATE_AFTER_MS = 24 * 3_600_000;

/** How long the replaced token still works once the new one has been used. */
export const PREVIOUS_TOKEN_GRACE_MS = 10 * 60_000;

/** A device not heard from for this long is refused until it is enrolled again. */
export const DEVICE_EXPIRES_AFTER_MS = 60 * 24 * 3_600_000;

/**
 * Which of a device's tokens a request came with: the current one, the one it replaced, or
 * an older one (kept only to recognise a copy when it comes back).
 */
export type TokenUse = 'current' | 'previous' | 'retired';

/** What the server knows of a device's tokens, as judgeToken needs it. */
export interface TokenFacts {
  revokedAt: number | null;
  enrolledAt: number;
  lastSeenAt: number | null;
  /** When the current token was issued; null for devices enrolled before tokens rotated. */
  tokenIssuedAt: number | null;
  /** Whether the current token replaced another one that still has a hash on the device. */
  hasPreviousToken: boolean;
  /** Until when the replaced token works; null while the current one has never been used. */
  previousTokenUntil: number | null;
}

/** Why a known token is refused; each is a 401 code of the API. */
export type TokenRefusal = 'device-revoked' | 'device-expired' | 'token-superseded';

export type TokenVerdict =
  | {
      ok: true;
      /** The current token's first use: the replaced one's grace starts now. */
      firstUse: boolean;
      /** The device should ask for a new token (PushResponse.rotateToken). */
      rotate: boolean;
    }
  | { ok: false; reason: TokenRefusal };

/** When the device was last heard from: its last push, else its last token or enrollment. */
export const lastHeardAt = (device: Pick<TokenFacts, 'enrolledAt' | 'lastSeenAt' | 'tokenIssuedAt'>): number =>
  Math.max(device.enrolledAt, device.lastSeenAt ?? 0, device.tokenIssuedAt ?? 0);

/** Whether a device has been silent so long that it must be enrolled again. */
export const isExpired = (device: Pick<TokenFacts, 'enrolledAt' | 'lastSeenAt' | 'tokenIssuedAt'>, now: number): boolean =>
  now - lastHeardAt(device) > DEVICE_EXPIRES_AFTER_MS;

/**
 * What to do with a request that came with the device's current or previous token (a retired
 * one is always refused). A revoked device is refused as revoked whatever it sends; the
 * previous token past its grace as superseded (a copy is in use: the caller records it); a
 * device silent too long as expired.
 */
export function judgeToken(device: TokenFacts, use: Exclude<TokenUse, 'retired'>, now: number): TokenVerdict {
  if (device.revokedAt !== null) return { ok: false, reason: 'device-revoked' };
  if (use === 'previous' && device.previousTokenUntil !== null && now > device.previousTokenUntil) return { ok: false, reason: 'token-superseded' };
  if (isExpired(device, now)) return { ok: false, reason: 'device-expired' };
  if (use === 'previous') {
    // The new token was never used: the answer that carried it was lost (or never kept), so
    // the device is asked again, and the next rotation replaces the unused one.
    return { ok: true, firstUse: false, rotate: device.previousTokenUntil === null };
  }
  const issuedAt = device.tokenIssuedAt ?? device.enrolledAt;
  return {
    ok: true,
    firstUse: device.hasPreviousToken && device.previousTokenUntil === null,
    rotate: now - issuedAt > TOKEN_ROTATE_AFTER_MS,
  };
}

/**
 * What the server saw when it refused a copy of a device's token (devices.clone_detail):
 * when, from which address, and which of the device's tokens it was.
 */
export interface CopySeen {
  at: number;
  /** The client's address as the server saw it (behind a proxy, only with TRUST_PROXY). */
  address: string | null;
  /** `previous`: the token one rotation back, past its grace; `retired`: an older one. */
  token: Exclude<TokenUse, 'current'>;
}
