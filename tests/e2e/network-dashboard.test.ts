import { describe, expect, it } from 'vitest';
import { admin, axeViolations, signInToDashboard, useServerAndChromium } from './harness.ts';

// Manage › Regions & branches, the whole way: `npm start` on an empty database; head office
// signs in with the first run's account, adds a region and a branch in it with a counter, and
// changes the first branch's thank-you time; the CLI then sees them. Real Chromium, axe-core.
const app = useServerAndChromium('network-dashboard-data');

describe('the regions and branches page on the dashboard, end to end', () => {
  it('given head office, when it adds a region and a branch in it with a counter and changes the thank-you time of Branch 1, then each is saved where the CLI reads it and the header lists the new branch; axe finds nothing', async () => {
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
      await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: 'Regions & branches', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Regions & branches' }).waitFor();
      await page.getByRole('table', { name: 'No region' }).getByRole('rowheader', { name: 'Branch 1' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page.getByLabel('Region name').fill('North Coast');
      await page.getByRole('button', { name: 'Add region' }).click();
      await page.getByText('Region North Coast added.').waitFor();

      const add = page.getByRole('region', { name: 'Add a branch' });
      await add.getByLabel('Branch name').fill('Harbour Road');
      await add.getByLabel("Branch's region").selectOption({ label: 'North Coast' });
      await add.getByLabel('Time zone').selectOption('Europe/Madrid');
      await add.getByLabel('Thank-you time (seconds)').fill('5');
      await add.getByLabel('First counter (optional)').fill('Window 1');
      await add.getByRole('button', { name: 'Add branch' }).click();
      await page.getByText('Branch Harbour Road added, with the default reasons and topics.').waitFor();
      const north = page.getByRole('table', { name: 'North Coast' });
      await north.getByRole('rowheader', { name: 'Harbour Road' }).waitFor();
      // Me was loaded again: the header's branch filter offers it.
      await expect.poll(() => page.getByLabel('Branch', { exact: true }).locator('option', { hasText: 'Harbour Road' }).count()).toBe(1);

      await page.getByRole('button', { name: 'Edit Branch 1' }).click();
      const edit = page.getByRole('region', { name: 'Settings of Branch 1' });
      await edit.waitFor();
      await edit.getByLabel('Thank-you time (seconds)').fill('7.5');
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Settings of Branch 1 saved.').waitFor();
      await page.getByRole('table', { name: 'No region' }).getByRole('row').filter({ hasText: 'Branch 1' }).getByText('7.5 s').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      const branches = await admin(app.dataDir, 'branches');
      expect(branches).toMatch(/Branch 1\s+\S+\s+7500\b/);
      expect(branches).toMatch(/Harbour Road\s+\S+\s+5000\b/);
      expect(await admin(app.dataDir, 'regions')).toMatch(/North Coast\s+1\b/);
      expect(await admin(app.dataDir, 'counters')).toContain('Window 1');
    } finally {
      await desk.close();
    }
  }, 180_000);
});
