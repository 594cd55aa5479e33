import { fireEvent, waitFor } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { LANGUAGES, type Language } from '../../src/domain/language.ts';
import { SCORES, type Score } from '../../src/domain/rating.ts';
import type { BranchVoiceDB } from '../../src/store/db.ts';
import { getMeta } from '../../src/store/meta.ts';
import { CUSTOMER_IDLE_MS } from '../../src/ui/counter/CustomerFlow.tsx';
import { TELLER_PIN } from '../builders/device.ts';
import { BRANCH_ID, COUNTER_ID, SIGN_IN_ID, TELLER_ID } from '../builders/rating.ts';
import { givenCounterTablet, LABELS, nextFrame } from './counter/given.tsx';
import { text } from './helpers.tsx';

// Each branch language, with the language the customer switches to, the face they tap and the
// reasons they give: every language is both a default and a customer's choice, and every
// score is tapped once.
const REASONS_PICKED: Record<Score, string[]> = { 'very-satisfied': [], satisfied: [], neutral: ['speed'], dissatisfied: ['waiting-time', 'attitude'] };
const CASES = LANGUAGES.map((branchLanguage, i) => ({
  branchLanguage,
  customerLanguage: LANGUAGES[(i + 1) % LANGUAGES.length]!,
  score: SCORES[i]!,
  reasons: REASONS_PICKED[SCORES[i]!],
}));

async function storedRows(db: BranchVoiceDB) {
  const [ratings, outbox, shiftEvents] = await Promise.all([db.ratings.toArray(), db.outbox.toArray(), db.shiftEvents.toArray()]);
  return { ratings, outbox, shiftEvents };
}

/** Everything a customer could touch on a screen with no faces: the page, the headings, the text. */
function tapEverywhere(root: HTMLElement) {
  for (const element of [document.body, root, ...root.querySelectorAll('main, main *:not(button)')]) {
    fireEvent.pointerDown(element);
    fireEvent.click(element);
  }
}

describe('CounterScreen', () => {
  it.each(CASES)(
    'given a $branchLanguage branch and a teller who signs in, when a customer switches to $customerLanguage and rates $score, then one rating in $customerLanguage for that teller and sign-in is saved, and the screen returns in $branchLanguage',
    async ({ branchLanguage, customerLanguage, score, reasons }) => {
      const { getByRole, findByRole, queryByRole, services, signIn, rate, scoreButtons } = await givenCounterTablet({ language: branchLanguage });

      await signIn('1001', TELLER_PIN);

      const card = await findByRole('region', { name: 'Li Mei' });
      // The customer's screen has just mounted: its language listener is set up in an effect.
      await nextFrame();
      expect(card.textContent).toContain(text(branchLanguage, 'teller.staffNumber', { number: '1001' }));
      const stars = getByRole('img', { name: text(branchLanguage, 'teller.stars', { count: 4 }) });
      expect([stars.textContent, stars.querySelector('.teller-stars-off')?.textContent]).toEqual(['★★★★★', '★']);
      expect(scoreButtons().map((b) => b.textContent)).toEqual(SCORES.map((s) => LABELS[branchLanguage][s]));
      expect(getByRole('heading', { level: 1 }).textContent).toBe(text(branchLanguage, 'counter.prompt'));

      fireEvent.click(getByRole('button', { name: text(branchLanguage, `language.names.${customerLanguage}`) }));
      await findByRole('heading', { level: 1, name: text(customerLanguage, 'counter.prompt') });
      expect(scoreButtons().map((b) => b.dataset.score)).toEqual([...SCORES]);

      await rate(score, reasons);

      await findByRole('heading', { level: 1, name: text(customerLanguage, 'counter.thanks') });
      expect(getByRole('status').textContent).toBe(text(customerLanguage, 'counter.thanks') + text(customerLanguage, 'counter.thanksDetail'));
      expect(queryByRole('button', { name: LABELS[customerLanguage][score] })).toBeNull();
      const { ratings, outbox, shiftEvents } = await storedRows(services.db);
      expect(shiftEvents).toEqual([expect.objectContaining({ type: 'signed-in', tellerId: TELLER_ID, branchId: BRANCH_ID, counterId: COUNTER_ID })]);
      expect(ratings).toEqual([
        expect.objectContaining({ kind: 'rating', score, reasons, language: customerLanguage, branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID, signInId: shiftEvents[0]!.signInId }),
      ]);
      expect(outbox.map((row) => row.record)).toEqual([shiftEvents[0], ratings[0]]);

      // Back by itself after the cooldown, in the branch's language for the next customer.
      await findByRole('heading', { level: 1, name: text(branchLanguage, 'counter.prompt') });
      expect(scoreButtons()).toHaveLength(4);
      expect(services.i18n.language).toBe(branchLanguage);
      expect(getByRole('button', { name: text(branchLanguage, `language.names.${branchLanguage}`) }).getAttribute('aria-pressed')).toBe('true');
      expect(await services.db.ratings.count()).toBe(1);
    },
  );

  it.each(LANGUAGES)('given a %s branch with the window open and no switch, when a customer taps, then the rating is in the branch language', async (language) => {
    const { getByRole, findByRole, services } = await givenCounterTablet({ language, shift: 'open' });
    fireEvent.click(getByRole('button', { name: LABELS[language].satisfied }));
    await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
    const { ratings, outbox } = await storedRows(services.db);
    expect(ratings.map((r) => [r.score, r.language, r.tellerId, r.signInId])).toEqual([['satisfied', language, TELLER_ID, SIGN_IN_ID]]);
    expect(outbox).toHaveLength(1);
  });

  it.each(LANGUAGES)('given a %s tablet with no teller signed in, then it says the window is closed, shows no faces, and no tap anywhere records a rating', async (language) => {
    const { getByRole, root, anyScoreButtons, services } = await givenCounterTablet({ language });

    expect(getByRole('heading', { level: 1 }).textContent).toBe(text(language, 'counter.closed.title'));
    expect(root.querySelector('main p')?.textContent).toBe(text(language, 'counter.closed.detail'));
    expect(anyScoreButtons()).toEqual([]);

    tapEverywhere(root);

    // The one button a customer could find here leads to the teller's form, not to a rating.
    fireEvent.click(getByRole('button', { name: text(language, 'counter.closed.signIn') }));
    // The form comes with the staff screens' chunk.
    await waitFor(() => expect(getByRole('heading', { level: 1 }).textContent).toBe(text(language, 'signIn.title')));
    expect(anyScoreButtons()).toEqual([]);
    const { ratings, outbox, shiftEvents } = await storedRows(services.db);
    expect([ratings, outbox, shiftEvents]).toEqual([[], [], []]);
    expect(await getMeta(services.db, 'shift')).toBeUndefined();
  });

  it.each(LANGUAGES)('given a %s window the teller paused from the staff menu, then it says so, shows no faces and takes no rating; when resumed, the faces are back and rate', async (language) => {
    const { getByRole, findByRole, root, anyScoreButtons, staffAction, services } = await givenCounterTablet({ language, shift: 'open' });

    await staffAction('staff.pause');

    await findByRole('heading', { level: 1, name: text(language, 'counter.paused.title') });
    expect(root.dataset.shift).toBe('paused');
    expect(root.querySelector('main p')?.textContent).toBe(text(language, 'counter.paused.detail'));
    expect(anyScoreButtons()).toEqual([]);
    tapEverywhere(root);
    expect(await services.db.ratings.count()).toBe(0);

    await staffAction('staff.resume');

    await findByRole('heading', { level: 1, name: text(language, 'counter.prompt') });
    fireEvent.click(getByRole('button', { name: LABELS[language]['very-satisfied'] }));
    await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
    const { ratings, shiftEvents } = await storedRows(services.db);
    expect(shiftEvents.map((e) => [e.type, e.tellerId, e.signInId])).toEqual([
      ['paused', TELLER_ID, SIGN_IN_ID],
      ['resumed', TELLER_ID, SIGN_IN_ID],
    ]);
    expect(ratings.map((r) => [r.score, r.signInId])).toEqual([['very-satisfied', SIGN_IN_ID]]);
  });

  it.each([
    { taps: 'the same face twice', second: 'very-satisfied' as const },
    { taps: 'two different faces', second: 'dissatisfied' as const },
  ])('given the ready screen, when a customer taps $taps in the same tick, then exactly one rating is saved', async ({ second }) => {
    const { getByRole, findByRole, services } = await givenCounterTablet({ shift: 'open' });
    const first = getByRole('button', { name: LABELS.en['very-satisfied'] });
    const other = getByRole('button', { name: LABELS.en[second] });
    first.click();
    other.click();
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    // Wait for the buttons to come back, so that a second write, had one started, has landed.
    await findByRole('button', { name: LABELS.en.neutral });
    const { ratings, outbox } = await storedRows(services.db);
    expect(ratings.map((r) => r.score)).toEqual(['very-satisfied']);
    expect(outbox).toHaveLength(1);
  });

  it('given the ready screen, then the faces, large text and the staff corner are focusable <button>s named by their label, and a keyboard activation saves a rating', async () => {
    const { getByRole, findByRole, scoreButtons, services } = await givenCounterTablet({ language: 'zh-Hant', shift: 'open' });
    const others = [text('zh-Hant', 'counter.largeText'), text('zh-Hant', 'staff.corner')].map((name) => getByRole('button', { name }));
    for (const button of [...scoreButtons(), ...others]) {
      expect(button.tagName).toBe('BUTTON');
      expect(button.getAttribute('type')).toBe('button');
      expect((button as HTMLButtonElement).disabled).toBe(false);
      expect(button.tabIndex).toBe(0);
      button.focus();
      expect(document.activeElement).toBe(button);
    }
    const satisfied = getByRole('button', { name: '滿意' });
    satisfied.focus();
    // jsdom does not turn Enter on a focused <button> into a click as browsers do; the click
    // is what the browser dispatches, so it stands in for the key.
    fireEvent.keyDown(satisfied, { key: 'Enter', code: 'Enter' });
    satisfied.click();
    await findByRole('heading', { level: 1, name: text('zh-Hant', 'counter.thanks') });
    expect((await services.db.ratings.toArray()).map((r) => [r.score, r.language])).toEqual([['satisfied', 'zh-Hant']]);
  });

  it('given no server at all, when a teller signs in and a customer rates, then the screen needs no network: the outbox keeps both and no error shows', async () => {
    const { getByRole, findByRole, queryByRole, signIn, services } = await givenCounterTablet();
    await signIn('1002', TELLER_PIN);
    await findByRole('region', { name: 'Carlos Ruiz' });
    fireEvent.click(getByRole('button', { name: LABELS.en.satisfied }));
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    expect(queryByRole('alert')).toBeNull();
    await waitFor(() => expect(getByRole('complementary', { name: text('en', 'status.label') }).textContent).toContain(text('en', 'status.unsynced_other', { count: 2 })));
    expect((await services.db.outbox.toArray()).map((row) => row.kind)).toEqual(['shift', 'rating']);
  });

  it.each<{ language: Language; touched: string }>([
    { language: 'zh-Hant', touched: 'switched to Spanish' },
    { language: 'en', touched: 'switched on large text' },
  ])('given a $language customer who $touched and left without rating, when 30 s pass untouched, then the next customer gets the branch language and normal text', async ({ language, touched }) => {
    const { getByRole, root, services, advance } = await givenCounterTablet({ language, shift: 'open' });
    const largeText = getByRole('button', { name: text(language, 'counter.largeText') });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      if (touched === 'switched to Spanish') fireEvent.click(getByRole('button', { name: 'Español' }));
      fireEvent.click(largeText);
      await waitFor(() => expect(root.classList.contains('large-text')).toBe(true));
      const customerLanguage = services.i18n.language;
      expect(customerLanguage).toBe(touched === 'switched to Spanish' ? 'es' : language);

      await advance(CUSTOMER_IDLE_MS - 10_000);
      fireEvent.pointerDown(document.body);
      await advance(CUSTOMER_IDLE_MS - 1);
      expect([services.i18n.language, root.className]).toEqual([customerLanguage, 'counter large-text']);

      await advance(1);
      await waitFor(() => expect([services.i18n.language, root.className]).toEqual([language, 'counter']));
      expect(getByRole('button', { name: text(language, 'counter.largeText') }).getAttribute('aria-pressed')).toBe('false');
      expect(await services.db.ratings.count()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
