import { screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { givenHeadOfficeAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, startTestServer, useTestDatabase } from '../../server/fixtures.ts';
import { givenNetwork, type GivenBranch } from '../../server/reports/given.ts';
import { startSmtpServer } from '../../server/smtp.ts';
import { givenDashboard } from './given.tsx';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';

// A real server and a real SMTP server, scrypt at sign-in and a keyboard walk: more than the default 5 s on a shared 2-core machine.
describe('Manage › E-mail on the dashboard, against the real server and a real SMTP server', { timeout: 120_000 }, () => {
  const database = useTestDatabase('sqlite');

  it('given head office reading Traditional Chinese, when it adds a recipient (refused first for a wrong address), turns them off and sends a test e-mail, then the page says each in zh-Hant, the server keeps them, and the SMTP server gets the test', async () => {
    const { db } = database.current;
    const [harbour] = (await givenNetwork(db)) as [GivenBranch, GivenBranch];
    const north = await addRegion(db, { id: NORTH, name: 'North' }, SERVER_NOW);
    if (!north.ok) throw new Error(north.message);
    await moveBranchToRegion(db, harbour.id, NORTH);
    await givenHeadOfficeAccount(database.current);
    const smtp = await startSmtpServer();
    const server = await startTestServer({ db, smtp: smtp.config });

    const dashboard = await givenDashboard(server, { language: 'zh-Hant', path: '/dashboard/email' });
    const { t, user } = dashboard;
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.email');
    expect(screen.getByRole('link', { name: t('dashboard.nav.email') }).getAttribute('aria-current')).toBe('page');
    expect(await screen.findByText(new RegExp(t('dashboard.email.status.on', { host: '127.0.0.1', port: smtp.port, from: 'BranchVoice <alerts@bank.example>' }).replace(/[().]/g, '\\$&')))).toBeTruthy();
    expect(await screen.findByText(t('dashboard.email.noRecipients'))).toBeTruthy();

    const addForm = screen.getByRole('heading', { level: 3, name: t('dashboard.email.addTitle') }).parentElement!;
    const field = (label: string, selector = 'input') => within(addForm).getByLabelText(label, { selector });
    await user.type(field(t('dashboard.email.field.name')), '陳美玲');
    await user.type(field(t('dashboard.email.field.address')), 'mei-ling at bank');
    await user.selectOptions(field(t('dashboard.email.field.language'), 'select'), t('language.names.es'));
    await user.selectOptions(field(t('dashboard.email.field.scope'), 'select'), t('dashboard.email.scope.branch', { name: harbour.name }));
    await user.click(within(addForm).getByRole('button', { name: t('dashboard.email.add') }));
    expect(await within(addForm).findByText(t('dashboard.email.problem.address'))).toBeTruthy();
    expect(await db.selectFrom('email_recipients').selectAll().execute()).toEqual([]);

    await user.clear(field(t('dashboard.email.field.address')));
    await user.type(field(t('dashboard.email.field.address')), 'mei-ling@bank.example');
    await user.click(within(addForm).getByRole('button', { name: t('dashboard.email.add') }));
    expect(await screen.findByText(t('dashboard.email.added', { name: '陳美玲' }))).toBeTruthy();
    const table = await screen.findByRole('table', { name: t('dashboard.email.recipientsTable') });
    await waitFor(() => expect(within(table).getByRole('rowheader', { name: '陳美玲' })).toBeTruthy());
    expect(within(table).getByText(t('dashboard.email.scope.branch', { name: harbour.name }))).toBeTruthy();
    const [stored] = await db.selectFrom('email_recipients').selectAll().execute();
    expect(stored).toMatchObject({ name: '陳美玲', address: 'mei-ling@bank.example', language: 'es', branch_id: harbour.id, region_id: null, enabled: 1, events: '["alert-raised","alert-escalated","digest"]' });

    await user.click(screen.getByRole('button', { name: t('dashboard.email.editNamed', { name: '陳美玲' }) }));
    const editForm = (await screen.findByRole('heading', { level: 3, name: t('dashboard.email.editTitle', { name: '陳美玲' }) })).parentElement!;
    await user.click(within(editForm).getByLabelText(t('dashboard.email.field.enabled')));
    await user.click(within(editForm).getByRole('button', { name: t('dashboard.email.save') }));
    expect(await screen.findByText(t('dashboard.email.saved', { name: '陳美玲' }))).toBeTruthy();
    await waitFor(async () => expect((await db.selectFrom('email_recipients').select('enabled').executeTakeFirstOrThrow()).enabled).toBe(0));

    const testSection = screen.getByRole('region', { name: t('dashboard.email.test.title') });
    await user.type(within(testSection).getByLabelText(t('dashboard.email.field.address')), 'ana@bank.example');
    await user.click(within(testSection).getByRole('button', { name: t('dashboard.email.test.send') }));
    expect(await within(testSection).findByText(t('dashboard.email.test.delivered', { address: 'ana@bank.example' }))).toBeTruthy();
    expect(smtp.received.map((r) => [r.to, r.mail.subject])).toEqual([[['ana@bank.example'], 'BranchVoice：測試郵件']]);
  });
});
