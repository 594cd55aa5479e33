import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { aCloseDevice, aDayCloseStatus } from '../../builders/day-close.ts';
import { anEnrolledLobby } from '../../builders/device.ts';
import { aBranchNetwork } from '../branch-network.ts';
import { pluralText } from '../counter/given.tsx';
import { givenStaffTablet } from './given.tsx';

const todayAt = (hours: number, minutes: number) => new Date().setHours(hours, minutes, 0, 0);
const since = todayAt(17, 31);
const THIS_TABLET = anEnrolledLobby().identity.deviceId;
const COUNTER_1 = '0190a0b0-0000-7000-8000-0000000000c1';

describe('Staff mode: close day', () => {
  it.each([
    { who: 'lobby staff', staffNumber: '2001', offered: false },
    { who: 'the complaint manager', staffNumber: '2002', offered: true },
    { who: 'the branch manager', staffNumber: '2003', offered: true },
  ])('given $who signed in, then "close day" is offered: $offered', async ({ staffNumber, offered }) => {
    const { signIn, t } = await givenStaffTablet();
    await signIn(staffNumber);
    expect(screen.queryByRole('button', { name: t('cases.nav.closeDay') }) !== null).toBe(offered);
  });

  it('given the branch manager in Traditional Chinese, when they close the day, then this tablet syncs, Counter 1 is named as not heard from, "sync again" shows it synced and "done" returns to the cases', async () => {
    const counter1 = (lastSeenAt: number) => aCloseDevice(since, { id: COUNTER_1, counterName: 'Counter 1', lastSeenAt });
    const lobby = aCloseDevice(since, { id: THIS_TABLET, mode: 'lobby', counterId: null, counterName: null, lastSeenAt: since });
    const network = aBranchNetwork((close) => aDayCloseStatus(since, [lobby, counter1(close === 1 ? todayAt(9, 40) : todayAt(17, 40))]));
    const { signIn, press, t, services, outboxTypes } = await givenStaffTablet({ language: 'zh-Hant' });
    services.http.fetch = network.fetch;
    await signIn('2003');

    await press(t('cases.nav.closeDay'));

    // The live region of the day close, not the status corner's.
    const outcome = () => within(screen.getByRole('region', { name: t('dayClose.title') })).getByRole('status').textContent;
    await waitFor(() => expect(outcome()).toBe(pluralText('zh-Hant', 'dayClose.gaps', 1)));
    const devices = () => within(screen.getByRole('list', { name: t('dayClose.devices') })).getAllByRole('listitem');
    expect(devices().map((li) => li.dataset.state)).toEqual(['not-heard', 'synced']);
    expect(devices()[0]!.classList.contains('gap')).toBe(true);
    expect(devices()[1]!.textContent).toContain(t('dayClose.thisTablet'));
    // Who closes is the branch manager's session, checked by the server, not a name the tablet sends.
    expect(network.calls.filter((c) => c.path === '/api/day-close').map((c) => [c.body, typeof c.staffSession])).toEqual([[{}, 'string']]);
    expect(network.signIns).toEqual(['2003']);

    await press(t('dayClose.syncAgain'));
    await waitFor(() => expect(outcome()).toBe(t('dayClose.allSynced')));
    expect(devices().map((li) => li.dataset.state)).toEqual(['synced', 'synced']);

    await press(t('dayClose.done'));
    await screen.findByRole('heading', { name: t('cases.list.title') });
    expect(await outboxTypes()).toEqual([]);
  });
});
