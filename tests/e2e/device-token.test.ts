import { cpSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVICE_EXPIRES_AFTER_MS, PREVIOUS_TOKEN_GRACE_MS, TOKEN_ROTATE_AFTER_MS } from '../../src/domain/device-token.ts';
import dashboardEn from '../../src/locales/dashboard/en.json';
import faultsEn from '../../src/locales/faults/en.json';
import faultsZhHant from '../../src/locales/faults/zh-Hant.json';
import { HEAD_OFFICE, startClockedServer, TELLER, type ClockedServer } from './clocked-server.ts';
import { collectPageErrors, deviceIdOf, drained, rate, watchPushes } from './faults.ts';
import { enrollTablet, eventually, openTablet, removeDir, signInAtCounter, tabletMeta, tempDir, unsyncedShows, openStatusCorner } from './harness.ts';

// Decision 0016 end to end, in Chromium: a counter tablet's browser profile is copied whole to
// a second profile (as a disk image or its IndexedDB would be), the original syncs two days
// later and takes a new token, and the copy, started after the grace, is refused with the
// superseded screen while the dashboard's fleet page warns of it. The server is built
// in-process on the app `npm start` serves, with a clock the test moves: nothing waits for
// days or minutes to pass.
const MINUTE = 60_000;
const profiles = { original: tempDir('token-original'), copy: tempDir('token-copy'), desk: tempDir('token-desk') };
const closing: Array<() => Promise<unknown>> = [];
let server: ClockedServer;

afterAll(async () => {
  for (const close of closing.reverse()) await close().catch(() => undefined);
  for (const dir of Object.values(profiles)) removeDir(dir);
});

/** The token the tablet keeps in IndexedDB, read with the raw API. */
async function tokenIn(page: Page): Promise<string> {
  return (await tabletMeta<{ token: string }>(page, 'device'))!.token;
}

async function tablet(profile: string) {
  const opened = await openTablet(profile);
  closing.push(() => opened.context.close());
  return opened;
}

describe("a tablet's token copied to another browser, in Chromium", () => {
  it('given a copy of a tablet\'s profile, when the original takes a new token and the copy syncs after the grace, then the copy is refused with the superseded screen, the original goes on, and the fleet warns of the copy', async () => {
    server = await startClockedServer();
    closing.push(() => server.close());

    // The original: enrolled, a teller signed in, two ratings synced.
    let original = await tablet(profiles.original);
    await enrollTablet(original.page, server.baseUrl, await server.code());
    await signInAtCounter(original.page, TELLER.staffNumber, TELLER.pin);
    await rate(original.page, 2);
    await drained(original.page);
    const deviceId = await deviceIdOf(original.page);
    const firstToken = await tokenIn(original.page);

    // Copied whole while the browser is closed, as a disk image would be.
    await original.context.close();
    cpSync(profiles.original, profiles.copy, { recursive: true });
    original = await tablet(profiles.original);
    const originalErrors = collectPageErrors(original.page);
    await original.page.goto(server.baseUrl);
    await original.page.locator('[data-screen="counter-ready"]').waitFor();

    // Two days on, the next push is asked to take a new token; the tablet does, and uses it.
    server.advance(TOKEN_ROTATE_AFTER_MS + MINUTE);
    await rate(original.page, 1);
    await eventually('the original to keep a new token', async () => (await tokenIn(original.page)) !== firstToken, 15_000, 200);
    expect((await server.device(deviceId)).token_issued_at).toBeGreaterThan(server.now() - MINUTE);
    await rate(original.page, 1);
    await eventually('the new token to be used', async () => (await server.device(deviceId)).previous_token_until !== null, 15_000, 200);
    await drained(original.page);

    // Ten minutes and a second after that, the copy starts, with the first token.
    server.advance(PREVIOUS_TOKEN_GRACE_MS + 1000);
    const copy = await tablet(profiles.copy);
    const copyErrors = collectPageErrors(copy.page);
    const pushes = watchPushes(copy.page);
    await copy.page.goto(server.baseUrl);
    await copy.page.locator('[data-screen="counter-ready"]').waitFor();
    expect(await tokenIn(copy.page)).toBe(firstToken);
    const error = copy.page.getByTestId('sync-error');
    await eventually('the copy to say it was replaced', async () => (await error.innerText().catch(() => null)) === faultsEn.faults.superseded_zero, 15_000, 200);
    expect(await error.getAttribute('data-reason')).toBe('token-superseded');
    expect(pushes.map((p) => [p.status, p.code])).toEqual([[401, 'token-superseded']]);
    // A customer at the copy still rates; it is kept there, never sent, and the count shows.
    await rate(copy.page, 1);
    await unsyncedShows(copy.page, '1 unsynced');
    expect(await error.innerText()).toBe(faultsEn.faults.superseded_one.replace('{{count}}', '1'));
    await copy.page.getByRole('button', { name: '繁體中文', exact: true }).click();
    expect(await error.innerText()).toBe(faultsZhHant.faults.superseded_other.replace('{{count}}', '1'));
    await copy.page.getByRole('button', { name: 'English', exact: true }).click();
    await openStatusCorner(copy.page);
    expect(await copy.page.getByRole('button', { name: 'Enroll again' }).isVisible()).toBe(true);
    expect(pushes).toHaveLength(1);
    const seen = await server.device(deviceId);
    expect(seen.clone_suspected_at).toBeGreaterThan(server.now() - MINUTE);
    expect(JSON.parse(seen.clone_detail!)).toEqual({ address: '127.0.0.1', token: 'previous' });

    // The original is not stopped by the copy: its next rating reaches the server.
    await rate(original.page, 1);
    await drained(original.page);

    // Head office opens the fleet: the warning heads the page, and the tablet's row the table.
    const desk = await openTablet(profiles.desk, { width: 1280, height: 800 });
    closing.push(() => desk.context.close());
    await desk.page.goto(`${server.baseUrl}dashboard/fleet`);
    await desk.page.getByLabel('Staff number').fill(HEAD_OFFICE.staffNumber);
    await desk.page.getByLabel('Password').fill(HEAD_OFFICE.password);
    await desk.page.getByRole('button', { name: 'Sign in' }).click();
    const warning = desk.page.getByRole('region', { name: dashboardEn.dashboard.fleet.copied.title_one });
    await warning.waitFor();
    expect(await warning.innerText()).toContain('Window 3');
    expect(await warning.innerText()).toContain('127.0.0.1');
    const firstRow = desk.page.locator('table tbody tr').first();
    expect(await firstRow.innerText()).toContain(dashboardEn.dashboard.fleetState.copied);

    // Sixty days on without a sync, the original is refused too, and says why.
    server.advance(DEVICE_EXPIRES_AFTER_MS + MINUTE);
    await openStatusCorner(original.page);
    await original.page.getByRole('button', { name: 'Sync now' }).click();
    const expired = original.page.getByTestId('sync-error');
    await eventually('the original to say it expired', async () => (await expired.innerText().catch(() => null)) === faultsEn.faults.expired_zero, 15_000, 200);
    expect(originalErrors).toEqual([]);
    expect(copyErrors).toEqual([]);
    console.log(`e2e token copy: original rotated after ${TOKEN_ROTATE_AFTER_MS / 3_600_000} h, copy refused 401 token-superseded ${PREVIOUS_TOKEN_GRACE_MS / MINUTE} min + 1 s after the new token's first use; fleet warned; original expired after 60 days`);
  });
});
