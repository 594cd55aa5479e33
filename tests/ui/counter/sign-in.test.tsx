import { fireEvent, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { LANGUAGES, type Language } from '../../../src/domain/language.ts';
import { PIN_LOCK_MS, PIN_MAX_FAILURES } from '../../../src/domain/pin.ts';
import { getMeta } from '../../../src/store/meta.ts';
import { SECOND_TELLER_ID, TELLER_PIN } from '../../builders/device.ts';
import { BRANCH_ID, COUNTER_ID } from '../../builders/rating.ts';
import { text } from '../helpers.tsx';
import { givenCounterTablet, pluralText } from './given.tsx';

/** What the form says after a wrong staff number or PIN with `left` tries to go. */
const wrongCredentials = (language: Language, left: number) => `${text(language, 'errors.wrong-credentials')} ${pluralText(language, 'signIn.triesLeft', left)}`;

/** The lock message, with the time as the screen formats it. */
const lockedUntil = (language: Language, until: number) =>
  text(language, 'signIn.lockedUntil', { time: new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(until) });

describe('SignInView', () => {
  it.each(LANGUAGES)('given the %s closed screen, when Carlos Ruiz signs in with his staff number and PIN, then the window opens with his card and a signed-in record', async (language) => {
    const { findByRole, getByRole, root, signIn, services } = await givenCounterTablet({ language });

    await signIn('1002', TELLER_PIN);

    const card = await findByRole('region', { name: 'Carlos Ruiz' });
    expect(root.dataset.shift).toBe('open');
    expect([...card.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Carlos Ruiz', text(language, 'teller.staffNumber', { number: '1002' }), '★★★★★']);
    expect(getByRole('img', { name: text(language, 'teller.stars', { count: 5 }) })).toBe(card.querySelector('.teller-stars'));
    expect(card.querySelector('.teller-initials')?.textContent).toBe('CR');
    expect(getByRole('heading', { level: 1 }).textContent).toBe(text(language, 'counter.prompt'));
    const events = await services.db.shiftEvents.toArray();
    expect(events).toEqual([expect.objectContaining({ type: 'signed-in', tellerId: SECOND_TELLER_ID, branchId: BRANCH_ID, counterId: COUNTER_ID })]);
    expect(await getMeta(services.db, 'shift')).toEqual({ state: 'open', tellerId: SECOND_TELLER_ID, signInId: events[0]!.signInId, since: events[0]!.createdAt });
  });

  it.each(LANGUAGES.flatMap((language) => [
    { language, staffNumber: '1001', pin: '1357', wrong: 'a wrong PIN' },
    { language, staffNumber: '9999', pin: TELLER_PIN, wrong: 'an unknown staff number' },
  ]))('given the $language form, when a teller signs in with $wrong, then it says the staff number or PIN is wrong, how many tries are left, and the window stays closed', async ({ language, staffNumber, pin }) => {
    const { getByRole, getByLabelText, root, signIn, services } = await givenCounterTablet({ language });

    await signIn(staffNumber, pin);

    await waitFor(() => expect(getByRole('alert').textContent).toBe(wrongCredentials(language, PIN_MAX_FAILURES - 1)));
    expect((getByLabelText(text(language, 'signIn.pin')) as HTMLInputElement).value).toBe('');
    expect((getByLabelText(text(language, 'signIn.staffNumber')) as HTMLInputElement).value).toBe(staffNumber);
    expect(root.dataset.shift).toBe('closed');
    expect(await services.db.shiftEvents.count()).toBe(0);
    expect(await getMeta(services.db, 'pinAttempts')).toEqual([{ at: expect.any(Number), ok: false }]);
  });

  it.each(LANGUAGES)('given the %s form, when five wrong PINs are entered, then sign-in locks until five minutes after the last, and even the right PIN is refused', async (language) => {
    const { getByRole, getByLabelText, root, signIn, services } = await givenCounterTablet({ language });

    for (let attempt = 1; attempt < PIN_MAX_FAILURES; attempt++) {
      // Alternate the two kinds of wrong: an unknown staff number counts the same as a wrong PIN.
      await signIn(attempt % 2 ? '1001' : '4040', '0000');
      await waitFor(() => expect(getByRole('alert').textContent).toBe(wrongCredentials(language, PIN_MAX_FAILURES - attempt)));
    }
    await signIn('1001', '0000');

    const attempts = await waitFor(async () => {
      const stored = (await getMeta(services.db, 'pinAttempts')) ?? [];
      expect(stored).toHaveLength(PIN_MAX_FAILURES);
      return stored;
    });
    const until = attempts.at(-1)!.at + PIN_LOCK_MS;
    await waitFor(() => expect(getByRole('alert').textContent).toBe(lockedUntil(language, until)));

    await signIn('1001', TELLER_PIN);

    // The form empties the PIN when the answer is in.
    await waitFor(() => expect((getByLabelText(text(language, 'signIn.pin')) as HTMLInputElement).value).toBe(''));
    expect(getByRole('alert').textContent).toBe(lockedUntil(language, until));
    expect(await getMeta(services.db, 'pinAttempts')).toEqual(attempts);
    expect(getByRole('button', { name: text(language, 'signIn.submit') })).toHaveProperty('disabled', false);
    expect(root.dataset.shift).toBe('closed');
    expect(await services.db.shiftEvents.count()).toBe(0);
  });

  // Two attempts made at once by the store are both counted (tests/store/shift.test.ts); on
  // the form, a double tap on Sign in is one submission.
  it('given the form, when a wrong PIN is submitted twice in the same tick, then it is checked once', async () => {
    const { getByRole, getByLabelText, signIn, services } = await givenCounterTablet();
    await signIn('1001', '0000');
    await waitFor(() => expect(getByRole('alert').textContent).toBe(wrongCredentials('en', 4)));
    fireEvent.input(getByLabelText(text('en', 'signIn.pin')), { target: { value: '1111' } });
    const submit = getByRole('button', { name: text('en', 'signIn.submit') });

    submit.click();
    submit.click();

    await waitFor(() => expect((getByLabelText(text('en', 'signIn.pin')) as HTMLInputElement).value).toBe(''));
    await waitFor(async () => expect((await getMeta(services.db, 'pinAttempts'))?.map((a) => a.ok)).toEqual([false, false]));
  });

  it('given a wrong PIN, when the right one follows, then the teller is signed in and the count of failures starts again', async () => {
    const { getByRole, findByRole, signIn, services } = await givenCounterTablet();
    await signIn('1001', '9753');
    await waitFor(() => expect(getByRole('alert').textContent).toBe(wrongCredentials('en', 4)));

    await signIn('1001', TELLER_PIN);

    await findByRole('region', { name: 'Li Mei' });
    expect((await getMeta(services.db, 'pinAttempts'))?.map((a) => a.ok)).toEqual([false, true]);
  });

  it('given the sign-in form, when Cancel is tapped, then the closed screen is back and nothing was recorded', async () => {
    const { getByRole, services } = await givenCounterTablet({ language: 'es' });
    fireEvent.click(getByRole('button', { name: text('es', 'counter.closed.signIn') }));
    await waitFor(() => expect(getByRole('heading', { level: 1 }).textContent).toBe(text('es', 'signIn.title')));

    fireEvent.click(getByRole('button', { name: text('es', 'signIn.cancel') }));

    expect(getByRole('heading', { level: 1 }).textContent).toBe(text('es', 'counter.closed.title'));
    expect(await getMeta(services.db, 'pinAttempts')).toBeUndefined();
  });

  it('given the closed screen, when Enter is pressed on the staff corner, then it opens the sign-in form, not the staff menu', async () => {
    const { getByRole, queryByRole } = await givenCounterTablet();
    fireEvent.keyDown(getByRole('button', { name: text('en', 'staff.corner') }), { key: 'Enter' });
    await waitFor(() => expect(getByRole('heading', { level: 1 }).textContent).toBe(text('en', 'signIn.title')));
    expect(queryByRole('dialog')).toBeNull();
  });
});
