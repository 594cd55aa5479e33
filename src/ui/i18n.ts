import i18next, { type i18n as I18n } from 'i18next';
import { isLanguage, type Language } from '../domain/language.ts';
import en from '../locales/en.json';
import es from '../locales/es.json';
import zhHans from '../locales/zh-Hans.json';
import zhHant from '../locales/zh-Hant.json';

/** Every locale, bundled: four small files, so a tablet offline has them all. */
export const resources = {
  'zh-Hans': { translation: zhHans },
  'zh-Hant': { translation: zhHant },
  en: { translation: en },
  es: { translation: es },
} as const;

/** Makes a fresh i18next instance (no global one, so every test gets its own), ready at once. */
export function createI18n(language: Language): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: Object.keys(resources),
    // Preact escapes text itself.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return instance;
}

/** The browser's preferred product language, before the branch's default is known. */
export function browserLanguage(preferred: readonly string[] = globalThis.navigator?.languages ?? []): Language {
  for (const tag of preferred) {
    if (isLanguage(tag)) return tag;
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return /tw|hk|mo|hant/.test(lower) ? 'zh-Hant' : 'zh-Hans';
    if (lower.startsWith('es')) return 'es';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/**
 * Adds a chunk's texts (the lobby's, the dashboard's, the day close's…) to an i18next
 * instance, in every language, unless they are there already: `probeKey` is one key of each
 * set, so doing it again changes nothing.
 */
export function addTexts(i18n: I18n, resources: Readonly<Record<Language, object>>, ...probeKeys: string[]): true {
  for (const [language, texts] of Object.entries(resources)) {
    const present = probeKeys.every((key) => i18n.exists(key, { lng: language, fallbackLng: [] }));
    if (!present) i18n.addResourceBundle(language, 'translation', texts, true, false);
  }
  return true;
}
