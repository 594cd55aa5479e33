import { describe, expect, it } from 'vitest';
import { admin, axeViolations, signInToDashboard, useServerAndChromium } from './harness.ts';

// Manage › Accounts, the whole way: `npm start` on an empty database; the CLI adds a region;
// head office signs in with the first run's password, invites a regional manager for it on the
// Accounts page and reads the temporary password shown once; in a browser of their own, the
// regional manager signs in with it, must choose their own, and then sees the dashboard.
// Real Chromium, axe-core on the page.
const app = useServerAndChromium('accounts-dashboard-data');

describe('the accounts page on the dashboard, end to end', () => {
  it('given head office on Accounts, when it invites a regional manager, then the temporary password shown once signs them in, they must change it, and they see the dashboard; axe finds nothing', async () => {
    const added = await admin(app.dataDir, 'region:add', '--name', 'North Coast');
    const regionId = /Added region (\S+) "North Coast"/.exec(added)![1]!;
    expect(await admin(app.dataDir, 'regions')).toContain('North Coast');

    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const theirs = await app.browser.newContext({ viewport: { width: 1024, height: 768 } });
    try {
      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
      await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: 'Accounts', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
      const table = page.getByRole('table');
      await table.getByRole('rowheader').first().waitFor();
      await table.getByText('You: use Change password').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      const invite = page.getByRole('region', { name: 'Invite someone' });
      await invite.getByLabel('Account for').selectOption({ label: 'A regional manager' });
      await invite.getByLabel('Staff number').fill('RM7');
      await invite.getByLabel('Name').fill('Rosa Delgado');
      await invite.getByLabel('Region').selectOption({ label: 'North Coast' });
      await invite.getByRole('button', { name: 'Invite', exact: true }).click();

      const slip = page.getByRole('region', { name: 'Dashboard sign-in for Rosa Delgado' });
      await slip.waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('account-slip-title');
      await slip.getByText(`${app.base}dashboard`).waitFor();
      const temporary = (await slip.getByTestId('temporary-password').textContent())!;
      expect(temporary.length).toBeGreaterThanOrEqual(12);
      await table.getByRole('rowheader', { name: 'Rosa Delgado' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await slip.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => slip.count()).toBe(0);
      expect(await page.getByText(temporary, { exact: true }).count()).toBe(0);
      const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Rosa Delgado' }) });
      await row.getByText('North Coast').waitFor();
      await row.getByText('Temporary, not yet changed').waitFor();
      // The CLI lists the new account with its region.
      expect(await admin(app.dataDir, 'accounts')).toMatch(new RegExp(`RM7.*regional-manager.*North Coast \\(${regionId}\\)`));

      // The regional manager, in a browser of their own: the temporary password, then their own.
      const their = await theirs.newPage();
      await signInToDashboard(their, app.base, { staffNumber: 'RM7', password: temporary, newPassword: 'rosa her own password' });
      await their.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await their.getByRole('link', { name: 'Accounts', exact: true }).click();
      await their.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
      // Their region has no branches yet: no accounts of theirs to manage, and no head office account shown.
      await their.getByText('No accounts you manage yet.').waitFor();
      expect(await their.getByRole('rowheader', { name: 'Rosa Delgado' }).count()).toBe(0);
      expect(await axeViolations(their)).toEqual([]);

      await page.reload();
      await row.getByText('Their own').waitFor();
    } finally {
      await theirs.close();
      await desk.close();
    }
  }, 180_000);
});
