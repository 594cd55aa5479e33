import { describe, expect, it } from 'vitest';
import { axeViolations, enrollmentCodeOf, enrollTablet, eventually, firstTellerOf, openStaffMenu, serverRatings, tabletMeta, useServerAndChromium } from './harness.ts';

// One-time PINs (decision 0021), the whole way: `npm start` on an empty database; the counter
// tablet is enrolled with the first run's code, and the first teller signs in with the first
// run's PIN. Offline, the tablet refuses it and says why; online, it is checked by the server
// and the teller must choose their own PIN before the window opens. Signed out, the old PIN is
// refused, the new one opens the window and a customer rates. Real Chromium, axe on the screen.
const app = useServerAndChromium('one-time-pin-data');

describe('a one-time PIN at the counter, end to end', () => {
  it('given the first run\'s PIN, when the teller signs in, then it is refused offline with the reason, and online they must choose their own, after which only theirs signs them in and a customer rates', async () => {
    const context = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const page = await context.newPage();
      const firstRun = app.server.firstRun();
      expect(firstRun).toContain('The PIN is one-time: at the first sign-in on the tablet, with the network up, the teller must choose their own.');
      const teller = firstTellerOf(firstRun);
      await enrollTablet(page, app.base, enrollmentCodeOf(firstRun));
      const signIn = async (pin: string) => {
        await page.getByLabel('Staff number').fill(teller.staffNumber);
        await page.getByLabel('PIN', { exact: true }).fill(pin);
        await page.getByRole('button', { name: 'Sign in' }).click();
      };

      // Offline, the tablet holds the hash but knows the PIN is one-time: it keeps the teller out, and says why.
      await context.setOffline(true);
      await page.getByRole('button', { name: 'Teller sign-in' }).click();
      await signIn(teller.pin);
      await page.getByRole('alert').filter({ hasText: 'This PIN must be changed first, and the tablet needs the network for that.' }).waitFor();
      expect(await page.locator('[data-screen="counter-sign-in"]').count()).toBe(1);

      // Online, the server checks it and the tablet asks for the teller's own before anything else.
      await context.setOffline(false);
      await signIn(teller.pin);
      const choose = page.locator('[data-screen="choose-pin"]');
      await choose.waitFor();
      await page.getByRole('heading', { level: 1, name: 'Choose your own PIN' }).waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('staff-new-pin');
      expect(await page.locator('button[data-score]').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      const choosePin = async (pin: string, again = pin) => {
        await page.getByLabel('New PIN', { exact: true }).fill(pin);
        await page.getByLabel('New PIN again').fill(again);
        await page.getByRole('button', { name: 'Save my PIN' }).click();
      };
      await choosePin('8642', '8643');
      await page.getByRole('alert').filter({ hasText: 'The two new PINs differ. Type the same PIN twice.' }).waitFor();
      await choosePin(teller.pin);
      await page.getByRole('alert').filter({ hasText: 'Choose a PIN other than the one you were given.' }).waitFor();
      await choosePin('12');
      await page.getByRole('alert').filter({ hasText: 'The new PIN must be 4 to 8 digits.' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await choosePin('8642');
      await page.locator('[data-screen="counter-ready"]').waitFor();

      // Signed out, the PIN the first run gave no longer works; the teller's own does, with no question asked.
      await openStaffMenu(page, '8642');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.locator('[data-screen="counter-closed"]').waitFor();
      await page.getByRole('button', { name: 'Teller sign-in' }).click();
      await signIn(teller.pin);
      await page.getByRole('alert').filter({ hasText: 'The staff number or the PIN is wrong.' }).waitFor();
      await signIn('8642');
      await page.locator('[data-screen="counter-ready"]').waitFor();
      expect(await choose.count()).toBe(0);

      await page.click('button[data-score="very-satisfied"]');
      await page.locator('[data-screen="counter-thanks"]').waitFor();
      await eventually('the rating to reach the server', async () => (await serverRatings(app.dataDir)).length === 1);
      // The new hash reached the tablet's roster: offline, the teller's own PIN is checked there.
      await eventually('the roster to drop the one-time flag', async () => {
        const config = await tabletMeta<{ tellers: { pinMustChange?: boolean }[] }>(page, 'config');
        return config !== undefined && config.tellers.every((t) => !t.pinMustChange);
      });
    } finally {
      await context.close();
    }
  });
});
