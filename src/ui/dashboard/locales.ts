import type { i18n as I18n } from 'i18next';
import en from '../../locales/dashboard/en.json';
import es from '../../locales/dashboard/es.json';
import zhHans from '../../locales/dashboard/zh-Hans.json';
import zhHant from '../../locales/dashboard/zh-Hant.json';

/**
 * The dashboard's texts in all four languages. They travel in the dashboard's own chunk,
 * like the lobby's (lobby/locales.ts), so a counter tablet's first JavaScript does not carry
 * them (DESIGN.md "Performance budget"). Their one top-level key, `dashboard`, is their own.
 */
export const dashboardResources = {
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  en,
  es,
} as const;

/** Adds the dashboard texts to an i18next instance; doing it again changes nothing. */
export function addDashboardLocales(i18n: I18n): void {
  for (const [language, texts] of Object.entries(dashboardResources)) {
    if (!i18n.exists('dashboard.title', { lng: language, fallbackLng: [] })) i18n.addResourceBundle(language, 'translation', texts, true, false);
  }
}
