import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { localDayOf } from '../../src/domain/period.ts';
import {
  admin,
  axeViolations,
  chooseOwnPinIfAsked,
  enrollmentCodeOf,
  enrollTablet,
  eventually,
  firstTellerOf,
  scanQr,
  serverRatings,
  signInAtCounter,
  signInToDashboard,
  tabletMeta,
  tellerIdOf,
  useServerAndChromium,
} from './harness.ts';

// Setting up a branch from nothing, in the browser alone: `npm start` on an empty database;
// head office makes a region, a branch in it with two counters and its branch manager, and
// invites the manager and a regional manager; the branch manager signs in with the temporary
// password, chooses their own, adds three tellers with photos and a reason, and makes the
// branch's printable QR sheet; a new tablet enrolls by opening what its camera reads off the
// sheet; a new teller signs in with the one-time PIN, chooses their own, and a customer rates.
// The regional manager then sees exactly the region's branch in every report and may manage
// no other. No shell after the first run; real Chromium, axe-core on every Manage page.
//
// Then each Manage page on its own, the whole way, on the same server and Chromium (starting
// them is most of an end-to-end file's time): the enrollment sheet, Staff, Counters & lists,
// Accounts, Regions & branches. Each uses names of its own, so what the walk or another page
// added is never what it checks; the first run's counter code and teller are the Counters &
// lists test's alone. The walk goes first: it is the one that needs the database empty.
const app = useServerAndChromium('manage-walk-data');

/** Head office's password once the walk (or the first page test run alone) has chosen it. */
const HEAD_OFFICE_PASSWORD = 'head office own password';
let headOfficeChoseOwn = false;

/**
 * Head office signed in on the dashboard in a browser context of its own: with the first run's
 * password, replaced by its own, if no test did that yet; else with its own.
 */
async function headOfficeDesk(): Promise<{ desk: BrowserContext; page: Page }> {
  const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await desk.newPage();
  const [, staffNumber, firstRunPassword] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(app.server.firstRun())!;
  if (headOfficeChoseOwn) await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: HEAD_OFFICE_PASSWORD });
  else {
    await signInToDashboard(page, app.base, { staffNumber: staffNumber!, password: firstRunPassword!, newPassword: HEAD_OFFICE_PASSWORD });
    headOfficeChoseOwn = true;
  }
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return { desk, page };
}

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
      await signInToDashboard(office, app.base, { staffNumber: hqNumber!, password: hqPassword!, newPassword: HEAD_OFFICE_PASSWORD });
      headOfficeChoseOwn = true;

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
      // The rating's own day where it was made, as the reports count it: not the day in UTC,
      // which an hour before midnight in Madrid is still yesterday there.
      const today = localDayOf(rating!.createdAt, 'Europe/Madrid');
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

/** The id of a counter by name, as the admin CLI lists counters. */
async function counterIdOf(name: string): Promise<string> {
  const id = new RegExp(`^([0-9a-f-]{36})\\s+[0-9a-f-]{36}\\s+${name}\\s`, 'm').exec(await admin(app.dataDir, 'counters'))?.[1];
  if (!id) throw new Error(`no counter named ${name}`);
  return id;
}

describe('each Manage page on the dashboard, end to end', () => {
  // The enrollment sheet: head office makes the first branch's codes on the Enroll tablets page,
  // and a new tablet reads the counter card's QR code off the page as a camera would (drawn on a
  // canvas, decoded by jsQR), opens what it read and is enrolled with one key.
  it("given head office on Enroll tablets, when it makes the first branch's codes, then a new tablet that scans the counter card enrolls at Counter 1 with one key, only the sheet prints, and axe finds nothing", async () => {
    const { desk, page } = await headOfficeDesk();
    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      await page.getByRole('link', { name: 'Enroll tablets', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Enroll tablets' }).waitFor();
      await page.getByText('Choose a branch in the filter above to make its codes.').waitFor();
      await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Branch 1' });
      await page.getByRole('button', { name: 'Make codes for this branch' }).click();

      const sheet = page.getByRole('region', { name: 'Enrollment codes · Branch 1' });
      await sheet.waitFor();
      const counterCard = sheet.locator('.enroll-card[data-mode="counter"]');
      // Branch 1 has its first run's counter alone: the Counters & lists test adds one later.
      await expect.poll(() => counterCard.count()).toBe(1);
      expect(await counterCard.getByRole('heading', { level: 3 }).textContent()).toBe('Counter 1');
      const code = (await counterCard.locator('.enroll-code').textContent())!;
      expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      await sheet.locator('.enroll-card[data-mode="lobby"]').getByRole('heading', { name: 'Lobby opinion box' }).waitFor();
      await page.getByRole('button', { name: 'Print' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // On paper: the sheet and its cards, no header, navigation, filters or buttons.
      await page.emulateMedia({ media: 'print' });
      for (const chrome of ['.db-header', '.db-nav', '.enroll-make', '.page-intro']) expect(await page.locator(chrome).isVisible(), chrome).toBe(false);
      expect(await counterCard.isVisible()).toBe(true);
      expect(await counterCard.locator('img').isVisible()).toBe(true);
      await page.emulateMedia({ media: 'screen' });

      // A new tablet, as a camera would: it reads the card's QR code and opens what it read.
      const read = await scanQr(counterCard.getByRole('img', { name: 'QR code that enrolls a tablet at Counter 1' }));
      expect(read).toBe(`${app.base}#enroll=${code}`);
      const setup = await tablet.newPage();
      await setup.goto(read!);
      await expect.poll(() => setup.evaluate(() => document.activeElement?.textContent)).toBe('Enroll this tablet');
      await setup.keyboard.press('Enter');
      await setup.locator('[data-screen="setup-done"]').waitFor();
      expect(await setup.locator('.setup-result').textContent()).toContain('Counter 1');
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 180_000);

  // Staff: head office adds a teller to the first branch and reads the PIN shown once; a counter
  // tablet enrolled after that holds the new teller in its roster, and the teller signs in with
  // that PIN (checked on the tablet against the pulled hash).
  it('given head office on Staff, when it adds a teller to Branch 1, then the PIN is shown once, a photo is made square in the browser, and a counter tablet enrolled next signs the teller in with that PIN and shows their name and photo; axe finds nothing', async () => {
    /** A 1×1 PNG: the browser scales it to the roster's 240×240. */
    const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const { desk, page } = await headOfficeDesk();
    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      await page.getByRole('link', { name: 'Staff', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Staff' }).waitFor();
      await page.getByText('Choose a branch in the filter above to see its staff.').waitFor();
      await page.getByLabel('Branch', { exact: true }).selectOption({ label: 'Branch 1' });
      const roster = page.getByRole('table');
      await roster.waitFor();
      expect(await roster.getByRole('row').count()).toBeGreaterThan(1);

      const add = page.getByRole('region', { name: 'Add someone to Branch 1' });
      await add.getByLabel('Staff number').fill('4242');
      await add.getByLabel('Name').fill('Elena Castro');
      await add.getByLabel('Stars').selectOption('4');
      await add.getByRole('button', { name: 'Add', exact: true }).click();

      const panel = page.getByRole('region', { name: 'PIN for Elena Castro' });
      await panel.waitFor();
      await panel.getByText('Write it down and give it to the person; it will not be shown again.').waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('staff-pin-title');
      const pin = (await panel.locator('.staff-pin-value').textContent())!;
      expect(pin).toMatch(/^\d{4}$/);
      await roster.getByRole('rowheader', { name: 'Elena Castro' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await panel.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => panel.count()).toBe(0);
      expect(await page.getByText(pin, { exact: true }).count()).toBe(0);

      // A photo, cropped square and scaled to 240×240 in the browser: the row then says Yes.
      await page.getByRole('button', { name: 'Edit Elena Castro' }).click();
      const edit = page.getByRole('region', { name: 'Edit Elena Castro (4242)' });
      await edit.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await edit.getByLabel(/^Photo/).setInputFiles({ name: 'elena.png', mimeType: 'image/png', buffer: Buffer.from(PIXEL_PNG, 'base64') });
      // The square is shown as it will be saved, and sent on "Use photo".
      const preview = page.getByRole('dialog', { name: 'New photo of Elena Castro' });
      await preview.getByRole('img', { name: 'The new photo of Elena Castro, as it will be saved' }).waitFor();
      await preview.getByRole('button', { name: 'Use photo' }).click();
      await page.getByText('The photo of Elena Castro was saved.').waitFor();
      const row = roster.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Elena Castro' }) });
      await expect.poll(() => row.getByRole('cell').nth(4).textContent()).toBe('Yes');

      // A counter tablet enrolled now pulls the roster with the new teller in it.
      const counter = await tablet.newPage();
      await enrollTablet(counter, app.base, enrollmentCodeOf(await admin(app.dataDir, 'code:create', '--counter', await counterIdOf('Counter 1'))));
      await signInAtCounter(counter, '4242', pin);
      await expect(counter.getByTestId('teller-card').innerText()).resolves.toContain('Elena Castro');
      // The photo came with the roster, as the square the browser made.
      const photo = counter.getByTestId('teller-card').locator('img.teller-photo');
      expect(await photo.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
      expect(await photo.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([240, 240]);
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 180_000);

  // Counters & lists: a counter tablet enrolled with the first-run code and the first-run teller
  // signed in on it; head office adds a counter and a reason asked after a dissatisfied rating;
  // the tablet pulls the branch's new configuration at its next sync and offers the new reason
  // to the next customer who rates the visit dissatisfied.
  it('given head office on Counters & lists, when it adds a counter and a reason for dissatisfied, then an enrolled counter tablet offers the reason after its next sync; axe finds nothing', async () => {
    const DOOR = { en: 'The door was locked', es: 'La puerta estaba cerrada', 'zh-Hans': '门锁着', 'zh-Hant': '門鎖着' };
    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    let desk: BrowserContext | undefined;
    try {
      const counter = await tablet.newPage();
      await enrollTablet(counter, app.base, enrollmentCodeOf(app.server.firstRun()));
      const teller = firstTellerOf(app.server.firstRun());
      // A PIN given to them works once (decision 0021): the tablet asks for their own, and the window opens.
      await counter.getByRole('button', { name: 'Teller sign-in' }).click();
      await counter.getByLabel('Staff number').fill(teller.staffNumber);
      await counter.getByLabel('PIN').fill(teller.pin);
      await counter.getByRole('button', { name: 'Sign in' }).click();
      await chooseOwnPinIfAsked(counter, teller.staffNumber, teller.pin, counter.locator('[data-screen="counter-ready"]'));

      const opened = await headOfficeDesk();
      desk = opened.desk;
      const page = opened.page;
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
      await add.getByLabel('Label in English').fill(DOOR.en);
      await add.getByLabel('Label in Spanish').fill(DOOR.es);
      await add.getByLabel('Label in Simplified Chinese').fill(DOOR['zh-Hans']);
      // The last language left out: refused on the page, next to its field.
      await add.getByRole('button', { name: 'Add reason' }).click();
      const hant = add.getByLabel('Label in Traditional Chinese');
      await expect.poll(() => hant.getAttribute('aria-invalid')).toBe('true');
      await add.getByText('Enter this label: every language is needed.').waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await hant.fill(DOOR['zh-Hant']);
      await add.getByRole('checkbox', { name: 'Neutral' }).uncheck();
      await add.getByRole('button', { name: 'Add reason' }).click();
      await page.getByText(`Reason “${DOOR.en}” added at the end of the list.`).waitFor();
      await reasons.getByText(DOOR.en, { exact: true }).waitFor();
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
      await asked.getByRole('button', { name: DOOR.en }).waitFor();
    } finally {
      await tablet.close();
      await desk?.close();
    }
  }, 180_000);

  // Accounts: the CLI adds a region; head office invites a regional manager for it and reads the
  // temporary password shown once; in a browser of their own, the regional manager signs in with
  // it, must choose their own, and then sees the dashboard.
  it('given head office on Accounts, when it invites a regional manager, then the temporary password shown once signs them in, they must change it, and they see the dashboard; axe finds nothing', async () => {
    const added = await admin(app.dataDir, 'region:add', '--name', 'East Valley');
    const regionId = /Added region (\S+) "East Valley"/.exec(added)![1]!;
    expect(await admin(app.dataDir, 'regions')).toContain('East Valley');

    const { desk, page } = await headOfficeDesk();
    const theirs = await app.browser.newContext({ viewport: { width: 1024, height: 768 } });
    try {
      await page.getByRole('link', { name: 'Accounts', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
      const table = page.getByRole('table');
      await table.getByRole('rowheader').first().waitFor();
      await table.getByText('You: use Change password').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      const invite = page.getByRole('region', { name: 'Invite someone' });
      await invite.getByLabel('Account for').selectOption({ label: 'A regional manager' });
      await invite.getByLabel('Staff number').fill('RM7');
      await invite.getByLabel('Name').fill('Inés Navarro');
      await invite.getByLabel('Region').selectOption({ label: 'East Valley' });
      await invite.getByRole('button', { name: 'Invite', exact: true }).click();

      const slip = page.getByRole('region', { name: 'Dashboard sign-in for Inés Navarro' });
      await slip.waitFor();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('account-slip-title');
      await slip.getByText(`${app.base}dashboard`).waitFor();
      const temporary = (await slip.getByTestId('temporary-password').textContent())!;
      expect(temporary.length).toBeGreaterThanOrEqual(12);
      await table.getByRole('rowheader', { name: 'Inés Navarro' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await slip.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => slip.count()).toBe(0);
      expect(await page.getByText(temporary, { exact: true }).count()).toBe(0);
      const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Inés Navarro' }) });
      await row.getByText('East Valley').waitFor();
      await row.getByText('Temporary, not yet changed').waitFor();
      // The CLI lists the new account with its region.
      expect(await admin(app.dataDir, 'accounts')).toMatch(new RegExp(`RM7.*regional-manager.*East Valley \\(${regionId}\\)`));

      // The regional manager, in a browser of their own: the temporary password, then their own.
      const their = await theirs.newPage();
      await signInToDashboard(their, app.base, { staffNumber: 'RM7', password: temporary, newPassword: 'ines her own password' });
      await their.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await their.getByRole('link', { name: 'Accounts', exact: true }).click();
      await their.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();
      // Their region has no branches yet: no accounts of theirs to manage, and no head office account shown.
      await their.getByText('No accounts you manage yet.').waitFor();
      expect(await their.getByRole('rowheader', { name: 'Inés Navarro' }).count()).toBe(0);
      expect(await axeViolations(their)).toEqual([]);

      await page.reload();
      await row.getByText('Their own').waitFor();
    } finally {
      await theirs.close();
      await desk.close();
    }
  }, 180_000);

  // Regions & branches: head office adds a region and a branch in it with a counter, and changes
  // the first branch's thank-you time; the CLI then sees them. Last: no other test's tablet is
  // at Branch 1 any more to wait out its longer thanks.
  it('given head office, when it adds a region and a branch in it with a counter and changes the thank-you time of Branch 1, then each is saved where the CLI reads it and the header lists the new branch; axe finds nothing', async () => {
    const { desk, page } = await headOfficeDesk();
    try {
      await page.getByRole('link', { name: 'Regions & branches', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Regions & branches' }).waitFor();
      await page.getByRole('table', { name: 'No region' }).getByRole('rowheader', { name: 'Branch 1' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page.getByLabel('Region name').fill('South Hills');
      await page.getByRole('button', { name: 'Add region' }).click();
      await page.getByText('Region South Hills added.').waitFor();

      const add = page.getByRole('region', { name: 'Add a branch' });
      await add.getByLabel('Branch name').fill('Market Square');
      await add.getByLabel("Branch's region").selectOption({ label: 'South Hills' });
      await add.getByLabel('Time zone').selectOption('Europe/Madrid');
      await add.getByLabel('Thank-you time (seconds)').fill('5');
      await add.getByLabel('First counter (optional)').fill('Window 9');
      await add.getByRole('button', { name: 'Add branch' }).click();
      await page.getByText('Branch Market Square added, with the default reasons and topics.').waitFor();
      const south = page.getByRole('table', { name: 'South Hills' });
      await south.getByRole('rowheader', { name: 'Market Square' }).waitFor();
      // Me was loaded again: the header's branch filter offers it.
      await expect.poll(() => page.getByLabel('Branch', { exact: true }).locator('option', { hasText: 'Market Square' }).count()).toBe(1);

      await page.getByRole('button', { name: 'Edit Branch 1' }).click();
      const edit = page.getByRole('region', { name: 'Settings of Branch 1' });
      await edit.waitFor();
      await edit.getByLabel('Thank-you time (seconds)').fill('7.5');
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Settings of Branch 1 saved.').waitFor();
      await page.getByRole('table', { name: 'No region' }).getByRole('row').filter({ hasText: 'Branch 1' }).getByText('7.5 s').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      const branches = await admin(app.dataDir, 'branches');
      expect(branches).toMatch(/Branch 1\s+\S+\s+7500\b/);
      expect(branches).toMatch(/Market Square\s+\S+\s+5000\b/);
      expect(await admin(app.dataDir, 'regions')).toMatch(/South Hills\s+1\b/);
      expect(await admin(app.dataDir, 'counters')).toContain('Window 9');
    } finally {
      await desk.close();
    }
  }, 180_000);
});
