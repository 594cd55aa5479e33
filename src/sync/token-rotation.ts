import { RotateTokenResponseSchema } from '../domain/wire.ts';
import type { BranchVoiceDB, DeviceIdentity } from '../store/db.ts';
import { saveRotatedToken } from '../store/device.ts';
import { isQuotaExceeded } from '../store/write.ts';
import { requestJson, type HttpOptions } from './http.ts';

/**
 * Asks the server for a new token and keeps it (decision 0016). Nothing here fails the run:
 * its records are in, and the old token works until the new one is first used, so a rotation
 * that does not happen now (no answer, one out of shape, the storage full) happens after a
 * later push, which asks again.
 */
export async function rotateToken(db: BranchVoiceDB, http: HttpOptions, identity: DeviceIdentity): Promise<void> {
  const answer = await requestJson(http, '/api/device/token', { method: 'POST', token: identity.token }, { schema: RotateTokenResponseSchema, what: 'a token' });
  if (!answer.ok) return;
  try {
    await saveRotatedToken(db, identity.deviceId, identity.token, answer.value.token);
  } catch (error) {
    if (!isQuotaExceeded(error)) throw error;
    db.storagePressure.refused();
  }
}
