import { describe, expect, it } from 'vitest';
import { axeViolations, scanQr, signInToDashboard, useServerAndChromium } from './harness.ts';

// The dashboard's enrollment sheet, the whole way: `npm start` on an empty database; head office
// signs in, makes the codes of the first branch on the Enroll tablets page, and a new tablet reads
// the counter card's QR code off the page as a camera would (drawn on a canvas, decoded by jsQR),
// opens what it read and is enrolled with one key. Real Chromium, axe-core on the page.
const app = useServerAndChromium('enroll-sheet-data');

describe('the enrollment sheet on the dashboard, end to end', () => {
  it('given head office on Enroll tablets, when it makes the first branch\'s codes, then a new tablet that scans the counter card enrolls at Counter 1 with one key, only the sheet prints, and axe finds nothing', async () => {
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
      await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: 'Enroll tablets', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Enroll tablets' }).waitFor();
      await page.getByText('Choose a branch in the filter above to make its codes.').waitFor();
      await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Branch 1' });
      await page.getByRole('button', { name: 'Make codes for this branch' }).click();

      const sheet = page.getByRole('region', { name: 'Enrollment codes · Branch 1' });
      await sheet.waitFor();
      const counterCard = sheet.locator('.enroll-card[data-mode="counter"]');
      await expect.poll(() => counterCard.count()).toBe(1);
      expect(await counterCard.getByRole('heading', { level: 3 }).textContent()).toBe('Counter 1');
      const code = (await counterCard.locator('.enroll-code').textContent())!;
      expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      await sheet.locator('.enroll-card[data-mode="lobby"]').getByRole('heading', { name: 'Lobby opinion box' }).waitFor();
      await page.getByRole('button', { name: 'Print' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // On paper: the sheet and its cards, no header, navigation, filters or buttons.
      await page.emulateMedia({ media: 'print' });
      for (const chrome of ['.db-header', '.db-nav', '.enroll-make', '.page-intro']) expect(await page.locator(chrome).isVisible(), chrome).toBe(false);
      expect(await counterCard.isVisible()).toBe(true);
      expect(await counterCard.locator('img').isVisible()).toBe(true);
      await page.emulateMedia({ media: 'screen' });

      // A new tablet, as a camera would: it reads the card's QR code and opens what it read.
      const read = await scanQr(counterCard.getByRole('img', { name: 'QR code that enrolls a tablet at Counter 1' }));
      expect(read).toBe(`${app.base}#enroll=${code}`);
      const setup = await tablet.newPage();
      await setup.goto(read!);
      await expect.poll(() => setup.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      await setup.keyboard.press('Enter');
      await setup.locator('[data-screen="setup-done"]').waitFor();
      expect(await setup.locator('.setup-result').textContent()).toContain('Counter 1');
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 180_000);
});
