import { fireEvent, waitFor } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { LANGUAGES } from '../../../src/domain/language.ts';
import { HOLD_MS } from '../../../src/ui/components/StaffCorner.tsx';
import { TELLER_PIN } from '../../builders/device.ts';
import { SIGN_IN_ID, TELLER_ID } from '../../builders/rating.ts';
import { text } from '../helpers.tsx';
import { givenCounterTablet, LABELS } from './given.tsx';

describe('StaffMenu', () => {
  it.each([
    { press: 'held for HOLD_MS', heldMs: HOLD_MS, opens: true },
    { press: 'held for 1 ms less', heldMs: HOLD_MS - 1, opens: false },
    { press: 'tapped', heldMs: 100, opens: false },
  ])('given an open window, when the staff corner is $press, then the staff menu opens: $opens', async ({ heldMs, opens }) => {
    const { getByRole, queryByRole, advance } = await givenCounterTablet({ shift: 'open' });
    const corner = getByRole('button', { name: text('en', 'staff.corner') });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      fireEvent.pointerDown(corner);
      await advance(heldMs);
      fireEvent.pointerUp(corner);
      // Whatever was armed has had time to fire, had the release not cancelled it.
      await advance(HOLD_MS);
    } finally {
      vi.useRealTimers();
    }
    // The menu comes with the staff screens' chunk: it is there once that has loaded, or never.
    if (opens) await waitFor(() => expect(queryByRole('dialog', { name: text('en', 'staff.title') })).not.toBeNull());
    else expect(queryByRole('dialog', { name: text('en', 'staff.title') })).toBeNull();
    // The customer's screen is still there, under the menu or alone.
    expect(getByRole('button', { name: LABELS.en.satisfied })).toBeVisible();
  });

  it('given an open window, when the finger slides off the staff corner before HOLD_MS, then the menu does not open', async () => {
    const { getByRole, queryByRole, advance } = await givenCounterTablet({ shift: 'open' });
    const corner = getByRole('button', { name: text('en', 'staff.corner') });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      fireEvent.pointerDown(corner);
      await advance(HOLD_MS / 2);
      fireEvent.pointerLeave(corner);
      await advance(HOLD_MS);
      expect(queryByRole('dialog')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it.each(LANGUAGES)('given a %s open window, when the staff menu gets a wrong PIN, then it says so and offers no action', async (language) => {
    const { getByRole, queryByRole, unlockStaffMenu, services } = await givenCounterTablet({ language, shift: 'open' });

    const dialog = await unlockStaffMenu('1111');

    await waitFor(() => expect(getByRole('alert').textContent).toBe(text(language, 'errors.wrong-credentials')));
    expect(dialog.querySelector('h1')?.textContent).toBe(text(language, 'staff.title'));
    for (const action of ['staff.pause', 'staff.resume', 'staff.signOut'] as const) expect(queryByRole('button', { name: text(language, action) })).toBeNull();
    expect(await services.db.shiftEvents.count()).toBe(0);
    // A wrong PIN here counts towards the same lockout as at sign-in.
    expect((await services.db.meta.get('pinAttempts'))?.value).toEqual([{ at: expect.any(Number), ok: false }]);
  });

  it.each(LANGUAGES)('given a %s open window, when the staff menu gets the right PIN, then it names the teller and offers pause and sign-out, not resume', async (language) => {
    const { findByText, queryByRole, getByRole, unlockStaffMenu } = await givenCounterTablet({ language, shift: 'open' });

    await unlockStaffMenu(TELLER_PIN);

    await findByText(text(language, 'staff.signedInAs', { name: 'Li Mei', number: '1001' }));
    expect(getByRole('button', { name: text(language, 'staff.pause') })).toHaveProperty('disabled', false);
    expect(getByRole('button', { name: text(language, 'staff.signOut') })).toHaveProperty('disabled', false);
    expect(queryByRole('button', { name: text(language, 'staff.resume') })).toBeNull();
  });

  it('given an unlocked staff menu, when Back is tapped, then the customer screen is back and nothing changed', async () => {
    const { findByRole, getByRole, queryByRole, unlockStaffMenu, root, services } = await givenCounterTablet({ language: 'zh-Hans', shift: 'open' });
    await unlockStaffMenu();

    fireEvent.click(await findByRole('button', { name: text('zh-Hans', 'staff.back') }));

    expect(queryByRole('dialog')).toBeNull();
    expect(root.dataset.shift).toBe('open');
    expect(getByRole('heading', { level: 1 }).textContent).toBe(text('zh-Hans', 'counter.prompt'));
    expect(await services.db.shiftEvents.count()).toBe(0);
  });

  it.each(LANGUAGES)('given a %s teller signed in through the form, when they sign out from the staff menu, then the window is closed and the sign-in and sign-out are recorded', async (language) => {
    const { findByRole, anyScoreButtons, signIn, staffAction, root, services } = await givenCounterTablet({ language });
    await signIn('1001', TELLER_PIN);
    await findByRole('region', { name: 'Li Mei' });

    await staffAction('staff.signOut');

    await findByRole('heading', { level: 1, name: text(language, 'counter.closed.title') });
    expect(root.dataset.shift).toBe('closed');
    expect(anyScoreButtons()).toEqual([]);
    const events = await services.db.shiftEvents.toArray();
    expect(events.map((e) => [e.type, e.tellerId])).toEqual([
      ['signed-in', TELLER_ID],
      ['signed-out', TELLER_ID],
    ]);
    expect(events[1]!.signInId).toBe(events[0]!.signInId);
    expect((await services.db.outbox.toArray()).map((row) => row.recordId)).toEqual(events.map((e) => e.id));
    expect(await services.db.meta.get('shift')).toEqual({ key: 'shift', value: { state: 'closed' } });
  });

  it('given a paused window, when the teller signs out from the staff menu, then the window is closed and the sign-out belongs to the same sign-in', async () => {
    const { findByRole, staffAction, services } = await givenCounterTablet({ language: 'es', shift: 'open' });
    await staffAction('staff.pause');
    await findByRole('heading', { level: 1, name: text('es', 'counter.paused.title') });

    await staffAction('staff.signOut');

    await findByRole('heading', { level: 1, name: text('es', 'counter.closed.title') });
    expect((await services.db.shiftEvents.toArray()).map((e) => [e.type, e.signInId])).toEqual([
      ['paused', SIGN_IN_ID],
      ['signed-out', SIGN_IN_ID],
    ]);
  });
});
