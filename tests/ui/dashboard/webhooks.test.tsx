import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DELIVERY_HEADER, SIGNATURE_HEADER } from '../../../src/domain/alerts.ts';
import { runDeliveryTick } from '../../../src/server/services/delivery.ts';
import { enqueueNotifications } from '../../../src/server/services/notify.ts';
import { addRegion, moveBranchToRegion } from '../../../src/server/services/regions.ts';
import { verifyWebhookSignature } from '../../../src/server/services/webhook-signature.ts';
import { webhookDeliverer } from '../../../src/server/services/webhooks.ts';
import { givenHeadOfficeAccount } from '../../server/dashboard.ts';
import { SERVER_NOW, useTestDatabase } from '../../server/fixtures.ts';
import { BRANCH_A, givenNetwork } from '../../server/reports/given.ts';
import { givenDashboard, startDashboardServer } from './given.tsx';

const NORTH = '0190a0b0-0000-7000-8000-0000000000d1';

// A real server and a real receiver on loopback, and a keyboard walk: more than the default 5 s.
describe('Manage › Webhooks on the dashboard, against the real server', { timeout: 60_000 }, () => {
  const database = useTestDatabase('sqlite');
  beforeEach(async () => {
    // The shared clearDatabase predates the alert tables.
    for (const table of ['notification_attempts', 'notifications', 'webhooks', 'email_recipients'] as const) await database.current.db.deleteFrom(table).execute();
  });

  it('given head office in 简体中文, when it adds a webhook for its region, then a wrong address is named next to the field, the secret shows once in a dialog, and the delivery log shows a failed delivery it can replay', async () => {
    const { db } = database.current;
    await givenNetwork(db);
    const region = await addRegion(db, { id: NORTH, name: 'North' }, SERVER_NOW);
    if (!region.ok) throw new Error(region.message);
    await moveBranchToRegion(db, BRANCH_A, NORTH);
    await givenHeadOfficeAccount(database.current);
    let up = false;
    const received: { signature: string; delivery: string; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ signature: String(req.headers[SIGNATURE_HEADER]), delivery: String(req.headers[DELIVERY_HEADER]), body });
        res.writeHead(up ? 200 : 503).end(up ? '' : 'maintenance');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in`;

    const server = await startDashboardServer(database.current);
    const dashboard = await givenDashboard(server, { path: '/dashboard/webhooks', language: 'zh-Hans' });
    const t = dashboard.t;
    await dashboard.signIn('HQ1');
    await dashboard.page('dashboard.nav.webhooks');
    expect(screen.getByRole('link', { name: t('dashboard.nav.webhooks') }).getAttribute('aria-current')).toBe('page');
    expect(await screen.findByText(t('dashboard.webhooks.empty'))).toBeTruthy();

    // Nothing typed, then a wrong scheme: each problem is said next to its field, in Chinese.
    await dashboard.press(t('dashboard.webhooks.add'));
    expect(await screen.findByText(t('dashboard.webhooks.problem.name'))).toBeTruthy();
    expect(screen.getByText(t('dashboard.webhooks.urlProblem.empty'))).toBeTruthy();
    await dashboard.type(t('dashboard.webhooks.field.name'), '核心系统');
    await dashboard.type(t('dashboard.webhooks.field.url'), 'ftp://files.bank.example/in');
    await dashboard.press(t('dashboard.webhooks.add'));
    const urlField = screen.getByLabelText(t('dashboard.webhooks.field.url'), { selector: 'input' });
    await waitFor(() => expect(urlField.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(urlField.getAttribute('aria-describedby')!)!.textContent).toBe(t('dashboard.webhooks.urlProblem.scheme'));

    await dashboard.type(t('dashboard.webhooks.field.url'), url);
    await dashboard.choose(t('dashboard.webhooks.field.scope'), t('dashboard.webhooks.scope.region', { name: 'North' }));
    await dashboard.tabTo('checkbox', t('dashboard.webhooks.event.digest'));
    await dashboard.user.keyboard(' ');
    await dashboard.press(t('dashboard.webhooks.add'));

    const dialog = await screen.findByRole('dialog', { name: t('dashboard.webhooks.secret.title', { name: '核心系统' }) });
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByRole('heading', { level: 2 })));
    expect(within(dialog).getByText(t('dashboard.webhooks.secret.once'))).toBeTruthy();
    const secret = within(dialog).getByTestId('webhook-secret').textContent!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await dashboard.user.click(within(dialog).getByRole('button', { name: t('dashboard.webhooks.secret.copy') }));
    expect(await within(dialog).findByText(t('dashboard.webhooks.secret.copied'))).toBeTruthy();
    expect(await navigator.clipboard.readText()).toBe(secret);
    await dashboard.user.click(within(dialog).getByRole('button', { name: t('dashboard.webhooks.secret.done') }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByText(secret)).toBeNull();
    // Said aloud: the notice is a live region.
    expect((await screen.findByText(t('dashboard.webhooks.added', { name: '核心系统' }))).getAttribute('role')).toBe('status');
    const row = (await screen.findByRole('rowheader', { name: '核心系统' })).closest('tr')!;
    expect(within(row).getByText('North')).toBeTruthy();
    expect(within(row).getByText(url)).toBeTruthy();

    // The region's digest, refused by the receiver: given up after one try.
    await db.transaction().execute((trx) => enqueueNotifications(trx, { kind: 'digest', id: `2026-11-22:region:${NORTH}`, branchId: null, regionId: NORTH }, { event: 'digest', digest: {} }, SERVER_NOW));
    await runDeliveryTick(db, { webhook: webhookDeliverer(db) }, SERVER_NOW, { maxAttempts: 1 });
    expect(received).toHaveLength(1);

    await dashboard.press(t('dashboard.webhooks.openLogNamed', { name: '核心系统' }));
    const log = await screen.findByRole('region', { name: t('dashboard.webhooks.log.title', { name: '核心系统' }) });
    const failed = await within(log).findByRole('rowheader', { name: t('dashboard.webhooks.event.digest') });
    const failedRow = failed.closest('tr')!;
    expect(within(failedRow).getByText(t('dashboard.webhooks.deliveryStatus.failed'))).toBeTruthy();
    expect(within(failedRow).getByText(/HTTP 503: maintenance/)).toBeTruthy();

    up = true;
    await dashboard.user.click(within(failedRow).getByRole('button', { name: t('dashboard.webhooks.replayNamed', { event: t('dashboard.webhooks.event.digest'), subject: `2026-11-22:region:${NORTH}` }) }));
    expect((await screen.findByText(t('dashboard.webhooks.replayed'))).getAttribute('role')).toBe('status');
    await waitFor(() => expect(within(log).getByText(t('dashboard.webhooks.deliveryStatus.pending'))).toBeTruthy());

    // The worker sends it again, marked as head office's replay, with the same delivery id, signed with the secret shown.
    await runDeliveryTick(db, { webhook: webhookDeliverer(db, { clock: () => SERVER_NOW }) }, SERVER_NOW);
    expect(received).toHaveLength(2);
    expect(received[1]!.delivery).toBe(received[0]!.delivery);
    expect(verifyWebhookSignature(received[1]!.signature, received[1]!.delivery, received[1]!.body, secret, SERVER_NOW, 300_000)).toBe(true);
    await dashboard.press(t('dashboard.webhooks.log.close'));
    await dashboard.press(t('dashboard.webhooks.openLogNamed', { name: '核心系统' }));
    expect(await screen.findByText(new RegExp(t('dashboard.webhooks.log.replayBy', { staffNumber: 'HQ1' }).replace(/[()（）]/g, '.')))).toBeTruthy();
  });
});
