import { afterEach, describe, expect, it, vi } from 'vitest';
import * as v from 'valibot';
import { DeviceHealthSchema } from '../../src/domain/wire.ts';
import { createDatabase } from '../../src/store/db.ts';
import { saveEnrollment } from '../../src/store/device.ts';
import { deviceHealth } from '../../src/sync/health.ts';
import { anEnrolledDevice, anEnrolledLobby } from '../builders/device.ts';
import { aVoice } from '../helpers/fake-speech.ts';

afterEach(() => vi.unstubAllGlobals());

const CANTONESE = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-HK', en: 'en-GB', es: 'es-ES' } as const;
const MANDARIN_ONLY = [aVoice('zh-CN'), aVoice('zh-TW'), aVoice('en-US'), aVoice('es-MX')];

async function healthOf(device: Parameters<typeof saveEnrollment>[1], voices: ReturnType<typeof aVoice>[] | null) {
  if (voices) vi.stubGlobal('speechSynthesis', { getVoices: () => voices });
  const db = createDatabase(`health-voices-${crypto.randomUUID()}`);
  await saveEnrollment(db, device);
  const health = await deviceHealth(db, { appVersion: 'test', now: () => Date.UTC(2026, 10, 23, 9) }, null, null);
  db.close();
  expect(v.safeParse(DeviceHealthSchema, health).issues?.map((i) => i.message)).toBeUndefined();
  return health;
}

describe('the health a tablet reports: voices it lacks', () => {
  it('given a lobby of a branch that chose Cantonese and a browser with Mandarin only, then it reports zh-HK missing (Spanish and English are read by their other region)', async () => {
    expect((await healthOf(anEnrolledLobby({ config: { voices: CANTONESE } }), MANDARIN_ONLY)).speechVoiceMissing).toEqual(['zh-HK']);
  });

  it('given a counter with speech off, then nothing is reported: it never speaks', async () => {
    expect(await healthOf(anEnrolledDevice({ config: { voices: CANTONESE, speech: false } }), MANDARIN_ONLY)).not.toHaveProperty('speechVoiceMissing');
  });

  it('given a counter with speech on and every voice there, then nothing is reported', async () => {
    const all = [...MANDARIN_ONLY, aVoice('zh-HK')];
    expect(await healthOf(anEnrolledDevice({ config: { voices: CANTONESE, speech: true } }), all)).not.toHaveProperty('speechVoiceMissing');
  });

  it('given a browser that has not listed its voices yet, or has no speech at all, then nothing is reported rather than every voice', async () => {
    expect(await healthOf(anEnrolledLobby({ config: { voices: CANTONESE } }), [])).not.toHaveProperty('speechVoiceMissing');
    expect(await healthOf(anEnrolledLobby({ config: { voices: CANTONESE } }), null)).not.toHaveProperty('speechVoiceMissing');
  });
});
