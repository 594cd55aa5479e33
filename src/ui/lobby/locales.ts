import type { i18n as I18n } from 'i18next';
import { addTexts } from '../i18n.ts';
import casesEn from '../../locales/cases/en.json';
import casesEs from '../../locales/cases/es.json';
import casesZhHans from '../../locales/cases/zh-Hans.json';
import casesZhHant from '../../locales/cases/zh-Hant.json';
import en from '../../locales/lobby/en.json';
import es from '../../locales/lobby/es.json';
import zhHans from '../../locales/lobby/zh-Hans.json';
import zhHant from '../../locales/lobby/zh-Hant.json';

/**
 * The opinion box's texts and staff mode's (complaint cases), in all four languages. They travel in the lobby's own chunk, so a
 * counter tablet's first JavaScript stays within its budget (docs/architecture.md, "Adding a screen");
 * the service worker precaches the chunk, so a lobby tablet has them offline all the same.
 */
export const lobbyResources = {
  'zh-Hans': { ...zhHans, ...casesZhHans },
  'zh-Hant': { ...zhHant, ...casesZhHant },
  en: { ...en, ...casesEn },
  es: { ...es, ...casesEs },
} as const;

/** Adds the lobby texts to an i18next instance; doing it again changes nothing. */
export function addLobbyLocales(i18n: I18n): true {
  return addTexts(i18n, lobbyResources, 'lobby.title', 'cases.signOut');
}
