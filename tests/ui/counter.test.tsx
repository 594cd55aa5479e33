import { fireEvent, waitFor } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { LANGUAGES, type Language } from '../../src/domain/language.ts';
import { SCORES, type Score } from '../../src/domain/rating.ts';
import { saveEnrollment, type EnrolledDevice } from '../../src/store/device.ts';
import { CounterScreen } from '../../src/ui/counter/CounterScreen.tsx';
import { BRANCH_ID, COUNTER_ID } from '../builders/rating.ts';
import { anEnrolledDevice, renderWithServices, text } from './helpers.tsx';

// The four buttons of a bank counter evaluator (DOMAIN.md), as the customer reads them.
const LABELS: Record<Language, Record<Score, string>> = {
  'zh-Hans': { 'very-satisfied': '非常满意', satisfied: '满意', neutral: '一般', dissatisfied: '不满意' },
  'zh-Hant': { 'very-satisfied': '非常滿意', satisfied: '滿意', neutral: '一般', dissatisfied: '不滿意' },
  en: { 'very-satisfied': 'Very satisfied', satisfied: 'Satisfied', neutral: 'Neutral', dissatisfied: 'Dissatisfied' },
  es: { 'very-satisfied': 'Muy satisfecho', satisfied: 'Satisfecho', neutral: 'Regular', dissatisfied: 'Insatisfecho' },
};

// Each branch language, with the language the customer switches to and the face they tap:
// every language is both a default and a customer's choice, and every score is tapped once.
const CASES = LANGUAGES.map((branchLanguage, i) => ({
  branchLanguage,
  customerLanguage: LANGUAGES[(i + 1) % LANGUAGES.length]!,
  score: SCORES[i]!,
}));

async function givenCounterTablet(branchLanguage: Language = 'en') {
  const device = anEnrolledDevice({ branch: { defaultLanguage: branchLanguage } });
  const rendered = renderWithServices(<CounterScreen device={device} />, { language: branchLanguage });
  await saveEnrollment(rendered.services.db, device);
  return { ...rendered, device };
}

function scoreButtons(getByRole: (role: string, options: { name: string }) => HTMLElement, language: Language) {
  return SCORES.map((score) => getByRole('button', { name: LABELS[language][score] }));
}

async function storedRows(device: EnrolledDevice, db: ReturnType<typeof renderWithServices>['services']['db']) {
  const [ratings, outbox] = await Promise.all([db.ratings.toArray(), db.outbox.toArray()]);
  expect(ratings.every((r) => r.branchId === device.config.branch.id && r.counterId === device.config.counter?.id)).toBe(true);
  return { ratings, outbox };
}

describe('CounterScreen', () => {
  it.each(CASES)(
    'given a $branchLanguage branch, when a customer switches to $customerLanguage and taps $score, then one rating in $customerLanguage is saved, thanks show, and the screen returns in $branchLanguage',
    async ({ branchLanguage, customerLanguage, score }) => {
      const { getByRole, findByRole, queryByRole, services, device } = await givenCounterTablet(branchLanguage);

      expect(scoreButtons(getByRole, branchLanguage).map((b) => b.textContent)).toEqual(SCORES.map((s) => LABELS[branchLanguage][s]));
      expect(getByRole('heading', { level: 1 }).textContent).toBe(text(branchLanguage, 'counter.prompt'));

      fireEvent.click(getByRole('button', { name: text(branchLanguage, `language.names.${customerLanguage}`) }));
      await findByRole('heading', { level: 1, name: text(customerLanguage, 'counter.prompt') });
      expect(scoreButtons(getByRole, customerLanguage).map((b) => b.dataset.score)).toEqual([...SCORES]);

      fireEvent.click(getByRole('button', { name: LABELS[customerLanguage][score] }));

      await findByRole('heading', { level: 1, name: text(customerLanguage, 'counter.thanks') });
      expect(getByRole('status').textContent).toBe(text(customerLanguage, 'counter.thanks') + text(customerLanguage, 'counter.thanksDetail'));
      expect(queryByRole('button', { name: LABELS[customerLanguage][score] })).toBeNull();
      const { ratings, outbox } = await storedRows(device, services.db);
      expect(ratings).toEqual([expect.objectContaining({ kind: 'rating', score, language: customerLanguage, branchId: BRANCH_ID, counterId: COUNTER_ID, reasons: [] })]);
      expect(outbox).toEqual([expect.objectContaining({ recordId: ratings[0]!.id, kind: 'rating', record: ratings[0] })]);

      // Back by itself after the cooldown, in the branch's language for the next customer.
      await findByRole('heading', { level: 1, name: text(branchLanguage, 'counter.prompt') }, { timeout: 2000 });
      expect(scoreButtons(getByRole, branchLanguage)).toHaveLength(4);
      expect(services.i18n.language).toBe(branchLanguage);
      expect(getByRole('button', { name: text(branchLanguage, `language.names.${branchLanguage}`) }).getAttribute('aria-pressed')).toBe('true');
      expect(await services.db.ratings.count()).toBe(1);
    },
  );

  it.each(LANGUAGES)('given a %s branch and no switch, when a customer taps, then the rating is in the branch language', async (language) => {
    const { getByRole, findByRole, services, device } = await givenCounterTablet(language);
    fireEvent.click(getByRole('button', { name: LABELS[language].satisfied }));
    await findByRole('heading', { level: 1, name: text(language, 'counter.thanks') });
    const { ratings, outbox } = await storedRows(device, services.db);
    expect(ratings.map((r) => [r.score, r.language])).toEqual([['satisfied', language]]);
    expect(outbox).toHaveLength(1);
  });

  it.each([
    { taps: 'the same face twice', second: 'very-satisfied' as const },
    { taps: 'two different faces', second: 'dissatisfied' as const },
  ])('given the ready screen, when a customer taps $taps in the same tick, then exactly one rating is saved', async ({ second }) => {
    const { getByRole, findByRole, services, device } = await givenCounterTablet();
    const first = getByRole('button', { name: LABELS.en['very-satisfied'] });
    const other = getByRole('button', { name: LABELS.en[second] });
    first.click();
    other.click();
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    // Wait for the buttons to come back, so that a second write, had one started, has landed.
    await findByRole('button', { name: LABELS.en.neutral }, { timeout: 2000 });
    const { ratings, outbox } = await storedRows(device, services.db);
    expect(ratings.map((r) => r.score)).toEqual(['very-satisfied']);
    expect(outbox).toHaveLength(1);
  });

  it('given the ready screen, then the faces are focusable <button>s named by their label, and a keyboard activation saves a rating', async () => {
    const { getByRole, findByRole, services } = await givenCounterTablet('zh-Hant');
    for (const button of scoreButtons(getByRole, 'zh-Hant')) {
      expect(button.tagName).toBe('BUTTON');
      expect(button.getAttribute('type')).toBe('button');
      expect((button as HTMLButtonElement).disabled).toBe(false);
      expect(button.tabIndex).toBe(0);
      button.focus();
      expect(document.activeElement).toBe(button);
    }
    const neutral = getByRole('button', { name: '一般' });
    neutral.focus();
    // jsdom does not turn Enter on a focused <button> into a click as browsers do; the click
    // is what the browser dispatches, so it stands in for the key.
    fireEvent.keyDown(neutral, { key: 'Enter', code: 'Enter' });
    neutral.click();
    await findByRole('heading', { level: 1, name: text('zh-Hant', 'counter.thanks') });
    expect((await services.db.ratings.toArray()).map((r) => [r.score, r.language])).toEqual([['neutral', 'zh-Hant']]);
  });

  it('given no server at all, when ratings are saved, then the screen needs no network: the outbox keeps them and no error shows', async () => {
    const { getByRole, findByRole, queryByRole, services } = await givenCounterTablet();
    fireEvent.click(getByRole('button', { name: LABELS.en.satisfied }));
    await findByRole('heading', { level: 1, name: text('en', 'counter.thanks') });
    expect(queryByRole('alert')).toBeNull();
    await waitFor(() => expect(getByRole('complementary', { name: text('en', 'status.label') }).textContent).toContain(text('en', 'status.unsynced_one', { count: 1 })));
    expect(await services.db.outbox.count()).toBe(1);
  });

  it('given a customer who switched language and left without rating, when 30 s pass untouched, then the next customer gets the branch language', async () => {
    const { getByRole, services } = await givenCounterTablet('zh-Hant');
    fireEvent.click(getByRole('button', { name: '繁體中文' }));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      fireEvent.click(getByRole('button', { name: 'Español' }));
      await waitFor(() => expect(services.i18n.language).toBe('es'));
      vi.advanceTimersByTime(20_000);
      fireEvent.pointerDown(document.body);
      vi.advanceTimersByTime(20_000);
      expect(services.i18n.language).toBe('es');
      vi.advanceTimersByTime(10_000);
      await waitFor(() => expect(services.i18n.language).toBe('zh-Hant'));
      expect(await services.db.ratings.count()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
