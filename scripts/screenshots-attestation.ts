// The screens of decision 0014 (whose word a record carries): `npx tsx scripts/screenshots.ts attestation`.
// A lobby tablet whose branch manager signs in with the server (the desk says "checked by the
// server", each step of a case carries it), then, the server stopped, signs in again checked by
// the tablet alone: the desk says so in an amber band, and the sign-off and escalation wait,
// disabled, with the reason under them. Both tablet sizes, the four languages (the desk speaks
// the branch's language, so the script sets it before each round).
import type { Page } from 'playwright-core';
import { LANGUAGES } from '../src/domain/language.ts';
import {
  admin,
  caseAction,
  enrollmentCodeOf,
  enrollTablet,
  eventually,
  firstBranchId,
  firstRunOf,
  firstTellerOf,
  freePort,
  openCase,
  openStatusCorner,
  openTablet,
  removeDir,
  signInAtCounter,
  startServer,
  tempDir,
  type RunningServer,
} from '../tests/e2e/harness.ts';

const OUT = 'docs/screens';
const SIZES = [['portrait', { width: 800, height: 1280 }], ['landscape', { width: 1280, height: 800 }]] as const;
const BOSS = { number: '2003', name: 'Chen Wei', pin: '975310' };
/** Each language as the counter's language buttons name it. */
const NAMES = { 'zh-Hans': '简体中文', 'zh-Hant': '繁體中文', en: 'English', es: 'Español' } as const;

/**
 * The counter's staff menu once the teller's PIN opened it, at both sizes and in the four
 * languages: "checked by the server", or the amber "checked by this tablet only".
 */
async function counterMenus(page: Page, pin: string, name: string) {
  for (const language of LANGUAGES) {
    await page.getByRole('button', { name: NAMES[language], exact: true }).click();
    for (const [orientation, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await page.getByTestId('staff-corner').focus();
      await page.keyboard.press('Enter');
      await page.locator('#staff-menu-pin').fill(pin);
      await page.locator('[data-screen="counter-staff-menu"] button[type=submit]').click();
      await page.locator('.staff-actions').waitFor();
      await page.screenshot({ path: `${OUT}/${name}-${language}-${orientation}.png` });
      // Back to the customer screen: the button just above the separator (Sign out stands apart after it).
      await page.locator('.staff-actions hr.staff-actions-apart').locator('xpath=preceding-sibling::button[1]').click();
      await page.locator('[data-screen="counter-staff-menu"]').waitFor({ state: 'detached' });
    }
  }
  await page.getByRole('button', { name: NAMES.en, exact: true }).click();
}

/** The lobby's kiosk lock, by the form's ids: the texts are the branch's language. */
async function signIn(page: Page) {
  await page.getByTestId('staff-corner').focus();
  await page.keyboard.press('Enter');
  await page.locator('#lobby-staff-number').fill(BOSS.number);
  await page.locator('#lobby-staff-pin').fill(BOSS.pin);
  await page.locator('[data-screen="lobby-staff"] button[type=submit]').click();
  await page.locator('[data-screen="staff-desk"]').waitFor();
}

async function signOut(page: Page) {
  await page.locator('.desk-signout').click();
  await page.locator('[data-screen="lobby-attract"]').waitFor();
}

/** Whether the tablet's stored configuration is in `language` (read in the page). */
function branchLanguageIs(language: string): Promise<boolean> {
  return new Promise((resolve) => {
    const open = indexedDB.open('branchvoice');
    open.onsuccess = () => {
      const get = open.result.transaction('meta').objectStore('meta').get('config');
      get.onsuccess = () => {
        open.result.close();
        resolve((get.result as { value: { branch: { defaultLanguage: string } } } | undefined)?.value.branch.defaultLanguage === language);
      };
    };
  });
}

/** The case on screen at both sizes; `focus` is scrolled into view first. */
async function shoot(page: Page, name: string, language: string, focus: string) {
  for (const [orientation, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    await page.locator(focus).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUT}/${name}-${language}-${orientation}.png` });
  }
}

export async function attestationScreens(): Promise<void> {
  const port = await freePort();
  const dataDir = tempDir('shots-attest');
  const profile = tempDir('shots-attest-lobby');
  const counterProfile = tempDir('shots-attest-counter');
  let server: RunningServer | undefined = await startServer(port, dataDir);
  try {
    const branchId = await firstBranchId(dataDir);
    const teller = firstTellerOf(firstRunOf(dataDir));
    const counter = await openTablet(counterProfile);
    await enrollTablet(counter.page, `http://127.0.0.1:${port}/`, enrollmentCodeOf(firstRunOf(dataDir)));
    await signInAtCounter(counter.page, teller.staffNumber, teller.pin);
    await counterMenus(counter.page, teller.pin, 'staff-menu-server-checked');
    // Offline after a restart of the page: the session is gone with the page's memory, and the
    // tablet checks the teller's PIN itself (a live session would have gone on signing).
    await server.stop();
    await counter.page.reload();
    await counter.page.locator('[data-shift="open"]').waitFor();
    await counterMenus(counter.page, teller.pin, 'staff-menu-tablet-checked');
    await counter.context.close();
    server = await startServer(port, dataDir);
    await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', BOSS.number, '--name', BOSS.name, '--pin', BOSS.pin, '--role', 'branch-manager');
    const code = /Lobby enrollment code: (\S+)/.exec(await admin(dataDir, 'code:create', '--lobby', '--branch', branchId))![1]!;
    const { context, page } = await openTablet(profile, { width: 1280, height: 800 });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByLabel('Enrollment code').fill(code);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    await signIn(page);
    await openCase(page, 'Phone', 'Card swallowed at the machine outside');
    await caseAction(page, 'Record the reply', { 'What you told the customer': 'The card was returned the same day' });
    await signOut(page);

    for (const language of LANGUAGES) {
      server ??= await startServer(port, dataDir);
      await admin(dataDir, 'branch:set', branchId, '--lang', language);
      // The new language reaches the tablet with its configuration, at its next sync.
      // Sync now is in the status mark's details, opened by a tap.
      await openStatusCorner(page);
      await page.getByTestId('status-corner').getByRole('button').last().click();
      await eventually(`the ${language} configuration to reach the tablet`, () => page.evaluate(branchLanguageIs, language), 30_000, 250);
      await signIn(page);
      await page.locator('.case-row').first().click();
      await shoot(page, 'staff-case-server-checked', language, '.history');
      await signOut(page);

      await server.stop();
      server = undefined;
      await signIn(page);
      await page.locator('.case-row').first().click();
      await shoot(page, 'staff-case-tablet-checked', language, '#needs-server-note');
      await signOut(page);
    }
    await context.close();
  } finally {
    await server?.stop();
    removeDir(dataDir);
    removeDir(profile);
    removeDir(counterProfile);
  }
}
