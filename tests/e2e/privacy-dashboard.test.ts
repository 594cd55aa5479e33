import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  EN,
  eventually,
  freePort,
  leaveEntry,
  lobbyCodeOf,
  openTablet,
  outboxDepth,
  removeDir,
  signInToDashboard,
  startServer,
  tempDir,
  type RunningServer,
} from './harness.ts';

// A customer's erasure, the whole way: `npm start` on an empty database; a customer leaves an
// entry with her phone at the lobby tablet, which syncs it; head office finds it by that phone
// on the dashboard's Privacy page, erases it, and sees the erasure in the audit log on the same
// page. Real Chromium, the server as `npm start` starts it, SQLite; axe-core on the page.
const dataDir = tempDir('privacy-data');
const dirs = { lobby: tempDir('privacy-lobby'), desk: tempDir('privacy-desk') };
const contexts: BrowserContext[] = [];
let port: number;
let server: RunningServer | undefined;

const CUSTOMER = { name: 'Wang Fang', phone: '+86 138 0013 8000' };
const WORDS = 'Only one window was open at noon.';

beforeAll(async () => {
  port = await freePort();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await server?.stop();
  for (const dir of [dataDir, ...Object.values(dirs)]) removeDir(dir);
});

async function browser(dir: string, viewport: { width: number; height: number }): Promise<Page> {
  const { context, page } = await openTablet(dir, viewport);
  contexts.push(context);
  return page;
}

/** How head office finds a customer, with the keyboard: the radio group by arrows, the field, Enter. */
async function find(desk: Page, by: 'Reference code' | 'Phone number', field: string, value: string) {
  const checked = desk.locator('input[name="privacy-by"]:checked');
  await checked.focus();
  for (let i = 0; i < 3 && !(await desk.getByRole('radio', { name: by }).isChecked()); i++) await desk.keyboard.press('ArrowRight');
  await desk.getByLabel(field).fill(value);
  await desk.keyboard.press('Enter');
}

describe("a customer's erasure on the dashboard, end to end", () => {
  it('given an entry with a phone from the lobby, when head office finds it by phone and erases it, then the page says what was erased, the audit log shows the erasure, and axe finds nothing', async () => {
    server = await startServer(port, dataDir);
    const base = `http://127.0.0.1:${port}/`;

    // The lobby tablet: enrolled with the printed code; a customer leaves a complaint with her phone.
    const lobby = await browser(dirs.lobby, { width: 1280, height: 800 });
    await lobby.goto(base);
    await lobby.getByLabel('Enrollment code').fill(lobbyCodeOf(server.firstRun()));
    await lobby.getByRole('button', { name: 'Enroll this tablet' }).click();
    await lobby.getByRole('button', { name: 'Start' }).click();
    await lobby.locator('[data-screen="lobby-attract"]').waitFor();
    const reference = await leaveEntry(lobby, { language: 'English', kind: /A complaint/, topic: 'Waiting and queues', message: WORDS, contact: CUSTOMER }, EN);
    await eventually('the entry to reach the server', async () => (await outboxDepth(lobby)) === 0, 30_000, 250);

    // Head office, with the first run's password (changed at once), on the Privacy page.
    const desk = await browser(dirs.desk, { width: 1280, height: 800 });
    const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(server.firstRun())!;
    await signInToDashboard(desk, base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
    await desk.getByRole('link', { name: 'Privacy', exact: true }).click();
    await desk.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor();
    await desk.getByRole('table', { name: 'How long personal data is kept' }).waitFor();

    await find(desk, 'Phone number', "The customer's phone number", '138-0013-8000');
    const entry = desk.getByRole('article', { name: `Entry ${reference}` });
    await entry.waitFor();
    await expect(desk.getByRole('status').filter({ hasText: 'Found' }).innerText()).resolves.toBe('Found 1 entry and 0 cases.');
    const held = await entry.innerText();
    for (const text of [WORDS, `Name: ${CUSTOMER.name}`, `Phone: ${CUSTOMER.phone}`, 'Asked for a reply', 'Version 1', 'Waiting and queues']) expect(held).toContain(text);
    expect(await axeViolations(desk)).toEqual([]);

    // The question first, then the erasure.
    await desk.getByRole('button', { name: "Erase this customer's data…" }).click();
    const dialog = desk.getByRole('dialog', { name: 'Erase what is held about this customer?' });
    await expect(dialog.innerText()).resolves.toMatch(/cannot be undone[\s\S]*figures stay[\s\S]*still open keeps/);
    expect(await axeViolations(desk)).toEqual([]);
    await dialog.getByRole('button', { name: 'Erase for good' }).click();
    const done = desk.getByRole('heading', { level: 3, name: 'Erasure done' });
    await done.waitFor();
    await expect(desk.locator('.erasure').innerText()).resolves.toContain('Erased: 1 entry and 0 cases.');
    expect(await desk.evaluate(() => document.activeElement?.textContent)).toBe('Erasure done');
    expect(await desk.getByRole('article').count()).toBe(0);

    // The audit log, asked again: the erasure, by head office's account, from this browser's address, found by phone; no phone in it.
    await desk.getByRole('button', { name: 'Show the log' }).click();
    const log = desk.getByRole('table', { name: "Acts on customers' data" });
    const erasureRow = log.getByRole('row').filter({ hasText: "Customer's data erased" });
    await erasureRow.waitFor();
    await expect(erasureRow.innerText()).resolves.toMatch(new RegExp(`${staffNumber}[\\s\\S]*head office[\\s\\S]*signed in on the dashboard[\\s\\S]*127\\.0\\.0\\.1[\\s\\S]*found by phone[\\s\\S]*erasedEntries`));
    expect(await log.innerText()).not.toContain('8000');
    await expect(log.getByRole('row').filter({ hasText: 'Customer searched' }).count()).resolves.toBe(1);
    expect(await axeViolations(desk)).toEqual([]);

    // What the server holds now: found by the reference code, her words are a note and her phone is gone.
    await find(desk, 'Reference code', "The customer's reference code", reference);
    const erased = desk.getByRole('article', { name: `Entry ${reference}` });
    await erased.waitFor();
    const now = await erased.innerText();
    expect(now).toContain('Blanked: erased at the customer');
    expect(now).toContain('None held');
    expect(now).not.toContain(WORDS);
    expect(now).not.toContain(CUSTOMER.name);
  });
});
