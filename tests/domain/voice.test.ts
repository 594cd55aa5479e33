import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DeviceConfigSchema } from '../../src/domain/config-schema.ts';
import { chooseVoice, DEFAULT_VOICES, spokenLanguageOf, VoicesSchema, type VoiceLike } from '../../src/domain/voice.ts';

const voice = (lang: string, name = lang, extra: Partial<VoiceLike> = {}): VoiceLike => ({ lang, name, ...extra });

describe('a branch\'s voices', () => {
  it('given a configuration from a server before the setting, then every language speaks its old locale', () => {
    expect(v.parse(DeviceConfigSchema.entries.voices, undefined)).toEqual(DEFAULT_VOICES);
  });

  it('given one language chosen, then the others keep their default', () => {
    expect(v.parse(VoicesSchema, { 'zh-Hant': 'zh-HK' })).toEqual({ ...DEFAULT_VOICES, 'zh-Hant': 'zh-HK' });
  });

  it.each([
    [{ 'zh-Hant': 'zh-CN' }, 'must be one of zh-HK, zh-TW'],
    [{ es: 'es-AR' }, 'must be one of es-ES, es-MX'],
    [{ en: 'zh-HK' }, 'must be one of en-GB, en-US'],
  ])('given %o, then it is refused: %s', (voices, message) => {
    expect(v.safeParse(VoicesSchema, voices).issues?.[0]?.message).toBe(message);
  });
});

describe('choosing a voice', () => {
  it.each([
    ['zh-HK', 'yue'],
    ['zh_HK', 'yue'],
    ['yue-Hant-HK', 'yue'],
    ['zh-Hant-HK', 'yue'],
    ['zh-TW', 'cmn'],
    ['cmn-Hant-TW', 'cmn'],
    ['zh-CN', 'cmn'],
    ['es-MX', 'es'],
  ])('%s is spoken as %s', (tag, spoken) => {
    expect(spokenLanguageOf(tag)).toBe(spoken);
  });

  it('given a voice of exactly the locale, then it is the one', () => {
    const voices = [voice('zh-TW'), voice('zh-HK', 'Cantonese'), voice('en-US')];
    expect(chooseVoice(voices, 'zh-HK')?.name).toBe('Cantonese');
  });

  it('given Android\'s yue_HK, then it reads for zh-HK', () => {
    expect(chooseVoice([voice('zh_TW'), voice('yue_HK')], 'zh-HK')?.lang).toBe('yue_HK');
  });

  it.each([
    ['zh-HK', [voice('zh-TW'), voice('zh-CN')]],
    ['zh-TW', [voice('zh-HK'), voice('en-GB')]],
    ['es-ES', [voice('en-GB')]],
    ['en-GB', []],
  ])('given no voice of the spoken language of %s, then there is none: never Mandarin for Cantonese', (locale, voices) => {
    expect(chooseVoice(voices, locale)).toBeNull();
  });

  it.each([
    ['es-ES', [voice('es-MX'), voice('en-US')], 'es-MX'],
    ['en-GB', [voice('en-US')], 'en-US'],
    ['zh-TW', [voice('zh-HK'), voice('zh-CN')], 'zh-CN'],
  ])('given %s with another region of the same spoken language only, then that one', (locale, voices, lang) => {
    expect(chooseVoice(voices, locale)?.lang).toBe(lang);
  });

  it('given several of the locale, then an on-device one, then the default', () => {
    const voices = [voice('en-GB', 'remote', { default: true }), voice('en-GB', 'local', { localService: true }), voice('en-GB', 'local default', { localService: true, default: true })];
    expect(chooseVoice(voices, 'en-GB')?.name).toBe('local default');
  });
});
