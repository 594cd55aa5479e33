import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, chooseOwnPinsOnline, EN, ES, eventually, pinInUse, freePort, firstBranchId, leaveEntry, lobbyCodeOf, openTablet, removeDir, startServer, tempDir, type RunningServer, outboxDepth, unsyncedShows, openStatusCorner } from './harness.ts';

// The lobby opinion box, the whole way: `npm start` on an empty database, a tablet enrolled
// with the printed lobby code, the server gone; two customers leave entries offline (one with
// contact and consent, one anonymous), a third walks away mid-entry and the kiosk forgets
// every trace of it; the server back: exactly the two entries, contact only on the first.
const dataDir = tempDir('lobby-data');
const profileDir = tempDir('lobby-tablet');
let port: number;
let server: RunningServer | undefined;

beforeAll(async () => {
  port = await freePort();
});
afterAll(async () => {
  await server?.stop();
  removeDir(dataDir);
  removeDir(profileDir);
});


/** Everything in the tablet's IndexedDB databases, as one JSON text. */
async function everythingStored(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const dump: Record<string, Record<string, unknown[]>> = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      dump[name] = {};
      for (const store of [...db.objectStoreNames]) {
        dump[name][store] = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      }
      db.close();
    }
    return JSON.stringify(dump);
  });
}

/** Whether `needle` is anywhere in the page's JavaScript heap, after a full garbage collection. */
async function inHeap(cdp: CDPSession, needles: string[]): Promise<string[]> {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  let snapshot = '';
  const onChunk = ({ chunk }: { chunk: string }) => (snapshot += chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.disable');
  return needles.filter((needle) => snapshot.includes(needle));
}

describe('the lobby opinion box, end to end', () => {
  it('given a lobby tablet offline, when two customers leave entries and a third walks away, then the third leaves no trace and the server gets exactly the two', async () => {
    server = await startServer(port, dataDir);
    const code = lobbyCodeOf(server.firstRun());
    // Lobby staff on the roster before the tablet enrolls: the lobby's roster carries their PIN hash.
    const staff = { staffNumber: '3001', pin: '5713' };
    await admin(dataDir, 'teller:add', '--branch', await firstBranchId(dataDir), '--staff-number', staff.staffNumber, '--name', 'Zhou Lan', '--pin', staff.pin, '--role', 'lobby-staff');

    const { context, page } = await openTablet(profileDir, { width: 1280, height: 800 });
    // A clock the test can move: the idle question comes after a minute untouched.
    await page.clock.install();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByLabel('Enrollment code').fill(code);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await expect(page.locator('.setup-result').innerText()).resolves.toContain('opinion box');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await eventually('the enrollment sync to settle', async () => (await outboxDepth(page)) === 0 && (await page.getByTestId('unsynced').innerText()) === '0 unsynced', 15_000, 200);
    // Their PIN is one-time (decision 0021): they choose their own while the server is up.
    await chooseOwnPinsOnline(page, [staff]);
    await page.locator('[data-screen="lobby-attract"]').waitFor();

    await server.stop();
    await page.reload();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    const first = await leaveEntry(
      page,
      { language: 'English', kind: /A complaint/, topic: 'Waiting and queues', message: 'Only one window was open at noon.', contact: { name: 'Wang Fang', phone: '+86 138 0000 0000' } },
      EN,
    );
    const second = await leaveEntry(page, { language: 'Español', kind: /Una sugerencia/, topic: 'Instalaciones de la oficina', message: 'Más sillas, por favor.' }, ES);
    expect([first, second]).toEqual([expect.stringMatching(/^[2-9A-Z]{2}-[2-9A-Z]{4}$/), expect.any(String)]);
    expect(second).not.toBe(first);
    await unsyncedShows(page, '2 unsynced');

    // The third customer writes, gives contact details, and walks away.
    const secrets = ['Zebra-Quince-Secret-4471', 'Olvido Escondida', '+34 699 123 456'];
    await page.locator('[data-screen="lobby-attract"] .start').click();
    await page.getByRole('button', { name: 'Español', exact: true }).click();
    await page.getByRole('button', { name: /Una queja/ }).click();
    await page.getByRole('button', { name: 'Comisiones y cargos', exact: true }).click();
    await page.locator('#opinion-text').fill(`${secrets[0]} me cobraron dos veces`);
    await page.getByRole('button', { name: ES.next, exact: true }).click();
    await page.getByRole('button', { name: ES.skip, exact: true }).click();
    await page.locator('#contact-name').fill(secrets[1]!);
    await page.locator('#contact-phone').fill(secrets[2]!);
    // The heap probe sees a draft while it is on screen: its empty answer below means something.
    const cdp = await context.newCDPSession(page);
    expect(await inHeap(cdp, secrets)).toEqual(secrets);
    await page.clock.fastForward(61_000);
    await page.getByRole('alertdialog', { name: '¿Sigue ahí?' }).waitFor();
    // The countdown ticks once a second, each tick set by the render of the last: a second
    // at a time, with a moment of real time for the render in between.
    const attract = page.locator('[data-screen="lobby-attract"]');
    for (let i = 0; i < 30 && !(await attract.isVisible()); i++) {
      await page.clock.fastForward(1_000);
      await page.waitForTimeout(50);
    }
    await attract.waitFor();

    expect(await page.content()).not.toMatch(new RegExp(secrets.map((s) => s.replace(/[+]/g, '\\+')).join('|')));
    const stored = await everythingStored(page);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    expect(stored).toContain('Only one window was open at noon.');
    // Web storage holds only the tablet's enrollment note (where it was enrolled, for the setup
    // screen after an eviction), and none of the customer's words.
    const webStorage = await page.evaluate(() => ({ session: sessionStorage.length, keys: Object.keys(localStorage), values: Object.values(localStorage).join(' ') }));
    expect(webStorage).toMatchObject({ session: 0, keys: ['branchvoice.enrollment'] });
    for (const secret of secrets) expect(webStorage.values).not.toContain(secret);
    expect(await inHeap(cdp, secrets)).toEqual([]);
    await unsyncedShows(page, '2 unsynced');

    // Staff can still get in behind the kiosk lock, offline.
    await page.getByTestId('staff-corner').focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Staff number').fill(staff.staffNumber);
    await page.getByLabel('PIN').fill(pinInUse(page, staff.staffNumber, staff.pin));
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('[data-screen="staff-desk"]').waitFor();
    await unsyncedShows(page, '2 unsynced');
    await page.getByRole('button', { name: 'Sign out' }).click();

    server = await startServer(port, dataDir);
    await openStatusCorner(page);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await eventually('both entries to reach the server', async () => (await outboxDepth(page)) === 0 && (await page.getByTestId('unsynced').innerText()) === '0 unsynced', 30_000, 250);

    type AdminOpinion = { referenceCode: string; text: string; contact: { name: string; phone: string; email: string; wantsReply: boolean } | null };
    const onServer = (JSON.parse(await admin(dataDir, 'opinions', '--json')) as AdminOpinion[]).sort((a, b) => a.referenceCode.localeCompare(b.referenceCode));
    expect(onServer.map((o) => [o.referenceCode, o.text, o.contact])).toEqual(
      [
        [first, 'Only one window was open at noon.', expect.objectContaining({ name: 'Wang Fang', phone: '+86 138 0000 0000', wantsReply: true })],
        [second, 'Más sillas, por favor.', null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    // Synced, the entries leave the kiosk: nothing a customer wrote stays in the lobby.
    const afterSync = await everythingStored(page);
    expect(afterSync).not.toContain('Wang Fang');
    expect(afterSync).not.toContain('Only one window was open at noon.');
    await context.close();
  });
});
