import { LANGUAGES } from '../domain/language.ts';
import { chooseVoice, DEFAULT_VOICES, type VoiceLocale } from '../domain/voice.ts';
import type { DeviceHealth } from '../domain/wire.ts';
import { loadDevice } from '../store/device.ts';
import type { BranchVoiceDB } from '../store/db.ts';
import { getMeta } from '../store/meta.ts';
import { outboxStats, type KeyRange, type OutboxTally } from '../store/outbox.ts';
import { storageEstimate } from '../store/persistence.ts';

/**
 * The health sent with a push. It describes the outbox as it will be once that push is
 * settled (`batch`: the keys it carries): reporting the depth before it would leave the
 * server believing the last batch of a full sync is still waiting, and the day close would
 * name a synced tablet as a gap. Should the push fail, the next one reports again.
 * `clockOffsetMs`: this run's measure, if a push of it was answered; else the last one kept.
 */
export async function deviceHealth(
  db: BranchVoiceDB,
  { appVersion, now }: { appVersion: string; now: () => number },
  clockOffsetMs: number | null,
  batch: KeyRange | null,
  tally: OutboxTally | null = null,
): Promise<DeviceHealth> {
  const [stats, storage, persistence, state, device] = await Promise.all([outboxStats(db, batch, tally), storageEstimate(), getMeta(db, 'persistence'), getMeta(db, 'syncState'), loadDevice(db)]);
  const missing = device && (device.identity.mode === 'lobby' || device.config.speech) ? missingVoicesNow(device.config.voices) : [];
  return {
    outboxDepth: stats.depth,
    oldestUnsyncedAt: stats.oldestCreatedAt,
    quarantined: stats.quarantined,
    storageUsed: storage.used,
    storageQuota: storage.quota,
    storagePersisted: persistence?.granted ?? null,
    appVersion,
    clockOffsetMs: clockOffsetMs ?? state?.clockOffsetMs ?? null,
    reportedAt: now(),
    ...(missing.length > 0 && { speechVoiceMissing: missing }),
  };
}

/**
 * The branch's voices this tablet's browser lacks, from the voices it has listed so far: none
 * listed yet (Chrome lists them a moment after start) says nothing rather than "all missing".
 */
function missingVoicesNow(voices: Partial<Record<string, VoiceLocale>> | undefined): VoiceLocale[] {
  const listed = globalThis.speechSynthesis?.getVoices?.() ?? [];
  if (listed.length === 0) return [];
  const wanted = { ...DEFAULT_VOICES, ...voices };
  return [...new Set(LANGUAGES.map((language) => wanted[language]))].filter((locale) => !chooseVoice(listed, locale));
}
