import type { i18n as I18n } from 'i18next';
import { addTexts } from '../i18n.ts';
import en from '../../locales/day-close/en.json';
import es from '../../locales/day-close/es.json';
import zhHans from '../../locales/day-close/zh-Hans.json';
import zhHant from '../../locales/day-close/zh-Hant.json';

/**
 * The day close's texts in all four languages. They travel with the day-close screens, in the
 * lobby's chunk and in a small chunk a counter tablet loads when staff choose "close day", so
 * a counter's first JavaScript stays within its budget (docs/architecture.md, "Adding a screen"); the
 * service worker precaches both. Their one top-level key, `dayClose`, is their own.
 */
export const dayCloseResources = {
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  en,
  es,
} as const;

/** Adds the day-close texts to an i18next instance; doing it again changes nothing. */
export function addDayCloseLocales(i18n: I18n): true {
  return addTexts(i18n, dayCloseResources, 'dayClose.title');
}
