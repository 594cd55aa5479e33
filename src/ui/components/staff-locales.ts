import type { i18n as I18n } from 'i18next';
import { addTexts } from '../i18n.ts';
import en from '../../locales/staff/en.json';
import es from '../../locales/staff/es.json';
import zhHans from '../../locales/staff/zh-Hans.json';
import zhHant from '../../locales/staff/zh-Hant.json';

/**
 * What staff read when they sign in on a tablet (the sign-in form, the counter's staff menu,
 * how they were checked, why a sign-in was refused), in all four languages. They travel with the staff screens, in the counter's staff
 * chunk and the lobby's, so a counter's first JavaScript stays within its budget. Their keys
 * are new leaves (`errors.*` among them): merged, they hide no shared text.
 */
export const staffResources = {
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  en,
  es,
} as const;

/** Adds the staff texts to an i18next instance; doing it again changes nothing. */
export function addStaffLocales(i18n: I18n): true {
  return addTexts(i18n, staffResources, 'staffSession.server', 'signIn.title');
}
