// Helpers for the tablet's faults (decision 0013, tablet-faults.test.ts and the `faults` screenshots):
// a tablet per case at a counter of its own, and the ways Chromium lets a test hurt its storage.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { admin, enrollTablet, eventually, openTablet, outboxDepth, removeDir, serverRatings, signInAtCounter, tempDir, type AdminRating } from './harness.ts';

export interface Branch {
  dataDir: string;
  baseUrl: string;
  branchId: string;
  teller: { staffNumber: string; pin: string };
}

export interface Tablet {
  counterId: string;
  counterName: string;
  profile: string;
  context: BrowserContext;
  page: Page;
}

/** Adds a counter to the branch and returns its id. */
export async function addCounter(branch: Branch, name: string): Promise<string> {
  const id = /Added counter ([0-9a-f-]{36})/.exec(await admin(branch.dataDir, 'counter:add', '--branch', branch.branchId, '--name', name))?.[1];
  if (!id) throw new Error(`counter ${name} was not added`);
  return id;
}

/** A one-time code for a counter, as an admin makes it. */
export async function codeFor(branch: Branch, counterId: string): Promise<string> {
  const code = /Enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(await admin(branch.dataDir, 'code:create', '--counter', counterId))?.[1];
  if (!code) throw new Error(`no code for counter ${counterId}`);
  return code;
}

/**
 * A counter tablet for one case: a counter of its own (so the server's ratings of the case are
 * told apart by counter), a browser profile of its own, enrolled and with the teller signed in.
 */
export async function counterTablet(branch: Branch, counterName: string): Promise<Tablet> {
  const counterId = await addCounter(branch, counterName);
  const code = await codeFor(branch, counterId);
  const profile = tempDir('fault-tablet');
  const { context, page } = await openTablet(profile);
  await enrollTablet(page, branch.baseUrl, code);
  await signInAtCounter(page, branch.teller.staffNumber, branch.teller.pin);
  return { counterId, counterName, profile, context, page };
}

/** Closes the tablet's browser and deletes its profile. */
export async function discard(tablet: Tablet): Promise<void> {
  await tablet.context.close().catch(() => undefined);
  removeDir(tablet.profile);
}

/** `count` customers tap `score` (one that asks for no reasons) and see the thank-you. */
export async function rate(page: Page, count: number, score: 'very-satisfied' | 'satisfied' = 'satisfied'): Promise<void> {
  for (let i = 0; i < count; i++) {
    await page.locator('[data-screen="counter-ready"]').waitFor();
    await page.click(`button[data-score="${score}"]`);
    await page.locator('[data-screen="counter-thanks"]').waitFor();
  }
  await page.locator('[data-screen="counter-ready"]').waitFor();
}

/** What the status corner says is waiting, e.g. "3 unsynced". */
export const unsynced = (page: Page): Promise<string> => page.getByTestId('unsynced').innerText();

/** Waits until the tablet's outbox is empty: everything it accepted was acknowledged. */
export function drained(page: Page, timeoutMs = 15_000): Promise<number> {
  return eventually('the outbox to drain', async () => (await outboxDepth(page)) === 0, timeoutMs, 150);
}

/** The server's ratings made at one counter, through the admin CLI. */
export async function ratingsAt(branch: Branch, counterId: string): Promise<AdminRating[]> {
  return (await serverRatings(branch.dataDir, 10_000)).filter((rating) => rating.counterId === counterId);
}

/** Ids that occur more than once: "none twice". */
export function duplicates(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
}

/** The device id this browser was enrolled with, from the note the app keeps outside IndexedDB. */
export async function deviceIdOf(page: Page): Promise<string> {
  const raw = await page.evaluate(() => localStorage.getItem('branchvoice.enrollment'));
  const id = raw ? (JSON.parse(raw) as { deviceId?: string }).deviceId : undefined;
  if (!id) throw new Error('the tablet keeps no enrollment note');
  return id;
}

/** The origin's usage and quota as Chromium's quota manager counts them. */
export async function usageAndQuota(cdp: CDPSession, origin: string): Promise<{ usage: number; quota: number }> {
  return cdp.send('Storage.getUsageAndQuota', { origin });
}

/**
 * Gives the origin a small quota. It must be set before the app's first IndexedDB write of the
 * browser session: Chromium caches the space a bucket has left for up to a minute, and an app
 * that has written once goes on writing into that cached allowance (measured: 370 MB past a
 * 700 KB quota before the first QuotaExceededError).
 */
export async function shrinkQuota(cdp: CDPSession, origin: string, headroomBytes: number): Promise<number> {
  const { usage } = await usageAndQuota(cdp, origin);
  const quotaSize = usage + headroomBytes;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize });
  return quotaSize;
}

/** Gives the origin back its real quota. */
export async function restoreQuota(cdp: CDPSession, origin: string): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
}

/**
 * Fills the origin's storage from the page, in a database of its own, with random bytes (which
 * do not compress) in values under 64 KB (larger ones go to blob files, counted otherwise),
 * halving the size until even 64 bytes are refused. Resolves with what it wrote.
 */
export async function fillStorage(page: Page): Promise<{ bytes: number; writes: number; ms: number }> {
  return page.evaluate(async () => {
    const started = performance.now();
    const open = indexedDB.open('filler', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('junk');
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    let bytes = 0;
    let writes = 0;
    for (let size = 8 * 1024; size >= 64; size /= 2) {
      for (;;) {
        if (bytes > 64 * 1024 * 1024) throw new Error('the quota was never reached');
        const value = crypto.getRandomValues(new Uint8Array(size));
        const written = await new Promise<boolean>((resolve) => {
          const tx = db.transaction('junk', 'readwrite');
          tx.objectStore('junk').put(value, writes);
          tx.oncomplete = () => resolve(true);
          tx.onabort = () => resolve(false);
        });
        if (!written) break;
        bytes += size;
        writes += 1;
      }
    }
    db.close();
    return { bytes, writes, ms: Math.round(performance.now() - started) };
  });
}

/** Clears the origin's IndexedDB as "clear site data" or an eviction does, open connections and all. */
export async function clearIndexedDb(cdp: CDPSession, origin: string): Promise<void> {
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
}

/** Page errors (uncaught exceptions, unhandled rejections) of a page, collected as they happen. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Every push a page sends, with the ids of its records, and the status it got back. */
export function watchPushes(page: Page): Array<{ ids: string[]; status: number | null; code: string | null }> {
  const pushes: Array<{ ids: string[]; status: number | null; code: string | null }> = [];
  page.on('request', (request) => {
    if (!request.url().endsWith('/api/sync/push')) return;
    const body = request.postDataJSON() as { records: Array<{ id: string }> };
    const push = { ids: body.records.map((r) => r.id), status: null as number | null, code: null as string | null };
    pushes.push(push);
    void request.response().then(async (response) => {
      push.status = response?.status() ?? null;
      push.code = response && response.status() >= 400 ? ((await response.json().catch(() => null)) as { code?: string } | null)?.code ?? null : null;
    }, () => undefined);
  });
  return pushes;
}
