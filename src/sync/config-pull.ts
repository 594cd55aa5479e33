import { DeviceConfigSchema, type DeviceConfig } from '../domain/config-schema.ts';
import type { Ok } from '../domain/result.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { saveConfig, type EnrolledDevice } from '../store/device.ts';
import { requestJson, type HttpFailure, type HttpOptions } from './http.ts';

/**
 * Brings the branch's configuration, whole, and keeps it: the server sends the version a
 * device should hold with every push answer, and the push asks for this when its own differs.
 */
export async function pullConfig(db: BranchVoiceDB, http: HttpOptions, device: EnrolledDevice): Promise<Ok<DeviceConfig> | HttpFailure> {
  const answer = await requestJson(http, '/api/sync/config', { method: 'GET', token: device.identity.token }, { schema: DeviceConfigSchema, what: 'a configuration' });
  if (answer.ok) await saveConfig(db, answer.value);
  return answer;
}
