import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, useServerAndChromium } from './harness.ts';

// An enrollment link, as the first run's file gives it, opened in the built app in Chromium:
// the code filled in, out of the address at once, and the tablet enrolled with one tap.
const app = useServerAndChromium('link-data');

/** The link on the line `label: …` of the first run's file. */
function linkOf(label: string): string {
  const link = new RegExp(`^${label}: (\\S+)$`, 'm').exec(app.server.firstRun())?.[1];
  if (!link) throw new Error(`no "${label}" line in the first run's file`);
  return link;
}

/** What a camera reads from an SVG QR code: the file drawn by Chromium onto a canvas, its pixels decoded by jsQR. */
async function scan(page: Page, svg: string): Promise<string | null> {
  const { width, height, pixels } = await page.evaluate(async (source) => {
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, pixels: Array.from(data.data) };
  }, svg);
  return jsQR(Uint8ClampedArray.from(pixels), width, height)?.data ?? null;
}

describe('an enrollment link', () => {
  it('given the QR code the first run wrote for the lobby, when a tablet scans it and opens what it reads, then one tap enrolls it as the lobby opinion box', async () => {
    const file = /^As a QR code for the tablet's camera: (\S+lobby\S+)$/m.exec(app.server.firstRun())?.[1];
    expect(file).toBe(join(app.dataDir, 'first-run-lobby-qr.svg'));
    // As secret as the code it holds: readable by the server's account only.
    expect(statSync(file!).mode & 0o777).toBe(0o600);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const read = await scan(page, readFileSync(file!, 'utf8'));
      expect(read).toBe(linkOf('Lobby enrollment link'));
      await page.goto(read!);
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      await page.keyboard.press('Enter');
      await page.locator('[data-screen="setup-done"]').waitFor();
      expect(await page.locator('.setup-result').textContent()).toContain('lobby');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('given the counter link from the first run, when a new tablet opens it, then the code is filled in and gone from the address, Enroll has the focus, and one tap enrolls it', async () => {
    const link = linkOf('Enrollment link');
    const code = /^Enrollment code: (\S+)$/m.exec(app.server.firstRun())![1]!;
    expect(link).toBe(`${app.base}#enroll=${code}`);
    const context = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const page = await context.newPage();
      await page.goto(link);
      await expect.poll(() => page.getByLabel('Enrollment code').inputValue()).toBe(code);
      expect(new URL(page.url()).hash).toBe('');
      await page.getByText('Filled in from the enrollment link.').waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      expect(await axeViolations(page)).toEqual([]);
      // A reload does not bring the code back.
      await page.reload();
      await expect.poll(() => page.getByLabel('Enrollment code').inputValue()).toBe('');
      // The link opened in this same tab, the app already up: only the fragment changes, no load.
      await page.evaluate(() => document.body.setAttribute('data-same-page', ''));
      await page.goto(link);
      await expect.poll(() => page.getByLabel('Enrollment code').inputValue()).toBe(code);
      expect(await page.locator('body[data-same-page]').count()).toBe(1);
      expect(new URL(page.url()).hash).toBe('');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      // Opened again, as from a scanner: a new page load, not a jump within this one.
      await page.goto('about:blank');
      await page.goto(link);
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      await page.keyboard.press('Enter');
      await page.locator('[data-screen="setup-done"]').waitFor();
      expect(await page.locator('.setup-result').textContent()).toContain('Counter 1');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('given the lobby link, when it is opened with a mistyped code in it, then nothing is filled in and the address is clean', async () => {
    expect(linkOf('Lobby enrollment link')).toMatch(/#enroll=[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${app.base}#enroll=NOT-A-CODE`);
      await page.locator('[data-screen="setup"]').waitFor();
      expect(await page.getByLabel('Enrollment code').inputValue()).toBe('');
      expect(new URL(page.url()).hash).toBe('');
      await page.getByText('Eight letters and digits').waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);
});
