import type { i18n as I18n } from 'i18next';
import { addTexts } from '../i18n.ts';
import en from '../../locales/dashboard/en.json';
import es from '../../locales/dashboard/es.json';
import zhHans from '../../locales/dashboard/zh-Hans.json';
import zhHant from '../../locales/dashboard/zh-Hant.json';

/**
 * The dashboard's texts in all four languages. They travel in the dashboard's own chunk,
 * like the lobby's (lobby/locales.ts), so a counter tablet's first JavaScript does not carry
 * them (docs/architecture.md, "Adding a screen"). Their one top-level key, `dashboard`, is their own.
 */
export const dashboardResources = {
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  en,
  es,
} as const;

/** Adds the dashboard texts to an i18next instance; doing it again changes nothing. */
export function addDashboardLocales(i18n: I18n): void {
  addTexts(i18n, dashboardResources, 'dashboard.title');
}
