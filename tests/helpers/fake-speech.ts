import { vi } from 'vitest';

/** A voice as a browser lists it. */
export type FakeVoice = { name: string; lang: string; localService: boolean; default: boolean };

export const aVoice = (lang: string, name = `Voice ${lang}`): FakeVoice => ({ name, lang, localService: true, default: false });

/** A tablet with a voice of every locale a branch can choose, Cantonese included. */
export const EVERY_VOICE = ['zh-CN', 'zh-HK', 'zh-TW', 'en-GB', 'en-US', 'es-ES', 'es-MX'].map((lang) => aVoice(lang));

/**
 * The browser's speech API, as much of it as speech.ts uses (jsdom has none): `spoken` gets
 * what is said, with the voice's locale. `late`: like Chrome, no voice is listed until
 * `listVoices()` fires `voiceschanged`.
 */
export function givenSpeechSynthesis({ voices = EVERY_VOICE, late = false }: { voices?: FakeVoice[]; late?: boolean } = {}) {
  const spoken: { text: string; lang: string }[] = [];
  class SpeechSynthesisUtterance {
    lang = '';
    rate = 1;
    voice: FakeVoice | null = null;
    constructor(public text: string) {}
  }
  let listed: FakeVoice[] = late ? [] : voices;
  const listeners = new Set<() => void>();
  const synth = {
    cancel: vi.fn(),
    speak: vi.fn((u: SpeechSynthesisUtterance) => spoken.push({ text: u.text, lang: u.voice?.lang ?? `(no voice) ${u.lang}` })),
    getVoices: () => listed,
    addEventListener: (_type: 'voiceschanged', listener: () => void) => listeners.add(listener),
    removeEventListener: (_type: 'voiceschanged', listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal('SpeechSynthesisUtterance', SpeechSynthesisUtterance);
  vi.stubGlobal('speechSynthesis', synth);
  return {
    spoken,
    synth,
    listVoices() {
      listed = voices;
      for (const listener of [...listeners]) listener();
    },
  };
}
