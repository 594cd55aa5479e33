import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../../src/server/passwords.ts';
import { findAccountHolder } from '../../../src/server/repositories/accounts.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { givenTeller, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

// A real server, scrypt at each sign-in and each temporary password, and a keyboard walk: more than the default 5 s.
describe('dashboard accounts on the dashboard, against the real server', { timeout: 60_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Harbour Road and Nanjing Road; head office HQ1, Nanjing Road's manager 2103 and complaint manager 2102. */
  async function given() {
    const [harbour, nanjing] = (await givenNetwork(database.current.db)) as [GivenBranch, GivenBranch];
    await givenHeadOfficeAccount(database.current);
    for (const role of ['branch-manager', 'complaint-manager'] as const) {
      await givenRosterAccount(database.current, (await findTeller(database.current.db, nanjing.staff[role]))!);
    }
    return { server: await startDashboardServer(database.current), harbour, nanjing };
  }

  const rowOf = (name: string) => within(screen.getByRole('table')).getByRole('rowheader', { name }).closest('tr')!;

  it("given head office in English, when it invites a branch's manager, then only managers are offered, the temporary password shows once to copy and print, signs in and must be changed; a reset asks first and shows a new one", async () => {
    const { server } = await given();
    const db = database.current.db;
    const dashboard = await givenDashboard(server, { path: '/dashboard/accounts' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.accounts');
    expect(screen.getByRole('link', { name: dashboard.t('dashboard.nav.accounts') }).getAttribute('aria-current')).toBe('page');
    expect(screen.getByText(dashboard.t('dashboard.accounts.intro.headOffice'))).toBeTruthy();
    expect(screen.queryByLabelText(dashboard.t('dashboard.filters.period'))).toBeNull();
    await screen.findByRole('table');
    // Their own account: no buttons, "change password" instead.
    expect(within(rowOf('Ana Ruiz')).getByText(dashboard.t('dashboard.accounts.selfNote'))).toBeTruthy();
    expect(within(rowOf('Ana Ruiz')).queryByRole('button')).toBeNull();
    expect(within(rowOf('Staff branch-manager')).getByText('Nanjing Road')).toBeTruthy();

    // Harbour Road's managers are offered; its lobby staff are not, and the note says why.
    expect(screen.getByText(dashboard.t('dashboard.accounts.rosterNote.headOffice'))).toBeTruthy();
    const member = screen.getByLabelText(dashboard.t('dashboard.accounts.member'), { selector: 'select' });
    expect(within(member).getAllByRole('option').map((o) => o.textContent)).toEqual([
      dashboard.t('dashboard.accounts.memberOption', { name: 'Staff complaint-manager', staffNumber: '1102', role: dashboard.t('dashboard.role.complaint-manager') }),
      dashboard.t('dashboard.accounts.memberOption', { name: 'Staff branch-manager', staffNumber: '1103', role: dashboard.t('dashboard.role.branch-manager') }),
    ]);
    await dashboard.choose(dashboard.t('dashboard.accounts.member'), dashboard.t('dashboard.accounts.memberOption', { name: 'Staff branch-manager', staffNumber: '1103', role: dashboard.t('dashboard.role.branch-manager') }));
    await dashboard.press(dashboard.t('dashboard.accounts.invite'));

    const slip = await screen.findByRole('region', { name: dashboard.t('dashboard.accounts.slip.title', { name: 'Staff branch-manager' }) });
    await waitFor(() => expect(document.activeElement).toBe(within(slip).getByRole('heading', { level: 2 })));
    expect(within(slip).getByText(`${location.origin}/dashboard`)).toBeTruthy();
    expect(within(slip).getByText('1103')).toBeTruthy();
    expect(within(slip).getByText(dashboard.t('dashboard.accounts.slip.once'))).toBeTruthy();
    const password = within(slip).getByTestId('temporary-password').textContent!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    const signIn = await callDashboard(server, 'POST', '/api/session', { body: { staffNumber: '1103', password } });
    expect(signIn).toMatchObject({ status: 200, body: { mustChangePassword: true } });

    await dashboard.press(dashboard.t('dashboard.accounts.slip.copy'));
    expect(await within(slip).findByText(dashboard.t('dashboard.accounts.slip.copied'))).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(password);
    await dashboard.press(dashboard.t('dashboard.accounts.slip.print'));
    expect(dashboard.handed.prints).toBe(1);
    await dashboard.press(dashboard.t('dashboard.accounts.slip.done'));
    expect(screen.queryByText(password)).toBeNull();
    await waitFor(() => expect(screen.getAllByRole('rowheader', { name: 'Staff branch-manager' })).toHaveLength(2));

    // A reset asks first, then shows a new password; the old one signs nobody in.
    await dashboard.press(dashboard.t('dashboard.accounts.resetNamed', { name: 'Staff complaint-manager' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.accounts.confirm.resetTitle', { name: 'Staff complaint-manager' }) });
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.accounts.confirm.reset') }));
    const again = await screen.findByRole('region', { name: dashboard.t('dashboard.accounts.slip.title', { name: 'Staff complaint-manager' }) });
    const newPassword = within(again).getByTestId('temporary-password').textContent!;
    const stored = await findAccountHolder(db, '2102');
    expect(stored?.holder.mustChangePassword).toBe(true);
    expect(await verifyPassword(newPassword, stored!.password)).toBe(true);
    await dashboard.press(dashboard.t('dashboard.accounts.slip.done'));

    // Head office's own invitation: a staff number that has an account is refused here.
    await dashboard.choose(dashboard.t('dashboard.accounts.kindLabel'), dashboard.t('dashboard.accounts.kind.head-office'));
    await dashboard.type(dashboard.t('dashboard.accounts.column.staffNumber'), 'hq1');
    await dashboard.type(dashboard.t('dashboard.accounts.column.name'), 'Bea Lopez');
    await dashboard.press(dashboard.t('dashboard.accounts.invite'));
    expect(await screen.findByText(dashboard.t('dashboard.accounts.errors.taken', { staffNumber: 'hq1' }))).toBeTruthy();
  });

  it("given Nanjing Road's manager in 简体中文, then they see and invite their branch's complaint managers only, and disabling asks first and signs them out", async () => {
    const { server, nanjing } = await given();
    const db = database.current.db;
    await givenTeller(database.current, { branchId: nanjing.id, staffNumber: '2199', name: '周强', role: 'complaint-manager' });
    const dashboard = await givenDashboard(server, { path: '/dashboard/accounts', language: 'zh-Hans' });
    await dashboard.signIn('2103');
    await dashboard.page('dashboard.nav.accounts');
    expect(screen.getByText(dashboard.t('dashboard.accounts.intro.branch'))).toBeTruthy();
    const table = await screen.findByRole('table');
    expect(within(table).getAllByRole('rowheader').map((cell) => cell.textContent)).toEqual(['Staff complaint-manager']);
    // Only one kind of account to invite: no choice of kind.
    expect(screen.queryByLabelText(dashboard.t('dashboard.accounts.kindLabel'))).toBeNull();
    expect(screen.getByText(dashboard.t('dashboard.accounts.rosterNote.branch'))).toBeTruthy();
    const member = screen.getByLabelText(dashboard.t('dashboard.accounts.member'), { selector: 'select' });
    expect(within(member).getAllByRole('option').map((o) => o.textContent)).toEqual([
      dashboard.t('dashboard.accounts.memberOption', { name: '周强', staffNumber: '2199', role: dashboard.t('dashboard.role.complaint-manager') }),
    ]);
    await dashboard.press(dashboard.t('dashboard.accounts.invite'));
    const slip = await screen.findByRole('region', { name: dashboard.t('dashboard.accounts.slip.title', { name: '周强' }) });
    const password = within(slip).getByTestId('temporary-password').textContent!;
    expect(await verifyPassword(password, (await findAccountHolder(db, '2199'))!.password)).toBe(true);
    await dashboard.press(dashboard.t('dashboard.accounts.slip.done'));
    expect(await screen.findByText(dashboard.t('dashboard.accounts.invited', { name: '周强' }))).toBeTruthy();

    await dashboard.press(dashboard.t('dashboard.accounts.disableNamed', { name: 'Staff complaint-manager' }));
    const dialog = await screen.findByRole('dialog', { name: dashboard.t('dashboard.accounts.confirm.disableTitle', { name: 'Staff complaint-manager' }) });
    expect(within(dialog).getByText(dashboard.t('dashboard.accounts.confirm.disableDetail', { name: 'Staff complaint-manager' }))).toBeTruthy();
    await dashboard.user.click(within(dialog).getByRole('button', { name: dashboard.t('dashboard.accounts.confirm.disable') }));
    expect(await screen.findByText(dashboard.t('dashboard.accounts.disabled', { name: 'Staff complaint-manager' }))).toBeTruthy();
    await waitFor(() => expect(within(rowOf('Staff complaint-manager')).getByText(dashboard.t('dashboard.accounts.status.disabled'))).toBeTruthy());
    expect((await findAccountHolder(db, '2102'))!.holder.active).toBe(false);
    expect(within(rowOf('Staff complaint-manager')).getByRole('button', { name: dashboard.t('dashboard.accounts.enableNamed', { name: 'Staff complaint-manager' }) })).toBeTruthy();
  });
});
