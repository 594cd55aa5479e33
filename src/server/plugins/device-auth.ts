import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { findDeviceByTokenHash, type DeviceIdentity } from '../repositories/devices.ts';
import { hashSecret } from '../secrets.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The device behind the bearer token; set by deviceAuth before any handler runs. */
    device: DeviceIdentity;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * An onRequest hook that finds the device behind `Authorization: Bearer <token>`. It runs
 * before the body is read, so a stranger's 1 MB push costs us a header and one lookup.
 */
export function deviceAuth(db: Kysely<Database>): onRequestAsyncHookHandler {
  return async function authenticateDevice(request: FastifyRequest, reply: FastifyReply) {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (!token) {
      return sendApiError(reply, 'unauthorized', 'Send the device token as "Authorization: Bearer <token>"; enroll the device to get one.');
    }
    const device = await findDeviceByTokenHash(db, hashSecret(token));
    if (!device) {
      return sendApiError(reply, 'unauthorized', 'This device token is not known; enroll the device again with a new code.');
    }
    if (device.revokedAt !== null) {
      return sendApiError(reply, 'device-revoked', 'This device was revoked; ask the admin for a new enrollment code to enroll it again.');
    }
    request.device = device;
  };
}
