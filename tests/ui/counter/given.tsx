import { act, fireEvent, waitFor } from '@testing-library/preact';
import { vi } from 'vitest';
import type { DeviceConfig } from '../../../src/domain/config.ts';
import type { Language } from '../../../src/domain/language.ts';
import { SCORES, type Score } from '../../../src/domain/rating.ts';
import { createDatabase } from '../../../src/store/db.ts';
import { saveEnrollment } from '../../../src/store/device.ts';
import { CounterScreen } from '../../../src/ui/counter/CounterScreen.tsx';
import { TELLER_PIN } from '../../builders/device.ts';
import { givenOpenCounter } from '../../helpers/counter.ts';
import { anEnrolledDevice, renderWithServices, text, uniqueDbName } from '../helpers.tsx';

// The four buttons of a bank counter evaluator, as the customer reads them: written
// out here rather than read from the locale files, so a wrong translation fails a test.
export const LABELS: Record<Language, Record<Score, string>> = {
  'zh-Hans': { 'very-satisfied': '非常满意', satisfied: '满意', neutral: '一般', dissatisfied: '不满意' },
  'zh-Hant': { 'very-satisfied': '非常滿意', satisfied: '滿意', neutral: '一般', dissatisfied: '不滿意' },
  en: { 'very-satisfied': 'Very satisfied', satisfied: 'Satisfied', neutral: 'Neutral', dissatisfied: 'Dissatisfied' },
  es: { 'very-satisfied': 'Muy satisfecho', satisfied: 'Satisfecho', neutral: 'Regular', dissatisfied: 'Insatisfecho' },
};

/** A plural text (`key_one`, `key_other`) as i18next picks it for `count` in `language`. */
export function pluralText(language: Language, key: string, count: number): string {
  return text(language, `${key}_${new Intl.PluralRules(language).select(count)}`, { count });
}

/**
 * Waits until Preact has run the effects of the last render: it runs them in a timeout after
 * the next frame. CounterScreen closes its forms in an effect when the shift changes, and
 * CustomerFlow arms its timers in effects; a test that acts before they have run races them,
 * which no hand is quick enough to do but a test is. Works with fake timers too.
 */
export async function nextFrame(): Promise<void> {
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  if (vi.isFakeTimers()) await act(async () => void (await vi.advanceTimersByTimeAsync(0)));
  else await new Promise<void>((resolve) => setTimeout(resolve));
}

export interface CounterTabletOptions {
  /** The branch's default language, which the screen starts in. */
  language?: Language;
  config?: Partial<DeviceConfig>;
  /** 'open' sets the shift with givenOpenCounter (Li Mei, no sign-in record); 'closed' by default. */
  shift?: 'closed' | 'open';
}

/**
 * An enrolled counter tablet showing CounterScreen on real services, with the roster of the
 * builders (Li Mei '1001' and Carlos Ruiz '1002', PIN TELLER_PIN). Resolves once the screen
 * shows the shift it was given, with small helpers that act as a teller or a customer would.
 */
export async function givenCounterTablet({ language = 'en', config = {}, shift = 'closed' }: CounterTabletOptions = {}) {
  const device = anEnrolledDevice({ branch: { defaultLanguage: language }, config });
  const db = createDatabase(uniqueDbName());
  if (shift === 'open') await givenOpenCounter(db);
  // After givenOpenCounter: this test's language and configuration win.
  await saveEnrollment(db, device);
  const rendered = renderWithServices(<CounterScreen device={device} />, { language, db });
  const root = await waitFor(() => {
    const element = rendered.container.querySelector<HTMLElement>('.counter');
    if (element?.dataset.shift !== shift) throw new Error(`the counter does not show the ${shift} shift yet`);
    return element;
  });
  await nextFrame();
  const { getByRole, queryAllByRole, findByRole, services } = rendered;
  const current = () => services.i18n.language as Language;

  /** The four faces in the screen's current language, in the order of SCORES. */
  const scoreButtons = () => SCORES.map((score) => getByRole('button', { name: LABELS[current()][score] }));

  /** Every face on screen, whatever its language: none while closed, paused or thanking. */
  const anyScoreButtons = () => [...rendered.container.querySelectorAll('[data-score]'), ...queryAllByRole('button', { name: (name) => Object.values(LABELS).some((l) => Object.values(l).includes(name)) })];

  /** Taps 'Teller sign-in' on the closed screen, fills the form and submits it. */
  async function signIn(staffNumber: string, pin: string) {
    await nextFrame();
    const language = current();
    if (!rendered.queryByLabelText(text(language, 'signIn.staffNumber'))) fireEvent.click(getByRole('button', { name: text(language, 'counter.closed.signIn') }));
    // The form comes with the staff screens' chunk, loaded the first time it is opened.
    fireEvent.input(await rendered.findByLabelText(text(language, 'signIn.staffNumber')), { target: { value: staffNumber } });
    fireEvent.input(rendered.getByLabelText(text(language, 'signIn.pin')), { target: { value: pin } });
    fireEvent.click(getByRole('button', { name: text(language, 'signIn.submit') }));
  }

  /** The kiosk's way out for staff with a keyboard: Enter on the staff corner. */
  async function openStaffMenu() {
    await nextFrame();
    fireEvent.keyDown(getByRole('button', { name: text(current(), 'staff.corner') }), { key: 'Enter' });
    return findByRole('dialog', { name: text(current(), 'staff.title') });
  }

  /** Opens the staff menu and submits `pin`; the test waits for what it expects to follow. */
  async function unlockStaffMenu(pin = TELLER_PIN) {
    const dialog = await openStaffMenu();
    fireEvent.input(rendered.getByLabelText(text(current(), 'staff.pinPrompt')), { target: { value: pin } });
    fireEvent.click(getByRole('button', { name: text(current(), 'staff.unlock') }));
    return dialog;
  }

  /** Opens the staff menu with the right PIN and runs one of its actions. */
  async function staffAction(action: 'staff.pause' | 'staff.resume' | 'staff.signOut') {
    await unlockStaffMenu();
    fireEvent.click(await findByRole('button', { name: text(current(), action) }));
  }

  /** A customer's whole answer: taps `score` and, when asked why, picks `reasons` and taps Done (Skip when none). */
  async function rate(score: Score, reasons: readonly string[] = []) {
    fireEvent.click(getByRole('button', { name: LABELS[current()][score] }));
    if (!asksWhy(score)) return;
    await findByRole('heading', { level: 1, name: text(current(), 'counter.reasons.title') });
    for (const id of reasons) fireEvent.click(rendered.container.querySelector(`[data-reason="${id}"]`)!);
    fireEvent.click(getByRole('button', { name: text(current(), reasons.length ? 'counter.reasons.done' : 'counter.reasons.skip') }));
  }
  const asksWhy = (score: Score) => device.config.reasons.some((r) => (r.scores as readonly string[]).includes(score));

  /** Lets queued timers and the renders they cause run: `ms` of fake setTimeout time. */
  const advance = (ms: number) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));

  return { ...rendered, device, root, scoreButtons, anyScoreButtons, rate, signIn, openStaffMenu, unlockStaffMenu, staffAction, advance };
}
