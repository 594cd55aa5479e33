import { fireEvent, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LANGUAGES, type Language } from '../../../src/domain/language.ts';
import { SCORES } from '../../../src/domain/rating.ts';
import { DEFAULT_REASONS } from '../../../src/domain/reason.ts';
import { ATTRACT_AFTER_MS, REASONS_TIMEOUT_MS } from '../../../src/ui/counter/CustomerFlow.tsx';
import { aVoice, givenSpeechSynthesis as givenSpeech } from '../../helpers/fake-speech.ts';
import { text } from '../helpers.tsx';
import { givenCounterTablet, LABELS, nextFrame } from './given.tsx';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Fakes the two timers the screen uses, and nothing the database needs. */
const fakeTimers = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

describe('CustomerFlow: reasons', () => {
  it.each(LANGUAGES.flatMap((language) => (['neutral', 'dissatisfied'] as const).map((score) => ({ language, score }))))(
    'given a $language customer who taps $score, when they pick two reasons and tap Done, then one rating with both reasons is saved',
    async ({ language, score }) => {
      const { getByRole, findByRole, queryByRole, container, anyScoreButtons, services } = await givenCounterTablet({ language, shift: 'open' });

      fireEvent.click(getByRole('button', { name: LABELS[language][score] }));

      await findByRole('heading', { level: 1, name: text(language, 'counter.reasons.title') });
      expect(container.querySelector('.reasons .detail')?.textContent).toBe(text(language, 'counter.reasons.detail'));
      expect(anyScoreButtons()).toEqual([]);
      const group = getByRole('group', { name: text(language, 'counter.reasons.title') });
      expect([...group.querySelectorAll('button')].map((b) => b.textContent)).toEqual(DEFAULT_REASONS.map((r) => r.labels[language]));
      expect(await services.db.ratings.count()).toBe(0);

      // Three picked, one picked again to take it back.
      for (const id of ['professionalism', 'waiting-time', 'environment', 'professionalism']) fireEvent.click(getByRole('button', { name: DEFAULT_REASONS.find((r) => r.id === id)!.labels[language] }));
      expect([...group.querySelectorAll('[aria-pressed="true"]')].map((b) => (b as HTMLElement).dataset.reason)).toEqual(['waiting-time', 'environment']);
      fireEvent.click(getByRole('button', { name: text(language, 'counter.reasons.done') }));

      await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
      expect(queryByRole('group')).toBeNull();
      expect((await services.db.ratings.toArray()).map((r) => [r.score, r.reasons, r.language])).toEqual([[score, ['waiting-time', 'environment'], language]]);
      expect(await services.db.outbox.count()).toBe(1);
    },
  );

  it.each(LANGUAGES)('given a %s customer on the reasons screen, when they pick one and then Skip, then the rating is saved with no reasons', async (language) => {
    const { getByRole, findByRole, services } = await givenCounterTablet({ language, shift: 'open' });
    fireEvent.click(getByRole('button', { name: LABELS[language].dissatisfied }));
    fireEvent.click(await findByRole('button', { name: DEFAULT_REASONS[1]!.labels[language] }));

    fireEvent.click(getByRole('button', { name: text(language, 'counter.reasons.skip') }));

    await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
    expect((await services.db.ratings.toArray()).map((r) => [r.score, r.reasons])).toEqual([['dissatisfied', []]]);
  });

  it.each(['very-satisfied', 'satisfied'] as const)('given the ready screen, when a customer taps %s, then thanks show at once with no reasons asked', async (score) => {
    const { getByRole, findByRole, queryByRole, services } = await givenCounterTablet({ shift: 'open' });

    fireEvent.click(getByRole('button', { name: LABELS.en[score] }));

    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    expect(queryByRole('group', { name: text('en', 'counter.reasons.title') })).toBeNull();
    expect((await services.db.ratings.toArray()).map((r) => [r.score, r.reasons])).toEqual([[score, []]]);
  });

  it('given a branch with no reasons configured, when a customer taps neutral, then thanks show at once', async () => {
    const { getByRole, findByRole, services } = await givenCounterTablet({ shift: 'open', config: { reasons: [] } });
    fireEvent.click(getByRole('button', { name: LABELS.en.neutral }));
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    expect((await services.db.ratings.toArray()).map((r) => [r.score, r.reasons])).toEqual([['neutral', []]]);
  });

  it('given a reason offered only for dissatisfied, when a customer taps neutral, then that reason is not offered', async () => {
    const reasons = [{ ...DEFAULT_REASONS[0]!, scores: ['dissatisfied' as const] }, DEFAULT_REASONS[1]!];
    const { getByRole, findByRole } = await givenCounterTablet({ language: 'zh-Hans', shift: 'open', config: { reasons } });
    fireEvent.click(getByRole('button', { name: LABELS['zh-Hans'].neutral }));
    const group = await findByRole('group', { name: text('zh-Hans', 'counter.reasons.title') });
    expect([...group.querySelectorAll('button')].map((b) => b.textContent)).toEqual(['服务态度']);
  });

  it.each([
    { taps: 'Done twice' },
    { taps: 'Skip and then Done' },
  ])('given the reasons screen, when a customer taps $taps in the same tick, then exactly one rating is saved', async ({ taps }) => {
    const { getByRole, findByRole, services } = await givenCounterTablet({ shift: 'open' });
    fireEvent.click(getByRole('button', { name: LABELS.en.neutral }));
    const done = await findByRole('button', { name: text('en', 'counter.reasons.done') });
    const first = taps === 'Done twice' ? done : getByRole('button', { name: text('en', 'counter.reasons.skip') });
    first.click();
    done.click();
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    // Wait for the faces to come back, so that a second write, had one started, has landed.
    await findByRole('button', { name: LABELS.en.neutral });
    expect((await services.db.ratings.toArray()).map((r) => r.score)).toEqual(['neutral']);
    expect(await services.db.outbox.count()).toBe(1);
  });

  it.each([
    { picked: ['attitude'], what: 'the reason picked' },
    { picked: [], what: 'no reasons' },
  ])('given a customer who walks away from the reasons, when REASONS_TIMEOUT_MS pass after the last tap, then the rating is saved with $what rather than lost', async ({ picked }) => {
    const { getByRole, findByRole, container, services, advance } = await givenCounterTablet({ shift: 'open' });
    fakeTimers();
    fireEvent.click(getByRole('button', { name: LABELS.en.dissatisfied }));
    await findByRole('group', { name: text('en', 'counter.reasons.title') });
    for (const id of picked) fireEvent.click(container.querySelector(`[data-reason="${id}"]`)!);

    await advance(REASONS_TIMEOUT_MS - 1);
    expect(getByRole('heading', { level: 1 }).textContent).toBe(text('en', 'counter.reasons.title'));
    expect(await services.db.ratings.count()).toBe(0);

    await advance(1);

    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    expect((await services.db.ratings.toArray()).map((r) => [r.score, r.reasons])).toEqual([['dissatisfied', picked]]);
  });
});

describe('CustomerFlow: cooldown', () => {
  it('given a rating just saved, when the thanks show, then no face is on screen until ratingCooldownMs have passed, and the next tap is a second rating', async () => {
    const { getByRole, findByRole, anyScoreButtons, scoreButtons, services, advance } = await givenCounterTablet({ shift: 'open', config: { ratingCooldownMs: 3000 } });
    fakeTimers();
    fireEvent.click(getByRole('button', { name: LABELS.en['very-satisfied'] }));
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    await nextFrame();
    expect(anyScoreButtons()).toEqual([]);

    await advance(2999);
    expect(getByRole('heading', { level: 1 }).textContent).toBe(text('en', 'counter.thanks'));
    expect(anyScoreButtons()).toEqual([]);

    await advance(1);
    expect(scoreButtons().map((b) => b.dataset.score)).toEqual([...SCORES]);
    fireEvent.click(getByRole('button', { name: LABELS.en.satisfied }));
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    expect((await services.db.ratings.toArray()).map((r) => r.score)).toEqual(['very-satisfied', 'satisfied']);
  });
});

describe('CustomerFlow: large text', () => {
  it.each(LANGUAGES)('given a %s ready screen, when the customer taps large text, then the counter shows large text until after their thanks', async (language) => {
    const { getByRole, findByRole, root } = await givenCounterTablet({ language, shift: 'open' });
    const largeText = () => getByRole('button', { name: text(language, 'counter.largeText') });
    expect([root.className, largeText().getAttribute('aria-pressed')]).toEqual(['counter', 'false']);

    fireEvent.click(largeText());
    expect([root.className, largeText().getAttribute('aria-pressed')]).toEqual(['counter large-text', 'true']);
    fireEvent.click(largeText());
    expect([root.className, largeText().getAttribute('aria-pressed')]).toEqual(['counter', 'false']);
    fireEvent.click(largeText());

    fireEvent.click(getByRole('button', { name: LABELS[language].satisfied }));
    await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
    expect(root.className).toBe('counter large-text');

    await findByRole('heading', { level: 1, name: text(language, 'counter.prompt') });
    expect([root.className, largeText().getAttribute('aria-pressed')]).toEqual(['counter', 'false']);
  });
});

describe('CustomerFlow: read aloud', () => {
  /** The browser's speech API with a voice of every locale (tests/helpers/fake-speech.ts). */
  const givenSpeechSynthesis = () => givenSpeech().spoken;

  const BCP47: Record<Language, string> = { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB', es: 'es-ES' };

  it.each(LANGUAGES.map((language) => ({ language })))('given a branch with speech on and a customer who switched to $language, when they tap Read aloud, then the prompt and the four faces are spoken in $language', async ({ language }) => {
    const spoken = givenSpeechSynthesis();
    const { getByRole, findByRole } = await givenCounterTablet({ language: language === 'en' ? 'es' : 'en', shift: 'open', config: { speech: true } });
    fireEvent.click(getByRole('button', { name: text(language, `language.names.${language}`) }));
    await findByRole('heading', { level: 1, name: text(language, 'counter.prompt') });

    fireEvent.click(getByRole('button', { name: text(language, 'counter.readAloud') }));

    const faces = SCORES.map((score) => LABELS[language][score]).join(', ');
    expect(spoken).toEqual([{ text: `${text(language, 'counter.prompt')} ${faces}`, lang: BCP47[language] }]);
  });

  it('given a branch with speech on, when a customer rates neutral with a reason, then the reasons prompt and the thanks are spoken in their language', async () => {
    const spoken = givenSpeechSynthesis();
    const { findByRole, rate } = await givenCounterTablet({ language: 'zh-Hant', shift: 'open', config: { speech: true } });

    await rate('neutral', ['speed']);

    await findByRole('heading', { level: 1, name: text('zh-Hant', 'counter.thanks') });
    expect(spoken).toEqual([
      { text: text('zh-Hant', 'counter.reasons.title'), lang: 'zh-TW' },
      { text: text('zh-Hant', 'counter.thanks'), lang: 'zh-TW' },
    ]);
  });

  it.each(LANGUAGES)('given a %s branch with speech off, then there is no Read aloud button and a rating speaks nothing', async (language) => {
    const spoken = givenSpeechSynthesis();
    const { getByRole, findByRole, queryByRole } = await givenCounterTablet({ language, shift: 'open' });
    expect(queryByRole('button', { name: text(language, 'counter.readAloud') })).toBeNull();
    expect(getByRole('button', { name: text(language, 'counter.largeText') }).parentElement?.children).toHaveLength(1);

    fireEvent.click(getByRole('button', { name: LABELS[language].satisfied }));

    await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
    expect(spoken).toEqual([]);
  });

  it('given a Hong Kong branch that chose Cantonese, when a customer taps Read aloud, then the Cantonese voice speaks, not the Mandarin one', async () => {
    const { spoken } = givenSpeech({ voices: [aVoice('zh-TW'), aVoice('zh-HK'), aVoice('en-GB')] });
    const { getByRole } = await givenCounterTablet({ language: 'zh-Hant', shift: 'open', config: { speech: true, voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-HK', en: 'en-GB', es: 'es-ES' } } });

    fireEvent.click(getByRole('button', { name: text('zh-Hant', 'counter.readAloud') }));

    expect(spoken).toEqual([{ text: expect.stringContaining(text('zh-Hant', 'counter.prompt')), lang: 'zh-HK' }]);
  });

  it('given Cantonese chosen and a tablet with Mandarin voices only, when a customer taps Read aloud, then nothing is said in Mandarin, and the staff menu names the missing voice', async () => {
    const { spoken } = givenSpeech({ voices: [aVoice('zh-TW'), aVoice('zh-CN'), aVoice('en-GB'), aVoice('es-ES')] });
    const { getByRole, findByTestId, unlockStaffMenu } = await givenCounterTablet({ language: 'zh-Hant', shift: 'open', config: { speech: true, voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-HK', en: 'en-GB', es: 'es-ES' } } });

    fireEvent.click(getByRole('button', { name: text('zh-Hant', 'counter.readAloud') }));
    await nextFrame();
    expect(spoken).toEqual([]);

    await unlockStaffMenu();
    const notice = await findByTestId('voice-missing');
    expect(notice.textContent).toBe(text('zh-Hant', 'speech.voiceMissing', { voices: text('zh-Hant', 'speech.voices.zh-HK') }));
  });

  it('given a browser that lists its voices late (voiceschanged), when a customer taps Read aloud at once, then the prompt is spoken once they are listed', async () => {
    const speech = givenSpeech({ late: true });
    const { getByRole } = await givenCounterTablet({ language: 'es', shift: 'open', config: { speech: true, voices: { 'zh-Hans': 'zh-CN', 'zh-Hant': 'zh-TW', en: 'en-GB', es: 'es-MX' } } });

    fireEvent.click(getByRole('button', { name: text('es', 'counter.readAloud') }));
    expect(speech.spoken).toEqual([]);
    speech.listVoices();

    expect(speech.spoken).toEqual([{ text: expect.stringContaining(text('es', 'counter.prompt')), lang: 'es-MX' }]);
  });

  it('given every voice there, then the staff menu has no voice notice', async () => {
    givenSpeech();
    const { findByRole, queryByTestId, unlockStaffMenu } = await givenCounterTablet({ shift: 'open', config: { speech: true } });
    await unlockStaffMenu();
    await findByRole('button', { name: text('en', 'staff.pause') });
    await nextFrame();
    expect(queryByTestId('voice-missing')).toBeNull();
  });

  it('given speech on and a browser with no speechSynthesis, when Read aloud is tapped, then nothing breaks', async () => {
    const { getByRole, queryByRole } = await givenCounterTablet({ shift: 'open', config: { speech: true } });
    expect('speechSynthesis' in globalThis).toBe(false);
    fireEvent.click(getByRole('button', { name: text('en', 'counter.readAloud') }));
    await waitFor(() => expect(getByRole('heading', { level: 1 }).textContent).toBe(text('en', 'counter.prompt')));
    expect(queryByRole('alert')).toBeNull();
  });
});

describe('CounterScreen: the page title', () => {
  it.each(LANGUAGES)('given a customer who switches to %s, then the page title and language are in it', async (language) => {
    const { getByRole, findByRole } = await givenCounterTablet({ language: language === 'en' ? 'es' : 'en', shift: 'open' });
    fireEvent.click(getByRole('button', { name: text(language, `language.names.${language}`) }));
    await findByRole('heading', { level: 1, name: text(language, 'counter.prompt') });
    await waitFor(() => expect([document.title, document.documentElement.lang]).toEqual([text(language, 'app.counterTitle'), language]));
  });
});

describe('CustomerFlow: attract state', () => {
  it.each(LANGUAGES)('given a %s ready screen untouched for ATTRACT_AFTER_MS, then it invites, and one tap still rates', async (language) => {
    const { getByRole, findByRole, container, services, advance } = await givenCounterTablet({ language, shift: 'open' });
    fakeTimers();
    // A touch starts the idle wait on the fake clock.
    fireEvent.pointerDown(document.body);
    await advance(ATTRACT_AFTER_MS - 1);
    expect(container.querySelector('[data-attract]')).toBeNull();
    await advance(1);
    await nextFrame();
    expect(container.querySelector('.invite')?.textContent).toBe(text(language, 'counter.invite'));

    fireEvent.click(getByRole('button', { name: LABELS[language]['very-satisfied'] }));
    await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
    expect((await services.db.ratings.toArray()).map((r) => r.score)).toEqual(['very-satisfied']);
  });

  it('given the attract state, when someone touches the screen, then it calms down again', async () => {
    const { container, advance } = await givenCounterTablet({ shift: 'open' });
    fakeTimers();
    fireEvent.pointerDown(document.body);
    await advance(ATTRACT_AFTER_MS);
    await nextFrame();
    expect(container.querySelector('[data-attract]')).not.toBeNull();
    fireEvent.pointerDown(document.body);
    await nextFrame();
    expect(container.querySelector('[data-attract]')).toBeNull();
  });
});
