import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.ts';
import { axeViolations, freePort, removeDir, startServer, tempDir, type RunningServer } from './harness.ts';

// An enrollment link, as the first run's file gives it, opened in the built app in Chromium:
// the code filled in, out of the address at once, and the tablet enrolled with one tap.
const dataDir = tempDir('link-data');
let server: RunningServer | undefined;
let browser: Browser | undefined;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}/`;
  server = await startServer(port, dataDir);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dataDir);
});

/** The link on the line `label: …` of the first run's file. */
function linkOf(label: string): string {
  const link = new RegExp(`^${label}: (\\S+)$`, 'm').exec(server!.firstRun())?.[1];
  if (!link) throw new Error(`no "${label}" line in the first run's file`);
  return link;
}

describe('an enrollment link', () => {
  it('given the counter link from the first run, when a new tablet opens it, then the code is filled in and gone from the address, Enroll has the focus, and one tap enrolls it', async () => {
    const link = linkOf('Enrollment link');
    const code = /^Enrollment code: (\S+)$/m.exec(server!.firstRun())![1]!;
    expect(link).toBe(`${base}#enroll=${code}`);
    const context = await browser!.newContext({ viewport: { width: 800, height: 1280 } });
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
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${base}#enroll=NOT-A-CODE`);
      await page.locator('[data-screen="setup"]').waitFor();
      expect(await page.getByLabel('Enrollment code').inputValue()).toBe('');
      expect(new URL(page.url()).hash).toBe('');
      await page.getByText('Eight letters and digits').waitFor();
    } finally {
      await context.close();
    }
  }, 120_000);
});
