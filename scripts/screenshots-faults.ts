// The tablet's fault screens (decision 0013): `npx tsx scripts/screenshots.ts faults`. Each fault is
// made as tests/e2e/tablet-faults.test.ts makes it, on a counter of its own, and photographed
// at 800×1280 and 1280×800, in English and Traditional Chinese: the storage full (a customer's
// tap refused, the corner's warning), the database deleted (enroll again), a revoked tablet
// (what waits, the corner), the setup screen after "Enroll again", and the upgrade notice.
import type { Page } from 'playwright-core';
import { admin, openTablet } from '../tests/e2e/harness.ts';
import { clearIndexedDb, counterTablet, discard, fillStorage, rate, shrinkQuota, deviceIdOf, type Branch, type Tablet } from '../tests/e2e/faults.ts';

const OUT = 'docs/screens';
const SIZES = [['portrait', { width: 800, height: 1280 }], ['landscape', { width: 1280, height: 800 }]] as const;
const LANGUAGES = [['en', 'English'], ['zh-Hant', '繁體中文']] as const;

/** Photographs what `show` brings up, in both sizes and both languages. */
async function shoot(page: Page, name: string, show: () => Promise<void>) {
  for (const [lang, label] of LANGUAGES) {
    for (const [orientation, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await show();
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.screenshot({ path: `${OUT}/${name}-${lang}-${orientation}.png` });
    }
  }
}

export async function faultScreens(dataDir: string, port: number, branchId: string, teller: { staffNumber: string; pin: string }): Promise<void> {
  const origin = `http://127.0.0.1:${port}`;
  const branch: Branch = { dataDir, baseUrl: `${origin}/`, branchId, teller };
  await admin(dataDir, 'branch:set', branchId, '--cooldown', '300');
  const tablets: Tablet[] = [];
  try {
    // Storage full: five ratings waiting, the quota shrunk before the app starts, then filled.
    let full = await counterTablet(branch, 'Counter 2');
    tablets.push(full);
    await full.context.setOffline(true);
    await rate(full.page, 5);
    await full.context.close();
    const reopened = await openTablet(full.profile);
    full = { ...full, ...reopened };
    tablets.push(full);
    await shrinkQuota(await full.context.newCDPSession(full.page), origin, 1024 * 1024);
    await full.context.setOffline(true);
    await full.page.goto(branch.baseUrl);
    await full.page.locator('[data-screen="counter-ready"]').waitFor();
    await fillStorage(full.page);
    await shoot(full.page, 'storage-full', async () => {
      await full.page.locator('[data-screen="counter-ready"]').waitFor({ timeout: 10_000 });
      await full.page.click('button[data-score="very-satisfied"]');
      await full.page.locator('[data-screen="counter-failed"]').waitFor();
      await full.page.getByTestId('storage-full').waitFor();
    });

    // Revoked with three ratings waiting; then "Enroll again" (the setup screen says what waits).
    const revoked = await counterTablet(branch, 'Counter 3');
    tablets.push(revoked);
    await revoked.context.setOffline(true);
    await rate(revoked.page, 3);
    await admin(dataDir, 'device:revoke', await deviceIdOf(revoked.page));
    await revoked.context.setOffline(false);
    await revoked.page.getByRole('button', { name: 'Enroll again' }).waitFor({ timeout: 15_000 });
    await shoot(revoked.page, 'revoked', () => revoked.page.locator('[data-testid="sync-error"][data-reason="device-revoked"]').waitFor());
    await revoked.page.getByRole('button', { name: 'English', exact: true }).click();
    await revoked.page.getByRole('button', { name: 'Enroll again' }).click();
    await revoked.page.getByRole('button', { name: 'Tap again to forget this enrollment' }).click();
    await shoot(revoked.page, 'reenroll-pending', () => revoked.page.locator('[data-screen="setup"][data-notice="pending"]').waitFor());

    // The database deleted under the open app.
    const evicted = await counterTablet(branch, 'Counter 4');
    tablets.push(evicted);
    await clearIndexedDb(await evicted.context.newCDPSession(evicted.page), origin);
    await shoot(evicted.page, 'reenroll', () => evicted.page.locator('[data-screen="setup"][data-notice="lost"]').waitFor());

    // A newer schema from another tab: the notice shows for a moment before the restart.
    for (const [orientation, viewport] of SIZES) {
      const upgraded = await counterTablet(branch, `Counter 5 ${orientation}`);
      tablets.push(upgraded);
      const other = await upgraded.context.newPage();
      await other.goto(branch.baseUrl);
      await other.evaluate(() => new Promise<void>((resolve) => {
        const probe = indexedDB.open('branchvoice');
        probe.onsuccess = () => {
          const version = probe.result.version;
          probe.result.close();
          const open = indexedDB.open('branchvoice', version + 10);
          open.onsuccess = () => (open.result.close(), resolve());
        };
      }));
      await upgraded.page.setViewportSize(viewport);
      await upgraded.page.locator('[data-screen="upgraded"] h1').waitFor();
      await upgraded.page.screenshot({ path: `${OUT}/upgraded-en-${orientation}.png` });
    }
  } finally {
    for (const tablet of tablets) await discard(tablet);
  }
}
