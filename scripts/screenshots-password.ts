// The dashboard's password screens: `npx tsx scripts/screenshots.ts password`. On a server's
// first run, head office's password is the one of the first run's file, so the dashboard asks
// for a new one right after sign-in: that screen in the four languages at 1280×800 and
// 1024×768 and zoomed to 200 % (the dashboard has no large-text mode of its own; browser zoom
// is how a reader at a desk gets large text), a refusal, the confirmation, then the change
// any signed-in user opens from the header. Chromium's console is watched for errors on the way.
import type { Page } from 'playwright-core';
import { openTablet, removeDir, tempDir, type RunningServer } from '../tests/e2e/harness.ts';

const OUT = 'docs/screens';
const SIZES = [
  ['1280', { width: 1280, height: 800 }],
  ['1024', { width: 1024, height: 768 }],
] as const;
const LANGUAGES = ['en', 'es', 'zh-Hans', 'zh-Hant'] as const;
const NEW_PASSWORD = 'head office own password';

export async function passwordScreens(server: RunningServer, port: number): Promise<void> {
  const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(server.firstRun())!;
  const profile = tempDir('shots-password');
  const { context, page } = await openTablet(profile, { width: 1280, height: 800 });
  const problems: string[] = [];
  page.on('console', (message) => {
    // The API's refusals on the way (401 before sign-in, 403 for the wrong password) are expected.
    if (/Failed to load resource: the server responded with a status of 40[13]/.test(message.text())) return;
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  try {
    const shot = async (name: string) => {
      // The focus ring blinks in no browser, but the caret does: settle before each picture.
      await page.waitForTimeout(150);
      await page.screenshot({ path: `${OUT}/dashboard-${name}.png`, fullPage: true });
    };
    const language = (lang: string) => page.locator('.language-select select').selectOption(lang);

    await page.goto(`http://127.0.0.1:${port}/dashboard`);
    await page.getByLabel('Staff number').fill(staffNumber!);
    await page.getByLabel('Password', { exact: true }).fill(password!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();

    for (const lang of LANGUAGES) {
      await language(lang);
      for (const [size, viewport] of SIZES) {
        await page.setViewportSize(viewport);
        await shot(`password-forced-${lang}-${size}`);
      }
    }
    await page.setViewportSize(SIZES[0][1]);
    await zoomed(page, async () => {
      await language('en');
      await shot('password-forced-en-zoom200');
      await language('zh-Hant');
      await shot('password-forced-zh-Hant-zoom200');
    });

    // The rules, in words: two new passwords that differ; then a wrong current password.
    await language('en');
    await page.getByLabel('Current password').fill(password!);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(`${NEW_PASSWORD}!`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').filter({ hasText: 'differ' }).waitFor();
    await shot('password-mismatch-en-1280');
    await language('es');
    await page.getByLabel('Contraseña actual').fill('not the password');
    await page.getByLabel('Repita la contraseña nueva').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await page.getByRole('alert').filter({ hasText: 'no es correcta' }).waitFor();
    await shot('password-wrong-es-1280');

    await language('en');
    await page.getByLabel('Current password').fill(password!);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await shot('password-done-en-1280');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.db-main h1').waitFor();

    // From the header, for anyone signed in: the header with its button, then the screen, with Cancel.
    for (const [size, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300);
      await page.locator('.db-header').screenshot({ path: `${OUT}/dashboard-header-en-${size}.png` });
    }
    await page.setViewportSize(SIZES[0][1]);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    for (const lang of LANGUAGES) {
      await language(lang);
      await shot(`password-${lang}-1280`);
    }
    await language('en');
    await page.setViewportSize(SIZES[1][1]);
    await shot('password-en-1024');
    if (problems.length > 0) console.warn(`Chromium reported on the password screens:\n${problems.join('\n')}`);
  } finally {
    await context.close();
    removeDir(profile);
  }
}

/**
 * Runs `take` with the page as a 1280×800 screen zoomed to 200 % lays it out: 640×400 CSS
 * pixels (the pictures are taken at that size).
 */
async function zoomed(page: Page, take: () => Promise<void>): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 640, height: 400 });
  try {
    await take();
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
