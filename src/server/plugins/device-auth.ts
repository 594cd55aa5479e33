import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import { judgeToken, PREVIOUS_TOKEN_GRACE_MS, type CopySeen, type TokenRefusal } from '../../domain/device-token.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { findDeviceByTokenHash, findRetiredToken, markTokenUsed, noteCopySeen, type KnownDevice } from '../repositories/devices.ts';
import { hashSecret } from '../secrets.ts';

/** The device behind a request, and which of its tokens the request came with. */
export type AuthenticatedDevice = KnownDevice & {
  token: {
    /** sha256 of the token sent; the token itself is never kept. */
    hash: string;
    use: 'current' | 'previous';
    /** The token is due for replacement: a push answers `rotateToken`. */
    rotate: boolean;
  };
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The device behind the bearer token; set by deviceAuth before any handler runs. */
    device: AuthenticatedDevice;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** What each refusal of a known token tells the tablet, and its staff through it. */
const REFUSED: Record<TokenRefusal, string> = {
  'device-revoked': 'This device was revoked; ask the admin for a new enrollment code to enroll it again.',
  'device-expired': 'This device was not heard from for 60 days, so its token no longer works; ask the admin for a new enrollment code to enroll it again.',
  'token-superseded':
    "This token was replaced by a newer one of the same device, so another copy of this tablet's token is in use; " +
    'ask the admin to check the fleet, revoke the device and enroll the tablet again with a new code.',
};

/**
 * An onRequest hook that finds the device behind `Authorization: Bearer <token>`. It runs
 * before the body is read, so a stranger's 1 MB push costs us a header and two lookups. A
 * known token costs one query; the current token's first use one write more; only an
 * unknown token is looked for among retired ones (decision 0016).
 */
export function deviceAuth(db: Kysely<Database>, now: () => number): onRequestAsyncHookHandler {
  return async function authenticateDevice(request: FastifyRequest, reply: FastifyReply) {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) {
      return sendApiError(reply, 'unauthorized', 'Send the device token as "Authorization: Bearer <token>"; enroll the device to get one.');
    }
    const hash = hashSecret(token);
    const at = now();
    const device = await findDeviceByTokenHash(db, hash);
    if (!device) return refuseUnknown(db, request, reply, hash, at);
    const verdict = judgeToken(device.token, device.token.use, at);
    if (!verdict.ok) {
      if (verdict.reason === 'token-superseded') await copySeen(db, request, device.id, { at, address: addressOf(request), token: 'previous' });
      return sendApiError(reply, verdict.reason, REFUSED[verdict.reason]);
    }
    if (verdict.firstUse) await markTokenUsed(db, device.id, hash, at + PREVIOUS_TOKEN_GRACE_MS);
    const { token: _facts, ...identity } = device;
    request.device = { ...identity, token: { hash, use: device.token.use, rotate: verdict.rotate } };
  };
}

/** A token that is no device's current or previous one: a retired one is a copy's, anything else a stranger's. */
async function refuseUnknown(db: Kysely<Database>, request: FastifyRequest, reply: FastifyReply, hash: string, at: number) {
  const retired = await findRetiredToken(db, hash);
  if (!retired) return sendApiError(reply, 'unauthorized', 'This device token is not known; enroll the device again with a new code.');
  if (retired.revokedAt !== null) return sendApiError(reply, 'device-revoked', REFUSED['device-revoked']);
  await copySeen(db, request, retired.deviceId, { at, address: addressOf(request), token: 'retired' });
  return sendApiError(reply, 'token-superseded', REFUSED['token-superseded']);
}

/** The client's address as Fastify reads it (X-Forwarded-For only with TRUST_PROXY), bounded for the column. */
export const addressOf = (request: FastifyRequest): string => request.ip.slice(0, 64);

/** Two holders of one tablet's token: noted on the device for the fleet, and in the log (never the token). */
async function copySeen(db: Kysely<Database>, request: FastifyRequest, deviceId: string, copy: CopySeen): Promise<void> {
  await noteCopySeen(db, deviceId, copy);
  // Not `token`: the log redacts every field of that name.
  request.log.warn({ deviceId, address: copy.address, generation: copy.token }, "a replaced token of this device was used: another copy of the tablet's token is in use");
}
