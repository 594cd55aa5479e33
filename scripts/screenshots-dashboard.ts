// The dashboard's screenshots: `npx tsx scripts/screenshots.ts dashboard`.
// Seeds the demo's month of four branches into a data directory of its own
// (`npm run demo -- --seed-only`: the same ingest as the tablets), starts the server on it,
// signs in as head office and photographs every page at 1440×900 in English, the overview in
// Simplified Chinese and at a 1024 px tablet's width, the revoke question, the 403 page, the
// day report as it prints, head office's privacy page with a customer found and the erasure's question,
// a branch's enrollment sheet at 1280×800, on screen and as it prints, and its Staff page with a new PIN shown once.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { admin, freePort, openTablet, removeDir, startServer, tempDir } from '../tests/e2e/harness.ts';

const OUT = 'docs/screens';
const DESKTOP = { width: 1440, height: 900 };
const DEMO_PASSWORD = 'demo-password';
const run = promisify(execFile);

/** Seeds the demo into `dataDir` and stops: the server is started apart, as the other screenshots do. */
async function seedDemo(dataDir: string): Promise<void> {
  await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--seed-only'], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } });
}

export async function dashboardScreens(): Promise<void> {
  const dataDir = tempDir('shots-dashboard-data');
  const profile = tempDir('shots-dashboard');
  await seedDemo(dataDir);
  const port = await freePort();
  const server = await startServer(port, dataDir);
  const base = `http://127.0.0.1:${port}/dashboard`;
  const { context, page } = await openTablet(profile, DESKTOP);
  try {
    const shot = (name: string) => page.screenshot({ path: `${OUT}/dashboard-${name}.png`, fullPage: true });
    /** Every report of the page has come, and every chart is drawn. */
    const settled = async () => {
      await page.locator('.db-main h1').waitFor();
      await page.waitForFunction(() => !document.querySelector('.loading, [aria-busy="true"]'));
      await page.waitForFunction(() => [...document.querySelectorAll('.chart')].every((chart) => chart.classList.contains('drawn')));
    };
    const open = async (path: string) => {
      await page.goto(base + path);
      await settled();
    };
    const branch = async (name: string) => {
      await page.getByLabel('Branch', { exact: true }).selectOption({ label: name });
      await settled();
    };

    await page.goto(base);
    await page.getByLabel('Staff number').waitFor();
    await shot('sign-in-en');
    await signIn(page, 'HQ1');
    await settled();
    await shot('overview-en');
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    await shot('overview-en-1024');
    await page.setViewportSize(DESKTOP);

    await open('/tellers');
    await branch('Madrid Gran Vía');
    await shot('tellers-en');
    await open(`/counters${new URL(page.url()).search}`);
    await shot('counters-en');
    await open('/branches');
    await shot('branches-en');
    await open('/complaints');
    await branch('旺角彌敦道分行');
    await shot('complaints-en');
    await open('/fleet');
    await shot('fleet-en');
    await page.getByRole('button', { name: /^Revoke / }).first().click();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: `${OUT}/dashboard-fleet-revoke-en.png` });
    await page.keyboard.press('Escape');

    await open('/day-close');
    await branch('Madrid Gran Vía');
    await shot('day-close-en');
    await page.emulateMedia({ media: 'print' });
    await shot('day-report-print-en');
    await page.emulateMedia({ media: 'screen' });

    // Head office's privacy desk: a customer found by the phone on one of the demo's entries
    // (the CLI lists them, and the audit log records that it did), the erasure's question.
    const entries = JSON.parse(await admin(dataDir, 'opinions', '--json', '--limit', '500')) as { opinionKind: string; contact: { phone: string } | null }[];
    const customer = entries.find((o) => o.opinionKind === 'complaint' && o.contact?.phone);
    if (!customer) throw new Error("the demo has no complaint with a phone: the privacy page's shot needs one");
    await open('/privacy');
    await page.getByRole('radio', { name: 'Phone number' }).check();
    await page.getByLabel("The customer's phone number").fill(customer.contact!.phone);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('.held').waitFor();
    await settled();
    await shot('privacy-en');
    await page.getByRole('button', { name: "Erase this customer's data…" }).click();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: `${OUT}/dashboard-privacy-erase-en.png` });
    await page.keyboard.press('Escape');

    await enrollScreens(page, base, settled);
    await staffScreens(page, base, settled);

    await open('/');
    await branch('上海中山东路支行');
    await page.getByLabel('Language').selectOption('zh-Hans');
    await settled();
    await shot('overview-zh-Hans');
    await page.getByLabel('语言').selectOption('en');

    // A complaint manager has an account for the tablets' work, and no reports.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, 'M301');
    await page.getByRole('heading', { name: 'Your role cannot see reports' }).waitFor();
    await shot('forbidden-en');
  } finally {
    await context.close();
    await server.stop();
    removeDir(profile);
    removeDir(dataDir);
  }
}

/**
 * Enroll tablets at 1280×800 with Madrid's codes made: the page, and the sheet as it prints
 * (`enroll-en`, `enroll-print-en`). Signed in as head office already; the codes are the demo's own.
 */
export async function enrollScreens(page: Page, base: string, settled: () => Promise<void>): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base}/enroll`);
  await settled();
  await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Madrid Gran Vía' });
  await page.getByRole('button', { name: 'Make codes for this branch' }).click();
  await page.locator('.enroll-sheet').waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.enroll-qr')].every((img) => img.complete && img.naturalWidth > 0));
  await page.screenshot({ path: `${OUT}/dashboard-enroll-en.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${OUT}/dashboard-enroll-print-en.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  if (viewport) await page.setViewportSize(viewport);
}

/**
 * Staff at 1280×800, Madrid's roster with a member just added and their PIN shown once
 * (`staff-en`). Signed in as head office already; the member is added to the demo's data.
 */
export async function staffScreens(page: Page, base: string, settled: () => Promise<void>): Promise<void> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${base}/staff`);
  await settled();
  await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Madrid Gran Vía' });
  await page.getByRole('table').waitFor();
  const add = page.getByRole('region', { name: /^Add someone to / });
  await add.getByLabel('Staff number').fill('X9150');
  await add.getByLabel('Name').fill('Rosa Delgado');
  await add.getByRole('button', { name: 'Add', exact: true }).click();
  await page.locator('.staff-pin').waitFor();
  await settled();
  await page.screenshot({ path: `${OUT}/dashboard-staff-en.png`, fullPage: true });
  if (viewport) await page.setViewportSize(viewport);
}

async function signIn(page: Page, staffNumber: string): Promise<void> {
  await page.getByLabel('Staff number').fill(staffNumber);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

if (import.meta.url === `file://${process.argv[1]}`) await dashboardScreens();
