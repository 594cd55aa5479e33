import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import es from '../../src/locales/es.json';
import esFaults from '../../src/locales/faults/es.json';
import zhHantFaults from '../../src/locales/faults/zh-Hant.json';
import {
  admin,
  enrollmentCodeOf,
  eventually,
  firstBranchId,
  firstTellerOf,
  freePort,
  openTablet,
  removeDir,
  signInAtCounter,
  startServer,
  tabletRatingIds,
  tempDir,
  type RunningServer,
  unsyncedShows,
  openStatusCorner,
} from './harness.ts';
import {
  clearIndexedDb,
  codeFor,
  collectPageErrors,
  counterTablet,
  deviceIdOf,
  discard,
  drained,
  duplicates,
  fillStorage,
  rate,
  ratingsAt,
  restoreQuota,
  shrinkQuota,
  unsynced,
  watchPushes,
  type Branch,
  type Tablet,
} from './faults.ts';

// The tablet's own faults (decision 0013): what the browser can do to the app's storage and tabs, in real
// Chromium against the server as `npm start` runs it. Every case ends by comparing the server
// with what the tablet accepted: exactly those records, none twice. One server for the file;
// each case has a counter and a browser profile of its own.
const dataDir = tempDir('faults-data');
const tablets: Tablet[] = [];
let server: RunningServer;
let branch: Branch;
let origin: string;

beforeAll(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  server = await startServer(port, dataDir);
  const branchId = await firstBranchId(dataDir);
  // A short thank-you, so that a case does not wait 3 s per customer.
  await admin(dataDir, 'branch:set', branchId, '--cooldown', '300');
  branch = { dataDir, baseUrl: `${origin}/`, branchId, teller: firstTellerOf(server.firstRun()) };
  // The first-run code is not used: every case makes its own counter and code.
  enrollmentCodeOf(server.firstRun());
});
afterAll(async () => {
  for (const tablet of tablets) await discard(tablet);
  await server?.stop();
  removeDir(dataDir);
});

async function aTablet(counterName: string): Promise<Tablet> {
  const tablet = await counterTablet(branch, counterName);
  tablets.push(tablet);
  return tablet;
}

/** The server holds exactly `ids` for the tablet's counter, each once. */
async function expectServerHoldsExactly(tablet: Tablet, ids: readonly string[]): Promise<void> {
  const onServer = (await ratingsAt(branch, tablet.counterId)).map((r) => r.id);
  expect(duplicates(onServer)).toEqual([]);
  expect(new Set(onServer)).toEqual(new Set(ids));
  expect(onServer).toHaveLength(new Set(ids).size);
}

describe('the tablet under storage faults, in Chromium', () => {
  it('given unsynced ratings, when the storage quota runs out, then staff and the customer are told, and every accepted rating reaches the server once', async () => {
    let tablet = await aTablet('Quota');
    await drained(tablet.page);
    // Five ratings wait in the outbox: the network is down.
    await tablet.context.setOffline(true);
    await rate(tablet.page, 5);
    await unsyncedShows(tablet.page, '5 unsynced');

    // The tablet restarts with a quota just above what it uses, set before the app's first
    // write (see shrinkQuota), and something fills the rest.
    await tablet.context.close();
    const { context, page } = await openTablet(tablet.profile);
    tablet = { ...tablet, context, page };
    tablets.push(tablet);
    const errors = collectPageErrors(page);
    const cdp = await context.newCDPSession(page);
    const quota = await shrinkQuota(cdp, origin, 1024 * 1024);
    await context.setOffline(true);
    await page.goto(branch.baseUrl);
    await page.locator('[data-screen="counter-ready"]').waitFor();
    const filled = await fillStorage(page);

    // A customer who reads Spanish taps: the rating cannot be kept, and the screen says so in
    // Spanish, and asks them to tell the teller.
    await page.getByRole('button', { name: 'Español', exact: true }).click();
    await page.click('button[data-score="very-satisfied"]');
    const failed = page.locator('[data-screen="counter-failed"]');
    await failed.waitFor();
    expect(await failed.locator('h1').innerText()).toBe(es.counter.notSaved);
    expect(await failed.locator('p').innerText()).toBe(es.errors['storage-full']);
    // Staff see it in the status corner, whatever the screen shows.
    expect(await page.getByTestId('storage-full').innerText()).toBe(esFaults.faults.storageFull);
    await unsyncedShows(page, '5 sin sincronizar');

    // Sync now, with the storage still full: the five leave, and the warning stays, because a
    // record still would not fit.
    await context.setOffline(false);
    const syncStarted = Date.now();
    await openStatusCorner(page);
    await page.getByRole('button', { name: /Sync now|Sincronizar ahora/ }).click();
    await drained(page);
    const drainedMs = Date.now() - syncStarted;
    await eventually('the corner to show nothing waiting', async () => /^0\D/.test(await unsynced(page)), 5_000, 100);
    expect(await page.getByTestId('storage-full').count()).toBe(1);
    const accepted = await tabletRatingIds(page);
    expect(accepted).toHaveLength(5);
    await expectServerHoldsExactly(tablet, accepted);

    // Space again (the quota back): the next customer is thanked, the warning goes, and the
    // server ends with the six ratings the tablet accepted, none twice.
    await restoreQuota(cdp, origin);
    await page.locator('[data-screen="counter-ready"]').waitFor({ timeout: 10_000 });
    await rate(page, 1, 'very-satisfied');
    expect(await page.getByTestId('storage-full').count()).toBe(0);
    await drained(page);
    const all = await tabletRatingIds(page);
    expect(all).toHaveLength(6);
    await expectServerHoldsExactly(tablet, all);
    expect(errors).toEqual([]);
    console.log(`e2e quota: quota ${quota} B, filled ${filled.bytes} B in ${filled.writes} writes (${filled.ms} ms); 1 tap refused; 5 waiting drained with the storage full in ${drainedMs} ms; 6/6 on the server, 0 twice`);
  });

  it('given a tablet whose IndexedDB is deleted while the app is open and again while it is closed, then it asks to be enrolled again and the server keeps everything that had synced', async () => {
    const tablet = await aTablet('Evicted');
    const errors = collectPageErrors(tablet.page);
    await rate(tablet.page, 3);
    await drained(tablet.page);
    const synced = await tabletRatingIds(tablet.page);

    // Deleted under the open app ("clear site data", or the browser evicting the origin).
    const cdp = await tablet.context.newCDPSession(tablet.page);
    const cleared = Date.now();
    await clearIndexedDb(cdp, origin);
    await tablet.page.locator('[data-screen="setup"][data-notice="lost"]').waitFor({ timeout: 10_000 });
    const noticedMs = Date.now() - cleared;
    expect(await tablet.page.getByTestId('setup-lost').innerText()).toContain(`${tablet.counterName} at Branch 1`);
    await expectServerHoldsExactly(tablet, synced);

    // The way forward: a new code for the same counter, on that very screen. The new database
    // numbers its outbox from 1 again, below the last key the engine pushed: it must not skip it.
    await tablet.page.getByLabel('Enrollment code').fill(await codeFor(branch, tablet.counterId));
    await tablet.page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await tablet.page.getByRole('button', { name: 'Start' }).click();
    await signInAtCounter(tablet.page, branch.teller.staffNumber, branch.teller.pin);
    await rate(tablet.page, 1);
    await drained(tablet.page);
    const afterReenrollment = [...synced, ...(await tabletRatingIds(tablet.page))];
    await expectServerHoldsExactly(tablet, afterReenrollment);

    // Two more made offline, then the browser closed and the database deleted before it opens
    // again: the same screen at start; those two went with the database, as an eviction does.
    await tablet.context.setOffline(true);
    await rate(tablet.page, 2);
    await tablet.context.close();
    const { context, page } = await openTablet(tablet.profile);
    tablets.push({ ...tablet, context, page });
    const closedErrors = collectPageErrors(page);
    await clearIndexedDb(await context.newCDPSession(page), origin);
    await page.goto(branch.baseUrl);
    await page.locator('[data-screen="setup"][data-notice="lost"]').waitFor();
    await expectServerHoldsExactly(tablet, afterReenrollment);
    expect([...errors, ...closedErrors]).toEqual([]);
    console.log(`e2e eviction: deleted while open, noticed in ${noticedMs} ms, 3 synced kept; re-enrolled into a new database, 1 more synced; 2 made offline, deleted while closed: setup on start, those 2 gone with the database; 4/4 synced on the server, 0 twice`);
  });
});

describe('the tablet in two tabs, in Chromium', () => {
  it('given two tabs of the app, when a newer schema opens the database from one of them, then the upgrade is not blocked, both restart, and no rating is lost or doubled', async () => {
    const tablet = await aTablet('Upgrade');
    const second = await tablet.context.newPage();
    await second.goto(branch.baseUrl);
    await second.locator('[data-screen="counter-ready"]').waitFor();
    await drained(tablet.page);
    const errors = [collectPageErrors(tablet.page), collectPageErrors(second)];
    await tablet.context.setOffline(true);
    await rate(tablet.page, 2);
    await rate(second, 2);

    // The next version of the app, simulated: the database opened at a higher version with a
    // new store, while both tabs hold the old one.
    const reloads = [tablet.page, second].map((page) => page.waitForEvent('load', { timeout: 15_000 }));
    const upgrade = await second.evaluate(
      () =>
        new Promise<{ from: number; to: number; blocked: boolean; ms: number }>((resolve, reject) => {
          const started = performance.now();
          const probe = indexedDB.open('branchvoice');
          probe.onsuccess = () => {
            const from = probe.result.version;
            probe.result.close();
            let blocked = false;
            const open = indexedDB.open('branchvoice', from + 10);
            open.onblocked = () => (blocked = true);
            open.onupgradeneeded = () => open.result.createObjectStore('nextVersion');
            open.onsuccess = () => {
              open.result.close();
              resolve({ from, to: from + 10, blocked, ms: Math.round(performance.now() - started) });
            };
            open.onerror = () => reject(open.error);
          };
        }),
    );
    expect(upgrade.to).toBeGreaterThan(upgrade.from);
    // Both tabs said why, then restarted on their own.
    await tablet.page.locator('[data-screen="upgraded"]').waitFor({ timeout: 5_000 });
    await Promise.all(reloads);
    for (const page of [tablet.page, second]) await page.locator('[data-screen="counter-ready"]').waitFor();
    await unsyncedShows(tablet.page, '4 unsynced');

    // The app goes on against the upgraded database, and everything reaches the server once.
    await rate(tablet.page, 1);
    await tablet.context.setOffline(false);
    await openStatusCorner(tablet.page);
    await tablet.page.getByRole('button', { name: 'Sync now' }).click();
    await drained(tablet.page);
    const accepted = await tabletRatingIds(tablet.page);
    expect(accepted).toHaveLength(5);
    await expectServerHoldsExactly(tablet, accepted);
    expect(errors.flat()).toEqual([]);
    await second.close();
    console.log(`e2e upgrade: version ${upgrade.from} → ${upgrade.to} opened in ${upgrade.ms} ms (blocked: ${upgrade.blocked}); both tabs restarted; 5/5 on the server, 0 twice`);
  });

  it('given two tabs rating at once, when both sync together, then one pushes at a time and every rating reaches the server once', async () => {
    const tablet = await aTablet('Two tabs');
    const second = await tablet.context.newPage();
    await second.goto(branch.baseUrl);
    await second.locator('[data-screen="counter-ready"]').waitFor();
    await drained(tablet.page);
    const pushes = [tablet.page, second].map((page) => watchPushes(page));

    // The server holds every push it gets: the first tab to take the lock waits on it.
    server.process.kill('SIGSTOP');
    try {
      await Promise.all([rate(tablet.page, 3), rate(second, 3)]);
      // Both tabs asked to sync in the same moment (the network coming back is such a trigger).
      await Promise.all([tablet.page, second].map((page) => page.evaluate(() => window.dispatchEvent(new Event('online')))));
      // Waited for, not timed: the lock holder's push reaches the frozen server; the other tab,
      // finding the lock taken, skips its run rather than pushing beside it.
      const inFlight = () => pushes.flat().filter((push) => push.status === null);
      await eventually('a push to reach the frozen server', async () => inFlight().length >= 1, 30_000, 100);
      const locks = await tablet.page.evaluate(() => navigator.locks.query());
      expect(locks.held?.filter((lock) => lock.name === 'branchvoice-sync')).toHaveLength(1);
      expect(inFlight()).toHaveLength(1);
    } finally {
      server.process.kill('SIGCONT');
    }

    await drained(tablet.page, 20_000);
    await drained(second);
    const accepted = await tabletRatingIds(tablet.page);
    expect(accepted).toHaveLength(6);
    await expectServerHoldsExactly(tablet, accepted);
    // No record was carried by two pushes: the tabs never pushed the same outbox together.
    const pushedIds = pushes.flat().flatMap((push) => push.ids).filter((id) => accepted.includes(id));
    expect(duplicates(pushedIds)).toEqual([]);
    const byTab = pushes.map((list) => list.length);
    await second.close();
    console.log(`e2e two tabs: 3 + 3 ratings, both synced at once; one lock holder; pushes per tab ${byTab.join(' + ')}, no record in two pushes; 6/6 on the server, 0 twice`);
  });
});

describe('a revoked tablet, in Chromium', () => {
  it('given unsynced ratings, when the device is revoked, then it stops at once, keeps and shows them, and enrolled again at its counter it sends them once', async () => {
    const tablet = await aTablet('Revoked');
    const errors = collectPageErrors(tablet.page);
    const pushes = watchPushes(tablet.page);
    await rate(tablet.page, 2);
    await drained(tablet.page);
    expect(await ratingsAt(branch, tablet.counterId)).toHaveLength(2);
    await tablet.context.setOffline(true);
    await rate(tablet.page, 3);
    await admin(dataDir, 'device:revoke', await deviceIdOf(tablet.page));

    // The network back: the next push is refused, and the tablet stops.
    await tablet.context.setOffline(false);
    // The network's return starts a sync by itself; the button too, if it is still there.
    await openStatusCorner(tablet.page);
    await tablet.page.getByRole('button', { name: 'Sync now' }).click({ timeout: 1000 }).catch(() => undefined);
    const error = tablet.page.getByTestId('sync-error');
    const revokedText = 'Revoked by the administrator: 3 records could not be sent. They stay on this tablet: ask the administrator.';
    await eventually('the corner to say the tablet was revoked', async () => (await error.innerText().catch(() => null)) === revokedText, 10_000, 200);
    expect(await error.getAttribute('data-reason')).toBe('device-revoked');
    await eventually('the refused push to be answered', async () => pushes.at(-1)?.code !== null, 30_000, 100);
    expect(pushes.at(-1)).toMatchObject({ status: 401, code: 'device-revoked' });
    expect(pushes.at(-1)?.ids).toHaveLength(3);
    // In Traditional Chinese too.
    await tablet.page.getByRole('button', { name: '繁體中文', exact: true }).click();
    expect(await error.innerText()).toBe(zhHantFaults.faults.revoked_other.replace('{{count}}', '3'));
    await tablet.page.getByRole('button', { name: 'English', exact: true }).click();

    // A customer still rates (the tap is kept), and nothing more is sent.
    const pushesAtRevocation = pushes.length;
    await rate(tablet.page, 1);
    await tablet.page.waitForTimeout(1500);
    expect(pushes).toHaveLength(pushesAtRevocation);
    await unsyncedShows(tablet.page, '4 unsynced');
    expect(await ratingsAt(branch, tablet.counterId)).toHaveLength(2);

    // How the admin gets them: a new code for the same counter, entered after "Enroll again".
    await openStatusCorner(tablet.page);
    await tablet.page.getByRole('button', { name: 'Enroll again' }).click();
    await tablet.page.getByRole('button', { name: 'Tap again to forget this enrollment' }).click();
    const pending = tablet.page.getByTestId('setup-pending');
    expect(await pending.innerText()).toBe(`4 records on this tablet have not reached the server. Enroll the tablet again with a code for ${tablet.counterName} at Branch 1: they will then be sent.`);
    await tablet.page.getByLabel('Enrollment code').fill(await codeFor(branch, tablet.counterId));
    await tablet.page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await tablet.page.getByRole('button', { name: 'Start' }).click();
    await drained(tablet.page);
    const accepted = await tabletRatingIds(tablet.page);
    expect(accepted).toHaveLength(6);
    await expectServerHoldsExactly(tablet, accepted);
    expect(errors).toEqual([]);
    console.log(`e2e revoked: 2 synced, 3 waiting at revocation refused with 401 device-revoked; 1 more kept, 0 pushes after; re-enrolled at the same counter: 6/6 on the server, 0 twice`);
  });
});
