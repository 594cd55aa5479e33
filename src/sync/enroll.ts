import * as v from 'valibot';
import { normalizeEnrollmentCode } from '../domain/enrollment-code.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { EnrollResponseSchema, type EnrollRequest, type EnrollResponse } from '../domain/wire.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { saveEnrollment } from '../store/device.ts';
import { requestJson, type HttpOptions, type TransportFailure } from './http.ts';

export type EnrollFailure = 'code-format' | TransportFailure;

/**
 * Turns a one-time code into this device's identity: asks the server, then keeps the
 * token and configuration in IndexedDB so that the device works offline from then on.
 */
export async function enrollDevice(
  db: BranchVoiceDB,
  http: HttpOptions,
  input: { code: string; appVersion: string; deviceLabel?: string },
  now: () => number = Date.now,
): Promise<Result<EnrollResponse, EnrollFailure>> {
  const code = normalizeEnrollmentCode(input.code);
  if (!code) return err('code-format', 'An enrollment code has eight letters and digits, like 4KQ7-MZ3D.');
  const body: EnrollRequest = { code, appVersion: input.appVersion, ...(input.deviceLabel ? { deviceLabel: input.deviceLabel } : {}) };
  const answer = await requestJson<unknown>(http, '/api/enroll', { method: 'POST', body });
  if (!answer.ok) return answer;
  const parsed = v.safeParse(EnrollResponseSchema, answer.value);
  if (!parsed.success) return err('bad-response', 'The server sent an enrollment this app does not understand.');
  const { deviceId, token, mode, referencePrefix, config } = parsed.output;
  await saveEnrollment(db, { identity: { deviceId, token, mode, referencePrefix, enrolledAt: now() }, config });
  return ok(parsed.output);
}
