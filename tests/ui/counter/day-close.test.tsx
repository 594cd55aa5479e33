import { screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DayCloseStatus } from '../../../src/domain/day-close.ts';
import type { Language } from '../../../src/domain/language.ts';
import { aCaseRoster, anEnrolledDevice, aTeller, MANAGER_PIN, SECOND_TELLER_ID, TELLER_PIN } from '../../builders/device.ts';
import { aCloseDevice, aDayCloseStatus } from '../../builders/day-close.ts';
import { givenRatings } from '../../helpers/counter.ts';
import { aBranchNetwork } from '../branch-network.ts';
import { text } from '../helpers.tsx';
import { givenCounterTablet, nextFrame, pluralText } from './given.tsx';

/** Today at hh:mm on the tablet's clock: the report's times are shown without a date then. */
const todayAt = (hours: number, minutes: number) => new Date().setHours(hours, minutes, 0, 0);
const clock = (at: number, language: Language) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(at);

const THIS_TABLET = anEnrolledDevice().identity.deviceId;
const COUNTER_2 = '0190a0b0-0000-7000-8000-0000000000c2';
const LOBBY = '0190a0b0-0000-7000-8000-0000000000c3';
const since = todayAt(17, 31);

/** The branch at 17:31: this tablet just synced, Counter 2 went quiet at 09:40, the lobby has 3 records waiting since 14:02. */
function theBranchAtClose(counter2 = aCloseDevice(since, { id: COUNTER_2, counterName: 'Counter 2', lastSeenAt: todayAt(9, 40) })): DayCloseStatus {
  return aDayCloseStatus(since, [
    aCloseDevice(since, { id: THIS_TABLET, lastSeenAt: since }),
    counter2,
    aCloseDevice(since, { id: LOBBY, mode: 'lobby', counterId: null, counterName: null, lastSeenAt: todayAt(16, 10), outboxDepth: 3, oldestUnsyncedAt: todayAt(14, 2) }),
  ]);
}

/**
 * A counter tablet whose roster has the builders' two tellers and the complaint handlers (2001
 * lobby staff, 2002 complaint manager, 2003 branch manager), driven by keyboard: Tab to a
 * control, Enter to press it, keys to type.
 */
async function givenCounterWithManagers(options: { language?: Language; shift?: 'open' | 'closed' } = {}) {
  const language = options.language ?? 'en';
  const tablet = await givenCounterTablet({ language, shift: options.shift ?? 'open', config: { tellers: [aTeller(), aTeller({ id: SECOND_TELLER_ID, staffNumber: '1002', name: 'Carlos Ruiz' }), ...aCaseRoster()] } });
  const user = userEvent.setup();
  const t = (key: string, values?: Record<string, string | number>) => text(language, key, values);

  async function tabTo(target: HTMLElement) {
    for (let i = 0; i < 60 && document.activeElement !== target; i++) await user.tab();
    expect(document.activeElement, `the keyboard never reached ${target.textContent || target.getAttribute('aria-label') || target.id}`).toBe(target);
  }
  async function press(name: string) {
    await tabTo(await screen.findByRole('button', { name }));
    await user.keyboard('{Enter}');
    await nextFrame();
  }
  async function type(label: string, value: string) {
    await tabTo(screen.getByLabelText(label, { selector: 'input' }));
    await user.keyboard(value);
  }
  /** The teller opens the staff menu with their PIN and picks "Close day". */
  async function openCloseDay() {
    await press(t('staff.corner'));
    await screen.findByRole('dialog', { name: t('staff.title') });
    await type(t('staff.pinPrompt'), TELLER_PIN);
    await press(t('staff.unlock'));
    await press(t('staff.closeDay'));
    await screen.findByRole('heading', { level: 1, name: t('dayClose.title') });
  }
  /** Staff number and PIN in the day close's own form (a manager's PIN for 2002 and 2003 unless given). */
  async function closeAs(staffNumber: string, pin = staffNumber === '2002' || staffNumber === '2003' ? MANAGER_PIN : TELLER_PIN) {
    await type(t('signIn.staffNumber'), staffNumber);
    await type(t('signIn.pin'), pin);
    await press(t('dayClose.action'));
  }
  const deviceLines = () =>
    within(screen.getByRole('list', { name: t('dayClose.devices') }))
      .getAllByRole('listitem')
      .map((li) => `${li.querySelector('.device-name')?.textContent} — ${li.querySelector('.device-state')?.textContent}`);
  return { ...tablet, user, t, press, type, openCloseDay, closeAs, deviceLines };
}

describe('Close day on a counter tablet', () => {
  it('given an open window with a rating not yet sent, when the teller opens the staff menu and the branch manager closes the day, then the tablet syncs first and the report lists the gaps first; "Sync again" shows Counter 2 synced; "Done" returns to the customer', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const network = aBranchNetwork(async (close) => {
      if (close === 1) {
        await held;
        return theBranchAtClose();
      }
      return theBranchAtClose(aCloseDevice(since, { id: COUNTER_2, counterName: 'Counter 2', lastSeenAt: todayAt(17, 36) }));
    });
    const { services, t, press, openCloseDay, closeAs, deviceLines } = await givenCounterWithManagers();
    services.http.fetch = network.fetch;
    await givenRatings(services.db, 1);

    await openCloseDay();
    expect(screen.getByText(t('dayClose.managerPrompt'))).toBeVisible();
    await closeAs('2003');

    // While the server has not answered: "Syncing…" in the live region, nothing to press again yet.
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(t('dayClose.syncing')));
    expect(screen.getByRole('button', { name: t('dayClose.syncAgain') }).hasAttribute('disabled')).toBe(true);
    release();

    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(pluralText('en', 'dayClose.gaps', 2)));
    expect(network.signIns).toEqual(['1001', '2003']);
    expect(network.calls.map((c) => c.path)).toEqual(['/api/sync/push', '/api/day-close']);
    // Who closes is the server's word: the manager's session, not a name in the body.
    expect(network.calls[1]).toMatchObject({ body: {}, staffSession: expect.stringMatching(/^[0-9a-f-]{36}\.k{43}$/) });
    expect(screen.getByTestId('day-close-tablet').textContent).toBe(`${pluralText('en', 'dayClose.tablet.pushed', 1)} ${t('dayClose.tablet.allSent')}`);
    expect(screen.getByText(t('dayClose.startedByChecked', { time: clock(since, 'en'), name: 'Chen Wei' }))).toBeVisible();
    expect(deviceLines()).toEqual([
      `${t('dayClose.lobbyTablet')} — ${t('dayClose.state.waitingSince_other', { count: 3, oldest: clock(todayAt(14, 2), 'en'), seen: clock(todayAt(16, 10), 'en') })}`,
      `Counter 2 — ${t('dayClose.state.notHeard', { time: clock(todayAt(9, 40), 'en') })}`,
      `Counter 3 ${t('dayClose.thisTablet')} — ${t('dayClose.state.synced', { time: clock(since, 'en') })}`,
    ]);
    expect(await services.db.outbox.count()).toBe(0);

    await press(t('dayClose.syncAgain'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(pluralText('en', 'dayClose.gaps', 1)));
    expect(deviceLines().slice(1)).toEqual([
      `Counter 2 — ${t('dayClose.state.synced', { time: clock(todayAt(17, 36), 'en') })}`,
      `Counter 3 ${t('dayClose.thisTablet')} — ${t('dayClose.state.synced', { time: clock(since, 'en') })}`,
    ]);
    expect(network.calls.map((c) => c.path)).toEqual(['/api/sync/push', '/api/day-close', '/api/sync/push', '/api/day-close']);

    await press(t('dayClose.done'));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(t('counter.prompt'));
  });

  it('given the teller signed in, when a teller (not a manager) enters their own staff number and PIN, then the close is refused with the reason and nothing is asked of the server', async () => {
    const network = aBranchNetwork(() => theBranchAtClose());
    const { services, t, openCloseDay, closeAs } = await givenCounterWithManagers();
    services.http.fetch = network.fetch;

    await openCloseDay();
    await closeAs('1002');

    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(t('errors.day-close-role')));
    expect(screen.queryByRole('status')).toBeNull();
    expect(network.calls).toEqual([]);
  });

  it('given a manager mistypes the PIN, then it counts towards the same lockout as the sign-in', async () => {
    const { services, t, openCloseDay, closeAs } = await givenCounterWithManagers();

    await openCloseDay();
    await closeAs('2002', '0000');

    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(`${t('errors.wrong-credentials')} ${pluralText('en', 'signIn.triesLeft', 4)}`));
    // The teller's PIN that opened the menu, then the manager's wrong one.
    expect((await services.db.meta.get('pinAttempts'))?.value).toEqual([{ at: expect.any(Number), ok: true }, { at: expect.any(Number), ok: false }]);
  });

  it('given no network, when the complaint manager signs in to close the day, then the tablet cannot have the server check them and says the close waits for the network; nothing is closed', async () => {
    const { services, t, openCloseDay, closeAs } = await givenCounterWithManagers({ language: 'es' });
    await givenRatings(services.db, 2, { start: todayAt(14, 2) });

    await openCloseDay();
    await closeAs('2002');

    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(t('errors.needs-server')));
    expect(screen.queryByRole('status')).toBeNull();
    expect(await services.db.outbox.count()).toBe(2);
  });

  it('given a closed window at the end of the day, then "close day" is behind the staff corner, next to the teller sign-in', async () => {
    const network = aBranchNetwork(() => theBranchAtClose());
    const { services, t, press, closeAs } = await givenCounterWithManagers({ language: 'zh-Hant', shift: 'closed' });
    services.http.fetch = network.fetch;

    await press(t('staff.corner'));
    await press(t('staff.closeDay'));
    await closeAs('2003');

    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(pluralText('zh-Hant', 'dayClose.gaps', 2)));
    await press(t('dayClose.done'));
    await screen.findByRole('heading', { level: 1, name: t('counter.closed.title') });
    expect(network.calls.at(-1)).toMatchObject({ path: '/api/day-close', body: {}, staffSession: expect.any(String) });
    expect(network.signIns).toEqual(['2003']);
  });

  it('given the server does not have the manager on its roster, then the screen says so by name', async () => {
    const network = aBranchNetwork(() => ({ status: 403, error: { code: 'forbidden', message: 'role: not a branch manager' } }));
    const { services, t, openCloseDay, closeAs } = await givenCounterWithManagers({ language: 'zh-Hans' });
    services.http.fetch = network.fetch;

    await openCloseDay();
    await closeAs('2003');

    await screen.findByText(t('dayClose.failed.forbidden', { name: 'Chen Wei', number: '2003' }));
    expect(screen.getByTestId('day-close-tablet').textContent).toBe(t('dayClose.tablet.allSent'));
  });
});

