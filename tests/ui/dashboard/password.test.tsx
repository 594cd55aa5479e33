import { screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../../src/domain/access.ts';
import { createDashboardApi } from '../../../src/ui/dashboard/api.ts';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { givenBranchWithCounter, givenTeller, useTestDatabase, type TestServer } from '../../server/fixtures.ts';
import { cookieJarFetch, givenDashboard, PASSWORD, startDashboardServer, text } from './given.tsx';

const NEW_PASSWORD = 'my very own password';

// A real server, scrypt at sign-in and at each change, and a keyboard walk through the form.
describe('the dashboard password change, against the real server', { timeout: 60_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Main Street's manager 2002 (their own password), a teller 1001 with an account, and head office HQ1 (a password set at installation). */
  async function given(): Promise<TestServer> {
    const { teller } = await givenBranchWithCounter(database.current);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenRosterAccount(database.current, teller);
    await givenHeadOfficeAccount(database.current, 'HQ1', 'Ana Ruiz', { mustChangePassword: true });
    return startDashboardServer(database.current);
  }

  const mustChange = async (staffNumber: string) =>
    (await database.current.db.selectFrom('staff_accounts').select('must_change_password').where('staff_number', '=', staffNumber).executeTakeFirstOrThrow()).must_change_password;

  it('given head office with the password of the installation, when it signs in, then the change comes first, with no way round it but sign-out; once changed, the reports open', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/fleet' });
    await dashboard.signIn('HQ1');

    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.password.forcedTitle') });
    expect(screen.getByText(dashboard.t('dashboard.password.forced'))).toBeVisible();
    expect(screen.getByText(dashboard.t('dashboard.password.account', { number: 'HQ1', name: 'Ana Ruiz' }))).toBeVisible();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('button', { name: dashboard.t('dashboard.cancel') })).toBeNull();
    expect(screen.getByRole('button', { name: dashboard.t('dashboard.signOut') })).toHaveProperty('disabled', false);
    // The first field has the focus, and the address is kept for afterwards.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(dashboard.t('dashboard.password.current'))));
    expect(location.pathname).toBe('/dashboard/fleet');
    expect(document.title).toBe(`${dashboard.t('dashboard.password.forcedTitle')} · ${dashboard.t('dashboard.title')}`);

    await dashboard.type(dashboard.t('dashboard.password.current'), PASSWORD);
    await dashboard.type(dashboard.t('dashboard.password.new'), NEW_PASSWORD);
    await dashboard.type(dashboard.t('dashboard.password.repeat'), NEW_PASSWORD);
    await dashboard.press(dashboard.t('dashboard.password.submit'));

    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.password.doneTitle') });
    expect(screen.getByRole('status').textContent).toBe(dashboard.t('dashboard.password.done'));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: dashboard.t('dashboard.password.continue') })));
    expect(await mustChange('HQ1')).toBe(0);
    await dashboard.user.keyboard('{Enter}');
    await dashboard.page('dashboard.nav.fleet');
  });

  it.each<[string, { current: string; next: string; repeated: string }, string, string]>([
    ['no current password', { current: '', next: NEW_PASSWORD, repeated: NEW_PASSWORD }, 'current-empty', 'current'],
    ['a new password too short', { current: PASSWORD, next: 'short', repeated: 'short' }, 'too-short', 'new'],
    ['the current password again', { current: PASSWORD, next: PASSWORD, repeated: PASSWORD }, 'same-as-current', 'new'],
    ['two new passwords that differ', { current: PASSWORD, next: NEW_PASSWORD, repeated: `${NEW_PASSWORD}!` }, 'mismatch', 'repeat'],
  ])('given %s, when changing, then the form says so in words, on that field, before the server is asked', async (_, typed, problem, field) => {
    const server = await given();
    const dashboard = await givenDashboard(server);
    await dashboard.signIn('HQ1');
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.password.forcedTitle') });
    // The screen puts the focus on its first field once it has rendered: typing starts after, or keys would land there.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(dashboard.t('dashboard.password.current'))));
    await dashboard.type(dashboard.t('dashboard.password.current'), typed.current);
    await dashboard.type(dashboard.t('dashboard.password.new'), typed.next);
    await dashboard.type(dashboard.t('dashboard.password.repeat'), typed.repeated);
    await dashboard.press(dashboard.t('dashboard.password.submit'));

    const message = text('en', `dashboard.password.problem.${problem}`, { min: MIN_PASSWORD_LENGTH, max: MAX_PASSWORD_LENGTH });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(message));
    const input = screen.getByLabelText<HTMLInputElement>(dashboard.t(`dashboard.password.${field}`));
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain(screen.getByRole('alert').id);
    expect(document.activeElement).toBe(input);
    expect(await mustChange('HQ1')).toBe(1);
  });

  it('given a wrong current password, then the server refuses, the form says so in Spanish, clears the field and puts the focus there', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server, { language: 'es' });
    await dashboard.signIn('HQ1');
    await screen.findByRole('heading', { level: 1, name: text('es', 'dashboard.password.forcedTitle') });
    await dashboard.type(text('es', 'dashboard.password.current'), 'not the password');
    await dashboard.type(text('es', 'dashboard.password.new'), NEW_PASSWORD);
    await dashboard.type(text('es', 'dashboard.password.repeat'), NEW_PASSWORD);
    await dashboard.press(text('es', 'dashboard.password.submit'));

    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(text('es', 'dashboard.password.problem.wrong-password')));
    const current = screen.getByLabelText<HTMLInputElement>(text('es', 'dashboard.password.current'));
    expect(current.value).toBe('');
    expect(document.activeElement).toBe(current);
    expect(await mustChange('HQ1')).toBe(1);
  });

  it('given head office with the password of the installation, when it signs out from the change, then sign-in shows and nothing was changed', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server, { language: 'zh-Hant' });
    await dashboard.signIn('HQ1');
    await screen.findByRole('heading', { level: 1, name: text('zh-Hant', 'dashboard.password.forcedTitle') });
    await dashboard.press(text('zh-Hant', 'dashboard.signOut'));
    await screen.findByRole('heading', { level: 1, name: text('zh-Hant', 'dashboard.signIn.title') });
    expect(await mustChange('HQ1')).toBe(1);
  });

  it('given a branch manager on a report, when they change their password from the header, then cancel comes back to the same report, and a change signs their other computer out', async () => {
    const server = await given();
    const elsewhere = createDashboardApi({ baseUrl: server.baseUrl, fetch: cookieJarFetch() });
    expect((await elsewhere.signIn({ staffNumber: '2002', password: PASSWORD })).ok).toBe(true);
    const dashboard = await givenDashboard(server, { path: '/dashboard/tellers?period=week', language: 'zh-Hans' });
    await dashboard.signIn('2002');
    await dashboard.page('dashboard.nav.tellers');

    await dashboard.press(text('zh-Hans', 'dashboard.password.open'));
    await screen.findByRole('heading', { level: 1, name: text('zh-Hans', 'dashboard.password.title') });
    expect(screen.queryByText(text('zh-Hans', 'dashboard.password.forced'))).toBeNull();
    await dashboard.press(text('zh-Hans', 'dashboard.cancel'));
    await dashboard.page('dashboard.nav.tellers');
    expect(location.pathname + location.search).toBe('/dashboard/tellers?period=week');

    await dashboard.press(text('zh-Hans', 'dashboard.password.open'));
    await dashboard.type(text('zh-Hans', 'dashboard.password.current'), PASSWORD);
    await dashboard.type(text('zh-Hans', 'dashboard.password.new'), NEW_PASSWORD);
    await dashboard.type(text('zh-Hans', 'dashboard.password.repeat'), NEW_PASSWORD);
    await dashboard.press(text('zh-Hans', 'dashboard.password.submit'));
    await screen.findByRole('heading', { level: 1, name: text('zh-Hans', 'dashboard.password.doneTitle') });
    await dashboard.press(text('zh-Hans', 'dashboard.password.continue'));
    await dashboard.page('dashboard.nav.tellers');

    expect(await elsewhere.me()).toMatchObject({ ok: false, reason: 'unauthorized' });
    expect((await dashboard.services.api.me()).ok).toBe(true);
  });

  it('given a teller with an account, then the page that says their role sees no reports offers the password change too', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server);
    await dashboard.signIn('1001');
    const title = await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.forbidden.title') });
    // The page puts the focus on its title once it has rendered: the keyboard starts from there.
    await waitFor(() => expect(document.activeElement).toBe(title));
    await dashboard.press(dashboard.t('dashboard.password.open'));
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.password.title') });
    await dashboard.press(dashboard.t('dashboard.cancel'));
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.forbidden.title') });
  });
});
