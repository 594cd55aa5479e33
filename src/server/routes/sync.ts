import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { DeviceConfig } from '../../domain/config.ts';
import { describeIssues, PushRequestSchema, type ApiError, type PushResponse } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { addressOf, deviceAuth } from '../plugins/device-auth.ts';
import type { PushAdmission } from '../plugins/push-admission.ts';
import { deviceConfigFor } from '../services/device-config.ts';
import { ingestPush } from '../services/ingest.ts';

export type SyncOptions = { db: Kysely<Database>; now: () => number; admission: PushAdmission };

/** The device-facing sync API; every route here needs a device token. */
export const syncRoutes: FastifyPluginAsync<SyncOptions> = async (app, { db, now, admission }) => {
  app.decorateRequest('device', null as never);
  const authenticate = deviceAuth(db, now);

  /**
   * POST /api/sync/push: a batch of records in, one answer per record out. Admission comes
   * before the token is looked up, so a push turned away at day end costs no query.
   */
  app.post<{ Reply: PushResponse | ApiError }>('/push', { onRequest: [admission.hook, authenticate] }, async (request, reply) => {
    const push = v.safeParse(PushRequestSchema, request.body);
    // A bad envelope stores nothing: the device has a bug, and answering per record would hide it.
    if (!push.success) return sendApiError(reply, 'bad-request', describeIssues(push.issues));
    const answer = await ingestPush(db, request.device, { ...push.output, address: addressOf(request) }, now(), (unverified) =>
      // A record that claims a staff session the server cannot confirm is kept as the tablet's
      // word; a run of these from one device is worth an admin's look (a forged claim, a bug).
      request.log.warn({ deviceId: request.device.id, records: unverified.slice(0, 20) }, 'staff attestation not confirmed'),
    );
    // Asked only once the push is stored: the device rotates after its drain (decision 0016).
    return request.device.token.rotate ? { ...answer, rotateToken: true } : answer;
  });

  /** GET /api/sync/config: the device's whole configuration, pulled when its version changes. */
  app.get<{ Reply: DeviceConfig }>('/config', { onRequest: authenticate }, async (request) => deviceConfigFor(db, request.device, now()));
};
