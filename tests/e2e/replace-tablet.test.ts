import { describe, expect, it } from 'vitest';
import { admin, axeViolations, enrollTablet, enrollmentCodeOf, eventually, firstBranchId, openStatusCorner, scanQr, signInToDashboard, useServerAndChromium } from './harness.ts';

// Replacing a broken tablet from the dashboard, the whole way: `npm start` on an empty database
// and the first run's counter tablet enrolled; head office labels it and makes its replacement
// link on the Fleet page, a second tablet reads the QR code off the page as a camera would and
// enrolls with one key at the same counter, and the old tablet, revoked as it did, is told so at
// its next sync; moved to another counter, the new tablet shows it after its next sync. Real
// Chromium, axe-core on the page.
const app = useServerAndChromium('replace-tablet-data');

describe('replacing a tablet on the dashboard, end to end', () => {
  it('given the first-run counter tablet, when head office replaces it from the Fleet page, then a new tablet that scans the link enrolls at Counter 1 with its label, and the old one is revoked and stops syncing; moved to Counter 2, the new one shows it after its next sync', async () => {
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const oldTablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    const newTablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const firstRun = app.server.firstRun();
      const old = await oldTablet.newPage();
      await enrollTablet(old, app.base, enrollmentCodeOf(firstRun));
      expect(await old.locator('.place').textContent()).toContain('Counter 1');

      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(firstRun)!;
      await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: 'Fleet', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Fleet' }).waitFor();

      // A label first: the replacement takes it over.
      await page.getByRole('button', { name: 'Edit Counter 1' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit Counter 1' });
      await edit.getByLabel('Label').fill('Window 3, left');
      await edit.getByLabel('Counter', { exact: true }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').getByText('Counter 1 is saved.').waitFor();
      await page.getByRole('rowheader').getByText('Window 3, left').waitFor();

      await page.getByRole('button', { name: 'Replace Counter 1' }).click();
      const ask = page.getByRole('dialog', { name: 'Replace Counter 1?' });
      await ask.getByText('If this tablet still works, ask staff to let it sync first').waitFor();
      await ask.getByRole('button', { name: 'Make replacement link' }).click();
      const shown = page.getByRole('region', { name: 'Replacement for Counter 1' });
      await shown.waitFor();
      const code = (await shown.locator('.enroll-code').textContent())!;
      expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      expect(await axeViolations(page)).toEqual([]);

      // As a camera would: the new tablet reads the QR code and opens what it read.
      const read = await scanQr(shown.getByRole('img', { name: 'QR code of the replacement link for Counter 1' }));
      expect(read).toBe(`${app.base}#enroll=${code}`);
      const setup = await newTablet.newPage();
      await setup.goto(read!);
      await expect.poll(() => setup.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      await setup.keyboard.press('Enter');
      await setup.locator('[data-screen="setup-done"]').waitFor();
      expect(await setup.locator('.setup-result').textContent()).toContain('Counter 1');
      await setup.getByRole('button', { name: 'Start' }).click();
      await setup.locator('[data-screen="counter-closed"]').waitFor();
      expect(await setup.locator('.place').textContent()).toContain('Counter 1');

      // The old tablet's next sync is refused: it says it was revoked, and stops.
      await openStatusCorner(old);
      await old.getByRole('button', { name: 'Sync now' }).click({ timeout: 1000 }).catch(() => undefined);
      const error = old.getByTestId('sync-error');
      await eventually('the old tablet to say it was revoked', async () => (await error.getAttribute('data-reason').catch(() => null)) === 'device-revoked', 30_000, 200);

      // On the dashboard: the old one revoked, the new one at Counter 1 with the label.
      await page.reload();
      const table = page.getByRole('table', { name: 'Devices' });
      await table.waitFor();
      const rows = table.locator('tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      const labelled = table.locator('tbody tr', { hasText: 'Window 3, left' });
      await expect.poll(() => labelled.count()).toBe(2);
      await table.locator('tbody tr.row-revoked', { hasText: 'Counter 1' }).waitFor();
      await table.locator('tbody tr:not(.row-revoked)', { hasText: 'Counter 1' }).waitFor();

      // Moved to a new counter from the same page: the tablet shows it after its next sync.
      await admin(app.dataDir, 'counter:add', '--branch', await firstBranchId(app.dataDir), '--name', 'Counter 2');
      await page.reload();
      await page.getByRole('button', { name: 'Edit Counter 1' }).click();
      const move = page.getByRole('dialog', { name: 'Edit Counter 1' });
      await move.getByLabel('Counter', { exact: true }).selectOption({ label: 'Counter 2' });
      await move.getByText('Let the tablet sync before you move it').waitFor();
      await move.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').getByText('Counter 2 is saved.').waitFor();
      await openStatusCorner(setup);
      await setup.getByRole('button', { name: 'Sync now' }).click({ timeout: 1000 }).catch(() => undefined);
      await eventually('the new tablet to show Counter 2', async () => (await setup.locator('.place').textContent())?.includes('Counter 2') ?? false, 60_000, 250);
    } finally {
      await newTablet.close();
      await oldTablet.close();
      await desk.close();
    }
  }, 240_000);
});
