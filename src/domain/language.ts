import * as v from 'valibot';

/** The languages of the product, from the start (a customer may switch; the branch sets the default). */
export const LANGUAGES = ['zh-Hans', 'zh-Hant', 'en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export const LanguageSchema = v.picklist(LANGUAGES, 'must be one of zh-Hans, zh-Hant, en, es');

/** Narrows any string to a product language. */
export const isLanguage = (value: string): value is Language => (LANGUAGES as readonly string[]).includes(value);
