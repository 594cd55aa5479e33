import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { verifyPin } from '../../../src/domain/pin.ts';
import { findTeller, listTellers } from '../../../src/server/repositories/tellers.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { givenTeller, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

// A real server, scrypt at sign-in, PBKDF2 for each PIN and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe("a branch's staff on the dashboard, against the real server", { timeout: 60_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road (Madrid) and Nanjing Road (Shanghai); head office HQ1, and Nanjing Road's manager. */
  async function given() {
    const [harbour, nanjing] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    await givenHeadOfficeAccount(database.current);
    const manager = await findTeller(database.current.db, nanjing.staff['branch-manager']);
    await givenRosterAccount(database.current, manager!);
    return { server: await startDashboardServer(database.current), harbour, nanjing, manager: manager! };
  }

  const rowsOf = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

  it('given head office in English, when it picks a branch, then the roster shows; adding someone shows their PIN once, which is the stored one; Done clears it', async () => {
    const { server, harbour } = await given();
    const db = database.current.db;
    const dashboard = await givenDashboard(server, { path: '/dashboard/staff' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.staff');
    expect(screen.getByRole('link', { name: dashboard.t('dashboard.nav.staff') }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByText(dashboard.t('dashboard.staff.pickBranch'))).toBeTruthy();
    expect(screen.queryByLabelText(dashboard.t('dashboard.filters.period'))).toBeNull();

    await dashboard.choose(dashboard.t('dashboard.filters.branch'), harbour.name);
    const table = await screen.findByRole('table');
    const roster = await listTellers(db, { branchId: harbour.id });
    expect(rowsOf(table)).toHaveLength(roster.length);
    const first = roster[0]!;
    const firstRow = within(table).getByRole('rowheader', { name: first.name }).closest('tr')!;
    expect(within(firstRow).getByText(first.staffNumber)).toBeTruthy();
    expect(within(firstRow).getByText(dashboard.t(`dashboard.role.${first.role}`))).toBeTruthy();
    expect(within(firstRow).getByRole('button', { name: dashboard.t('dashboard.staff.editNamed', { name: first.name }) })).toBeTruthy();
    expect(within(firstRow).getByRole('button', { name: dashboard.t('dashboard.staff.newPinNamed', { name: first.name }) })).toBeTruthy();
    // Head office may add a branch manager.
    expect(screen.getByRole('option', { name: dashboard.t('dashboard.role.branch-manager') })).toBeTruthy();

    // A staff number already on the roster is refused here, in the reader's language.
    await dashboard.type(dashboard.t('dashboard.staff.column.staffNumber'), first.staffNumber);
    await dashboard.type(dashboard.t('dashboard.staff.column.name'), 'Sam Wong');
    await dashboard.press(dashboard.t('dashboard.staff.add'));
    expect(await screen.findByText(dashboard.t('dashboard.staff.errors.taken', { staffNumber: first.staffNumber }))).toBeTruthy();

    await dashboard.type(dashboard.t('dashboard.staff.column.staffNumber'), '7070');
    await dashboard.choose(dashboard.t('dashboard.staff.column.stars'), '4');
    await dashboard.press(dashboard.t('dashboard.staff.add'));

    const panel = await screen.findByRole('region', { name: dashboard.t('dashboard.staff.pinTitle', { name: 'Sam Wong' }) });
    await waitFor(() => expect(document.activeElement).toBe(within(panel).getByRole('heading', { level: 2 })));
    expect(within(panel).getByText(dashboard.t('dashboard.staff.pinOnce'))).toBeTruthy();
    const pin = panel.querySelector('.staff-pin-value')!.textContent!;
    expect(pin).toMatch(/^\d{4}$/);
    const added = (await listTellers(db, { branchId: harbour.id })).find((t) => t.staffNumber === '7070')!;
    expect(added).toMatchObject({ name: 'Sam Wong', stars: 4, role: 'teller', active: true });
    expect(await verifyPin(pin, added.pin)).toBe(true);
    await waitFor(() => expect(rowsOf(screen.getByRole('table'))).toHaveLength(roster.length + 1));

    await dashboard.press(dashboard.t('dashboard.staff.pinDoneButton'));
    expect(screen.queryByRole('region', { name: dashboard.t('dashboard.staff.pinTitle', { name: 'Sam Wong' }) })).toBeNull();
    expect(screen.queryByText(pin)).toBeNull();
  });

  it("given Nanjing Road's manager in 简体中文, then their branch is implied; they edit a teller, make a new PIN shown once, cannot make a branch manager, and deactivating asks first", async () => {
    const { server, nanjing } = await given();
    const db = database.current.db;
    // A second branch manager of Nanjing Road: head office's to manage, not a peer's.
    await givenTeller(database.current, { branchId: nanjing.id, staffNumber: '2199', name: '周强', role: 'branch-manager' });
    const dashboard = await givenDashboard(server, { path: '/dashboard/staff', language: 'zh-Hans' });
    await dashboard.signIn((await findTeller(db, nanjing.staff['branch-manager']))!.staffNumber);
    await dashboard.page('dashboard.nav.staff');
    expect(screen.getByText(dashboard.t('dashboard.staff.intro'))).toBeTruthy();
    expect(screen.queryByText(dashboard.t('dashboard.staff.pickBranch'))).toBeNull();
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('columnheader', { name: new RegExp(dashboard.t('dashboard.staff.column.staffNumber')) })).toBeTruthy();
    expect(screen.queryByRole('option', { name: dashboard.t('dashboard.role.branch-manager') })).toBeNull();
    const coManagerRow = within(table).getByRole('rowheader', { name: '周强' }).closest('tr')!;
    expect(within(coManagerRow).getByText(dashboard.t('dashboard.staff.headOfficeManages'))).toBeTruthy();
    expect(within(coManagerRow).queryByRole('button')).toBeNull();

    const teller = (await findTeller(db, nanjing.tellerIds[0]))!;
    await dashboard.press(dashboard.t('dashboard.staff.editNamed', { name: teller.name }));
    const form = await screen.findByRole('region', { name: dashboard.t('dashboard.staff.editTitle', { name: teller.name, staffNumber: teller.staffNumber }) });
    await waitFor(() => expect(document.activeElement).toBe(within(form).getByRole('heading', { level: 2 })));
    const nameField = within(form).getByLabelText(dashboard.t('dashboard.staff.column.name'));
    await dashboard.user.clear(nameField);
    await dashboard.user.type(nameField, '陈美');
    await dashboard.user.selectOptions(within(form).getByLabelText(dashboard.t('dashboard.staff.column.stars')), '5');
    await dashboard.user.click(within(form).getByRole('button', { name: dashboard.t('dashboard.staff.save') }));
    expect(await screen.findByText(dashboard.t('dashboard.staff.saved', { name: '陈美' }))).toBeTruthy();
    expect(await findTeller(db, teller.id)).toMatchObject({ name: '陈美', stars: 5 });
    await screen.findByRole('rowheader', { name: '陈美' });

    await dashboard.press(dashboard.t('dashboard.staff.newPinNamed', { name: '陈美' }));
    const panel = await screen.findByRole('region', { name: dashboard.t('dashboard.staff.pinTitle', { name: '陈美' }) });
    const pin = panel.querySelector('.staff-pin-value')!.textContent!;
    expect(await verifyPin(pin, (await findTeller(db, teller.id))!.pin)).toBe(true);
    await dashboard.press(dashboard.t('dashboard.staff.pinDoneButton'));
    expect(screen.queryByText(pin)).toBeNull();

    // Deactivating asks in a dialog first; cancelling changes nothing.
    await dashboard.press(dashboard.t('dashboard.staff.editNamed', { name: '陈美' }));
    const again = await screen.findByRole('region', { name: dashboard.t('dashboard.staff.editTitle', { name: '陈美', staffNumber: teller.staffNumber }) });
    await dashboard.user.click(within(again).getByLabelText(dashboard.t('dashboard.staff.column.active')));
    await dashboard.user.click(within(again).getByRole('button', { name: dashboard.t('dashboard.staff.save') }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.staff.confirmTitle', { name: '陈美' }) });
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.staff.confirm') }));
    expect(await screen.findByText(dashboard.t('dashboard.staff.saved', { name: '陈美' }))).toBeTruthy();
    expect((await findTeller(db, teller.id))!.active).toBe(false);
  });
});
