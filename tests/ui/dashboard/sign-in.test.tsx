import { screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { givenHeadOfficeAccount, givenRosterAccount } from '../../server/dashboard.ts';
import { givenBranchWithCounter, givenTeller, useTestDatabase, type TestServer } from '../../server/fixtures.ts';
import { givenDashboard, startDashboardServer, text } from './given.tsx';

// A real server, scrypt at sign-in and a keyboard walk through the page: more than the default 5 s on a shared 2-core machine.
describe('dashboard sign-in, against the real server', { timeout: 30_000 }, () => {
  const database = useTestDatabase('sqlite');

  /** Main Street with its manager Li Wei (2002) and a teller with an account (1001); head office HQ1. */
  async function given(): Promise<TestServer> {
    const { teller } = await givenBranchWithCounter(database.current);
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    await givenRosterAccount(database.current, teller);
    await givenHeadOfficeAccount(database.current);
    return startDashboardServer(database.current);
  }

  it('given no session, when the dashboard opens, then it asks to sign in, with the address kept', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/tellers?period=week' });
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.signIn.title') });
    expect(location.pathname + location.search).toBe('/dashboard/tellers?period=week');
  });

  it('given empty fields, when signing in, then each is asked for, in words, before the server is asked', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server);
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.signIn.title') });
    await dashboard.press(dashboard.t('dashboard.signIn.submit'));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', dashboard.t('dashboard.signIn.problem.staff-number-empty'));
    expect(screen.getByLabelText(dashboard.t('dashboard.signIn.staffNumber'))).toHaveProperty('ariaInvalid', 'true');
    await dashboard.type(dashboard.t('dashboard.signIn.staffNumber'), '2002');
    await dashboard.press(dashboard.t('dashboard.signIn.submit'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(dashboard.t('dashboard.signIn.problem.password-empty')));
  });

  it('given a wrong password, when signing in, then the server refuses and the form says so, the password cleared and focused', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server);
    await dashboard.signIn('2002', 'not the password');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(dashboard.t('dashboard.signIn.problem.unauthorized')));
    const password = screen.getByLabelText<HTMLInputElement>(dashboard.t('dashboard.signIn.password'));
    expect(password.value).toBe('');
    expect(document.activeElement).toBe(password);
  });

  it('given the server is down, when signing in, then the form says it cannot be reached', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server);
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.signIn.title') });
    await server.app.close();
    await dashboard.type(dashboard.t('dashboard.signIn.staffNumber'), '2002');
    await dashboard.type(dashboard.t('dashboard.signIn.password'), 'correct horse battery');
    await dashboard.press(dashboard.t('dashboard.signIn.submit'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe(dashboard.t('dashboard.errors.unreachable')));
  });

  it('given the branch manager, when signing in, then the overview of their branch opens, with who is signed in and their branch named', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server);
    await dashboard.signIn('2002');
    await dashboard.page('dashboard.nav.overview');
    expect(screen.getByRole('banner').textContent).toContain('Li Wei');
    expect(screen.getByRole('group', { name: dashboard.t('dashboard.filters.label') }).textContent).toContain('Main Street');
    // A branch manager does not compare branches: no such page in the navigation.
    const nav = screen.getByRole('navigation', { name: dashboard.t('dashboard.nav.label') });
    expect(nav.textContent).not.toContain(dashboard.t('dashboard.nav.branches'));
    expect(screen.getByRole('link', { name: dashboard.t('dashboard.nav.overview') }).getAttribute('aria-current')).toBe('page');
  });

  it('given a session, when the manager signs out, then sign-in shows, and a reload stays signed out', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server);
    await dashboard.signIn('2002');
    await dashboard.page('dashboard.nav.overview');
    await dashboard.press(dashboard.t('dashboard.signOut'));
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.signIn.title') });
    expect((await dashboard.services.api.me()).ok).toBe(false);
  });

  it('given a teller with an account, when they sign in, then the page says their role cannot see reports, and offers sign-out', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server, { language: 'zh-Hant' });
    await dashboard.signIn('1001');
    const title = await screen.findByRole('heading', { level: 1, name: text('zh-Hant', 'dashboard.forbidden.title') });
    // The page puts the focus on its title once it has rendered: the keyboard starts from there.
    await waitFor(() => expect(document.activeElement).toBe(title));
    expect(screen.getByRole('main').textContent).toContain(text('zh-Hant', 'dashboard.role.teller'));
    await dashboard.press(text('zh-Hant', 'dashboard.signOut'));
    await screen.findByRole('heading', { level: 1, name: text('zh-Hant', 'dashboard.signIn.title') });
  });

  it('given a session that ends on the server, when a report is asked for, then the dashboard comes back to sign-in saying so', async () => {
    const server = await given();
    const dashboard = await givenDashboard(server, { path: '/dashboard/fleet' });
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.fleet');
    await screen.findByRole('heading', { level: 2, name: dashboard.t('dashboard.fleet.title') });
    // Signed out elsewhere (another tab): the cookie this page holds no longer opens a session.
    await database.current.db.deleteFrom('sessions').execute();
    await dashboard.choose(dashboard.t('dashboard.filters.branch'), 'Main Street');
    await screen.findByRole('heading', { level: 1, name: dashboard.t('dashboard.signIn.title') });
    expect(screen.getByRole('status').textContent).toBe(dashboard.t('dashboard.signIn.ended'));
    expect(location.pathname).toBe('/dashboard/fleet');
  });
});
