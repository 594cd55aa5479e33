import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Score } from '../../src/domain/rating.ts';
import {
  admin,
  chooseOwnPinsOnline,
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
  startServer,
  tempDir,
  type RunningServer,
  outboxDepth,
  unsyncedShows,
} from './harness.ts';

// A teller's shift, with the network down from sign-in to sign-out: one teller signs in and
// takes 5 ratings with reasons, pauses (a tap does nothing), resumes, takes 3 more and signs
// out; a second teller signs in and takes 2. Back online, the server holds the 10 ratings,
// each attributed to the right teller and sign-in, and the shift's events.
const dataDir = tempDir('shift-data');
const profileDir = tempDir('shift-tablet');
let server: RunningServer | undefined;

afterAll(async () => {
  await server?.stop();
  removeDir(dataDir);
  removeDir(profileDir);
});

const unsynced = (page: Page) => page.locator('[data-testid="unsynced"]').innerText();

async function rate(page: Page, score: Score, reasons: string[] = []): Promise<void> {
  await page.locator('[data-screen="counter-ready"]').waitFor();
  await page.click(`button[data-score="${score}"]`);
  if (score === 'neutral' || score === 'dissatisfied') {
    await page.locator('[data-screen="counter-reasons"]').waitFor();
    for (const reason of reasons) await page.click(`button[data-reason="${reason}"]`);
    await page.getByRole('button', { name: 'Done' }).click();
  }
  await page.locator('[data-screen="counter-thanks"]').waitFor();
  await page.locator('[data-screen="counter-ready"]').waitFor();
}

type ShiftRow = { type: string; tellerId: string; signInId: string };

describe('a teller shift at the counter, offline', () => {
  let port: number;
  beforeAll(async () => {
    port = await freePort();
  });

  it('given two tellers and no network, when they work their shifts, then the server ends with 10 ratings attributed to the right tellers and sign-ins', async () => {
    server = await startServer(port, dataDir);
    const code = enrollmentCodeOf(server.firstRun());
    const first = firstTellerOf(server.firstRun());
    const branchId = await firstBranchId(dataDir);
    await admin(dataDir, 'branch:set', branchId, '--cooldown', '300');
    await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', '1002', '--name', 'Carlos Ruiz', '--pin', '1357', '--stars', '5');

    const { context, page } = await openTablet(profileDir);
    await enrollTablet(page, `http://127.0.0.1:${port}/`, code);
    // Their PINs are one-time (decision 0021): each chooses their own while the server is up.
    await chooseOwnPinsOnline(page, [{ staffNumber: first.staffNumber, pin: first.pin }, { staffNumber: '1002', pin: '1357' }]);
    await server.stop();
    await page.reload();
    await page.locator('[data-screen="counter-closed"]').waitFor();
    // Closed: there is nothing to rate.
    expect(await page.locator('button[data-score]').count()).toBe(0);

    await signInAtCounter(page, first.staffNumber, first.pin);
    await expect(page.getByTestId('teller-card').innerText()).resolves.toContain('Teller 1');
    await rate(page, 'dissatisfied', ['waiting-time', 'attitude']);
    await rate(page, 'neutral', ['speed']);
    await rate(page, 'dissatisfied', ['explanation']);
    await rate(page, 'neutral', ['waiting-time']);
    await rate(page, 'dissatisfied', ['professionalism']);

    await openStaffMenu(page, first.pin);
    await page.getByRole('button', { name: 'Pause window (teller away)' }).click();
    await page.locator('[data-screen="counter-paused"]').waitFor();
    const before = await outboxDepth(page);
    await page.mouse.click(400, 700);
    await page.waitForTimeout(500);
    expect(await outboxDepth(page)).toBe(before);
    expect(await page.locator('button[data-score]').count()).toBe(0);

    await openStaffMenu(page, first.pin);
    await page.getByRole('button', { name: 'Resume window' }).click();
    for (const score of ['very-satisfied', 'satisfied', 'very-satisfied'] as const) await rate(page, score);
    await openStaffMenu(page, first.pin);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('[data-screen="counter-closed"]').waitFor();

    await signInAtCounter(page, '1002', '1357');
    await expect(page.getByTestId('teller-card').innerText()).resolves.toContain('Carlos Ruiz');
    await rate(page, 'satisfied');
    await rate(page, 'very-satisfied');
    // 10 ratings and 5 shift events (in, pause, resume, out, in) wait on the tablet.
    await unsyncedShows(page, '15 unsynced');

    server = await startServer(port, dataDir);
    await eventually('the tablet to drain its outbox', async () => (await outboxDepth(page)) === 0 && (await unsynced(page)) === '0 unsynced', 30_000, 250);
    const ratings = (await serverRatings(dataDir)).sort((a, b) => a.seq - b.seq);
    expect(ratings).toHaveLength(10);
    const shifts = JSON.parse(await admin(dataDir, 'shifts', '--json', '--limit', '100')) as ShiftRow[];
    const signIns = shifts.filter((s) => s.type === 'signed-in');
    expect(signIns).toHaveLength(2);
    const [firstSignIn, secondSignIn] = [...signIns].sort((a, b) => (a.signInId < b.signInId ? -1 : 1));
    expect(new Set(ratings.slice(0, 8).map((r) => r.signInId))).toEqual(new Set([firstSignIn!.signInId]));
    expect(new Set(ratings.slice(8).map((r) => r.signInId))).toEqual(new Set([secondSignIn!.signInId]));
    expect(new Set(ratings.slice(0, 8).map((r) => r.tellerId))).toEqual(new Set([firstSignIn!.tellerId]));
    expect(ratings[8]!.tellerId).toBe(secondSignIn!.tellerId);
    expect(ratings.slice(0, 5).map((r) => r.reasons)).toEqual([['waiting-time', 'attitude'], ['speed'], ['explanation'], ['waiting-time'], ['professionalism']]);
    expect(shifts.map((s) => s.type).sort()).toEqual(['paused', 'resumed', 'signed-in', 'signed-in', 'signed-out']);
    await context.close();
  });
});
