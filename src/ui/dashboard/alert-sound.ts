/**
 * The chime of a new alert: two short tones, high then higher, made with WebAudio, so no
 * audio file travels with the dashboard. Browsers let a page play sound only after a user
 * gesture; switching **Sound** on is that gesture, so the context is made (or resumed) there,
 * and later chimes play on it. Off by default and remembered per browser, since a manager's
 * laptop in a meeting must not ring unless they asked it to.
 */

export const SOUND_KEY = 'branchvoice.alerts.sound';

/** Whether the user switched the sound on in this browser. */
export function soundWanted(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): boolean {
  try {
    return storage?.getItem(SOUND_KEY) === 'on';
  } catch {
    // Storage refused (a private window's quota, a policy): the default, off.
    return false;
  }
}

export function rememberSound(on: boolean, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // Not remembered: it stays as chosen for this page.
  }
}

/** The two tones: a fifth apart, 180 ms each, soft enough for an open-plan office. */
const TONES = [
  { frequency: 784, start: 0 },
  { frequency: 1175, start: 0.2 },
] as const;
const TONE_SECONDS = 0.18;
const VOLUME = 0.2;

type AudioContextClass = new () => AudioContext;

export interface Chime {
  /** Called from the toggle's click (the gesture): makes the context ready to play. */
  unlock(): void;
  play(): void;
}

/** A chime over the browser's AudioContext; silent where there is none (tests, an old browser). */
export function createChime(Context: AudioContextClass | undefined = (globalThis as { AudioContext?: AudioContextClass }).AudioContext): Chime {
  let context: AudioContext | null = null;
  const ready = (): AudioContext | null => {
    if (!Context) return null;
    context ??= new Context();
    if (context.state === 'suspended') void context.resume();
    return context;
  };
  return {
    unlock: () => void ready(),
    play() {
      const audio = ready();
      if (!audio) return;
      const at = audio.currentTime;
      for (const tone of TONES) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = 'sine';
        oscillator.frequency.value = tone.frequency;
        // A quick rise and a gentle fall: no click at either end.
        gain.gain.setValueAtTime(0.0001, at + tone.start);
        gain.gain.exponentialRampToValueAtTime(VOLUME, at + tone.start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + tone.start + TONE_SECONDS);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(at + tone.start);
        oscillator.stop(at + tone.start + TONE_SECONDS + 0.02);
      }
    },
  };
}
