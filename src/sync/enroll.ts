import { normalizeEnrollmentCode } from '../domain/enrollment-code.ts';
import { err, type Result } from '../domain/result.ts';
import { EnrollResponseSchema, type EnrollResponse } from '../domain/enroll-wire.ts';
import type { EnrollRequest } from '../domain/wire.ts';
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
  const answer = await requestJson(http, '/api/enroll', { method: 'POST', body }, { schema: EnrollResponseSchema, what: 'an enrollment' });
  if (!answer.ok) return answer;
  const { deviceId, token, mode, referencePrefix, config } = answer.value;
  await saveEnrollment(db, { identity: { deviceId, token, mode, referencePrefix, enrolledAt: now() }, config });
  return answer;
}
