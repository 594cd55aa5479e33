import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, chooseOwnPinIfAsked, eventually, scanQr, serverRatings, signInToDashboard, tellerIdOf, useServerAndChromium } from './harness.ts';

// Setting up a branch from nothing, in the browser alone: `npm start` on an empty database;
// head office makes a region, a branch in it with two counters and its branch manager, and
// invites the manager and a regional manager; the branch manager signs in with the temporary
// password, chooses their own, adds three tellers with photos and a reason, and makes the
// branch's printable QR sheet; a new tablet enrolls by opening what its camera reads off the
// sheet; a new teller signs in with the one-time PIN, chooses their own, and a customer rates.
// The regional manager then sees exactly the region's branch in every report and may manage
// no other. No shell after the first run; real Chromium, axe-core on every Manage page.
const app = useServerAndChromium('manage-walk-data');

/** A 2×1 PNG: the browser crops it square and scales it to the roster's 240×240. */
const PHOTO_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGM4YaOhEXUCAAh3AneSLUbaAAAAAElFTkSuQmCC';
const REASON = { en: 'Too few windows open', es: 'Pocas ventanillas abiertas', 'zh-Hans': '开放窗口太少', 'zh-Hant': '開放窗口太少' };
const TELLERS = [
  { staffNumber: '6101', name: 'Lucía Romero' },
  { staffNumber: '6102', name: 'Wang Fang' },
  { staffNumber: '6103', name: 'Tomás Ortega' },
] as const;

/** Opens a Manage page from the navigation and waits for its heading. */
async function openPage(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The temporary password on the slip an invitation shows once, and the slip closed. */
async function temporaryPasswordFor(page: Page, name: string): Promise<string> {
  const slip = page.getByRole('region', { name: `Dashboard sign-in for ${name}` });
  await slip.waitFor();
  const password = (await slip.getByTestId('temporary-password').textContent())!;
  await slip.getByRole('button', { name: 'Done' }).click();
  await expect.poll(() => slip.count()).toBe(0);
  return password;
}

/** A fresh browser of their own for someone signing in with a temporary password, which they replace. */
async function signInElsewhere(browser: Browser, base: string, staffNumber: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await signInToDashboard(page, base, { staffNumber, password, newPassword: `${staffNumber} chose this one` });
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return page;
}

/** A GET or a JSON write with the page's session, as the dashboard makes them. */
async function call(page: Page, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await page.request.fetch(new URL(url, page.url()).href, { method, ...(body !== undefined && { data: body, headers: { 'content-type': 'application/json' } }) });
  return { status: response.status(), body: await response.json() };
}

describe('running a branch from the dashboard alone, end to end', () => {
  it('given a fresh first run, when head office sets up a region and a branch and its manager takes over, then a tablet enrolled off the QR sheet rates a new teller, and the regional manager sees and manages only their region', async () => {
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const tabletContext = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    const others: Page[] = [];
    try {
      // Head office, with the first run's password, then its own.
      const office = await desk.newPage();
      const [, hqNumber, hqPassword] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
      await signInToDashboard(office, app.base, { staffNumber: hqNumber!, password: hqPassword!, newPassword: 'head office own password' });

      // A region, and a branch in it with its first counter.
      await openPage(office, 'Regions & branches');
      await office.getByLabel('Region name').fill('North Coast');
      await office.getByRole('button', { name: 'Add region' }).click();
      await office.getByText('Region North Coast added.').waitFor();
      const addBranch = office.getByRole('region', { name: 'Add a branch' });
      await addBranch.getByLabel('Branch name').fill('Harbour Road');
      await addBranch.getByLabel("Branch's region").selectOption({ label: 'North Coast' });
      await addBranch.getByLabel('Time zone').selectOption('Europe/Madrid');
      await addBranch.getByLabel('First counter (optional)').fill('Window 1');
      await addBranch.getByRole('button', { name: 'Add branch' }).click();
      await office.getByText('Branch Harbour Road added, with the default reasons and topics.').waitFor();
      await office.getByRole('table', { name: 'North Coast' }).getByRole('rowheader', { name: 'Harbour Road' }).waitFor();
      expect(await axeViolations(office)).toEqual([]);

      // Its second counter.
      await openPage(office, 'Counters & lists');
      await office.getByLabel('Branch', { exact: true }).selectOption({ label: 'Harbour Road' });
      const counters = office.getByRole('region', { name: 'Counters' });
      await counters.getByLabel('Counter name').fill('Window 2');
      await counters.getByRole('button', { name: 'Add counter' }).click();
      await office.getByText('Window 2 added. Enroll its tablet on the Enroll tablets page.').waitFor();
      expect(await axeViolations(office)).toEqual([]);

      // Its branch manager on the roster, then their dashboard account.
      await openPage(office, 'Staff');
      const addStaff = office.getByRole('region', { name: 'Add someone to Harbour Road' });
      await addStaff.getByLabel('Staff number').fill('6001');
      await addStaff.getByLabel('Name').fill('Marta Vidal');
      await addStaff.getByLabel('Role').selectOption({ label: 'branch manager' });
      await addStaff.getByRole('button', { name: 'Add', exact: true }).click();
      const managerPin = office.getByRole('region', { name: 'PIN for Marta Vidal' });
      await managerPin.waitFor();
      await managerPin.getByRole('button', { name: 'Done' }).click();

      await openPage(office, 'Accounts');
      const invite = office.getByRole('region', { name: 'Invite someone' });
      await invite.getByLabel('Account for').selectOption({ label: "A branch's manager (from the roster)" });
      await invite.getByLabel('Branch', { exact: true }).selectOption({ label: 'Harbour Road' });
      await invite.getByLabel('Member of staff').selectOption({ label: 'Marta Vidal (6001), branch manager' });
      await invite.getByRole('button', { name: 'Invite', exact: true }).click();
      const managerPassword = await temporaryPasswordFor(office, 'Marta Vidal');

      await invite.getByLabel('Account for').selectOption({ label: 'A regional manager' });
      await invite.getByLabel('Staff number').fill('RM1');
      await invite.getByLabel('Name').fill('Rosa Delgado');
      await invite.getByLabel('Region').selectOption({ label: 'North Coast' });
      await invite.getByRole('button', { name: 'Invite', exact: true }).click();
      const regionalPassword = await temporaryPasswordFor(office, 'Rosa Delgado');
      expect(await axeViolations(office)).toEqual([]);

      // The branch manager takes over, in a browser of their own.
      const manager = await signInElsewhere(app.browser, app.base, '6001', managerPassword);
      others.push(manager);
      await openPage(manager, 'Staff');
      const pins: Record<string, string> = {};
      for (const teller of TELLERS) {
        const add = manager.getByRole('region', { name: 'Add someone to Harbour Road' });
        await add.getByLabel('Staff number').fill(teller.staffNumber);
        await add.getByLabel('Name').fill(teller.name);
        await add.getByRole('button', { name: 'Add', exact: true }).click();
        const panel = manager.getByRole('region', { name: `PIN for ${teller.name}` });
        await panel.waitFor();
        pins[teller.staffNumber] = (await panel.locator('.staff-pin-value').textContent())!;
        await panel.getByRole('button', { name: 'Done' }).click();
        await expect.poll(() => panel.count()).toBe(0);

        await manager.getByRole('button', { name: `Edit ${teller.name}` }).click();
        const edit = manager.getByRole('region', { name: `Edit ${teller.name} (${teller.staffNumber})` });
        await edit.getByLabel(/^Photo/).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(PHOTO_PNG, 'base64') });
        await manager.getByRole('dialog', { name: `New photo of ${teller.name}` }).getByRole('button', { name: 'Use photo' }).click();
        await manager.getByText(`The photo of ${teller.name} was saved.`).waitFor();
      }
      expect(await axeViolations(manager)).toEqual([]);

      await openPage(manager, 'Counters & lists');
      const addReason = manager.getByRole('region', { name: 'Reasons after a rating' }).locator('.setup-add');
      await addReason.getByLabel('Label in English').fill(REASON.en);
      await addReason.getByLabel('Label in Spanish').fill(REASON.es);
      await addReason.getByLabel('Label in Simplified Chinese').fill(REASON['zh-Hans']);
      await addReason.getByLabel('Label in Traditional Chinese').fill(REASON['zh-Hant']);
      await addReason.getByRole('button', { name: 'Add reason' }).click();
      await manager.getByText(`Reason “${REASON.en}” added at the end of the list.`).waitFor();

      // The QR sheet, as it prints; the tablet for Window 2 reads its card.
      await openPage(manager, 'Enroll tablets');
      await manager.getByRole('button', { name: 'Make codes for this branch' }).click();
      const sheet = manager.getByRole('region', { name: 'Enrollment codes · Harbour Road' });
      await sheet.waitFor();
      expect(await axeViolations(manager)).toEqual([]);
      await manager.emulateMedia({ media: 'print' });
      const card = sheet.locator('.enroll-card[data-mode="counter"]').filter({ has: manager.getByRole('heading', { level: 3, name: 'Window 2' }) });
      expect(await card.getByRole('img').isVisible()).toBe(true);
      const read = await scanQr(card.getByRole('img', { name: 'QR code that enrolls a tablet at Window 2' }));
      await manager.emulateMedia({ media: 'screen' });
      expect(read).toMatch(new RegExp(`^${app.base.replace(/[.]/g, '\\.')}#enroll=[2-9A-Z]{4}-[2-9A-Z]{4}$`));

      const tablet = await tabletContext.newPage();
      await tablet.goto(read!);
      await expect.poll(() => tablet.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      await tablet.keyboard.press('Enter');
      await tablet.locator('[data-screen="setup-done"]').waitFor();
      expect(await tablet.locator('.setup-result').textContent()).toContain('Window 2');
      await tablet.getByRole('button', { name: 'Start' }).click();
      await tablet.locator('[data-screen="counter-closed"]').waitFor();

      // A new teller: the one-time PIN, then their own; their name and photo face the customer.
      const [first] = TELLERS;
      await tablet.getByRole('button', { name: 'Teller sign-in' }).click();
      await tablet.getByLabel('Staff number').fill(first.staffNumber);
      await tablet.getByLabel('PIN').fill(pins[first.staffNumber]!);
      await tablet.getByRole('button', { name: 'Sign in' }).click();
      await tablet.locator('[data-screen="choose-pin"]').waitFor();
      await chooseOwnPinIfAsked(tablet, first.staffNumber, pins[first.staffNumber]!, tablet.locator('[data-screen="counter-ready"]'));
      await expect(tablet.getByTestId('teller-card').innerText()).resolves.toContain(first.name);
      const photo = tablet.getByTestId('teller-card').locator('img.teller-photo');
      expect(await photo.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([240, 240]);

      // A customer rates, with the manager's new reason.
      await tablet.click('button[data-score="dissatisfied"]');
      const asked = tablet.locator('[data-screen="counter-reasons"]');
      await asked.waitFor();
      await asked.getByRole('button', { name: REASON.en }).click();
      await tablet.getByRole('button', { name: 'Done' }).click();
      await tablet.locator('[data-screen="counter-thanks"]').waitFor();
      const tellerId = await tellerIdOf(app.dataDir, first.staffNumber);
      await eventually('the rating reaches the server', async () => (await serverRatings(app.dataDir)).some((r) => r.tellerId === tellerId));
      const [rating] = (await serverRatings(app.dataDir)).filter((r) => r.tellerId === tellerId);
      expect(rating).toMatchObject({ score: 'dissatisfied', reasons: ['too-few-windows-open'] });

      // The regional manager: their region's branch, in every report, and nothing else to manage.
      const regional = await signInElsewhere(app.browser, app.base, 'RM1', regionalPassword);
      others.push(regional);
      const me = (await call(regional, 'GET', '/api/me')).body as { branches: { id: string; name: string }[] };
      expect(me.branches.map((b) => b.name)).toEqual(['Harbour Road']);
      const harbour = me.branches[0]!.id;
      const headOfficeMe = (await call(office, 'GET', '/api/me')).body as { branches: { id: string; name: string }[] };
      const branch1 = headOfficeMe.branches.find((b) => b.name === 'Branch 1')!.id;
      const today = new Date().toISOString().slice(0, 10);
      const days = `from=${today}&to=${today}`;
      const branchesIn: Record<string, (body: never) => string[]> = {
        [`/api/reports/overview?${days}`]: (b: { branches: { id: string }[] }) => b.branches.map((x) => x.id),
        [`/api/reports/tellers?${days}`]: (b: { rows: { branchId: string }[] }) => b.rows.map((x) => x.branchId),
        [`/api/reports/counters?${days}`]: (b: { rows: { branchId: string }[] }) => b.rows.map((x) => x.branchId),
        [`/api/reports/branches?${days}`]: (b: { rows: { branchId: string }[] }) => b.rows.map((x) => x.branchId),
        // No cases yet: its open cases would name their branches; none may be another's.
        [`/api/reports/complaints?${days}`]: (b: { open: { branchId: string }[] }) => [harbour, ...b.open.map((x) => x.branchId)],
        '/api/reports/fleet': (b: { devices: { branchId: string }[] }) => b.devices.map((x) => x.branchId),
      };
      for (const [url, branchIds] of Object.entries(branchesIn)) {
        const answer = await call(regional, 'GET', url);
        expect({ url, status: answer.status }).toEqual({ url, status: 200 });
        expect({ url, branches: [...new Set(branchIds(answer.body as never))] }).toEqual({ url, branches: [harbour] });
      }
      for (const page of ['Overview', 'Tellers', 'Counters', 'Branches', 'Complaints', 'Fleet']) {
        await openPage(regional, page);
        const filter = regional.getByLabel('Branch', { exact: true });
        if (page !== 'Branches') expect(await filter.locator('option').allTextContents()).toEqual(['All branches', 'Harbour Road']);
        else {
          const rows = regional.getByRole('table').getByRole('rowheader');
          await rows.first().waitFor();
          expect(await rows.allTextContents()).toEqual(['Harbour Road']);
        }
      }
      // Another region's (here, no region's) branch: refused everywhere, reports and management alike.
      for (const [method, url, body] of [
        ['GET', `/api/reports/overview?${days}&branchId=${branch1}`, undefined],
        ['GET', `/api/manage/branches/${branch1}/staff`, undefined],
        ['GET', `/api/manage/branches/${branch1}/setup`, undefined],
        ['POST', `/api/manage/branches/${branch1}/enrollment-codes`, {}],
        ['PATCH', `/api/manage/branches/${branch1}`, { name: 'Taken over' }],
      ] as const) {
        expect({ url, status: (await call(regional, method, url, body)).status }).toEqual({ url, status: 403 });
      }
      await openPage(regional, 'Regions & branches');
      expect(await axeViolations(regional)).toEqual([]);
    } finally {
      for (const page of others) await page.context().close();
      await tabletContext.close();
      await desk.close();
    }
  }, 300_000);
});
