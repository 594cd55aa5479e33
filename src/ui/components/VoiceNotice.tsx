import { useEffect, useState } from 'preact/hooks';
import type { DeviceConfig } from '../../domain/config.ts';
import type { VoiceLocale } from '../../domain/voice.ts';
import { useT } from '../services.tsx';
import { missingVoices } from '../speech.ts';

/**
 * For staff, discreetly: the voices the branch set that this tablet cannot speak (no Cantonese
 * voice installed, say), whose prompts are left unsaid rather than read in another spoken
 * language. Only where the tablet speaks: a counter with speech on, a lobby always (its mode
 * for the elderly). Needs the staff texts (staff-locales.ts).
 */
export function VoiceNotice({ config, speaks }: { config: DeviceConfig; speaks: boolean }) {
  const { t } = useT();
  const [missing, setMissing] = useState<VoiceLocale[]>([]);
  useEffect(() => {
    if (!speaks) return setMissing([]);
    let live = true;
    void missingVoices(config.voices).then((found) => live && setMissing(found));
    return () => {
      live = false;
    };
  }, [config.voices, speaks]);
  if (missing.length === 0) return null;
  return (
    <p class="voice-missing" data-testid="voice-missing">
      {t('speech.voiceMissing', { voices: missing.map((locale) => t(`speech.voices.${locale}`)).join(', ') })}
    </p>
  );
}
