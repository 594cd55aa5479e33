// The screens of decision 0016 (device tokens): `npx tsx scripts/screenshots.ts tokens`. Made as
// tests/e2e/device-token.test.ts makes them, on a server whose clock the script moves: a counter
// tablet's profile copied to a second one, the original taking a new token two days later, the
// copy refused after the grace (its corner: "another copy of this tablet's key replaced it"),
// the dashboard's fleet warning of it, and the original expired after 60 days of silence. The
// tablets at 800×1280 and 1280×800, the dashboard at 1280×800, each in the four languages.
import { cpSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { DEVICE_EXPIRES_AFTER_MS, PREVIOUS_TOKEN_GRACE_MS, TOKEN_ROTATE_AFTER_MS } from '../src/domain/device-token.ts';
import { LANGUAGES } from '../src/domain/language.ts';
import dashboardEn from '../src/locales/dashboard/en.json';
import dashboardEs from '../src/locales/dashboard/es.json';
import dashboardZhHans from '../src/locales/dashboard/zh-Hans.json';
import dashboardZhHant from '../src/locales/dashboard/zh-Hant.json';
import { HEAD_OFFICE, startClockedServer, TELLER } from '../tests/e2e/clocked-server.ts';
import { deviceIdOf, drained, rate } from '../tests/e2e/faults.ts';
import { enrollTablet, eventually, openTablet, removeDir, signInAtCounter, tempDir } from '../tests/e2e/harness.ts';

const OUT = 'docs/screens';
const SIZES = [['portrait', { width: 800, height: 1280 }], ['landscape', { width: 1280, height: 800 }]] as const;
/** Each language as the tablet's language buttons name it. */
const NAMES = { 'zh-Hans': '简体中文', 'zh-Hant': '繁體中文', en: 'English', es: 'Español' } as const;
const DASHBOARD = { 'zh-Hans': dashboardZhHans, 'zh-Hant': dashboardZhHant, en: dashboardEn, es: dashboardEs } as const;
const MINUTE = 60_000;

/** The fleet warning's title for one tablet, as i18next picks its plural form. */
function copiedTitle(language: (typeof LANGUAGES)[number]): string {
  const texts = DASHBOARD[language].dashboard.fleet.copied;
  return new Intl.PluralRules(language).select(1) === 'one' ? texts.title_one : texts.title_other.replace('{{count}}', '1');
}

/** Photographs the tablet's screen in both sizes and the four languages, once `show` holds. */
async function shoot(page: Page, name: string, show: () => Promise<void>) {
  for (const language of LANGUAGES) {
    for (const [orientation, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await show();
      await page.getByRole('button', { name: NAMES[language], exact: true }).click();
      await page.screenshot({ path: `${OUT}/${name}-${language}-${orientation}.png` });
    }
  }
  await page.getByRole('button', { name: NAMES.en, exact: true }).click();
}

export async function tokenScreens(): Promise<void> {
  // Started in the past by as much as the script moves it, so that the dashboard's "last seen"
  // and the tablets' clock offsets read as they would on the day (the browsers keep real time).
  const server = await startClockedServer({ startsAt: -(TOKEN_ROTATE_AFTER_MS + MINUTE + PREVIOUS_TOKEN_GRACE_MS + 1000) });
  const dirs = { original: tempDir('shots-original'), copy: tempDir('shots-copy'), desk: tempDir('shots-desk') };
  const contexts: Array<{ close: () => Promise<void> }> = [];
  try {
    let original = await openTablet(dirs.original);
    contexts.push(original.context);
    await enrollTablet(original.page, server.baseUrl, await server.code());
    await signInAtCounter(original.page, TELLER.staffNumber, TELLER.pin);
    await rate(original.page, 2);
    await drained(original.page);
    const deviceId = await deviceIdOf(original.page);
    await original.context.close();
    cpSync(dirs.original, dirs.copy, { recursive: true });
    original = await openTablet(dirs.original);
    contexts.push(original.context);
    await original.page.goto(server.baseUrl);

    // The original takes a new token and uses it; after the grace, the copy starts.
    server.advance(TOKEN_ROTATE_AFTER_MS + MINUTE);
    await rate(original.page, 1);
    await rate(original.page, 1);
    await eventually('the new token to be used', async () => (await server.device(deviceId)).previous_token_until !== null, 20_000, 200);
    server.advance(PREVIOUS_TOKEN_GRACE_MS + 1000);
    const copy = await openTablet(dirs.copy);
    contexts.push(copy.context);
    await copy.page.goto(server.baseUrl);
    await copy.page.locator('[data-testid="sync-error"][data-reason="token-superseded"]').waitFor({ timeout: 20_000 });
    await rate(copy.page, 2);
    await shoot(copy.page, 'superseded', () => copy.page.locator('[data-testid="sync-error"][data-reason="token-superseded"]').waitFor());
    // The original goes on syncing.
    await rate(original.page, 1);
    await drained(original.page);

    // The fleet, as head office sees it.
    const desk = await openTablet(dirs.desk, { width: 1280, height: 800 });
    contexts.push(desk.context);
    await desk.page.goto(`${server.baseUrl}dashboard/fleet`);
    await desk.page.getByLabel('Staff number').fill(HEAD_OFFICE.staffNumber);
    await desk.page.getByLabel('Password').fill(HEAD_OFFICE.password);
    await desk.page.getByRole('button', { name: 'Sign in' }).click();
    await desk.page.getByTestId('copied-keys').waitFor();
    for (const language of LANGUAGES) {
      await desk.page.locator('.language-select select').selectOption(language);
      await desk.page.getByRole('heading', { name: copiedTitle(language) }).waitFor();
      await desk.page.screenshot({ path: `${OUT}/dashboard-fleet-copied-${language}.png` });
    }

    // Sixty days without a sync: the original, with two ratings waiting, is refused as expired.
    server.advance(DEVICE_EXPIRES_AFTER_MS + MINUTE);
    await rate(original.page, 2);
    await shoot(original.page, 'expired', () => original.page.locator('[data-testid="sync-error"][data-reason="device-expired"]').waitFor({ timeout: 20_000 }));
  } finally {
    for (const context of contexts.reverse()) await context.close().catch(() => undefined);
    for (const dir of Object.values(dirs)) removeDir(dir);
    await server.close();
  }
}
