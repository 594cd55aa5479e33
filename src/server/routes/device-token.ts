import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { ApiError, ApiErrorCode, RotateTokenResponse } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { deviceAuth } from '../plugins/device-auth.ts';
import { rotateDeviceToken, type RotateError } from '../services/device-tokens.ts';

export type DeviceTokenRoutesOptions = { db: Kysely<Database>; now: () => number };

/** What each refusal of a rotation answers: the API has no 409, and a race is worth a retry. */
const API_CODE_OF: Record<RotateError, ApiErrorCode> = {
  'token-in-use': 'forbidden',
  'rotation-raced': 'unavailable',
};

/** A device's own token; every route here needs a device token. */
export const deviceTokenRoutes: FastifyPluginAsync<DeviceTokenRoutesOptions> = async (app, { db, now }) => {
  app.decorateRequest('device', null as never);
  app.addHook('onRequest', deviceAuth(db, now));

  /** POST /api/device/token (no body): a new token for this device (decision 0016). */
  app.post<{ Reply: RotateTokenResponse | ApiError }>('/device/token', async (request, reply) => {
    const rotated = await rotateDeviceToken(db, request.device, now());
    if (!rotated.ok) return sendApiError(reply, API_CODE_OF[rotated.reason], rotated.message);
    request.log.info({ deviceId: request.device.id, with: request.device.token.use }, 'device token replaced');
    return rotated.value;
  });
};
