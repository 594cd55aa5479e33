import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, caseAction, eventually, firstBranchId, freePort, openCase, openTablet, removeDir, signInStaff, startServer, tempDir, type RunningServer, outboxDepth, tabletMeta, unsyncedShows, openStatusCorner } from './harness.ts';

// Complaint cases on two lobby tablets of one branch, as the README tells it: tablet A,
// offline, opens a case from an in-person complaint and restates it; tablet B, offline,
// replies to another case; both come online and show the same cases; the branch manager
// signs one off on B and A shows it signed off; a reply A made to it offline before it heard
// of the sign-off reaches the server late and both tablets show it refused, with the reason.
const dataDir = tempDir('cases-data');
const profiles = { a: tempDir('cases-tablet-a'), b: tempDir('cases-tablet-b') };
let port: number;
let server: RunningServer | undefined;

beforeAll(async () => {
  port = await freePort();
});
afterAll(async () => {
  await server?.stop();
  removeDir(dataDir);
  removeDir(profiles.a);
  removeDir(profiles.b);
});

const STAFF = {
  lobby: { number: '2001', name: 'Zhou Lan', role: 'lobby-staff', pin: '135790' },
  manager: { number: '2002', name: 'Ana Ortega', role: 'complaint-manager', pin: '246802' },
  boss: { number: '2003', name: 'Chen Wei', role: 'branch-manager', pin: '975310' },
} as const;

/** A lobby code for the branch, made with the admin CLI as the installer would. */
async function lobbyCode(branchId: string): Promise<string> {
  const match = /Lobby enrollment code: (\S+)/.exec(await admin(dataDir, 'code:create', '--lobby', '--branch', branchId));
  if (!match?.[1]) throw new Error('no lobby code');
  return match[1];
}

async function enroll(page: Page, code: string) {
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByLabel('Enrollment code').fill(code);
  await page.getByRole('button', { name: 'Enroll this tablet' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.locator('[data-screen="lobby-attract"]').waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('[data-screen="lobby-attract"]').waitFor();
}

/** The case list as staff see it: each row's summary and status, in the list's order. */
async function caseList(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: /^Cases/ }).click();
  await page.locator('[data-screen="case-list"]').waitFor();
  return page.locator('.case-row').evaluateAll((rows) => rows.map((r) => `${r.querySelector('.case-summary')?.textContent} | ${r.querySelector('.chip')?.textContent}`).sort());
}

/** When the tablet's last sync run ended well (its syncState in IndexedDB), or null before the first. */
async function lastSyncedAt(page: Page): Promise<number | null> {
  return (await tabletMeta<{ lastSuccessAt?: number | null }>(page, 'syncState'))?.lastSuccessAt ?? null;
}

/**
 * Syncs from staff mode and waits until nothing is waiting and a run has ended well since the
 * press: the pull follows the push in the same run, and the run's end is written after both.
 */
async function syncNow(page: Page) {
  const before = await lastSyncedAt(page);
  await openStatusCorner(page);
  await page.getByTestId('status-corner').getByRole('button', { name: 'Sync now' }).click();
  await eventually(
    'the tablet to sync',
    async () => (await outboxDepth(page)) === 0 && (await page.getByTestId('unsynced').innerText()) === '0 unsynced' && ((await lastSyncedAt(page)) ?? 0) > (before ?? 0),
    30_000,
    250,
  );
}

describe('complaint cases on two lobby tablets, end to end', () => {
  it('given two tablets offline, when each handles a case, then both converge; a sign-off on B reaches A, and A’s late reply is shown refused with its reason', async () => {
    server = await startServer(port, dataDir);
    const branchId = await firstBranchId(dataDir);
    for (const m of Object.values(STAFF)) {
      await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', m.number, '--name', m.name, '--pin', m.pin, '--role', m.role);
    }
    const a = await openTablet(profiles.a, { width: 1280, height: 800 });
    const b = await openTablet(profiles.b, { width: 1280, height: 800 });
    await enroll(a.page, await lobbyCode(branchId));
    await enroll(b.page, await lobbyCode(branchId));

    // Online: a phone complaint, opened on A, known to B after a sync.
    await signInStaff(a.page, STAFF.lobby);
    await openCase(a.page, 'Phone', 'Card blocked while abroad');
    await syncNow(a.page);
    await signInStaff(b.page, STAFF.manager);
    await syncNow(b.page);
    expect(await caseList(b.page)).toEqual(['Card blocked while abroad | Open']);

    // The network goes: both tablets work on.
    await server.stop();
    await openCase(a.page, 'In person', 'Charged twice for one transfer');
    await caseAction(a.page, 'Restate to the customer', { 'The complaint as you restated it, and the customer confirmed': 'Two debits of 120.00 on 20 November' });
    await b.page.locator('.case-row', { hasText: 'Card blocked while abroad' }).click();
    await caseAction(b.page, 'Record the reply', { 'What you told the customer': 'The card is unblocked; travel notice set' });
    await unsyncedShows(a.page, '2 unsynced');
    await unsyncedShows(b.page, '1 unsynced');

    // Back online: A, then B, then A again, and both show the same two cases.
    server = await startServer(port, dataDir);
    await syncNow(a.page);
    await syncNow(b.page);
    await syncNow(a.page);
    const expected = ['Card blocked while abroad | Replied', 'Charged twice for one transfer | Open'];
    expect(await caseList(a.page)).toEqual(expected);
    expect(await caseList(b.page)).toEqual(expected);

    // A's complaint manager, offline, adds to the reply; the tablet is then switched off.
    await signOut(a.page);
    await signInStaff(a.page, STAFF.manager);
    await server.stop();
    await a.page.locator('.case-row', { hasText: 'Card blocked while abroad' }).click();
    await caseAction(a.page, 'Record the reply', { 'What you told the customer': 'Also refunded the card fee' });
    await a.context.close();

    // Meanwhile, online, the branch manager signs the case off on B.
    server = await startServer(port, dataDir);
    await signOut(b.page);
    await signInStaff(b.page, STAFF.boss);
    await b.page.locator('.case-row', { hasText: 'Card blocked while abroad' }).click();
    await caseAction(b.page, 'Sign off', {}, 'Sign off the case');
    await syncNow(b.page);

    // A comes back: its late reply is refused, with the reason, and the case shows signed off.
    const a2 = await openTablet(profiles.a, { width: 1280, height: 800 });
    await a2.page.goto(`http://127.0.0.1:${port}/`);
    await a2.page.locator('[data-screen="lobby-attract"]').waitFor();
    await signInStaff(a2.page, STAFF.manager);
    await syncNow(a2.page);
    expect(await caseList(a2.page)).toEqual(['Card blocked while abroad | Signed off', 'Charged twice for one transfer | Open']);
    const refusedOnA = a2.page.locator('.refused-box');
    await expect(refusedOnA.innerText()).resolves.toContain('the branch manager had already signed the case off.');
    await refusedOnA.getByRole('button').click();
    await a2.page.getByTestId('case-status').filter({ hasText: 'Signed off' }).waitFor();
    await expect(a2.page.locator('.history-item[data-status="refused"]').innerText()).resolves.toContain('Also refunded the card fee');

    // B hears of the refusal too.
    await syncNow(b.page);
    await caseList(b.page);
    await expect(b.page.locator('.refused-box').innerText()).resolves.toContain('the branch manager had already signed the case off.');
    await a2.context.close();
    await b.context.close();
  });
});
