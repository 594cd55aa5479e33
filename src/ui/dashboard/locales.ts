import type { i18n as I18n } from 'i18next';
import type { Language } from '../../domain/language.ts';
import { addTexts } from '../i18n.ts';
import en from '../../locales/dashboard/en.json';
import es from '../../locales/dashboard/es.json';
import zhHans from '../../locales/dashboard/zh-Hans.json';
import zhHant from '../../locales/dashboard/zh-Hant.json';
import accountsEn from '../../locales/manage-accounts/en.json';
import accountsEs from '../../locales/manage-accounts/es.json';
import accountsZhHans from '../../locales/manage-accounts/zh-Hans.json';
import accountsZhHant from '../../locales/manage-accounts/zh-Hant.json';
import cameraEn from '../../locales/manage-camera/en.json';
import cameraEs from '../../locales/manage-camera/es.json';
import cameraZhHans from '../../locales/manage-camera/zh-Hans.json';
import cameraZhHant from '../../locales/manage-camera/zh-Hant.json';
import networkEn from '../../locales/manage-network/en.json';
import networkEs from '../../locales/manage-network/es.json';
import networkZhHans from '../../locales/manage-network/zh-Hans.json';
import networkZhHant from '../../locales/manage-network/zh-Hant.json';
import setupEn from '../../locales/manage-setup/en.json';
import setupEs from '../../locales/manage-setup/es.json';
import setupZhHans from '../../locales/manage-setup/zh-Hans.json';
import setupZhHant from '../../locales/manage-setup/zh-Hant.json';
import tabletsEn from '../../locales/manage-tablets/en.json';
import tabletsEs from '../../locales/manage-tablets/es.json';
import tabletsZhHans from '../../locales/manage-tablets/zh-Hans.json';
import tabletsZhHant from '../../locales/manage-tablets/zh-Hant.json';
import pinsEn from '../../locales/manage-pins/en.json';
import pinsEs from '../../locales/manage-pins/es.json';
import pinsZhHans from '../../locales/manage-pins/zh-Hans.json';
import pinsZhHant from '../../locales/manage-pins/zh-Hant.json';
import alertsEn from '../../locales/alerts/en.json';
import alertsEs from '../../locales/alerts/es.json';
import alertsZhHans from '../../locales/alerts/zh-Hans.json';
import alertsZhHant from '../../locales/alerts/zh-Hant.json';
import webhooksEn from '../../locales/manage-webhooks/en.json';
import webhooksEs from '../../locales/manage-webhooks/es.json';
import webhooksZhHans from '../../locales/manage-webhooks/zh-Hans.json';
import webhooksZhHant from '../../locales/manage-webhooks/zh-Hant.json';
import alertRulesEn from '../../locales/manage-alerts/en.json';
import alertRulesEs from '../../locales/manage-alerts/es.json';
import alertRulesZhHans from '../../locales/manage-alerts/zh-Hans.json';
import alertRulesZhHant from '../../locales/manage-alerts/zh-Hant.json';
import emailEn from '../../locales/manage-email/en.json';
import emailEs from '../../locales/manage-email/es.json';
import emailZhHans from '../../locales/manage-email/zh-Hans.json';
import emailZhHant from '../../locales/manage-email/zh-Hant.json';
import waitingEn from '../../locales/waiting/en.json';
import waitingEs from '../../locales/waiting/es.json';
import waitingZhHans from '../../locales/waiting/zh-Hans.json';
import waitingZhHant from '../../locales/waiting/zh-Hant.json';
import flagsEn from '../../locales/flags/en.json';
import flagsEs from '../../locales/flags/es.json';
import flagsZhHans from '../../locales/flags/zh-Hans.json';
import flagsZhHant from '../../locales/flags/zh-Hant.json';
import queueEn from '../../locales/manage-queue/en.json';
import queueEs from '../../locales/manage-queue/es.json';
import queueZhHans from '../../locales/manage-queue/zh-Hans.json';
import queueZhHant from '../../locales/manage-queue/zh-Hant.json';
import surveysEn from '../../locales/manage-surveys/en.json';
import surveyReportsEn from '../../locales/survey-reports/en.json';
import surveyReportsEs from '../../locales/survey-reports/es.json';
import surveyReportsZhHans from '../../locales/survey-reports/zh-Hans.json';
import surveyReportsZhHant from '../../locales/survey-reports/zh-Hant.json';
import surveysEs from '../../locales/manage-surveys/es.json';
import surveysZhHans from '../../locales/manage-surveys/zh-Hans.json';
import surveysZhHant from '../../locales/manage-surveys/zh-Hant.json';

type Texts = { [key: string]: string | Texts };

/** Joins text trees: each file holds its own keys under `dashboard`, and no two hold the same key. */
export function mergeTexts(...trees: Texts[]): Texts {
  const merged: Texts = {};
  for (const tree of trees) {
    for (const [key, value] of Object.entries(tree)) {
      const here = merged[key];
      if (here === undefined) merged[key] = value;
      else if (typeof here === 'object' && typeof value === 'object') merged[key] = mergeTexts(here, value);
      else throw new Error(`The dashboard text ${key} is given twice.`);
    }
  }
  return merged;
}

/**
 * The dashboard's texts in all four languages. They travel in the dashboard's own chunk,
 * like the lobby's (lobby/locales.ts), so a counter tablet's first JavaScript does not carry
 * them (docs/architecture.md, "Adding a screen"). Their one top-level key, `dashboard`, is
 * their own; the Manage pages keep theirs in files of their own (src/locales/manage-*).
 */
export const dashboardResources: Record<Language, Texts> = {
  'zh-Hans': mergeTexts(zhHans, networkZhHans, accountsZhHans, setupZhHans, tabletsZhHans, cameraZhHans, pinsZhHans, alertsZhHans, webhooksZhHans, alertRulesZhHans, emailZhHans, waitingZhHans, flagsZhHans, queueZhHans, surveysZhHans, surveyReportsZhHans),
  'zh-Hant': mergeTexts(zhHant, networkZhHant, accountsZhHant, setupZhHant, tabletsZhHant, cameraZhHant, pinsZhHant, alertsZhHant, webhooksZhHant, alertRulesZhHant, emailZhHant, waitingZhHant, flagsZhHant, queueZhHant, surveysZhHant, surveyReportsZhHant),
  en: mergeTexts(en, networkEn, accountsEn, setupEn, tabletsEn, cameraEn, pinsEn, alertsEn, webhooksEn, alertRulesEn, emailEn, waitingEn, flagsEn, queueEn, surveysEn, surveyReportsEn),
  es: mergeTexts(es, networkEs, accountsEs, setupEs, tabletsEs, cameraEs, pinsEs, alertsEs, webhooksEs, alertRulesEs, emailEs, waitingEs, flagsEs, queueEs, surveysEs, surveyReportsEs),
};

/** Adds the dashboard texts to an i18next instance; doing it again changes nothing. */
export function addDashboardLocales(i18n: I18n): void {
  addTexts(i18n, dashboardResources, 'dashboard.title');
}
