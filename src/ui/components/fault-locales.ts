import type { i18n as I18n } from 'i18next';
import { addTexts } from '../i18n.ts';
import en from '../../locales/faults/en.json';
import es from '../../locales/faults/es.json';
import zhHans from '../../locales/faults/zh-Hans.json';
import zhHant from '../../locales/faults/zh-Hant.json';

/**
 * What the tablet says when its storage or its enrollment fails it (decision 0013): storage full,
 * revoked, the database deleted, a newer version in another tab. Rare screens, so their texts
 * in all four languages are a chunk of their own, loaded when one is needed (useFaultTexts),
 * and a counter's first JavaScript stays within its budget (docs/architecture.md, "Adding a screen");
 * the service worker precaches the chunk, so it loads offline. Their one top-level key,
 * `faults`, is their own.
 */
export const faultResources = {
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  en,
  es,
} as const;

/** Adds the fault texts to an i18next instance; doing it again changes nothing. */
export function addFaultLocales(i18n: I18n): true {
  return addTexts(i18n, faultResources, 'faults.storageFull');
}
