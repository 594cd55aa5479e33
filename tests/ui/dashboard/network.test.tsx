import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { findBranch, listBranches } from '../../../src/server/repositories/branches.ts';
import { listCounters } from '../../../src/server/repositories/counters.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { givenHeadOfficeAccount, givenRegionalAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';

// A real server, scrypt at sign-in and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe('regions and branches on the dashboard, against the real server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road (Madrid) in North, Nanjing Road (Shanghai) in no region; head office HQ1; North's manager RM1. */
  async function given() {
    const { db } = database.current;
    const [harbour, nanjing] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const north = await addRegion(db, { id: NORTH, name: 'North' }, SERVER_NOW);
    if (!north.ok) throw new Error(north.message);
    await moveBranchToRegion(db, harbour.id, NORTH);
    await givenHeadOfficeAccount(database.current);
    await givenRegionalAccount(database.current, NORTH);
    return { server: await startDashboardServer(database.current), harbour, nanjing };
  }

  it('given head office in English, when it adds a region, then a branch in it with a counter, and changes a time zone, then each is saved, the header lists the new branch, and the zone change is confirmed first', async () => {
    const { server, harbour } = await given();
    const db = database.current.db;
    const dashboard = await givenDashboard(server, { path: '/dashboard/network' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.network');
    expect(screen.getByRole('link', { name: dashboard.t('dashboard.nav.network') }).getAttribute('aria-current')).toBe('page');
    const regions = await screen.findByRole('table', { name: dashboard.t('dashboard.network.regionsTable') });
    expect(within(regions).getByRole('rowheader', { name: 'North' })).toBeTruthy();
    expect(screen.getByRole('table', { name: dashboard.t('dashboard.network.noRegion') })).toBeTruthy();

    // A name already taken is refused here, in the reader's language.
    await dashboard.type(dashboard.t('dashboard.network.regionName'), 'north');
    await dashboard.press(dashboard.t('dashboard.network.addRegion'));
    expect(await screen.findByText(dashboard.t('dashboard.network.errors.regionTaken', { name: 'north' }))).toBeTruthy();
    await dashboard.type(dashboard.t('dashboard.network.regionName'), 'West');
    await dashboard.press(dashboard.t('dashboard.network.addRegion'));
    expect(await screen.findByText(dashboard.t('dashboard.network.regionAdded', { name: 'West' }))).toBeTruthy();
    // No branch in it yet: its heading, with the empty note.
    await screen.findByRole('heading', { level: 3, name: 'West' });

    await dashboard.type(dashboard.t('dashboard.network.branchName'), 'Castle Peak');
    // The header's region filter offers West too: picked in the form's own select.
    await dashboard.user.selectOptions(screen.getByLabelText(dashboard.t('dashboard.network.branchRegion'), { selector: 'select' }), 'West');
    await dashboard.user.selectOptions(screen.getByLabelText(dashboard.t('dashboard.network.column.timeZone'), { selector: 'select' }), 'Asia/Hong_Kong');
    await dashboard.user.selectOptions(screen.getByLabelText(dashboard.t('dashboard.network.column.language'), { selector: 'select' }), dashboard.t('language.names.zh-Hant'));
    await dashboard.type(dashboard.t('dashboard.network.thankYouSeconds'), '61');
    await dashboard.type(dashboard.t('dashboard.network.firstCounter'), 'Window 1');
    await dashboard.press(dashboard.t('dashboard.network.addBranch'));
    expect(await screen.findByText(dashboard.t('dashboard.network.errors.thankYou', { max: 60 }))).toBeTruthy();
    await dashboard.type(dashboard.t('dashboard.network.thankYouSeconds'), '4.5');
    await dashboard.press(dashboard.t('dashboard.network.addBranch'));
    expect(await screen.findByText(dashboard.t('dashboard.network.branchAdded', { name: 'Castle Peak' }))).toBeTruthy();

    const added = (await listBranches(db)).find((b) => b.name === 'Castle Peak')!;
    expect(added).toMatchObject({ timeZone: 'Asia/Hong_Kong', defaultLanguage: 'zh-Hant', ratingCooldownMs: 4500 });
    expect((await listCounters(db, added.id)).map((c) => c.name)).toEqual(['Window 1']);
    const west = await screen.findByRole('table', { name: 'West' });
    await waitFor(() => expect(within(west).getByRole('rowheader', { name: 'Castle Peak' })).toBeTruthy());
    // Me was loaded again: the header's branch filter offers the new branch.
    await waitFor(() => expect(within(screen.getByLabelText(dashboard.t('dashboard.filters.branch'), { selector: 'select' })).getByRole('option', { name: 'Castle Peak' })).toBeTruthy());

    await dashboard.press(dashboard.t('dashboard.network.editNamed', { name: harbour.name }));
    const form = await screen.findByRole('region', { name: dashboard.t('dashboard.network.editTitle', { name: harbour.name }) });
    await waitFor(() => expect(document.activeElement).toBe(within(form).getByRole('heading', { level: 3 })));
    await dashboard.user.selectOptions(within(form).getByLabelText(dashboard.t('dashboard.network.column.timeZone'), { selector: 'select' }), 'Europe/Lisbon');
    await dashboard.press(dashboard.t('dashboard.network.save'));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.network.zoneConfirmTitle', { name: harbour.name }) });
    expect(within(dialog).getByText(dashboard.t('dashboard.network.zoneConfirmDetail', { from: 'Europe/Madrid', to: 'Europe/Lisbon' }))).toBeTruthy();
    expect((await findBranch(db, harbour.id))!.timeZone).toBe('Europe/Madrid');
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.network.zoneConfirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.network.branchSaved', { name: harbour.name }))).toBeTruthy();
    expect((await findBranch(db, harbour.id))!.timeZone).toBe('Europe/Lisbon');

    // The network settings: a target out of range is refused here; a valid one is saved.
    await dashboard.type(dashboard.t('dashboard.network.target.satisfaction'), '120');
    await dashboard.press(dashboard.t('dashboard.network.saveSettings'));
    expect(await screen.findByText(dashboard.t('dashboard.network.errors.percent'))).toBeTruthy();
    await dashboard.type(dashboard.t('dashboard.network.target.satisfaction'), '85');
    await dashboard.press(dashboard.t('dashboard.network.saveSettings'));
    expect(await screen.findByText(dashboard.t('dashboard.network.settingsSaved'))).toBeTruthy();
  });

  it('given a regional manager in Simplified Chinese, then they see their own branch only, no regions or settings, cannot move it, and change its thank-you time', async () => {
    const { server, harbour, nanjing } = await given();
    const dashboard = await givenDashboard(server, { language: 'zh-Hans', path: '/dashboard/network' });
    await dashboard.signIn('RM1');
    await dashboard.page('dashboard.nav.network');
    expect(dashboard.t('dashboard.nav.network')).toBe('区域与网点');
    const north = await screen.findByRole('table', { name: 'North' });
    expect(within(north).getByRole('rowheader', { name: harbour.name })).toBeTruthy();
    expect(screen.queryByText(nanjing.name)).toBeNull();
    expect(screen.queryByRole('heading', { name: dashboard.t('dashboard.network.regionsTitle') })).toBeNull();
    expect(screen.queryByRole('heading', { name: dashboard.t('dashboard.network.settingsTitle') })).toBeNull();
    expect(screen.queryByRole('button', { name: dashboard.t('dashboard.network.addBranch') })).toBeNull();

    await dashboard.press(dashboard.t('dashboard.network.editNamed', { name: harbour.name }));
    const form = await screen.findByRole('region', { name: dashboard.t('dashboard.network.editTitle', { name: harbour.name }) });
    expect((within(form).getByLabelText(dashboard.t('dashboard.network.branchRegion'), { selector: 'select' }) as HTMLSelectElement).disabled).toBe(true);
    await dashboard.type(dashboard.t('dashboard.network.thankYouSeconds'), '8');
    await dashboard.press(dashboard.t('dashboard.network.save'));
    expect(await screen.findByText(dashboard.t('dashboard.network.branchSaved', { name: harbour.name }))).toBeTruthy();
    expect((await findBranch(database.current.db, harbour.id))!.ratingCooldownMs).toBe(8000);
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'North' })).getByText(dashboard.t('dashboard.network.seconds', { value: 8 }))).toBeTruthy());
  });
});
