import type { i18n as I18n } from 'i18next';
import { addTexts } from '../i18n.ts';
import en from '../../locales/survey-counter/en.json';
import es from '../../locales/survey-counter/es.json';
import zhHans from '../../locales/survey-counter/zh-Hans.json';
import zhHant from '../../locales/survey-counter/zh-Hant.json';

/**
 * What the counter's thank-you screen says beside a visit's survey code, in all four
 * languages. They travel with the code's chunk (VisitSurvey.tsx), not in the counter's first
 * JavaScript, which has a budget (docs/architecture.md, "Adding a screen"). Their one
 * top-level key, `surveyCounter`, is their own.
 */
export const surveyCounterResources = {
  'zh-Hans': zhHans,
  'zh-Hant': zhHant,
  en,
  es,
} as const;

/** Adds the texts to an i18next instance; doing it again changes nothing. */
export function addSurveyCounterLocales(i18n: I18n): true {
  return addTexts(i18n, surveyCounterResources, 'surveyCounter.caption');
}
