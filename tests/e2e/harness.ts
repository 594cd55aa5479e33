import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jsQR from 'jsqr';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import type { RatingRow } from '../../src/server/db/schema.ts';
import { firstRunFileOf } from '../../src/server/first-run-file.ts';
import { ratingRowToStoredRating } from '../../src/server/repositories/ratings.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const run = promisify(execFile);


export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `bv-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface RunningServer {
  process: ChildProcess;
  output: () => string;
  /** The first run's secrets, from the file the server wrote in its data dir (the console has none). */
  firstRun: () => string;
  stop: () => Promise<void>;
}

/** The text of the first run's file in a data dir: codes, the teller's PIN, the dashboard's password. */
export function firstRunOf(dataDir: string): string {
  return readFileSync(firstRunFileOf(dataDir), 'utf8');
}

/** Starts the server exactly as `npm start` does (scripts/start.mjs), on a given port and data dir. */
export async function startServer(port: number, dataDir: string): Promise<RunningServer> {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    child.stdout.on('data', () => {
      if (output.includes('Listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    process: child,
    output: () => output,
    firstRun: () => firstRunOf(dataDir),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }),
  };
}

/** The counter's one-time code, from the first run's file or `code:create`'s output. */
export function enrollmentCodeOf(output: string): string {
  const match = /Enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(output);
  if (!match?.[1]) throw new Error(`no enrollment code in:\n${output}`);
  return match[1];
}

/** Runs `npm run admin -- …` against a data dir and returns what it printed. */
export async function admin(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/server/cli/admin.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
  });
  return stdout;
}

export type AdminRating = { id: string; seq: number; score: string; counterId: string; deviceId: string; tellerId: string; signInId: string; reasons: string[]; createdAt: number };

/**
 * The server's ratings, newest first, as `npm run admin -- ratings --json` prints them (the
 * same mapping, ratingRowToStoredRating), read from the server's SQLite file beside it: tests
 * poll this, and a process per poll took seconds on a busy machine.
 */
export async function serverRatings(dataDir: string, limit = 1000): Promise<AdminRating[]> {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('select * from ratings order by seq desc limit ?').all(limit) as RatingRow[];
    return rows.map(ratingRowToStoredRating) as AdminRating[];
  } finally {
    db.close();
  }
}

/** A Chromium profile that survives closing the browser, as a tablet's does. */
export async function openTablet(userDataDir: string, viewport = { width: 800, height: 1280 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * axe-core's violations on the page as it is (injected through the debugger: the app's CSP allows
 * no inline script). Injected once per document: evaluating its half a megabyte again at every
 * check was a good part of the screen-by-screen tests' time.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}

/** Polls until `check` returns true, or fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, everyMs = 500): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** What one read of the tablet's IndexedDB asks of a store: a count, every row or key, or one row by key. */
export type TabletRead = 'count' | 'getAll' | 'getAllKeys' | { get: string };

/**
 * One read of the tablet's own IndexedDB with the raw API, as a script on its page could: no
 * live query's lag, none of the app's code in the way.
 */
export function readTabletDb<T>(page: Page, store: string, read: TabletRead): Promise<T> {
  return page.evaluate(
    ({ store, read }) =>
      new Promise<T>((resolve, reject) => {
        const open = indexedDB.open('branchvoice');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const rows = open.result.transaction(store).objectStore(store);
          const request: IDBRequest = typeof read === 'object' ? rows.get(read.get) : read === 'count' ? rows.count() : read === 'getAll' ? rows.getAll() : rows.getAllKeys();
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result as T);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    { store, read },
  );
}

/** A value the tablet keeps in its meta store (the device, its configuration, the sync state), or undefined. */
export async function tabletMeta<T>(page: Page, key: string): Promise<T | undefined> {
  return (await readTabletDb<{ value: T } | undefined>(page, 'meta', { get: key }))?.value;
}

/** The ids of the ratings in the tablet's own IndexedDB. */
export function tabletRatingIds(page: Page): Promise<string[]> {
  return readTabletDb<string[]>(page, 'ratings', 'getAllKeys');
}

/**
 * How many records wait in the tablet's outbox, read from IndexedDB itself: the corner's count
 * is a live query and may still show the number from before the last write.
 */
export function outboxDepth(page: Page): Promise<number> {
  return readTabletDb<number>(page, 'outbox', 'count');
}

/**
 * Waits until the status corner shows `text` for what waits to sync: it follows the database
 * at most every 250 ms (src/store/status.ts), so it is read when it has caught up.
 */
export async function unsyncedShows(page: Page, text: string, timeoutMs = 10_000): Promise<void> {
  try {
    await page.waitForFunction((expected) => document.querySelector('[data-testid="unsynced"]')?.textContent === expected, text, { timeout: timeoutMs });
  } catch {
    const shown = await page.getByTestId('unsynced').innerText().catch(() => null);
    throw new Error(`the status corner shows ${JSON.stringify(shown)}, not ${JSON.stringify(text)}, after ${timeoutMs} ms`);
  }
}

/**
 * Opens the tablet's status for staff: on a customer's screen it is a small mark in the bottom
 * corner, and its details (Sync now, Enroll again) show once it is held, as staff do.
 */
export async function openStatusCorner(page: Page): Promise<void> {
  const mark = page.getByTestId('status-corner').locator('.status-mark[aria-expanded="false"]');
  const details = page.locator('[data-testid="status-corner"] .status-details:not(.visually-hidden)');
  if ((await mark.count()) > 0) {
    const box = await mark.boundingBox();
    if (!box) throw new Error('the status mark is not on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await details.waitFor();
    await page.mouse.up();
  }
  await details.waitFor();
}

/** A teller's id by staff number, as the admin CLI lists tellers. */
export async function tellerIdOf(dataDir: string, staffNumber: string): Promise<string> {
  const id = new RegExp(`^([0-9a-f-]{36})\\s+[0-9a-f-]{36}\\s+${staffNumber}\\s`, 'm').exec(await admin(dataDir, 'tellers'))?.[1];
  if (!id) throw new Error(`no teller with staff number ${staffNumber}`);
  return id;
}

/** The first-run teller's staff number and PIN, from the first run's file. */
export function firstTellerOf(output: string): { staffNumber: string; pin: string } {
  const match = /Teller sign-in: staff number (\S+), PIN (\d{4})/.exec(output);
  if (!match?.[1] || !match[2]) throw new Error(`no teller sign-in line in:\n${output}`);
  return { staffNumber: match[1], pin: match[2] };
}

/** The branch made on first run, from `npm run admin -- branches`. */
export async function firstBranchId(dataDir: string): Promise<string> {
  const id = /([0-9a-f-]{36})\s+Branch 1/.exec(await admin(dataDir, 'branches'))?.[1];
  if (!id) throw new Error('no first branch');
  return id;
}

/** Enrolls the tablet with a code and goes past the setup result, to the closed window. */
export async function enrollTablet(page: Page, baseUrl: string, code: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Enrollment code').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Enroll this tablet' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.locator('[data-screen="counter-closed"]').waitFor();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
}

/** A teller signs in from the closed window. */
export async function signInAtCounter(page: Page, staffNumber: string, pin: string): Promise<string> {
  const inUse = pinInUse(page, staffNumber, pin);
  await page.getByRole('button', { name: 'Teller sign-in' }).click();
  await page.getByLabel('Staff number').fill(staffNumber);
  await page.getByLabel('PIN').fill(inUse);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return chooseOwnPinIfAsked(page, staffNumber, pin, page.locator('[data-screen="counter-ready"]'));
}

/**
 * One-time PINs (decision 0021): every PIN the first run, the admin CLI or the dashboard gives
 * must be changed at its owner's first sign-in on a tablet. The helpers here do it when the
 * tablet asks, with a PIN of their own choosing (ownPinFor), and remember it per server, so a
 * test goes on signing the member in with the PIN it was given.
 */
const chosenPins = new Map<string, string>();
const pinKey = (page: Page, staffNumber: string, given: string) => `${new URL(page.url()).origin}|${staffNumber.trim().toLowerCase()}|${given}`;

/** The PIN the helpers choose in place of a one-time `pin`: each digit moved by five, so as long and never the same. */
export const ownPinFor = (pin: string): string => pin.replace(/\d/g, (d) => String((Number(d) + 5) % 10));

/** The PIN a member given `pin` signs in with now on this page's server: their own once the helpers chose it. */
export const pinInUse = (page: Page, staffNumber: string, pin: string): string => chosenPins.get(pinKey(page, staffNumber, pin)) ?? pin;

/**
 * After a sign-in: waits for `done`, or for the choose-PIN screen, which it completes with
 * ownPinFor(given) before waiting for `done`; then until this tablet's roster no longer says the
 * member's PIN is one-time, so that an offline sign-in later checks the new hash. Answers the
 * PIN the member signs in with from now on.
 */
export async function chooseOwnPinIfAsked(page: Page, staffNumber: string, given: string, done: Locator): Promise<string> {
  const choose = page.locator('[data-screen="choose-pin"]');
  await done.or(choose).first().waitFor();
  if (!(await choose.isVisible())) return pinInUse(page, staffNumber, given);
  const own = ownPinFor(given);
  await page.getByLabel('New PIN', { exact: true }).fill(own);
  await page.getByLabel('New PIN again').fill(own);
  await page.getByRole('button', { name: 'Save my PIN' }).click();
  await done.waitFor();
  chosenPins.set(pinKey(page, staffNumber, given), own);
  const wanted = staffNumber.trim().toLowerCase();
  await eventually(`the tablet's roster to carry ${staffNumber}'s own PIN`, async () => {
    const config = await tabletMeta<{ tellers: { staffNumber: string; pinMustChange?: boolean }[] }>(page, 'config');
    return !config?.tellers.some((t) => t.staffNumber.toLowerCase() === wanted && t.pinMustChange);
  });
  return own;
}

/**
 * For a test that signs staff in on a tablet with the server down: their one-time PINs are
 * replaced first (decision 0021), through the server as the choose-PIN screen does it, with
 * this tablet's token, and the tablet pulls the roster that carries the new hashes. No shift
 * or other record is made. Later helpers sign them in with the PIN they were given.
 */
export async function chooseOwnPinsOnline(page: Page, members: readonly { staffNumber: string; pin: string }[]): Promise<void> {
  const identity = await tabletMeta<{ token: string }>(page, 'device');
  if (!identity) throw new Error('the tablet is not enrolled');
  for (const { staffNumber, pin } of members) {
    const own = ownPinFor(pin);
    const status = await page.evaluate(async ({ token, staffNumber, pin, own }) => {
      const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const signIn = await fetch('/api/staff-session', { method: 'POST', headers: json, body: JSON.stringify({ staffNumber, pin, deviceTime: Date.now() }) });
      if (!signIn.ok) return `sign-in ${signIn.status}`;
      const { sessionId, key } = (await signIn.json()) as { sessionId: string; key: string };
      const session = { ...json, 'x-staff-session': `${sessionId}.${key}` };
      const changed = await fetch('/api/staff-session/pin', { method: 'POST', headers: session, body: JSON.stringify({ currentPin: pin, newPin: own }) });
      await fetch('/api/staff-session', { method: 'DELETE', headers: session });
      return changed.status === 204 ? 'ok' : `change ${changed.status}`;
    }, { token: identity.token, staffNumber, pin, own });
    if (status !== 'ok') throw new Error(`choosing ${staffNumber}'s own PIN: ${status}`);
    chosenPins.set(pinKey(page, staffNumber, pin), own);
  }
  // A reload syncs at once: the tablet then holds the new hashes, for sign-ins without the server.
  await page.reload();
  const wanted = new Set(members.map((m) => m.staffNumber.toLowerCase()));
  await eventually('the tablet to pull the roster with the new PINs', async () => {
    const config = await tabletMeta<{ tellers: { staffNumber: string; pinMustChange?: boolean }[] }>(page, 'config');
    return config !== undefined && !config.tellers.some((t) => wanted.has(t.staffNumber.toLowerCase()) && t.pinMustChange);
  });
}

/** The kiosk's way out: hold the corner, then the teller's PIN. */
export async function openStaffMenu(page: Page, pin: string): Promise<void> {
  const corner = page.getByTestId('staff-corner');
  await corner.hover();
  await page.mouse.down();
  await page.waitForTimeout(2300);
  await page.mouse.up();
  // The teller signed in with the PIN they were given: the one the helpers chose for them, if they did.
  const origin = `${new URL(page.url()).origin}|`;
  const chosen = [...chosenPins].find(([key]) => key.startsWith(origin) && key.endsWith(`|${pin}`))?.[1];
  await page.getByLabel('PIN of the teller signed in').fill(chosen ?? pin);
  await page.getByRole('button', { name: 'Open' }).click();
  await page.locator('.staff-actions').waitFor();
}

/** The lobby's one-time code, from the first run's file or `code:create --lobby`'s output. */
export function lobbyCodeOf(output: string): string {
  const match = /Lobby enrollment code: ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(output);
  if (!match?.[1]) throw new Error(`no lobby enrollment code in:\n${output}`);
  return match[1];
}

export type Entry = {
  language: string;
  kind: RegExp;
  topic: string;
  message: string;
  contact?: { name: string; phone: string };
};

/** A customer at the kiosk, by touch, in their language; resolves with the reference code shown. */
export async function leaveEntry(page: Page, entry: Entry, labels: Labels): Promise<string> {
  await page.locator('[data-screen="lobby-attract"] .start').click();
  await page.getByRole('button', { name: entry.language, exact: true }).click();
  await page.getByRole('button', { name: entry.kind }).click();
  await page.getByRole('button', { name: entry.topic, exact: true }).click();
  await page.locator('#opinion-text').fill(entry.message);
  await page.getByRole('button', { name: labels.next, exact: true }).click();
  await page.locator('[data-screen="lobby-visit"]').waitFor();
  await page.getByRole('button', { name: labels.skip, exact: true }).click();
  await page.locator('[data-screen="lobby-contact"]').waitFor();
  if (entry.contact) {
    await page.locator('#contact-name').fill(entry.contact.name);
    await page.locator('#contact-phone').fill(entry.contact.phone);
    await page.getByLabel(labels.wantsReply).check();
    await page.getByLabel(labels.consent).check();
    await page.getByRole('button', { name: labels.next, exact: true }).click();
  } else {
    await page.getByRole('button', { name: labels.anonymous, exact: true }).click();
  }
  await page.locator('[data-screen="lobby-review"]').waitFor();
  await page.getByRole('button', { name: labels.send, exact: true }).click();
  const code = (await page.getByTestId('reference-code').innerText()).trim();
  await page.getByRole('button', { name: labels.done, exact: true }).click();
  await page.locator('[data-screen="lobby-attract"]').waitFor();
  return code;
}

export type Labels = { next: string; skip: string; wantsReply: string; consent: string; anonymous: string; send: string; done: string };
export const EN: Labels = { next: 'Next', skip: 'Skip', wantsReply: 'I would like a reply', consent: 'I agree that the bank may contact me', anonymous: 'Stay anonymous', send: 'Send', done: 'Done' };
export const ES: Labels = { next: 'Siguiente', skip: 'Omitir', wantsReply: 'Deseo una respuesta', consent: 'Acepto que el banco me contacte', anonymous: 'Seguir en el anonimato', send: 'Enviar', done: 'Terminar' };


/** Staff mode on a lobby tablet: the kiosk corner, then staff number and PIN. */
export async function signInStaff(page: Page, member: { number: string; pin: string }): Promise<string> {
  await page.getByTestId('staff-corner').focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Staff number').fill(member.number);
  await page.getByLabel('PIN').fill(pinInUse(page, member.number, member.pin));
  await page.getByRole('button', { name: 'Open' }).click();
  return chooseOwnPinIfAsked(page, member.number, member.pin, page.locator('[data-screen="staff-desk"]'));
}

/** Opens a complaint case in staff mode, received by `channel`; resolves on the case's screen. */
export async function openCase(page: Page, channel: string, summary: string) {
  await page.getByRole('button', { name: 'New case' }).click();
  await page.getByLabel(channel, { exact: true }).check();
  await page.getByLabel('What is the complaint about?').fill(summary);
  await page.getByRole('button', { name: 'Open the case' }).click();
  await page.getByRole('heading', { name: summary }).waitFor();
}

/** One action on the open case: its button, its text fields by label, then `confirm`, until "Saved". */
export async function caseAction(page: Page, action: string, fields: Record<string, string> = {}, confirm = 'Save') {
  await page.getByRole('button', { name: action, exact: true }).click();
  for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(value);
  await page.getByRole('button', { name: confirm, exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
}

/**
 * Signs in on the dashboard; an account whose password someone else chose (the first run's,
 * an admin's) is asked for one of its own first, and gets `newPassword`.
 */
export async function signInToDashboard(page: Page, baseUrl: string, account: { staffNumber: string; password: string; newPassword?: string }): Promise<void> {
  await page.goto(`${baseUrl}dashboard`);
  await page.getByLabel('Staff number').fill(account.staffNumber);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (account.newPassword === undefined) return;
  await page.getByRole('heading', { name: 'Choose your own password' }).waitFor();
  await page.getByLabel('Current password').fill(account.password);
  await page.getByLabel('New password', { exact: true }).fill(account.newPassword);
  await page.getByLabel('New password again').fill(account.newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

/**
 * For a test file's whole run: `npm start` on a data dir of its own (`prefix`) and one Chromium,
 * both stopped and the data dir removed at the end. Read the parts once `beforeAll` has run.
 * `extraArgs` go to Chromium after the usual ones (e.g. its synthetic camera).
 */
export function useServerAndChromium(prefix: string, extraArgs: string[] = []): { readonly server: RunningServer; readonly browser: Browser; readonly base: string; readonly dataDir: string } {
  const dataDir = tempDir(prefix);
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let base = '';
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}/`;
    // Side by side: neither needs the other until the first test. Each is kept as soon as it is
    // up, so that afterAll stops it even when the other failed.
    const [started, launched] = await Promise.allSettled([
      startServer(port, dataDir).then((running) => (server = running)),
      chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] }).then((launched) => (browser = launched)),
    ]);
    for (const outcome of [started, launched]) if (outcome.status === 'rejected') throw outcome.reason;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    removeDir(dataDir);
  });
  return {
    get server() {
      if (!server) throw new Error('the server is not started yet');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not launched yet');
      return browser;
    },
    get base() {
      return base;
    },
    dataDir,
  };
}

/** What a camera reads from a QR code shown on the page: the img drawn onto a canvas at its natural size, its pixels decoded by jsQR. */
export async function scanQr(image: Locator): Promise<string | null> {
  const { width, height, pixels } = await image.evaluate(async (element) => {
    const img = element as HTMLImageElement;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    // As one string, not an array of numbers: a million pixels' bytes cross to Node in
    // milliseconds this way, and in seconds as an array.
    let bytes = '';
    for (let i = 0; i < data.data.length; i += 0x8000) bytes += String.fromCharCode(...data.data.subarray(i, i + 0x8000));
    return { width: data.width, height: data.height, pixels: btoa(bytes) };
  });
  return jsQR(new Uint8ClampedArray(Buffer.from(pixels, 'base64')), width, height)?.data ?? null;
}
