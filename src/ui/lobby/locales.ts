import type { i18n as I18n } from 'i18next';
import { CONSENT_VERSION, consentTextOf } from '../../domain/consent.ts';
import type { Language } from '../../domain/language.ts';
import { addTexts } from '../i18n.ts';
import casesEn from '../../locales/cases/en.json';
import casesEs from '../../locales/cases/es.json';
import casesZhHans from '../../locales/cases/zh-Hans.json';
import casesZhHant from '../../locales/cases/zh-Hant.json';
import en from '../../locales/lobby/en.json';
import es from '../../locales/lobby/es.json';
import zhHans from '../../locales/lobby/zh-Hans.json';
import zhHant from '../../locales/lobby/zh-Hant.json';
import surveyEn from '../../locales/survey-lobby/en.json';
import surveyEs from '../../locales/survey-lobby/es.json';
import surveyZhHans from '../../locales/survey-lobby/zh-Hans.json';
import surveyZhHant from '../../locales/survey-lobby/zh-Hant.json';

/**
 * The opinion box's texts, the survey it offers beside it, and staff mode's (complaint cases), in all four languages. They travel in the lobby's own chunk, so a
 * counter tablet's first JavaScript stays within its budget (docs/architecture.md, "Adding a screen");
 * the service worker precaches the chunk, so a lobby tablet has them offline all the same.
 */
export const lobbyResources = {
  'zh-Hans': { ...withConsent(zhHans, 'zh-Hans'), ...surveyZhHans, ...casesZhHans },
  'zh-Hant': { ...withConsent(zhHant, 'zh-Hant'), ...surveyZhHant, ...casesZhHant },
  en: { ...withConsent(en, 'en'), ...surveyEn, ...casesEn },
  es: { ...withConsent(es, 'es'), ...surveyEs, ...casesEs },
} as const;

/**
 * The consent text the customer ticks is the current version's of the versioned catalogue
 * (domain/consent.ts), not a lobby text of its own: what the entry records as agreed is
 * exactly what the screen showed.
 */
function withConsent<T extends typeof en>(texts: T, language: Language) {
  return { ...texts, lobby: { ...texts.lobby, contact: { ...texts.lobby.contact, consent: consentTextOf(CONSENT_VERSION, language)! } } };
}

/** Adds the lobby texts to an i18next instance; doing it again changes nothing. */
export function addLobbyLocales(i18n: I18n): true {
  return addTexts(i18n, lobbyResources, 'lobby.title', 'cases.signOut');
}
