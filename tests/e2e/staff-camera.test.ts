import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES } from '../../src/domain/teller.ts';
import { admin, axeViolations, enrollmentCodeOf, enrollTablet, firstTellerOf, signInAtCounter, signInToDashboard, useServerAndChromium } from './harness.ts';

// Manage › Staff, a photo from the camera, the whole way: `npm start` on an empty database;
// head office opens Staff, takes a photo of the first-run teller with the laptop's camera
// (Chromium's synthetic one, permission granted by its fake prompt), sees the square it will
// save and uses it; the server holds a small square JPEG, and a counter tablet enrolled next
// shows it on the teller's card. Real Chromium, axe-core on the page with the dialog open.
const app = useServerAndChromium('staff-camera-data', ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);

describe('a staff photo from the camera on the dashboard, end to end', () => {
  it('given head office on Staff with a camera, when it takes a photo of the first teller and uses it, then the server stores a square under the limit and the counter tablet shows it after its sync; axe finds nothing with the dialog open', async () => {
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
      const teller = firstTellerOf(app.server.firstRun());
      await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: 'Staff', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Staff' }).waitFor();
      await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Branch 1' });
      const roster = page.getByRole('table');
      const row = roster.getByRole('row').filter({ has: page.getByRole('cell', { name: teller.staffNumber, exact: true }) });
      await row.waitFor();
      const name = (await row.getByRole('rowheader').textContent())!;
      expect(await row.getByRole('cell').nth(4).textContent()).toBe('No');

      await row.getByRole('button', { name: `Edit ${name}` }).click();
      const edit = page.getByRole('region', { name: `Edit ${name} (${teller.staffNumber})` });
      await edit.waitFor();
      const opener = edit.getByRole('button', { name: 'Take photo with camera' });
      await opener.click();

      // The live picture, cut to the square that will be kept; Take photo once it has a picture.
      const dialog = page.getByRole('dialog', { name: `New photo of ${name}` });
      await dialog.waitFor();
      const take = dialog.getByRole('button', { name: 'Take photo' });
      await expect.poll(() => take.getAttribute('aria-disabled'), { timeout: 20_000 }).toBe('false');
      await dialog.getByText('The camera is on. Centre the face in the square, then take the photo.').waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Take photo');
      expect(await dialog.locator('video').evaluate((video: HTMLVideoElement) => video.videoWidth > 0 && !video.paused)).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      await take.click();
      const preview = dialog.getByRole('img', { name: `The new photo of ${name}, as it will be saved` });
      await preview.waitFor();
      expect(await preview.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([240, 240]);
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Use photo');
      // The camera is off while the photo is looked at (its tracks stopped: no video left to show).
      expect(await dialog.locator('video').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      // Retake starts the camera again; the second photo is the one used.
      await dialog.getByRole('button', { name: 'Retake' }).click();
      await expect.poll(() => take.getAttribute('aria-disabled'), { timeout: 20_000 }).toBe('false');
      await take.click();
      await preview.waitFor();
      const taken = (await preview.getAttribute('src'))!;
      expect(taken).toMatch(/^data:image\/jpeg;base64,/);
      expect(taken.length).toBeLessThanOrEqual(MAX_PHOTO_BYTES / 4);
      await dialog.getByRole('button', { name: 'Use photo' }).click();
      await page.getByText(`The photo of ${name} was saved.`).waitFor();
      await expect.poll(() => dialog.count()).toBe(0);
      await expect.poll(() => row.getByRole('cell').nth(4).textContent()).toBe('Yes');

      // The server holds it, as the admin CLI lists tellers: a photo of a few KB.
      const line = (await admin(app.dataDir, 'tellers')).split('\n').find((l) => new RegExp(`\\s${teller.staffNumber}\\s`).test(l))!;
      const kb = Number(/\s(\d+) KB\s/.exec(line)?.[1]);
      expect(kb).toBeGreaterThan(0);
      expect(kb * 1000).toBeLessThanOrEqual(MAX_PHOTO_BYTES);

      // A counter tablet enrolled now pulls the roster with the photo: the very square taken.
      const counter = await tablet.newPage();
      await enrollTablet(counter, app.base, enrollmentCodeOf(app.server.firstRun()));
      // The first run's PIN works once: the helper chooses the teller's own when the tablet asks.
      await signInAtCounter(counter, teller.staffNumber, teller.pin);
      const photo = counter.getByTestId('teller-card').locator('img.teller-photo');
      await photo.waitFor();
      expect(await photo.getAttribute('src')).toBe(taken);
      expect(await photo.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([240, 240]);
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 180_000);
});
