// Takes the README's screenshots through the real flow: `npx tsx scripts/screenshots.ts`.
// Starts the server on an empty database, enrolls a tablet with the printed code and
// photographs each screen at counter-tablet sizes, in English and Traditional Chinese.
import { admin, enrollmentCodeOf, freePort, openTablet, removeDir, startServer, tempDir } from '../tests/e2e/harness.ts';

const OUT = 'docs/screens';
const dataDir = tempDir('shots-data');
const profile = tempDir('shots-tablet');
const port = await freePort();
const server = await startServer(port, dataDir);
try {
  const code = enrollmentCodeOf(server.output());
  const branchId = /([0-9a-f-]{36})\s+Branch 1/.exec(await admin(dataDir, 'branches'))?.[1] ?? '';
  await admin(dataDir, 'branch:set', branchId, '--name', 'Main Street', '--cooldown', '60000');
  const { context, page } = await openTablet(profile);
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByLabel('Enrollment code').fill(code);
  await page.screenshot({ path: `${OUT}/setup-en-portrait.png` });
  await page.getByRole('button', { name: 'Enroll this tablet' }).click();
  await page.locator('[data-screen="setup-done"]').waitFor();
  await page.screenshot({ path: `${OUT}/setup-done-en-portrait.png` });
  await page.getByRole('button', { name: 'Start' }).click();
  for (const [lang, label] of [['en', 'English'], ['zh-Hant', '繁體中文']] as const) {
    for (const [orientation, viewport] of [['portrait', { width: 800, height: 1280 }], ['landscape', { width: 1280, height: 800 }]] as const) {
      await page.setViewportSize(viewport);
      await page.locator('[data-screen="counter-ready"]').waitFor();
      await page.getByRole('button', { name: label }).click();
      await page.screenshot({ path: `${OUT}/counter-${lang}-${orientation}.png` });
    }
    await page.locator('button[data-score="very-satisfied"]').click();
    await page.locator('[data-screen="counter-thanks"]').waitFor();
    await page.screenshot({ path: `${OUT}/thanks-${lang}-landscape.png` });
    // The thank-you lasts the branch's cooldown; a reload brings the buttons back for the next shot.
    await page.reload();
  }
  await context.close();
} finally {
  await server.stop();
  removeDir(dataDir);
  removeDir(profile);
}
