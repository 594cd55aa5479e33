import texts from './consent-texts.json';
import type { Language } from './language.ts';

/**
 * The consent a customer gives with their contact details, as versioned text (docs/privacy.md).
 * The catalogue (consent-texts.json, beside this module) only grows: a changed wording is a new version, so the
 * text each customer agreed to can always be shown to them again, in the language they read.
 * Records made before versions existed carry none: they were given version 1.
 */
export const CONSENT_VERSION = 1;

type Catalogue = Record<string, Record<Language, string>>;

/** The text of a version in a language; null for a version the catalogue does not have. */
export function consentTextOf(version: number, language: Language): string | null {
  return (texts as Catalogue)[String(version)]?.[language] ?? null;
}

/** Every version the catalogue holds, oldest first. */
export const CONSENT_VERSIONS = Object.keys(texts).map(Number).sort((a, b) => a - b);
