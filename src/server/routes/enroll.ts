import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import { describeIssues, EnrollRequestSchema, type ApiError, type ApiErrorCode, type EnrollResponse } from '../../domain/wire.ts';
import type { Database } from '../db/schema.ts';
import { sendApiError } from '../errors.ts';
import { addressKey, limitAttempts, type AttemptLimits } from '../plugins/attempt-limits.ts';
import { enrollDevice, type EnrollError } from '../services/enrollment.ts';

// A branch out of reference prefixes is no fault of the tablet's request, but nothing it
// could retry either: a 400 whose message tells the installer what to do.
const API_CODE_OF: Record<EnrollError, ApiErrorCode> = {
  'enrollment-code-invalid': 'enrollment-code-invalid',
  'reference-prefixes-used': 'bad-request',
};

export type EnrollOptions = { db: Kysely<Database>; now: () => number; limits: AttemptLimits };

/** POST /api/enroll: a one-time code in, a device id and token out. */
export const enrollRoutes: FastifyPluginAsync<EnrollOptions> = async (app, { db, now, limits }) => {
  // Codes are guessed only by trying them here: a few wrong codes per address, then a wait.
  const limited = limitAttempts(
    db,
    [
      {
        name: 'enrollment by address',
        limit: limits.enrollByAddress,
        keyOf: addressKey,
        refusal: (minutes) => `Too many wrong enrollment codes from this address; try again in ${minutes} minute${minutes === 1 ? '' : 's'}, with a code from the admin.`,
      },
    ],
    now,
  );
  app.post<{ Reply: EnrollResponse | ApiError }>('/enroll', limited, async (request, reply) => {
    const body = v.safeParse(EnrollRequestSchema, request.body);
    if (!body.success) return sendApiError(reply, 'bad-request', describeIssues(body.issues));
    const enrolled = await enrollDevice(db, body.output, now());
    if (!enrolled.ok) return sendApiError(reply, API_CODE_OF[enrolled.reason], enrolled.message);
    request.log.info({ deviceId: enrolled.value.deviceId }, 'device enrolled');
    return enrolled.value;
  });
};
