import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { noteCopySeen, type KnownDevice } from '../../../src/server/repositories/devices.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { ingestPush } from '../../../src/server/services/ingest.ts';
import { aHealth, givenRosterAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, ratingAt, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

// A real server, scrypt at sign-in and a keyboard walk through the page: more than the default 5 s on a shared 2-core machine.
describe('the fleet and the day close on the dashboard, against the real server', { timeout: 30_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** A tablet's sync as it reaches the server: its records and its health. */
  const sync = (device: KnownDevice, health: Parameters<typeof aHealth>[0] = {}, records: unknown[] = []) =>
    ingestPush(database.current.db, device, { records, health: aHealth(health) }, SERVER_NOW);

  /**
   * Harbour Road today: Window 1's tablet synced a rating with nothing left waiting; Window 2's
   * tablet last synced with 3 records still waiting; the lobby tablet never synced. Its
   * manager (1103) signs in.
   */
  async function given() {
    const [harbour] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    await sync(harbour.counters[0], {}, [ratingAt(harbour, SERVER_NOW - 60_000, { score: 'very-satisfied' })]);
    await sync(harbour.counters[1], { outboxDepth: 3, oldestUnsyncedAt: SERVER_NOW - 20 * 60_000 });
    const manager = await findTeller(database.current.db, harbour.staff['branch-manager']);
    await givenRosterAccount(database.current, manager!);
    return { server: await startDashboardServer(database.current), harbour, managerNumber: manager!.staffNumber };
  }

  it('given a tablet with records waiting, when the manager revokes it, then a dialog asks first, keeps the focus inside, and the tablet is revoked on the server', async () => {
    const { server, managerNumber } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/fleet' });
    await dashboard.signIn(managerNumber);
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.fleet.title') });
    // A device is named by its place, then the end of its id (two lobby tablets share a name).
    const rowOf = (name: string) => within(table).getByRole('rowheader', { name: new RegExp(`^${name} …[0-9a-f]{8}$`) }).closest('tr')!;
    expect(rowOf('Window 1').textContent).toContain(dashboard.t('dashboard.fleetState.ok'));
    expect(rowOf('Window 2').textContent).toContain(dashboard.t('dashboard.fleetState.behind'));
    expect(rowOf(dashboard.t('dashboard.fleet.lobby')).textContent).toContain(dashboard.t('dashboard.fleetState.never'));

    // Escape: nothing happens, and the focus is back on the button that asked.
    await dashboard.press(dashboard.t('dashboard.fleet.revokeNamed', { device: 'Window 2' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.fleet.confirmTitle', { device: 'Window 2' }) });
    expect(dialog.textContent).toContain(dashboard.t('dashboard.fleet.confirmUnsynced_other', { count: 3 }));
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: dashboard.t('dashboard.cancel') }));
    await dashboard.user.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: dashboard.t('dashboard.fleet.confirm') }));
    await dashboard.user.tab();
    expect(document.activeElement, 'Tab wraps round inside the dialog').toBe(within(dialog).getByRole('button', { name: dashboard.t('dashboard.cancel') }));
    await dashboard.user.tab({ shift: true });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: dashboard.t('dashboard.fleet.confirm') }));
    await dashboard.user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: dashboard.t('dashboard.fleet.revokeNamed', { device: 'Window 2' }) }));
    expect(((await dashboard.services.api.fleet({})) as { ok: true; value: { devices: { state: string }[] } }).value.devices.map((d) => d.state)).not.toContain('revoked');

    // Confirmed: revoked on the server, and the table says so.
    await dashboard.user.keyboard('{Enter}');
    await dashboard.press(dashboard.t('dashboard.fleet.confirm'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(dashboard.t('dashboard.fleet.revoked', { device: 'Window 2' })));
    await waitFor(() => expect(rowOf('Window 2').textContent).toContain(dashboard.t('dashboard.fleetState.revoked')));
    expect(screen.queryByRole('button', { name: dashboard.t('dashboard.fleet.revokeNamed', { device: 'Window 2' }) })).toBeNull();
    const fleet = await dashboard.services.api.fleet({});
    expect(fleet.ok && fleet.value.devices.find((d) => d.counterName === 'Window 2')?.state).toBe('revoked');
  });

  it('given tablets enrolled in the same minute, when one reports storage nearly full and not persistent, records refused and records waiting for two days, then its row flags each in words, and ids differ by their end, the whole id in the title', async () => {
    const { server, managerNumber, harbour } = await given();
    await sync(harbour.counters[0], { quarantined: 2, storageUsed: 900_000_000, storageQuota: 1_000_000_000, storagePersisted: false, outboxDepth: 4, oldestUnsyncedAt: SERVER_NOW - 2 * 24 * 60 * 60_000, speechVoiceMissing: ['zh-HK'] });
    const dashboard = await givenDashboard(server, { path: '/dashboard/fleet' });
    await dashboard.signIn(managerNumber);
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.fleet.title') });
    const header = within(table).getByRole('rowheader', { name: /^Window 1 / });
    const row = header.closest('tr')!;
    for (const flag of [
      dashboard.t('dashboard.fleet.flag.storageFull'),
      dashboard.t('dashboard.fleet.notPersisted'),
      dashboard.t('dashboard.fleet.flag.longUnsynced'),
      dashboard.t('dashboard.fleet.flag.quarantined_other', { count: 2 }),
      dashboard.t('dashboard.fleet.flag.voiceMissing', { voices: 'zh-HK' }),
    ]) {
      expect(row.textContent).toContain(flag);
    }
    // Window 2 (20 minutes waiting, nothing refused) has none of them.
    const other = within(table).getByRole('rowheader', { name: /^Window 2 / }).closest('tr')!;
    expect(other.textContent).not.toContain(dashboard.t('dashboard.fleet.flag.longUnsynced'));
    expect(other.textContent).not.toContain(dashboard.t('dashboard.fleet.flag.quarantined_other', { count: 2 }));
    expect(other.textContent).not.toContain(dashboard.t('dashboard.fleet.flag.voiceMissing', { voices: 'zh-HK' }));
    // The end of the id (the start of a UUIDv7 is its minute), as on the Privacy pages; the whole id in the title.
    const id = harbour.counters[0].id;
    const shown = header.querySelector('.device-id')!;
    expect(shown.textContent).toBe(`…${id.slice(-8)}`);
    expect(shown.getAttribute('title')).toContain(id);
    const ids = within(table).getAllByRole('rowheader').map((cell) => cell.querySelector('.device-id')!.textContent);
    expect(new Set(ids).size).toBe(ids.length);
    // Revoking is a quiet action on each row; it still asks first.
    const revoke = within(row).getByRole('button', { name: dashboard.t('dashboard.fleet.revokeNamed', { device: 'Window 1' }) });
    expect(revoke.className).not.toMatch(/danger/);
    await dashboard.press(dashboard.t('dashboard.fleet.revokeNamed', { device: 'Window 1' }));
    await screen.findByRole('dialog', { name: dashboard.t('dashboard.fleet.confirmTitle', { device: 'Window 1' }) });
  });

  it("given a copy of Window 2's key refused, then the fleet says so above the table, with when and from where, its row comes first, and revoking it ends the warning", async () => {
    const { server, managerNumber, harbour } = await given();
    await noteCopySeen(database.current.db, harbour.counters[1].id, { at: SERVER_NOW - 5 * 60_000, address: '192.0.2.77', token: 'retired' });
    const dashboard = await givenDashboard(server, { path: '/dashboard/fleet' });
    await dashboard.signIn(managerNumber);

    const warning = await screen.findByRole('region', { name: dashboard.t('dashboard.fleet.copied.title_one') });
    expect(warning.textContent).toContain(dashboard.t('dashboard.fleet.copied.detail'));
    const item = within(warning).getByRole('listitem');
    expect(item.textContent).toContain('Window 2');
    expect(item.textContent).toContain('192.0.2.77');
    const table = await screen.findByRole('table', { name: dashboard.t('dashboard.fleet.title') });
    const first = within(table).getAllByRole('row')[1]!;
    expect(within(first).getByRole('rowheader').textContent).toMatch(/^Window 2 /);
    expect(first.textContent).toContain(dashboard.t('dashboard.fleetState.copied'));

    await dashboard.press(dashboard.t('dashboard.fleet.revokeNamed', { device: 'Window 2' }));
    await dashboard.press(dashboard.t('dashboard.fleet.confirm'));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe(dashboard.t('dashboard.fleet.revoked', { device: 'Window 2' })));
    await waitFor(() => expect(screen.queryByTestId('copied-keys')).toBeNull());
  });

  it('given devices not synced, when the manager confirms the day close, then the button waits for the gaps to be acknowledged, and the confirmation names them', async () => {
    const { server, managerNumber, harbour } = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/day-close' });
    await dashboard.signIn(managerNumber);
    await screen.findByRole('heading', { level: 2, name: dashboard.t('dashboard.dayClose.status') });
    const devices = await screen.findByRole('table', { name: dashboard.t('dashboard.dayClose.devices') });
    // Gaps first: the two tablets that are not synced, then the one that is.
    expect(within(devices).getAllByRole('rowheader').map((cell) => cell.textContent)).toEqual(['Window 2', dashboard.t('dashboard.fleet.lobby'), 'Window 1']);

    const confirm = screen.getByRole('button', { name: dashboard.t('dashboard.dayClose.confirm') });
    expect(confirm.getAttribute('aria-disabled')).toBe('true');
    expect(confirm.getAttribute('aria-describedby') && document.getElementById(confirm.getAttribute('aria-describedby')!)?.textContent).toBe(dashboard.t('dashboard.dayClose.blocked'));
    await dashboard.press(dashboard.t('dashboard.dayClose.confirm'));
    const day = '2026-11-23';
    const untouched = await dashboard.services.api.dayClose({ branchId: harbour.id, day });
    expect(untouched.ok && untouched.value.status.confirmation).toBeNull();

    const gaps = await dashboard.tabTo('checkbox', new RegExp(`^${dashboard.t('dashboard.dayClose.acceptGaps')}`));
    // The box names each gap, and says what it is.
    expect(gaps.closest('label')!.textContent).toContain(`Window 2: ${dashboard.t('dashboard.dayClose.gap.waiting_other', { count: 3 })}`);
    await dashboard.user.keyboard(' ');
    expect(confirm.getAttribute('aria-disabled')).toBe('false');
    await dashboard.press(dashboard.t('dashboard.dayClose.confirm'));

    const confirmedBy = dashboard.t('dashboard.dayClose.confirmedBy', { name: 'Staff branch-manager', number: managerNumber, at: 'Nov 23, 2026, 10:00 AM' });
    const box = await screen.findByRole('status');
    expect(box.textContent).toContain(confirmedBy);
    // The focus moves to the stored confirmation: the button that was pressed is gone.
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect(box.textContent).toContain(dashboard.t('dashboard.dayClose.confirmedGaps'));
    expect(box.textContent).toContain(`Window 2: ${dashboard.t('dashboard.dayClose.gap.waiting_other', { count: 3 })}`);
    expect(box.textContent).toContain(`${dashboard.t('dashboard.fleet.lobby')}: ${dashboard.t('dashboard.dayClose.gap.never')}`);
    expect(screen.queryByRole('button', { name: dashboard.t('dashboard.dayClose.confirm') })).toBeNull();
    const confirmed = await dashboard.services.api.dayClose({ branchId: harbour.id, day });
    expect(confirmed.ok && confirmed.value.status.confirmation?.gaps.map((d) => d.state).sort()).toEqual(['never', 'waiting']);

    // The day report prints on its own, saying how the day was closed: the dashboard asks the browser once.
    const report = screen.getByRole('heading', { level: 2, name: dashboard.t('dashboard.dayReport.title', { branch: 'Harbour Road', day: 'Nov 23, 2026' }) });
    expect(report.closest('section')!.textContent).toContain(`${confirmedBy} ${dashboard.t('dashboard.dayClose.confirmedGaps')} Window 2: `);
    expect(within(report.closest('section')!).getByRole('table', { name: dashboard.t('dashboard.dayReport.byCounter') }).textContent).toContain('Window 1');
    await dashboard.press(dashboard.t('dashboard.dayReport.print'));
    expect(dashboard.handed.prints).toBe(1);
  });

  it('given every device synced, then the day close can be confirmed at once, with no gaps to acknowledge', async () => {
    const { server, managerNumber, harbour } = await given();
    await sync(harbour.counters[1]);
    await sync(harbour.lobby);
    const dashboard = await givenDashboard(server, { path: '/dashboard/day-close' });
    await dashboard.signIn(managerNumber);
    const confirm = await screen.findByRole('button', { name: dashboard.t('dashboard.dayClose.confirm') });
    expect(confirm.getAttribute('aria-disabled')).toBe('false');
    expect(screen.queryByRole('checkbox')).toBeNull();
    await dashboard.press(dashboard.t('dashboard.dayClose.confirm'));
    await screen.findByText(dashboard.t('dashboard.dayClose.confirmedClean'));
  });
});
