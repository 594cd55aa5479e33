// Takes the README's screenshots through the real flow: `npx tsx scripts/screenshots.ts`.
// Starts the server on an empty database, enrolls a tablet with the printed code, signs the
// first-run teller in, and photographs every state of the counter at tablet sizes (800×1280
// portrait, 1280×800 landscape) in English and Traditional Chinese; then enrolls a second
// tablet with the printed lobby code and photographs every step of the opinion box.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import {
  admin,
  caseAction,
  enrollmentCodeOf,
  firstBranchId,
  firstTellerOf,
  freePort,
  EN,
  leaveEntry,
  lobbyCodeOf,
  openCase,
  openStaffMenu,
  openTablet,
  removeDir,
  signInAtCounter,
  signInStaff,
  startServer,
  tellerIdOf,
  tempDir,
} from '../tests/e2e/harness.ts';
import { attestationScreens } from './screenshots-attestation.ts';
import { dashboardScreens } from './screenshots-dashboard.ts';
import { faultScreens } from './screenshots-faults.ts';
import { passwordScreens } from './screenshots-password.ts';
import { tokenScreens } from './screenshots-tokens.ts';

const OUT = 'docs/screens';
const SIZES = [['portrait', { width: 800, height: 1280 }], ['landscape', { width: 1280, height: 800 }]] as const;
const LANGUAGES = [['en', 'English'], ['zh-Hant', '繁體中文']] as const;

/** A drawn portrait for the teller card, rendered to PNG by the same Chromium. */
async function tellerPhoto(page: Page): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'bv-photo-')), 'teller.png');
  await page.setViewportSize({ width: 240, height: 240 });
  await page.setContent(`<body style="margin:0"><svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240">
    <rect width="240" height="240" fill="#cfe3f1"/><circle cx="120" cy="96" r="50" fill="#f1c7a5"/>
    <path d="M66 84q4-56 54-56t54 56q-10-28-54-30q-44 2-54 30z" fill="#2b2b2b"/>
    <path d="M30 240q10-80 90-80t90 80z" fill="#0f3d5e"/><path d="M104 162l16 26 16-26z" fill="#fff"/></svg></body>`);
  await page.screenshot({ path: file });
  return file;
}

async function shoot(page: Page, name: string, settle: () => Promise<void>) {
  for (const [lang, label] of LANGUAGES) {
    for (const [orientation, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await settle();
      const button = page.getByRole('button', { name: label, exact: true });
      if (await button.count()) await button.click();
      await page.screenshot({ path: `${OUT}/${name}-${lang}-${orientation}.png` });
    }
  }
}


/** Every step of the opinion box, in English (landscape) and Traditional Chinese (portrait). */
async function lobbyScreens(code: string) {
  const lobbyProfile = tempDir('shots-lobby');
  const { context, page } = await openTablet(lobbyProfile, { width: 1280, height: 800 });
  try {
    await page.clock.install();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByLabel('Enrollment code').fill(code);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.locator('[data-screen="setup-done"]').waitFor();
    await page.screenshot({ path: `${OUT}/lobby-setup-done-en-landscape.png` });
    await page.getByRole('button', { name: 'Start' }).click();
    const runs = [
      { lang: 'en', label: 'English', orientation: 'landscape', viewport: { width: 1280, height: 800 } },
      { lang: 'zh-Hant', label: '繁體中文', orientation: 'portrait', viewport: { width: 800, height: 1280 } },
    ] as const;
    for (const { lang, label, orientation, viewport } of runs) {
      const shot = (name: string) => page.screenshot({ path: `${OUT}/lobby-${name}-${lang}-${orientation}.png` });
      const primary = () => page.locator('.step-footer .primary').click();
      await page.setViewportSize(viewport);
      await page.locator('[data-screen="lobby-attract"]').waitFor();
      await shot('attract');
      await page.locator('.lobby-attract .start').click();
      await page.locator('[data-screen="lobby-language"]').waitFor();
      await shot('language');
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.locator('[data-screen="lobby-kind"]').waitFor();
      await shot('kind');
      await page.locator('.kind-complaint').click();
      await page.locator('[data-screen="lobby-topic"]').waitFor();
      await shot('topic');
      await page.locator('[data-topic="waiting"]').click();
      await primary();
      await page.locator('#opinion-text[aria-invalid="true"]').waitFor();
      await shot('text-error');
      await page.locator('#opinion-text').fill(
        lang === 'en'
          ? 'Only one window was open at lunchtime and the queue went out of the door. The ticket machine said 40 minutes.'
          : '午飯時間只開了一個窗口，排隊排到門外。取號機顯示要等四十分鐘。',
      );
      await shot('text');
      await primary();
      await page.locator('[data-screen="lobby-visit"]').waitFor();
      await page.locator('.visit-scores [data-score="dissatisfied"]').click();
      await page.locator('#visit-counter').selectOption({ index: 1 });
      await shot('visit');
      await primary();
      await page.locator('[data-screen="lobby-contact"]').waitFor();
      await page.locator('#contact-name').fill(lang === 'en' ? 'Wang Fang' : '王芳');
      await page.locator('#contact-phone').fill('138');
      await page.locator('.check input').first().check();
      await primary();
      await page.locator('#contact-phone[aria-invalid="true"]').waitFor();
      await shot('contact-error');
      await page.locator('#contact-phone').fill('+86 138 0000 0000');
      await page.locator('.check input').nth(1).check();
      await primary();
      await page.locator('[data-screen="lobby-review"]').waitFor();
      await shot('review');
      await primary();
      await page.locator('[data-screen="lobby-thanks"]').waitFor();
      await shot('thanks');
      await page.locator('.lobby-thanks .primary').click();
      // Walked away: the question and its countdown after a minute untouched.
      await page.locator('.lobby-attract .start').click();
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.locator('.kind-suggestion').click();
      await page.clock.fastForward(61_000);
      await page.locator('[data-screen="lobby-idle"]').waitFor();
      await page.clock.fastForward(3_000);
      await page.waitForTimeout(100);
      await shot('idle');
      await page.locator('.idle .actions button:not(.primary)').click();
      await page.locator('[data-screen="lobby-attract"]').waitFor();
    }
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.locator('.elderly-start').click();
    await page.getByRole('button', { name: '简体中文', exact: true }).click();
    await page.locator('[data-screen="lobby-kind"]').waitFor();
    await page.screenshot({ path: `${OUT}/lobby-elderly-zh-Hans-portrait.png` });
    await page.locator('.kind-question').click();
    await page.locator('[data-topic="fees"]').click();
    await page.locator('#opinion-text').fill('存款利息怎么算？');
    await page.screenshot({ path: `${OUT}/lobby-elderly-text-zh-Hans-portrait.png` });
  } finally {
    await context.close();
    removeDir(lobbyProfile);
  }
}

const CASE_STAFF = [
  ['2001', 'Zhou Lan', 'lobby-staff'],
  ['2002', 'Ana Ortega', 'complaint-manager'],
  ['2003', 'Chen Wei', 'branch-manager'],
] as const;
const CASE_PIN = '135790';

/** Staff mode on a lobby tablet: the case list, a case and the daily review. */
async function caseScreens(dataDir: string, port: number, branchId: string) {
  for (const [number, name, role] of CASE_STAFF) {
    await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', number, '--name', name, '--pin', CASE_PIN, '--role', role);
  }
  const code = /Lobby enrollment code: (\S+)/.exec(await admin(dataDir, 'code:create', '--lobby', '--branch', branchId))?.[1] ?? '';
  const profileDir = tempDir('shots-cases');
  const { context, page } = await openTablet(profileDir, { width: 1280, height: 800 });
  const now = Date.now();
  const HOUR = 3_600_000;
  try {
    await page.clock.install({ time: now - 30 * HOUR });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByLabel('Enrollment code').fill(code);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    const signIn = (number: string) => signInStaff(page, { number, pin: CASE_PIN });
    const act = (action: string, fields: Record<string, string>) => caseAction(page, action, fields);
    const open = (channel: string, summary: string) => openCase(page, channel, summary);
    // Cases opened over the last day and a half, so the list shows every deadline state.
    await signIn('2001');
    await open('In person', 'Queue of over an hour at the cash desk; only one window open');
    await page.clock.setSystemTime(now - 20 * HOUR);
    await open('Phone', 'Card blocked while travelling abroad');
    await act('Restate to the customer', { 'The complaint as you restated it, and the customer confirmed': 'Card blocked on 18 November in Lisbon; needs it working before Friday' });
    await page.clock.setSystemTime(now - 3 * HOUR);
    await open('Letter', 'Fee charged on a pension account that should be free');
    await page.clock.setSystemTime(now - 2 * HOUR);
    await open('In person', 'Charged twice for one transfer');
    await act('Restate to the customer', { 'The complaint as you restated it, and the customer confirmed': 'Two debits of 120.00 on 20 November; one should be refunded' });
    await page.getByRole('button', { name: 'Hand on', exact: true }).click();
    await page.getByLabel('Hand the case to').selectOption({ label: 'Ana Ortega (2002) · Complaint manager' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.clock.setSystemTime(now);
    await leaveEntry(page, { language: 'English', kind: /A suggestion/, topic: 'Waiting and queues', message: 'Please open a second window at lunchtime.', contact: { name: 'Wang Fang', phone: '+86 138 0000 0000' } }, EN);
    await leaveEntry(page, { language: 'English', kind: /Praise/, topic: 'Staff and service', message: 'Ms Li at window 3 was very patient with my mother.' }, EN);
    await leaveEntry(page, { language: 'English', kind: /A complaint/, topic: 'ATMs and online banking', message: 'The ATM outside kept my card on Sunday evening.' }, EN);

    await signIn('2002');
    await page.locator('.case-row', { hasText: 'Charged twice' }).click();
    await act('Record the reply', { 'What you told the customer': 'The second debit is refunded today; it will show on Monday.' });
    await page.getByRole('button', { name: 'Decide responsibility', exact: true }).click();
    await page.getByLabel('The bank is at fault').check();
    await page.getByLabel('The apology and the corrective action').fill('Apologised; the duplicate-payment check is switched back on.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.getByTestId('status-corner').getByRole('button', { name: 'Sync now' }).click();
    await page.waitForTimeout(1500);
    const top = () => page.locator('.desk-main').evaluate((el) => el.scrollTo(0, 0));
    await top();
    await page.screenshot({ path: `${OUT}/staff-case-en-landscape.png` });
    await page.getByRole('button', { name: /^Cases/ }).click();
    await page.locator('[data-screen="case-list"]').waitFor();
    await page.screenshot({ path: `${OUT}/staff-cases-en-landscape.png` });
    await page.getByRole('button', { name: 'Daily review' }).click();
    await page.locator('.entry').first().waitFor();
    await page.locator('.entry', { hasText: 'Ms Li' }).getByRole('button', { name: 'Mark read' }).first().click();
    await page.locator('.entry', { hasText: 'Wang Fang' }).getByRole('button', { name: 'Mark read' }).first().click();
    await top();
    await page.screenshot({ path: `${OUT}/staff-review-en-landscape.png` });
    await page.getByRole('button', { name: 'New case' }).click();
    await page.screenshot({ path: `${OUT}/staff-new-case-en-landscape.png` });
    await page.setViewportSize({ width: 800, height: 1280 });
    await page.getByRole('button', { name: /^Cases/ }).click();
    await page.locator('[data-screen="case-list"]').waitFor();
    await page.screenshot({ path: `${OUT}/staff-cases-en-portrait.png` });
  } finally {
    await context.close();
    removeDir(profileDir);
  }
}

/**
 * Close day: three counter tablets and a lobby tablet of one branch. Counter 3 synced
 * in the morning and went quiet; the lobby took an entry offline. The branch manager closes the
 * day on Counter 2 (English, portrait): the report names the quiet tablets. Back online, the
 * complaint manager closes it again on the lobby (繁體中文, landscape): the lobby is synced now.
 */
async function dayCloseScreens(dataDir: string, port: number, branchId: string, teller: { staffNumber: string; pin: string }) {
  const url = `http://127.0.0.1:${port}/`;
  if (!/^\S+\s+\S+\s+2003\s/m.test(await admin(dataDir, 'tellers'))) {
    for (const [number, name, role] of CASE_STAFF) {
      await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', number, '--name', name, '--pin', CASE_PIN, '--role', role);
    }
  }
  await admin(dataDir, 'branch:set', branchId, '--lang', 'zh-Hant');
  const counterCode = async (name: string) => {
    const id = /Added counter (\S+)/.exec(await admin(dataDir, 'counter:add', '--branch', branchId, '--name', name))?.[1] ?? '';
    return enrollmentCodeOf(await admin(dataDir, 'code:create', '--counter', id));
  };
  const profiles = [tempDir('shots-close-a'), tempDir('shots-close-b'), tempDir('shots-close-c')];
  const opened: BrowserContext[] = [];
  const tablet = async (profile: string, viewport: { width: number; height: number }) => {
    const { context, page } = await openTablet(profile, viewport);
    opened.push(context);
    await page.goto(url);
    return { context, page };
  };
  const enroll = async (page: Page, code: string) => {
    await page.getByLabel('Enrollment code').fill(code);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.locator('[data-screen="setup-done"]').waitFor();
    await page.locator('[data-screen="setup-done"] .primary').click();
  };
  const rate = async (page: Page, score: string) => {
    await page.locator('[data-screen="counter-ready"]').waitFor();
    await page.click(`button[data-score="${score}"]`);
    if (score === 'dissatisfied') await page.click('.reasons .actions button.primary');
    await page.locator('[data-screen="counter-thanks"]').waitFor();
  };
  const signedIn = async (page: Page) => {
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await signInAtCounter(page, teller.staffNumber, teller.pin);
  };
  try {
    // Counter 3: a morning's ratings reach the server, then the tablet is switched off.
    const quiet = await tablet(profiles[2]!, { width: 800, height: 1280 });
    await enroll(quiet.page, await counterCode('Counter 3'));
    await signedIn(quiet.page);
    await rate(quiet.page, 'very-satisfied');
    await quiet.page.getByTestId('unsynced').filter({ hasText: /^0 / }).waitFor();
    await quiet.context.close();

    // The lobby: enrolled and synced, then the network drops and a customer leaves an entry.
    const lobby = await tablet(profiles[1]!, { width: 1280, height: 800 });
    await enroll(lobby.page, lobbyCodeOf(await admin(dataDir, 'code:create', '--lobby', '--branch', branchId)));
    await lobby.page.locator('[data-screen="lobby-attract"]').waitFor();
    await lobby.page.getByTestId('unsynced').filter({ hasText: /^0 / }).waitFor();
    await lobby.page.waitForTimeout(1000);
    await lobby.context.setOffline(true);
    await leaveEntry(lobby.page, { language: 'English', kind: /A complaint/, topic: 'Waiting and queues', message: 'Forty minutes in the queue at lunchtime.' }, EN);

    // Counter 2: the teller's ratings, then the branch manager closes the day from the staff menu.
    const counter = await tablet(profiles[0]!, { width: 800, height: 1280 });
    await enroll(counter.page, await counterCode('Counter 2'));
    await signedIn(counter.page);
    await rate(counter.page, 'satisfied');
    // Time passes before the close, so the quiet tablets' last contact reads as earlier; the
    // screen is back in the branch's language by then: English again for the staff.
    await counter.page.waitForTimeout(61_000);
    await counter.page.getByRole('button', { name: 'English', exact: true }).click();
    await openStaffMenu(counter.page, teller.pin);
    await counter.page.getByRole('button', { name: 'Close day' }).click();
    await counter.page.locator('#day-close-number').fill('2003');
    await counter.page.locator('#day-close-pin').fill(CASE_PIN);
    await counter.page.screenshot({ path: `${OUT}/day-close-sign-in-en-portrait.png` });
    await counter.page.locator('.day-close-sign-in button[type="submit"]').click();
    await counter.page.locator('.day-close-devices').waitFor();
    await counter.page.screenshot({ path: `${OUT}/day-close-counter-en-portrait.png` });
    await counter.page.setViewportSize({ width: 1280, height: 800 });
    await counter.page.screenshot({ path: `${OUT}/day-close-counter-en-landscape.png` });

    // The lobby's network is back: the complaint manager closes the day again there.
    await lobby.context.setOffline(false);
    await lobby.page.getByTestId('staff-corner').focus();
    await lobby.page.keyboard.press('Enter');
    await lobby.page.locator('#lobby-staff-number').fill('2002');
    await lobby.page.locator('#lobby-staff-pin').fill(CASE_PIN);
    await lobby.page.locator('[data-screen="lobby-staff"] button[type="submit"]').click();
    await lobby.page.locator('[data-screen="staff-desk"]').waitFor();
    await lobby.page.getByRole('button', { name: '進行日終' }).click();
    await lobby.page.locator('.day-close-devices').waitFor();
    await lobby.page.screenshot({ path: `${OUT}/day-close-lobby-zh-Hant-landscape.png` });
    await lobby.page.setViewportSize({ width: 800, height: 1280 });
    await lobby.page.screenshot({ path: `${OUT}/day-close-lobby-zh-Hant-portrait.png` });
  } finally {
    for (const context of opened) await context.close().catch(() => undefined);
    for (const profile of profiles) removeDir(profile);
  }
}

const dataDir = tempDir('shots-data');
const profile = tempDir('shots-tablet');
const port = await freePort();
const server = await startServer(port, dataDir);
try {
  // `npx tsx scripts/screenshots.ts cases`: staff mode only; `… day-close`: the day close only.
  if (process.argv.includes('cases')) await caseScreens(dataDir, port, await firstBranchId(dataDir));
  else if (process.argv.includes('day-close')) await dayCloseScreens(dataDir, port, await firstBranchId(dataDir), firstTellerOf(server.firstRun()));
  // `… dashboard`: every dashboard page, on the demo's month of data and a server of its own;
  // then the password screens, on this first run's head office.
  else if (process.argv.includes('dashboard')) {
    await dashboardScreens();
    await passwordScreens(server, port);
  }
  // `… password`: the password screens alone.
  else if (process.argv.includes('password')) await passwordScreens(server, port);
  // `… faults`: the tablet's fault screens (decision 0013): storage full, revoked, enroll again, upgraded.
  else if (process.argv.includes('faults')) await faultScreens(dataDir, port, await firstBranchId(dataDir), firstTellerOf(server.firstRun()));
  // `… tokens`: a copied tablet key refused, the fleet's warning, an expired tablet (decision 0016), on a server of their own.
  else if (process.argv.includes('tokens')) await tokenScreens();
  // `… attestation`: a case as the server-checked branch manager and as the tablet-checked one sees it (decision 0014).
  else if (process.argv.includes('attestation')) await attestationScreens();
  // `… counter`: the counter's screens only; `… lobby`: the opinion box's only.
  else if (process.argv.includes('counter')) await counterScreens();
  else if (process.argv.includes('lobby')) await lobbyScreens(lobbyCodeOf(server.firstRun()));
  else await allScreens();
} finally {
  await server.stop();
  removeDir(dataDir);
  removeDir(profile);
}

async function allScreens() {
  // Before the counter's screens rename it "Main Street".
  const branchId = await firstBranchId(dataDir);
  await counterScreens();
  await lobbyScreens(lobbyCodeOf(server.firstRun()));
  const teller = firstTellerOf(server.firstRun());
  await caseScreens(dataDir, port, branchId);
  await dayCloseScreens(dataDir, port, branchId, teller);
  await dashboardScreens();
}

/** The counter tablet from enrollment to the attract state, in English and Traditional Chinese. */
async function counterScreens() {
  const code = enrollmentCodeOf(server.firstRun());
  const teller = firstTellerOf(server.firstRun());
  const branchId = await firstBranchId(dataDir);
  await admin(dataDir, 'branch:set', branchId, '--name', 'Main Street', '--cooldown', '60000', '--speech', 'on');
  const { context, page } = await openTablet(profile);
  await admin(dataDir, 'teller:set', await tellerIdOf(dataDir, '1001'), '--name', 'Wang Xiaoming', '--stars', '4', '--photo', await tellerPhoto(page));

  await page.setViewportSize({ width: 800, height: 1280 });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByLabel('Enrollment code').fill(code);
  await page.screenshot({ path: `${OUT}/setup-en-portrait.png` });
  await page.getByRole('button', { name: 'Enroll this tablet' }).click();
  await page.locator('[data-screen="setup-done"]').waitFor();
  await page.screenshot({ path: `${OUT}/setup-done-en-portrait.png` });
  await page.getByRole('button', { name: 'Start' }).click();

  await shoot(page, 'closed', () => page.locator('[data-screen="counter-closed"]').waitFor());
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.getByRole('button', { name: 'Teller sign-in' }).click();
  await shoot(page, 'sign-in', () => page.locator('[data-screen="counter-sign-in"]').waitFor());
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await signInAtCounter(page, teller.staffNumber, teller.pin);
  await shoot(page, 'counter', () => page.locator('[data-screen="counter-ready"]').waitFor());

  for (const [lang, label] of LANGUAGES) {
    for (const [orientation, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await page.reload();
      await page.locator('[data-screen="counter-ready"]').waitFor();
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.click('button[data-score="dissatisfied"]');
      await page.locator('[data-screen="counter-reasons"]').waitFor();
      await page.click('button[data-reason="waiting-time"]');
      await page.screenshot({ path: `${OUT}/reasons-${lang}-${orientation}.png` });
      await page.click('.reasons .actions button.primary');
      await page.locator('[data-screen="counter-thanks"]').waitFor();
      await page.screenshot({ path: `${OUT}/thanks-${lang}-${orientation}.png` });
    }
  }
  for (const [lang, label] of [['en', 'English'], ['es', 'Español'], ['zh-Hant', '繁體中文']] as const) {
    for (const [orientation, viewport] of SIZES) {
      await page.setViewportSize(viewport);
      await page.reload();
      await page.locator('[data-screen="counter-ready"]').waitFor();
      await page.getByRole('button', { name: label, exact: true }).click();
      await page.locator('.assist button[aria-pressed="false"]').click();
      await page.locator('.counter.large-text').waitFor();
      await page.screenshot({ path: `${OUT}/large-text-${lang}-${orientation}.png` });
    }
  }
  await page.reload();
  await page.locator('[data-screen="counter-ready"]').waitFor();
  await page.setViewportSize({ width: 800, height: 1280 });
  await openStaffMenu(page, teller.pin);
  await page.screenshot({ path: `${OUT}/staff-menu-en-portrait.png` });
  await page.getByRole('button', { name: 'Pause window (teller away)' }).click();
  await shoot(page, 'paused', () => page.locator('[data-screen="counter-paused"]').waitFor());

  // The attract state comes after a minute untouched: the page's clock is moved on instead.
  await page.clock.install();
  await page.reload();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await openStaffMenu(page, teller.pin);
  await page.getByRole('button', { name: 'Resume window' }).click();
  await page.locator('[data-screen="counter-ready"]').waitFor();
  await page.clock.fastForward(61_000);
  await page.locator('[data-attract]').waitFor();
  await page.screenshot({ path: `${OUT}/attract-en-landscape.png` });
  await context.close();
}
