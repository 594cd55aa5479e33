import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CONSENT_VERSION, CONSENT_VERSIONS, consentTextOf } from '../../src/domain/consent.ts';
import { LANGUAGES } from '../../src/domain/language.ts';

/**
 * What each version of the consent text said, as sha256 of its four languages: a customer who
 * agreed to a version must be shown that very text again. Changing one of these is changing
 * what someone agreed to; add a new version to src/domain/consent-texts.json instead.
 */
const FROZEN: Record<number, string> = {
  1: '34a3c19582786dbf171071517725a99c2003ada942fcc9983b55b2ce3905c5ee',
};

const digest = (version: number) => createHash('sha256').update(JSON.stringify(LANGUAGES.map((l) => consentTextOf(version, l)))).digest('hex');

describe('the consent catalogue', () => {
  it('has the current version, in every language', () => {
    expect(CONSENT_VERSIONS).toContain(CONSENT_VERSION);
    for (const language of LANGUAGES) expect(consentTextOf(CONSENT_VERSION, language)?.length).toBeGreaterThan(20);
  });

  it.each(Object.keys(FROZEN).map(Number))('keeps version %i word for word', (version) => {
    expect(digest(version)).toBe(FROZEN[version]);
  });

  it('holds no version this test has not frozen: a new one gets its digest here', () => {
    expect(CONSENT_VERSIONS).toEqual(Object.keys(FROZEN).map(Number));
  });

  it('knows no text for a version it does not hold', () => {
    expect(consentTextOf(CONSENT_VERSION + 1, 'en')).toBeNull();
  });
});
