import { isLanguage, LANGUAGES, type Language } from '../domain/language.ts';
import { chooseVoice, DEFAULT_VOICES, type VoiceLocale, type Voices } from '../domain/voice.ts';

/** A prompt and the screen language it is in (i18next's language: anything else is read as English). */
export type Prompt = { text: string; language: string };

/**
 * How long to wait for the browser's voices: Chrome lists none until `voiceschanged`, a few
 * hundred milliseconds after the page starts; a browser with no voice at all never fires it.
 */
export const VOICES_WAIT_MS = 3000;

// Each call to speak takes a turn; one still waiting for the voices when a newer one comes is dropped.
let turn = 0;

const synthesis = (): SpeechSynthesis | null =>
  globalThis.speechSynthesis && typeof SpeechSynthesisUtterance !== 'undefined' ? globalThis.speechSynthesis : null;

/**
 * The browser's voices, at once when it has listed them, else after `voiceschanged` (or the
 * wait, with whatever is there then: none means none).
 */
function withVoices(synth: SpeechSynthesis, then: (voices: readonly SpeechSynthesisVoice[]) => void): void {
  const listed = synth.getVoices?.() ?? [];
  if (listed.length > 0) return then(listed);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    synth.removeEventListener?.('voiceschanged', finish);
    then(synth.getVoices?.() ?? []);
  };
  const timer = setTimeout(finish, VOICES_WAIT_MS);
  synth.addEventListener?.('voiceschanged', finish);
}

/** The voices of the branch, filled with the defaults for an older configuration. */
const voicesOr = (voices: Partial<Voices> | undefined): Voices => ({ ...DEFAULT_VOICES, ...voices });

/**
 * Speaks prompts one after the other, each in its own language's voice as the branch set it
 * (zh-HK: Cantonese for 繁體中文), for customers who cannot read the screen well. A prompt
 * whose voice this tablet lacks is left out rather than read in another spoken language
 * (Mandarin for a Cantonese speaker); `onMissing` hears of it, for staff. Does nothing where
 * the browser has no speech synthesis; a new call cuts off the last one.
 */
export function speakInTurn(prompts: readonly Prompt[], voices?: Partial<Voices>, onMissing?: (missing: VoiceLocale[]) => void): void {
  const synth = synthesis();
  if (!synth) return;
  const mine = ++turn;
  synth.cancel();
  const wanted = voicesOr(voices);
  withVoices(synth, (available) => {
    if (mine !== turn) return;
    synth.cancel();
    const missing: VoiceLocale[] = [];
    for (const { text, language: screen } of prompts) {
      const language = isLanguage(screen) ? screen : 'en';
      const voice = chooseVoice(available, wanted[language]);
      if (!voice) {
        if (!missing.includes(wanted[language])) missing.push(wanted[language]);
        continue;
      }
      const utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      synth.speak(utterance);
    }
    if (missing.length > 0) onMissing?.(missing);
  });
}

/** Speaks one prompt in the customer's language: speakInTurn with one. */
export function speak(text: string, language: string, voices?: Partial<Voices>, onMissing?: (missing: VoiceLocale[]) => void): void {
  speakInTurn([{ text, language }], voices, onMissing);
}

/**
 * The voices the branch set that this tablet cannot speak (e.g. zh-HK: no Cantonese voice
 * installed), for the notice staff see; empty where there is no speech synthesis at all,
 * since then nothing is ever spoken wrongly.
 */
export function missingVoices(voices: Partial<Voices> | undefined, languages: readonly Language[] = LANGUAGES): Promise<VoiceLocale[]> {
  const synth = synthesis();
  if (!synth) return Promise.resolve([]);
  const wanted = voicesOr(voices);
  return new Promise((resolve) =>
    withVoices(synth, (available) => resolve([...new Set(languages.map((language) => wanted[language]))].filter((locale) => !chooseVoice(available, locale)))),
  );
}
