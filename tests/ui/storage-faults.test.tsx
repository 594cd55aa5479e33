import { fireEvent, waitFor, within } from '@testing-library/preact';
import Dexie from 'dexie';
import { describe, expect, it, vi } from 'vitest';
import { LANGUAGES } from '../../src/domain/language.ts';
import { createDatabase } from '../../src/store/db.ts';
import { forgetEnrollment, saveEnrollment } from '../../src/store/device.ts';
import { rememberEnrollment } from '../../src/store/enrollment-marker.ts';
import { App } from '../../src/ui/App.tsx';
import { StatusCorner } from '../../src/ui/components/StatusCorner.tsx';
import { SetupScreen } from '../../src/ui/setup/SetupScreen.tsx';
import { UpgradedNotice } from '../../src/ui/UpgradedNotice.tsx';
import { anEnrolledLobby } from '../builders/device.ts';
import { givenOpenCounter, givenRatings } from '../helpers/counter.ts';
import { givenCounterTablet } from './counter/given.tsx';
import { anEnrolledDevice, renderWithServices, text, uniqueDbName } from './helpers.tsx';

// What staff are told when the tablet's storage fails it (docs/decisions/0013-tablet-storage-faults.md). In Chromium, end to end:
// tests/e2e/tablet-faults.test.ts; here, every language.
describe('the status corner and a full storage', () => {
  it.each(LANGUAGES)('given %s, when a write is refused for lack of space, then the corner says the storage is full, and the warning goes once a write fits', async (language) => {
    const { findByTestId, queryByTestId, services } = renderWithServices(<StatusCorner />, { language });
    await givenOpenCounter(services.db);

    services.db.storagePressure.refused();

    expect((await findByTestId('storage-full')).textContent).toBe(text(language, 'faults.storageFull'));
    services.db.storagePressure.relieved();
    await waitFor(() => expect(queryByTestId('storage-full')).toBeNull());
  });
});

describe("the counter's staff menu when a write fails", () => {
  it.each(LANGUAGES)('given %s and an unlocked staff menu, when the storage is full and the teller pauses, then the menu says the storage is full and the window stays open', async (language) => {
    const { findByRole, services, unlockStaffMenu } = await givenCounterTablet({ language, shift: 'open' });
    const dialog = await unlockStaffMenu();
    const pause = await findByRole('button', { name: text(language, 'staff.pause') });
    services.db.outbox.hook('creating', () => {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });

    fireEvent.click(pause);

    await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toBe(text(language, 'errors.storage-full')));
    expect(services.db.storagePressure.full).toBe(true);
    expect(await services.db.shiftEvents.count()).toBe(0);
    expect((await services.db.meta.get('shift'))?.value).toMatchObject({ state: 'open' });
  });

  it('given an unlocked staff menu, when signing out fails for another reason than space, then the menu says something went wrong and the window stays open', async () => {
    const { findByRole, services, unlockStaffMenu } = await givenCounterTablet({ language: 'es', shift: 'open' });
    const dialog = await unlockStaffMenu();
    const signOut = await findByRole('button', { name: text('es', 'staff.signOut') });
    services.db.outbox.hook('creating', () => {
      throw new Error('disk said no');
    });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    try {
      fireEvent.click(signOut);
      await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toBe(text('es', 'errors.unknown')));
      expect(quiet).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('disk said no') }));
    } finally {
      quiet.mockRestore();
    }
    expect((await services.db.meta.get('shift'))?.value).toMatchObject({ state: 'open' });
  });
});

describe('the setup screen of a tablet that was enrolled before', () => {
  it.each(LANGUAGES)('given %s and a counter tablet whose database the browser deleted, then it says the tablet must be enrolled again, and for which counter', async (language) => {
    rememberEnrollment(anEnrolledDevice());
    const { findByTestId, getByRole } = renderWithServices(<SetupScreen onEnrolling={() => undefined} onStarted={() => undefined} />, { language });

    const place = text(language, 'faults.place.counter', { counter: 'Counter 3', branch: 'Central Branch' });
    expect((await findByTestId('setup-lost')).textContent).toBe(text(language, 'faults.lost.detail', { place }));
    expect(getByRole('heading', { level: 1 }).textContent).toBe(text(language, 'faults.lost.title'));
    expect(getByRole('button', { name: text(language, 'setup.submit') })).toHaveProperty('disabled', false);
  });

  it('given a lobby tablet whose database the browser deleted, then the place is the lobby of its branch', async () => {
    rememberEnrollment(anEnrolledLobby());
    const { findByTestId } = renderWithServices(<SetupScreen onEnrolling={() => undefined} onStarted={() => undefined} />, { language: 'zh-Hant' });
    expect((await findByTestId('setup-lost')).textContent).toContain('Central Branch大堂');
  });

  it.each(LANGUAGES)('given %s and a revoked tablet whose enrollment staff forgot with three ratings waiting, then it says they will be sent once enrolled again at its counter, and no loss', async (language) => {
    // What the tablet holds when the app turns to the setup screen.
    const db = createDatabase(uniqueDbName());
    await givenOpenCounter(db);
    await givenRatings(db, 3);
    await forgetEnrollment(db);
    const { findByTestId, queryByTestId, getByRole } = renderWithServices(<SetupScreen onEnrolling={() => undefined} onStarted={() => undefined} />, { language, db });

    const place = text(language, 'faults.place.counter', { counter: 'Counter 3', branch: 'Central Branch' });
    expect((await findByTestId('setup-pending')).textContent).toBe(text(language, 'faults.pending_other', { count: 3, place }));
    expect(queryByTestId('setup-lost')).toBeNull();
    expect(getByRole('heading', { level: 1 }).textContent).toBe(text(language, 'setup.title'));
  });

  it('given a browser never enrolled, then the setup screen is the plain one', async () => {
    const { findByRole, queryByTestId } = renderWithServices(<SetupScreen onEnrolling={() => undefined} onStarted={() => undefined} />);
    expect((await findByRole('heading', { level: 1 })).textContent).toBe(text('en', 'setup.title'));
    expect(queryByTestId('setup-lost')).toBeNull();
    expect(queryByTestId('setup-pending')).toBeNull();
  });
});

describe('the app when its database goes away', () => {
  it('given an open counter, when another connection deletes the database, then the app shows that the tablet must be enrolled again', async () => {
    const name = uniqueDbName();
    const { findByTestId, services, container } = renderWithServices(<App />, { db: createDatabase(name) });
    await givenOpenCounter(services.db);
    await waitFor(() => expect(container.querySelector('[data-screen="counter-ready"]')).not.toBeNull());

    await Dexie.delete(name);

    expect((await findByTestId('setup-lost')).textContent).toContain('Counter 3');
  });

  it('given an open counter, when a newer version opens the database at a higher version, then the app says so instead of going on', async () => {
    const name = uniqueDbName();
    const { findByRole, services, container } = renderWithServices(<App />, { db: createDatabase(name) });
    await saveEnrollment(services.db, anEnrolledDevice());
    await waitFor(() => expect(container.querySelector('[data-screen="counter-closed"]')).not.toBeNull());

    const next = new Dexie(name);
    next.version(services.db.verno + 1).stores({ nextVersion: 'id' });
    await next.open();
    next.close();

    expect((await findByRole('heading', { level: 1 })).textContent).toBe(text('en', 'faults.upgraded.title'));
  });

  it('given the notice of an upgrade, then it restarts by itself, and a second upgrade soon after waits for staff to restart', async () => {
    vi.useFakeTimers();
    try {
      sessionStorage.clear();
      const reload = vi.fn();
      const first = renderWithServices(<UpgradedNotice reload={reload} />);
      await vi.advanceTimersByTimeAsync(1500);
      expect(reload).toHaveBeenCalledTimes(1);
      first.unmount();

      const again = renderWithServices(<UpgradedNotice reload={reload} />);
      await vi.advanceTimersByTimeAsync(5000);
      expect(reload).toHaveBeenCalledTimes(1);
      fireEvent.click(again.getByRole('button', { name: text('en', 'faults.upgraded.reload') }));
      expect(reload).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
      sessionStorage.clear();
    }
  });
});
