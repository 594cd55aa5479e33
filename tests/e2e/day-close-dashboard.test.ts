import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Score } from '../../src/domain/rating.ts';
import {
  chooseOwnPinIfAsked,
  admin,
  enrollTablet,
  enrollmentCodeOf,
  eventually,
  firstBranchId,
  firstTellerOf,
  freePort,
  openStaffMenu,
  openTablet,
  removeDir,
  serverRatings,
  signInAtCounter,
  signInToDashboard,
  startServer,
  tempDir,
  type RunningServer,
  outboxDepth,
  unsyncedShows,
  openStatusCorner,
} from './harness.ts';

// The day close, end to end: two counters rate with the server down; one tablet closes the day
// while the other is still cut off; the day-close report names the silent tablet; it comes
// back and syncs; the branch manager confirms on the dashboard; the dashboard's figures are
// those of the seven taps. Real Chromium, the server as `npm start` starts it, SQLite.
const dataDir = tempDir('data');
const dirs = { a: tempDir('counter-a'), b: tempDir('counter-b'), desk: tempDir('desk') };
const contexts: BrowserContext[] = [];
let port: number;
let server: RunningServer | undefined;

const MANAGER = { staffNumber: '9001', name: 'Grace Lin', pin: '864209', password: 'grace-lin-dashboard' };
const SECOND_TELLER = { staffNumber: '1002', pin: '1357' };

beforeAll(async () => {
  port = await freePort();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await server?.stop();
  for (const dir of [dataDir, ...Object.values(dirs)]) removeDir(dir);
});

const idIn = (output: string, what: string): string => {
  const id = new RegExp(`Added ${what} ([0-9a-f-]{36})`).exec(output)?.[1];
  if (!id) throw new Error(`no ${what} id in: ${output}`);
  return id;
};

async function tablet(dir: string, viewport?: { width: number; height: number }): Promise<Page> {
  const { context, page } = await openTablet(dir, viewport);
  contexts.push(context);
  return page;
}

/** A customer's tap; a low score's reasons are skipped. */
async function rate(page: Page, scores: Score[]): Promise<void> {
  for (const score of scores) {
    await page.locator('[data-screen="counter-ready"]').waitFor();
    await page.click(`button[data-score="${score}"]`);
    if (score === 'neutral' || score === 'dissatisfied') {
      await page.locator('[data-screen="counter-reasons"]').waitFor();
      await page.getByRole('button', { name: 'Skip' }).click();
    }
    await page.locator('[data-screen="counter-thanks"]').waitFor();
  }
  await page.locator('[data-screen="counter-ready"]').waitFor();
}

const unsynced = (page: Page) => page.getByTestId('unsynced').innerText();

describe('day close and the dashboard, end to end', () => {
  it('given two counters that rated offline, when one closes the day, then the report names the other until it syncs, and the manager confirms a clean day with the right figures', async () => {
    server = await startServer(port, dataDir);
    const base = `http://127.0.0.1:${port}/`;
    const codeA = enrollmentCodeOf(server.firstRun());
    const teller = firstTellerOf(server.firstRun());
    const branchId = await firstBranchId(dataDir);
    await admin(dataDir, 'branch:set', branchId, '--cooldown', '300');
    const counterB = idIn(await admin(dataDir, 'counter:add', '--branch', branchId, '--name', 'Counter 2'), 'counter');
    const codeB = enrollmentCodeOf(await admin(dataDir, 'code:create', '--counter', counterB));
    await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', SECOND_TELLER.staffNumber, '--name', 'Teller Two', '--pin', SECOND_TELLER.pin);
    const managerId = idIn(
      await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', MANAGER.staffNumber, '--name', MANAGER.name, '--pin', MANAGER.pin, '--role', 'branch-manager'),
      'teller',
    );
    await admin(dataDir, 'account:add', '--teller', managerId, '--password', MANAGER.password);

    const a = await tablet(dirs.a);
    await enrollTablet(a, base, codeA);
    await signInAtCounter(a, teller.staffNumber, teller.pin);
    const b = await tablet(dirs.b);
    await enrollTablet(b, base, codeB);
    await signInAtCounter(b, SECOND_TELLER.staffNumber, SECOND_TELLER.pin);
    for (const page of [a, b]) await eventually('the sign-ins to reach the server', async () => (await outboxDepth(page)) === 0 && (await unsynced(page)) === '0 unsynced', 15_000, 200);

    // The server goes down; both counters keep serving customers.
    await server.stop();
    await rate(a, ['very-satisfied', 'satisfied', 'neutral', 'dissatisfied']);
    await rate(b, ['very-satisfied', 'very-satisfied', 'satisfied']);
    await unsyncedShows(a, '4 unsynced');
    await unsyncedShows(b, '3 unsynced');

    // The server is back, but counter 2's tablet is still cut off from the network.
    await b.context().setOffline(true);
    server = await startServer(port, dataDir);

    // The branch manager closes the day on counter 1's tablet.
    await openStaffMenu(a, teller.pin);
    await a.getByRole('button', { name: 'Close day' }).click();
    await a.locator('#day-close-number').fill(MANAGER.staffNumber);
    await a.locator('#day-close-pin').fill(MANAGER.pin);
    await a.locator('[data-screen="day-close-sign-in"]').getByRole('button', { name: 'Close day' }).click();
    const result = a.locator('[data-screen="day-close"][aria-busy="false"]');
    // The manager's PIN is one-time (decision 0021): they choose their own first.
    await chooseOwnPinIfAsked(a, MANAGER.staffNumber, MANAGER.pin, result);
    await expect(result.getByTestId('day-close-tablet').innerText()).resolves.toMatch(/Nothing is waiting/);
    await expect(result.locator('li[data-state="not-heard"]').innerText()).resolves.toMatch(/Counter 2[\s\S]*not heard from since/);
    expect((await serverRatings(dataDir)).map((r) => r.counterId)).not.toContain(counterB);
    expect(await serverRatings(dataDir)).toHaveLength(4);

    // On the dashboard, the report names counter 2 as the gap, and confirming needs it named.
    const desk = await tablet(dirs.desk, { width: 1440, height: 900 });
    // The admin gave the manager a first password: the dashboard asks for one of their own.
    await signInToDashboard(desk, base, { ...MANAGER, newPassword: 'grace-lin-own-password' });
    await desk.getByRole('link', { name: 'Day close' }).click();
    const devices = desk.getByRole('table', { name: /Devices of the branch/ });
    const counter2Row = devices.getByRole('row').filter({ hasText: 'Counter 2' });
    await expect(counter2Row.innerText()).resolves.toMatch(/Not heard from/i);
    await expect(desk.getByRole('button', { name: 'Confirm day close' }).isDisabled()).resolves.toBe(true);
    await expect(desk.getByText('Confirm with these gaps').isVisible()).resolves.toBe(true);

    // Counter 2 comes back and its staff press "Sync now".
    await b.context().setOffline(false);
    await openStatusCorner(b);
    await b.getByRole('button', { name: 'Sync now' }).click();
    await eventually('counter 2 to sync', async () => (await outboxDepth(b)) === 0 && (await unsynced(b)) === '0 unsynced', 30_000, 250);
    const onServer = await serverRatings(dataDir);
    expect(onServer).toHaveLength(7);
    expect(new Set(onServer.map((r) => r.id)).size).toBe(7);

    // The manager looks again: every tablet synced; the day is confirmed clean. The day is
    // pinned in the address: a reload after midnight in the branch's zone would show the next
    // day, which no tablet has closed.
    const closedDay = await desk.getByLabel('Day', { exact: true }).inputValue();
    const pinned = new URL(desk.url());
    pinned.searchParams.set('day', closedDay);
    await desk.goto(pinned.toString());
    await desk.getByText('Every device has synced.').waitFor();
    await desk.getByRole('button', { name: 'Confirm day close' }).click();
    await desk.getByText(`Day close confirmed by ${MANAGER.name} (${MANAGER.staffNumber})`).first().waitFor();
    await expect(desk.getByText('Every device had synced.').first().isVisible()).resolves.toBe(true);

    // The overview shows the seven taps: (3 very satisfied + 2 satisfied) / 7 ratings.
    await desk.getByRole('link', { name: 'Overview' }).click();
    await desk.getByLabel('Period').selectOption('today');
    // That day, not whatever day it is now: the same midnight.
    const ofThatDay = new URL(desk.url());
    for (const [key, value] of Object.entries({ period: 'custom', from: closedDay, to: closedDay })) ofThatDay.searchParams.set(key, value);
    await desk.goto(ofThatDay.toString());
    const satisfaction = desk.locator('[data-figure="satisfaction"]');
    await expect(satisfaction.innerText()).resolves.toMatch(/71\.4%[\s\S]*\(3 very satisfied \+ 2 satisfied\) \/ 7 ratings/);
    await expect(desk.locator('[data-figure="complaint-rate"]').innerText()).resolves.toMatch(/0%[\s\S]*0 complaint cases opened \/ 7 ratings/);
  });
});
