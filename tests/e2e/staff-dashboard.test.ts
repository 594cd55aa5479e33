import { describe, expect, it } from 'vitest';
import { axeViolations, enrollmentCodeOf, enrollTablet, signInAtCounter, signInToDashboard, useServerAndChromium } from './harness.ts';

// Manage › Staff, the whole way: `npm start` on an empty database; head office signs in, adds a
// teller to the first branch on the Staff page and reads the PIN shown once; a counter tablet
// enrolled after that holds the new teller in its roster, and the teller signs in with that PIN
// (checked on the tablet against the pulled hash). Real Chromium, axe-core on the page.
const app = useServerAndChromium('staff-dashboard-data');
/** A 1×1 PNG: the browser scales it to the roster's 240×240. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('the staff page on the dashboard, end to end', () => {
  it('given head office on Staff, when it adds a teller to Branch 1, then the PIN is shown once, a photo is made square in the browser, and a counter tablet enrolled next signs the teller in with that PIN and shows their name and photo; axe finds nothing', async () => {
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
      await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: 'Staff', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Staff' }).waitFor();
      await page.getByText('Choose a branch in the filter above to see its staff.').waitFor();
      await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Branch 1' });
      const roster = page.getByRole('table');
      await roster.waitFor();
      expect(await roster.getByRole('row').count()).toBeGreaterThan(1);

      const add = page.getByRole('region', { name: 'Add someone to Branch 1' });
      await add.getByLabel('Staff number').fill('4242');
      await add.getByLabel('Name').fill('Rosa Delgado');
      await add.getByLabel('Stars').selectOption('4');
      await add.getByRole('button', { name: 'Add', exact: true }).click();

      const panel = page.getByRole('region', { name: 'PIN for Rosa Delgado' });
      await panel.waitFor();
      await panel.getByText('Write it down and give it to the person; it will not be shown again.').waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('staff-pin-title');
      const pin = (await panel.locator('.staff-pin-value').textContent())!;
      expect(pin).toMatch(/^\d{4}$/);
      await roster.getByRole('rowheader', { name: 'Rosa Delgado' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await panel.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => panel.count()).toBe(0);
      expect(await page.getByText(pin, { exact: true }).count()).toBe(0);

      // A photo, cropped square and scaled to 240×240 in the browser: the row then says Yes.
      await page.getByRole('button', { name: 'Edit Rosa Delgado' }).click();
      const edit = page.getByRole('region', { name: 'Edit Rosa Delgado (4242)' });
      await edit.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await edit.getByLabel(/^Photo/).setInputFiles({ name: 'rosa.png', mimeType: 'image/png', buffer: Buffer.from(PIXEL_PNG, 'base64') });
      // The square is shown as it will be saved, and sent on "Use photo".
      const preview = page.getByRole('dialog', { name: 'New photo of Rosa Delgado' });
      await preview.getByRole('img', { name: 'The new photo of Rosa Delgado, as it will be saved' }).waitFor();
      await preview.getByRole('button', { name: 'Use photo' }).click();
      await page.getByText('The photo of Rosa Delgado was saved.').waitFor();
      const row = roster.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Rosa Delgado' }) });
      await expect.poll(() => row.getByRole('cell').nth(4).textContent()).toBe('Yes');

      // The counter tablet enrolled now pulls the roster with the new teller in it.
      const counter = await tablet.newPage();
      await enrollTablet(counter, app.base, enrollmentCodeOf(app.server.firstRun()));
      await signInAtCounter(counter, '4242', pin);
      await expect(counter.getByTestId('teller-card').innerText()).resolves.toContain('Rosa Delgado');
      // The photo came with the roster, as the square the browser made.
      const photo = counter.getByTestId('teller-card').locator('img.teller-photo');
      expect(await photo.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
      expect(await photo.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([240, 240]);
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 180_000);
});
