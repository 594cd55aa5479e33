import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations, enrollmentCodeOf, enrollTablet, eventually, firstTellerOf, signInToDashboard, tabletMeta, useServerAndChromium } from './harness.ts';

// Manage › Counters & lists, the whole way: `npm start` on an empty database, a counter tablet
// enrolled with the first-run code and a teller signed in on it; head office signs in, adds a
// counter and a reason asked after a dissatisfied rating on the page; the tablet pulls the
// branch's new configuration at its next sync and offers the new reason to the next customer
// who rates the visit dissatisfied. Real Chromium, axe-core on the page.
const app = useServerAndChromium('setup-dashboard-data');
const REASON = { en: 'The door was locked', es: 'La puerta estaba cerrada', 'zh-Hans': '门锁着', 'zh-Hant': '門鎖着' };

/**
 * The first-run teller signs in at the counter; a PIN given to them works once (decision 0021),
 * so when the tablet asks for their own, they choose one, and the window opens.
 */
async function openWindow(page: Page, staffNumber: string, pin: string): Promise<void> {
  await page.getByRole('button', { name: 'Teller sign-in' }).click();
  await page.getByLabel('Staff number').fill(staffNumber);
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const ready = page.locator('[data-screen="counter-ready"]');
  const choose = page.locator('[data-screen="choose-pin"]');
  await ready.or(choose).waitFor();
  if (await choose.isVisible()) {
    const own = pin === '8642' ? '8643' : '8642';
    await choose.getByLabel('New PIN', { exact: true }).fill(own);
    await choose.getByLabel('New PIN again').fill(own);
    await choose.getByRole('button', { name: 'Save my PIN' }).click();
  }
  await ready.waitFor();
}

describe('the counters and lists page on the dashboard, end to end', () => {
  it('given head office on Counters & lists, when it adds a counter and a reason for dissatisfied, then an enrolled counter tablet offers the reason after its next sync; axe finds nothing', async () => {
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const counter = await tablet.newPage();
      await enrollTablet(counter, app.base, enrollmentCodeOf(app.server.firstRun()));
      const teller = firstTellerOf(app.server.firstRun());
      await openWindow(counter, teller.staffNumber, teller.pin);

      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
      await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: 'Counters & lists', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Counters & lists' }).waitFor();
      await page.getByText('Choose a branch in the filter above to see its counters and lists.').waitFor();
      await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Branch 1' });

      const counters = page.getByRole('region', { name: 'Counters' });
      await counters.getByText('Add a counter to Branch 1').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await counters.getByLabel('Counter name').fill('Window 7');
      await counters.getByRole('button', { name: 'Add counter' }).click();
      await page.getByText('Window 7 added. Enroll its tablet on the Enroll tablets page.').waitFor();
      await counters.getByText('Window 7', { exact: true }).waitFor();

      const reasons = page.getByRole('region', { name: 'Reasons after a rating' });
      const add = reasons.locator('.setup-add');
      await add.getByLabel('Label in English').fill(REASON.en);
      await add.getByLabel('Label in Spanish').fill(REASON.es);
      await add.getByLabel('Label in Simplified Chinese').fill(REASON['zh-Hans']);
      // The last language left out: refused on the page, next to its field.
      await add.getByRole('button', { name: 'Add reason' }).click();
      const hant = add.getByLabel('Label in Traditional Chinese');
      await expect.poll(() => hant.getAttribute('aria-invalid')).toBe('true');
      await add.getByText('Enter this label: every language is needed.').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await hant.fill(REASON['zh-Hant']);
      await add.getByRole('checkbox', { name: 'Neutral' }).uncheck();
      await add.getByRole('button', { name: 'Add reason' }).click();
      await page.getByText(`Reason “${REASON.en}” added at the end of the list.`).waitFor();
      await reasons.getByText(REASON.en, { exact: true }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // The tablet's next sync (a rating is sent at once) brings the branch's new configuration.
      await counter.locator('[data-screen="counter-ready"]').waitFor();
      await counter.click('button[data-score="satisfied"]');
      await counter.locator('[data-screen="counter-thanks"]').waitFor();
      await eventually('the tablet pulls the new reason', async () => {
        const config = await tabletMeta<{ reasons: { id: string }[]; counters?: unknown }>(counter, 'config');
        return config?.reasons.some((r) => r.id === 'the-door-was-locked') ?? false;
      });
      await counter.locator('[data-screen="counter-ready"]').waitFor();
      await counter.click('button[data-score="dissatisfied"]');
      const asked = counter.locator('[data-screen="counter-reasons"]');
      await asked.waitFor();
      await asked.getByRole('button', { name: REASON.en }).waitFor();
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 180_000);
});
