import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { findDevice, revokeDevice } from '../../../src/server/repositories/devices.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { givenRosterAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

// A real server, scrypt at sign-in and a keyboard walk through the page: more than the default 5 s on a shared 2-core machine.
describe("managing a branch's tablets on the Devices page, against the real server", { timeout: 30_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road: tablets at Window 1 and Window 2 and in the lobby; its manager signs in on the Devices page. */
  async function given() {
    const [harbour] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    const manager = await findTeller(database.current.db, harbour.staff['branch-manager']);
    await givenRosterAccount(database.current, manager!);
    const server = await startDashboardServer(database.current);
    const dashboard = await givenDashboard(server, { path: '/dashboard/fleet' });
    await dashboard.signIn(manager!.staffNumber);
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.fleet.title') });
    return { harbour, dashboard, table };
  }

  it('given a counter tablet, when the manager labels it and moves it to Window 2, then the dialog warns of the move, the server has both and the row shows them', async () => {
    const { harbour, dashboard, table } = await given();
    const window1 = harbour.counters[0];

    await dashboard.press(dashboard.t('dashboard.tablets.editNamed', { device: 'Window 1' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.tablets.editTitle', { device: 'Window 1' }) });
    await dashboard.type(dashboard.t('dashboard.tablets.label'), '  By the door  ');
    await waitFor(() => expect(within(dialog).getByLabelText(dashboard.t('dashboard.tablets.counter'))).toBeTruthy());
    expect(dialog.textContent).not.toContain(dashboard.t('dashboard.tablets.moveWarning'));
    await dashboard.choose(dashboard.t('dashboard.tablets.counter'), harbour.counterNames[1]);
    expect(dialog.textContent).toContain(dashboard.t('dashboard.tablets.moveWarning'));
    await dashboard.press(dashboard.t('dashboard.tablets.save'));

    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(dashboard.t('dashboard.tablets.saved', { device: harbour.counterNames[1] })));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await findDevice(database.current.db, window1.id)).toMatchObject({ placeLabel: 'By the door', counterId: harbour.counterIds[1] });
    await waitFor(() => expect(within(table).getAllByRole('rowheader').some((h) => h.textContent?.includes('By the door'))).toBe(true));
  });

  it('given the lobby tablet, when the manager asks for its replacement, then the dialog asks staff to let it sync first and the page shows a one-time link and its QR code', async () => {
    const { harbour, dashboard } = await given();
    const lobby = dashboard.t('dashboard.fleet.lobby');

    await dashboard.press(dashboard.t('dashboard.tablets.replaceNamed', { device: lobby }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.tablets.replaceTitle', { device: lobby }) });
    expect(dialog.textContent).toContain(dashboard.t('dashboard.tablets.replaceSyncFirst'));
    await dashboard.press(dashboard.t('dashboard.tablets.replaceConfirm'));

    const shown = await screen.findByTestId('tablet-replacement');
    const code = within(shown).getByText(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/).textContent!;
    expect(within(shown).getByRole('link').getAttribute('href')).toMatch(new RegExp(`/#enroll=${code}$`));
    expect(within(shown).getByRole('img', { name: dashboard.t('dashboard.tablets.replacementQrAlt', { place: dashboard.t('dashboard.tablets.lobby') }) })).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(within(shown).getByRole('heading', { level: 2 })));
    const codes = await database.current.db.selectFrom('enrollment_codes').select(['mode', 'replaces_device_id']).where('replaces_device_id', 'is not', null).execute();
    expect(codes).toEqual([{ mode: 'lobby', replaces_device_id: harbour.lobby.id }]);
    // Not revoked until the new tablet enrolls.
    expect(await findDevice(database.current.db, harbour.lobby.id)).toMatchObject({ revokedAt: null });

    await dashboard.press(dashboard.t('dashboard.tablets.done'));
    expect(screen.queryByTestId('tablet-replacement')).toBeNull();
  });

  it('given a tablet revoked meanwhile on another screen, when the manager saves its label, then the dialog says why in words and nothing changes', async () => {
    const { harbour, dashboard } = await given();
    await dashboard.press(dashboard.t('dashboard.tablets.editNamed', { device: 'Window 2' }));
    await screen.findByRole('dialog');
    await revokeDevice(database.current.db, harbour.counters[1].id, SERVER_NOW);
    await dashboard.type(dashboard.t('dashboard.tablets.label'), 'Till 2');
    await dashboard.press(dashboard.t('dashboard.tablets.save'));

    expect((await screen.findByRole('alert', {}, { timeout: 5000 })).textContent).toBe(dashboard.t('dashboard.tablets.errors.bad-request'));
    expect(screen.getByRole('dialog')).toBeTruthy();
    expect(await findDevice(database.current.db, harbour.counters[1].id)).toMatchObject({ placeLabel: null });
  });
});
