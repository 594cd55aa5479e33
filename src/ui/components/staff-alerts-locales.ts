import type { i18n as I18n } from 'i18next';
import { addTexts } from '../i18n.ts';
import en from '../../locales/staff-alerts/en.json';
import es from '../../locales/staff-alerts/es.json';
import zhHans from '../../locales/staff-alerts/zh-Hans.json';
import zhHant from '../../locales/staff-alerts/zh-Hant.json';

/**
 * What staff read of alerts in the lobby tablet's staff mode (src/ui/cases/StaffAlerts.tsx),
 * in all four languages. They travel with the staff screens, like staff-locales.ts, so the
 * opinion box's first JavaScript does not carry them; their one top-level key, `staffAlerts`,
 * is their own.
 */
export const staffAlertResources = {
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  en,
  es,
} as const;

/** Adds the staff alerts' texts to an i18next instance; doing it again changes nothing. */
export function addStaffAlertLocales(i18n: I18n): true {
  return addTexts(i18n, staffAlertResources, 'staffAlerts.title');
}
