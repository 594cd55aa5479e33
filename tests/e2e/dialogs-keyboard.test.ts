import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  axeViolations,
  chooseOwnPinIfAsked,
  enrollmentCodeOf,
  enrollTablet,
  eventually,
  firstBranchId,
  firstRunOf,
  firstTellerOf,
  freePort,
  lobbyCodeOf,
  openTablet,
  pinInUse,
  removeDir,
  startServer,
  tempDir,
  type RunningServer,
} from './harness.ts';

// Every dialog of the tablets, by keyboard alone, in the built app in Chromium: the counter's
// teller sign-in (a screen of its own, which takes the focus too), its staff PIN prompt, its staff menu, the refused records and the day close opened from it; the
// lobby's staff sign-in and its "are you still there?". Each takes the focus when it opens,
// Tab and Shift+Tab go round it and never behind it (the page behind is inert), Escape closes
// it where that is safe and gives the focus back to what opened it, and axe finds nothing.
const dataDir = tempDir('dialogs-data');
const profiles = { counter: tempDir('dialogs-counter'), lobby: tempDir('dialogs-lobby') };
let port: number;
let server: RunningServer | undefined;

beforeAll(async () => {
  port = await freePort();
});
afterAll(async () => {
  await server?.stop();
  removeDir(dataDir);
  removeDir(profiles.counter);
  removeDir(profiles.lobby);
});

const DIALOG = '[role="dialog"][aria-modal="true"], [role="alertdialog"][aria-modal="true"]';

/** What has the focus: its tag, id, text or label, and whether it is inside the open dialog (and that dialog's name). */
function focused(page: Page) {
  return page.evaluate((selector) => {
    const el = document.activeElement as HTMLElement | null;
    const dialogs = [...document.querySelectorAll<HTMLElement>(selector)];
    const dialog = dialogs.at(-1) ?? null;
    const name = (box: HTMLElement | null) => box && (box.getAttribute('aria-label') ?? document.getElementById(box.getAttribute('aria-labelledby') ?? '')?.textContent ?? null);
    return {
      what: el ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} ${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}`.trim() : 'nothing',
      inside: !!dialog && !!el && el !== document.body && dialog.contains(el),
      dialog: name(dialog),
      dialogs: dialogs.length,
      inertBehind: !!dialog && [...document.body.querySelectorAll('[data-screen]')].filter((s) => !dialog.contains(s) && !s.contains(dialog)).every((s) => s.closest('[inert]') !== null),
    };
  }, DIALOG);
}

/** Tabs from the start of the page until `what` has the focus (at most 40 presses). */
async function tabTo(page: Page, what: RegExp): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (what.test((await focused(page)).what)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`the keyboard never reached ${what}; the focus is on ${(await focused(page)).what}`);
}

/**
 * Waits until the focus is on `what`, inside the dialog named `dialog`. With the page's clock
 * paused, `tick` moves it on that much each time, for the frames Preact runs its effects in.
 */
async function focusIsOn(page: Page, dialog: string, what: RegExp, tick = 0): Promise<void> {
  const started = Date.now();
  for (;;) {
    const now = await focused(page);
    if (now.inside && now.dialog === dialog && what.test(now.what)) return;
    if (Date.now() - started > 15_000) throw new Error(`the focus is on ${now.what} (inside ${now.dialog ?? 'no dialog'}: ${now.inside}), not ${what} in ${dialog}`);
    if (tick) await page.clock.runFor(tick);
    else await page.waitForTimeout(50);
  }
}

/**
 * Tabs round the whole dialog one way then the other: every stop inside it, back to where it
 * started, the page behind inert all the while. Returns the stops, in Tab order.
 */
async function walkRound(page: Page, dialog: string): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    expect(now, `Tab ${i + 1} in ${dialog}`).toMatchObject({ inside: true, dialog, inertBehind: true });
    if (stops[0] === now.what) break;
    stops.push(now.what);
  }
  expect(stops.length, `Tab never came back round in ${dialog}: ${stops.join(' → ')}`).toBeLessThan(40);
  // The other way: the same stops in reverse, ending where Tab started.
  const back: string[] = [];
  for (let i = 0; i < stops.length; i++) {
    await page.keyboard.press('Shift+Tab');
    const now = await focused(page);
    expect(now, `Shift+Tab ${i + 1} in ${dialog}`).toMatchObject({ inside: true, dialog, inertBehind: true });
    back.push(now.what);
  }
  expect(back).toEqual([...stops].reverse());
  return stops;
}

describe('the tablets’ dialogs, by keyboard alone', () => {
  it('given a counter and a lobby tablet, then every dialog takes the focus, keeps it round Tab and Shift+Tab, closes with Escape where safe, gives the focus back, and passes axe', async () => {
    server = await startServer(port, dataDir);
    const base = `http://127.0.0.1:${port}/`;
    const teller = firstTellerOf(firstRunOf(dataDir));

    // The counter, a teller signed in, and a record the server refused (so the menu offers the refused records).
    const counter = await openTablet(profiles.counter);
    const page = counter.page;
    await enrollTablet(page, base, enrollmentCodeOf(firstRunOf(dataDir)));
    // The teller's sign-in at the closed window, opened by Enter: the focus on the staff number, then the PIN, then in.
    await tabTo(page, /^button Teller sign-in/);
    await page.keyboard.press('Enter');
    await page.locator('[data-screen="counter-sign-in"]').waitFor();
    await eventually('the focus on the staff number', async () => /^input#staff-number/.test((await focused(page)).what));
    await page.keyboard.type(teller.staffNumber);
    await page.keyboard.press('Tab');
    await page.keyboard.type(teller.pin);
    await page.keyboard.press('Enter');
    // The first run's PIN is one-time (decision 0021): the teller chooses their own, and the window opens.
    await chooseOwnPinIfAsked(page, teller.staffNumber, teller.pin, page.locator('[data-screen="counter-ready"]'));
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const opened = indexedDB.open('branchvoice');
          opened.onsuccess = () => {
            const tx = opened.result.transaction('quarantine', 'readwrite');
            const record = { kind: 'rating', id: '019af000-0000-7000-8000-0000000000f2', branchId: '019af000-0000-7000-8000-0000000000b1', counterId: '019af000-0000-7000-8000-0000000000c1', tellerId: '019af000-0000-7000-8000-0000000000d1', signInId: '019af000-0000-7000-8000-0000000000f3', score: 'neutral', reasons: [], language: 'en', createdAt: Date.now() - 7_200_000 };
            tx.objectStore('quarantine').put({ recordId: record.id, kind: 'rating', record, reason: 'unknown-teller', message: 'tellerId is not a teller of this branch', quarantinedAt: Date.now() - 3_600_000 });
            tx.oncomplete = () => { opened.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
          opened.onerror = () => reject(opened.error);
        }),
    );
    await page.reload();
    await page.locator('[data-screen="counter-ready"]').waitFor();

    // The staff PIN prompt: from the corner by Enter, the focus on the PIN; Escape back to the corner.
    await tabTo(page, /Staff/);
    const corner = (await focused(page)).what;
    // What is inert with no dialog open (the status corner's closed details, once it is there): the same once the dialog has gone.
    await page.locator('[data-testid="status-corner"] .status-details').waitFor({ state: 'attached' });
    const inertAlone = await page.locator('[inert]').count();
    await page.keyboard.press('Enter');
    await focusIsOn(page, 'Staff menu', /^input#staff-menu-pin/);
    expect(await walkRound(page, 'Staff menu')).toHaveLength(3);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.locator(DIALOG).waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ what: corner, dialogs: 0 });
    expect(await page.locator('[inert]').count()).toBe(inertAlone);

    // The staff menu: the PIN typed and Enter, the focus on Pause; the faces out of reach; Sign out apart from Pause.
    await page.keyboard.press('Enter');
    await focusIsOn(page, 'Staff menu', /^input#staff-menu-pin/);
    await page.keyboard.type(pinInUse(page, teller.staffNumber, teller.pin));
    await page.keyboard.press('Enter');
    await focusIsOn(page, 'Staff menu', /^button Pause/);
    // Round from Pause: Sign out last, after Back, never next to Pause; no face of the customer's screen.
    expect(await walkRound(page, 'Staff menu')).toEqual(['button Sync now', 'button Close day', 'button Refused records (1)', 'button Back to the customer screen', 'button Sign out', 'button Pause window (teller away)']);
    expect(await page.locator('[data-screen="counter-ready"]').evaluate((el) => el.closest('[inert]') !== null)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // The refused records, from the menu: the focus on their title, round and back to their button with Escape.
    await tabTo(page, /^button Refused records \(1\)/);
    await page.keyboard.press('Enter');
    await focusIsOn(page, 'Refused records', /^h1#refused-title/);
    await page.locator('.refused-record').waitFor();
    await walkRound(page, 'Refused records');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await focusIsOn(page, 'Staff menu', /^button Refused records \(1\)/);

    // The day close, from the menu: the focus on the manager's staff number; Escape back to its button.
    await tabTo(page, /^button Close day/);
    await page.keyboard.press('Enter');
    await focusIsOn(page, 'Close day', /^input#day-close-number/);
    await walkRound(page, 'Close day');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await focusIsOn(page, 'Staff menu', /^button Close day/);

    // Escape closes the menu itself, back to the corner, the window still open.
    await page.keyboard.press('Escape');
    await page.locator(DIALOG).waitFor({ state: 'detached' });
    expect(await focused(page)).toMatchObject({ what: corner, dialogs: 0 });
    await page.locator('[data-screen="counter-ready"]').waitFor();
    await counter.context.close();

    // The lobby tablet, with lobby staff on its roster, and a clock the test moves for the idle question.
    const branchId = await firstBranchId(dataDir);
    await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', '3001', '--name', 'Zhou Lan', '--pin', '5713', '--role', 'lobby-staff');
    const lobbyCode = lobbyCodeOf(await admin(dataDir, 'code:create', '--lobby', '--branch', branchId));
    const lobby = await openTablet(profiles.lobby, { width: 1280, height: 800 });
    const kiosk = lobby.page;
    await kiosk.clock.install();
    await kiosk.goto(base);
    await kiosk.getByLabel('Enrollment code').fill(lobbyCode);
    await kiosk.getByRole('button', { name: 'Enroll this tablet' }).click();
    await kiosk.getByRole('button', { name: 'Start' }).click();
    await kiosk.locator('[data-screen="lobby-attract"]').waitFor();

    // The staff sign-in: the focus on the staff number; Escape back to the corner.
    await tabTo(kiosk, /Staff/);
    const lobbyCorner = (await focused(kiosk)).what;
    await kiosk.keyboard.press('Enter');
    await focusIsOn(kiosk, 'Staff menu', /^input#lobby-staff-number/);
    expect(await walkRound(kiosk, 'Staff menu')).toHaveLength(4);
    expect(await axeViolations(kiosk)).toEqual([]);
    await kiosk.keyboard.press('Escape');
    await kiosk.locator(DIALOG).waitFor({ state: 'detached' });
    expect(await focused(kiosk)).toMatchObject({ what: lobbyCorner, dialogs: 0 });

    // "Are you still there?" in the middle of an entry: the focus on "Yes, continue"; Escape is yes,
    // and the focus goes back where it was. The clock stands still while the test walks round
    // (a frame at a time, far from the countdown's first second), and runs again for axe.
    await tabTo(kiosk, /^button Start/);
    await kiosk.keyboard.press('Enter');
    await kiosk.locator('.lobby-step').waitFor();
    // The step's title takes the focus as the step opens; the next stop from there.
    await eventually('the focus on the step title', async () => /^h1#step-title/.test((await focused(kiosk)).what));
    await kiosk.keyboard.press('Tab');
    const before = (await focused(kiosk)).what;
    const now = await kiosk.evaluate(() => Date.now());
    await kiosk.clock.pauseAt(now + 61_000);
    await focusIsOn(kiosk, 'Are you still there?', /^button Yes, continue/, 20);
    expect(await walkRound(kiosk, 'Are you still there?')).toEqual(['button Clear it now', 'button Yes, continue']);
    await kiosk.clock.resume();
    expect(await axeViolations(kiosk)).toEqual([]);
    await kiosk.keyboard.press('Escape');
    await kiosk.locator(DIALOG).waitFor({ state: 'detached' });
    expect(await focused(kiosk)).toMatchObject({ what: before, dialogs: 0 });
    await kiosk.locator('.lobby-step').waitFor();
    await lobby.context.close();
  });
});
