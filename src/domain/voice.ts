import * as v from 'valibot';
import type { Language } from './language.ts';

/**
 * The spoken voice's locale for each screen language, a branch setting: Traditional Chinese
 * is read in Cantonese (zh-HK) in Hong Kong and in Mandarin (zh-TW) in Taiwan, Spanish with
 * Spain's or Mexico's accent, English with Britain's or America's.
 */
export const VOICE_LOCALES = {
  'zh-Hans': ['zh-CN'],
  'zh-Hant': ['zh-HK', 'zh-TW'],
  en: ['en-GB', 'en-US'],
  es: ['es-ES', 'es-MX'],
} as const satisfies Record<Language, readonly string[]>;
export type VoiceLocale = (typeof VOICE_LOCALES)[Language][number];

/** What a branch that never chose speaks: what tablets spoke before the setting existed. */
export const DEFAULT_VOICES = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB', es: 'es-ES' } as const satisfies Record<Language, VoiceLocale>;

const localeOf = <L extends Language>(language: L) =>
  v.picklist(VOICE_LOCALES[language], `must be one of ${VOICE_LOCALES[language].join(', ')}`);

/** A branch's voices, one per screen language; a language left out speaks its default. */
export const VoicesSchema = v.object({
  'zh-Hans': v.optional(localeOf('zh-Hans'), DEFAULT_VOICES['zh-Hans']),
  'zh-Hant': v.optional(localeOf('zh-Hant'), DEFAULT_VOICES['zh-Hant']),
  en: v.optional(localeOf('en'), DEFAULT_VOICES.en),
  es: v.optional(localeOf('es'), DEFAULT_VOICES.es),
});
export type Voices = v.InferOutput<typeof VoicesSchema>;

/** Every locale a voice may be, for the health a tablet reports. */
export const VoiceLocaleSchema = v.picklist(Object.values(VOICE_LOCALES).flat() as VoiceLocale[]);

/** The spoken language a locale is read in: Cantonese and Mandarin are different languages, though both are "zh". */
export function spokenLanguageOf(tag: string): string {
  const parts = tag.replace(/_/g, '-').toLowerCase().split('-');
  const [primary = ''] = parts;
  if (primary === 'yue' || (primary === 'zh' && parts.some((p) => p === 'yue' || p === 'hk' || p === 'mo'))) return 'yue';
  if (primary === 'zh' || primary === 'cmn') return 'cmn';
  return primary;
}

/** The region of a language tag (HK in zh-HK, zh-Hant-HK or yue_HK), upper case; '' without one. */
export function regionOf(tag: string): string {
  const parts = tag.replace(/_/g, '-').split('-').slice(1);
  return parts.find((p) => /^([a-z]{2}|\d{3})$/i.test(p))?.toUpperCase() ?? '';
}

/** As much of a browser's SpeechSynthesisVoice as the choice needs. */
export type VoiceLike = { lang: string; name: string; localService?: boolean; default?: boolean };

/**
 * The voice to read `locale` with: one of exactly that locale (the spoken language and the
 * region), else one of the same spoken language elsewhere (a Mexican Spanish voice for
 * es-ES, a mainland Mandarin one for zh-TW), else none: a Mandarin voice never reads for
 * Cantonese, nor the other way round, since the customer would not understand it.
 * Among equals, an on-device voice (it works offline), then the browser's default.
 */
export function chooseVoice<V extends VoiceLike>(voices: readonly V[], locale: string): V | null {
  const language = spokenLanguageOf(locale);
  const region = regionOf(locale);
  const same = voices.filter((voice) => spokenLanguageOf(voice.lang) === language);
  const exact = same.filter((voice) => regionOf(voice.lang) === region);
  const rank = (voice: V) => (voice.localService ? 0 : 2) + (voice.default ? 0 : 1);
  const best = (list: V[]) => [...list].sort((a, b) => rank(a) - rank(b))[0] ?? null;
  return best(exact) ?? best(same);
}
