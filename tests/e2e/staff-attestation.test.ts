import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  axeViolations,
  caseAction,
  enrollmentCodeOf,
  enrollTablet,
  eventually,
  firstBranchId,
  firstRunOf,
  freePort,
  openCase,
  openTablet,
  removeDir,
  signInStaff,
  signInToDashboard,
  startServer,
  tempDir,
  type RunningServer,
  outboxDepth,
  readTabletDb,
  tabletMeta,
  tellerIdOf,
  openStatusCorner,
} from './harness.ts';

// Whose word a record carries, through the built app in Chromium and the real server
// (`npm start`, SQLite): a counter carries no manager's credential; the branch manager signed
// in with the server signs a case off; an attacker with the lobby tablet's devtools (its token
// in hand) is refused the review, the day close and a forged escalation, which the tablet
// shows refused with the reason; with the server down the tablet checks the manager itself and
// holds the formal acts back, saying why; and the dashboard's CSV of a hostile case summary
// opens as text in a spreadsheet that splits on commas and in one that splits on semicolons.
const dataDir = tempDir('attest-data');
const profiles = { counter: tempDir('attest-counter'), lobby: tempDir('attest-lobby'), desk: tempDir('attest-desk') };
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
  removeDir(profiles.desk);
});

const STAFF = {
  lobby: { number: '2001', name: 'Zhou Lan', role: 'lobby-staff', pin: '135790' },
  manager: { number: '2002', name: 'Ana Ortega', role: 'complaint-manager', pin: '246802' },
  boss: { number: '2003', name: 'Chen Wei', role: 'branch-manager', pin: '975310' },
} as const;
/** A case summary a customer could dictate: a formula once the CSV is split on `;` or `,`. */
const HOSTILE = 'Fee taken twice;=1+2,@SUM(A1:A9),-3+3,=HYPERLINK("http://evil.example")';

/** What a script on the tablet's page can read: the device token IndexedDB keeps. */
async function tokenOf(page: Page): Promise<string> {
  return (await tabletMeta<{ token: string }>(page, 'device'))!.token;
}

/** The tablet's stored configuration, as a script on its page reads it. */
async function configOf(page: Page): Promise<{ tellers: { staffNumber: string; role: string; pin: unknown }[] }> {
  return (await tabletMeta<{ tellers: { staffNumber: string; role: string; pin: unknown }[] }>(page, 'config'))!;
}

/** A request as a script with the token would send it, from the tablet's own page. */
async function asAttacker(page: Page, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ token, method, path, body }) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { token, method, path, body },
  );
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('[data-screen="lobby-attract"]').waitFor();
}

async function syncNow(page: Page) {
  await openStatusCorner(page);
  await page.getByTestId('status-corner').getByRole('button', { name: 'Sync now' }).click();
  await eventually('the tablet to sync', async () => (await outboxDepth(page)) === 0 && (await page.getByTestId('unsynced').innerText()) === '0 unsynced', 30_000, 250);
}

describe("whose word a record carries, end to end", () => {
  it('given a counter, a lobby tablet and its managers, then the counter carries no manager credential, a sign-off is the server-checked manager’s, forged acts are refused and shown so, offline the formal acts wait, and the CSV of a hostile summary opens as text', async () => {
    server = await startServer(port, dataDir);
    const branchId = await firstBranchId(dataDir);
    for (const m of Object.values(STAFF)) await admin(dataDir, 'teller:add', '--branch', branchId, '--staff-number', m.number, '--name', m.name, '--pin', m.pin, '--role', m.role);
    const base = `http://127.0.0.1:${port}/`;

    // The counter: its roster is its tellers, with the hashes it checks; no manager, no lobby staff.
    const counter = await openTablet(profiles.counter);
    await enrollTablet(counter.page, base, enrollmentCodeOf(firstRunOf(dataDir)));
    const counterConfig = await configOf(counter.page);
    expect(counterConfig.tellers.map((t) => [t.staffNumber, t.role, t.pin !== null])).toEqual([['1001', 'teller', true]]);
    expect(JSON.stringify(counterConfig)).not.toMatch(/2001|2002|2003|Chen Wei|Ana Ortega/);
    await counter.context.close();

    // The lobby: its roster has its staff's hashes, the tellers' names only.
    const lobbyCode = /Lobby enrollment code: (\S+)/.exec(await admin(dataDir, 'code:create', '--lobby', '--branch', branchId))![1]!;
    const { context, page } = await openTablet(profiles.lobby, { width: 1280, height: 800 });
    await page.goto(base);
    await page.getByLabel('Enrollment code').fill(lobbyCode);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const lobbyConfig = await configOf(page);
    expect(lobbyConfig.tellers.map((t) => [t.staffNumber, t.role, t.pin !== null]).sort()).toEqual([
      ['1001', 'teller', false],
      ['2001', 'lobby-staff', true],
      ['2002', 'complaint-manager', true],
      ['2003', 'branch-manager', true],
    ]);

    // Online, the branch manager is checked by the server: a case opened, replied and signed off.
    await signInStaff(page, STAFF.boss);
    await expect(page.getByTestId('checked-by').getAttribute('data-attestation')).resolves.toBe('server');
    expect(await axeViolations(page)).toEqual([]);
    await openCase(page, 'Phone', 'Card swallowed at the machine');
    await caseAction(page, 'Record the reply', { 'What you told the customer': 'The card was returned the same day' });
    await caseAction(page, 'Sign off', {}, 'Sign off the case');
    await page.getByTestId('case-status').filter({ hasText: 'Signed off' }).waitFor();
    await page.getByRole('button', { name: '‹ All cases' }).click();
    await openCase(page, 'Phone', HOSTILE);
    await syncNow(page);
    const history = await page.locator('.history-item').evaluateAll((items) => items.map((li) => li.querySelector('[data-attestation]')?.getAttribute('data-attestation')));
    expect(history).toEqual(['server']);
    await signOut(page);

    // An attacker with the tablet's devtools: the token alone opens nothing that needs staff.
    const token = await tokenOf(page);
    expect(await asAttacker(page, token, 'GET', '/api/review?since=0')).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    expect(await asAttacker(page, token, 'POST', '/api/day-close', {})).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    expect(await asAttacker(page, token, 'POST', '/api/day-close', { staffId: uuidv7(), role: 'branch-manager' })).toMatchObject({ status: 403, body: { code: 'staff-session-required' } });
    const config = await configOf(page);
    const boss = (config as unknown as { tellers: { id: string; staffNumber: string }[]; branch: { id: string } }).tellers.find((m) => m.staffNumber === STAFF.boss.number)!;
    const events = await readTabletDb<{ caseId: string; event: { type: string; summary?: string } }[]>(page, 'caseEvents', 'getAll');
    const hostileCase = events.find((e) => e.event.type === 'opened' && e.event.summary?.startsWith('Fee taken'))!.caseId;
    const forged = {
      kind: 'case-event',
      id: uuidv7(),
      caseId: hostileCase,
      branchId,
      staffId: boss.id,
      role: 'branch-manager',
      createdAt: Date.now(),
      type: 'escalated',
      text: 'Sent to head office, says the tablet',
      attestation: { by: 'server', sessionId: uuidv7(), proof: 'A'.repeat(43) },
    };
    const pushed = await asAttacker(page, token, 'POST', '/api/sync/push', { protocol: 1, records: [forged] });
    expect(pushed).toMatchObject({ status: 200, body: { results: [{ id: forged.id, status: 'accepted' }] } });

    // Staff see the forged act kept, refused, with why; the case is not with head office.
    await signInStaff(page, STAFF.manager);
    await syncNow(page);
    await page.getByRole('button', { name: /Fee taken twice/ }).first().click();
    const refused = page.locator(`[data-event-id="${forged.id}"]`);
    await refused.waitFor();
    expect(await refused.getAttribute('data-status')).toBe('refused');
    expect(await refused.innerText()).toContain('this needs a sign-in checked by the server');
    expect(await page.getByTestId('case-status').innerText()).toBe('Open');
    await signOut(page);

    // The server goes down: the tablet checks the branch manager itself, and holds the formal acts back.
    await server.stop();
    server = undefined;
    await signInStaff(page, STAFF.boss);
    await expect(page.getByTestId('checked-by').getAttribute('data-attestation')).resolves.toBe('tablet');
    await page.getByRole('button', { name: /Fee taken twice/ }).first().click();
    const escalate = page.getByRole('button', { name: 'Escalate to head office' });
    expect(await escalate.isDisabled()).toBe(true);
    const note = page.locator('#needs-server-note');
    expect(await note.innerText()).toContain('only with a sign-in checked by the server');
    expect(await escalate.getAttribute('aria-describedby')).toBe('needs-server-note');
    expect(await axeViolations(page)).toEqual([]);
    // The everyday steps go on, as the tablet's word.
    await caseAction(page, 'Restate to the customer', { 'The complaint as you restated it, and the customer confirmed': 'Two debits on 20 November' });
    const chips = await page.locator('.history-item [data-attestation]').evaluateAll((items) => items.map((i) => i.getAttribute('data-attestation')));
    expect(chips.at(-1)).toBe('tablet');
    await signOut(page);
    await context.close();

    // The dashboard's open cases, exported by the branch manager (the case was never escalated,
    // so only its branch may read its summary): the hostile summary is text in both kinds of spreadsheet.
    server = await startServer(port, dataDir);
    await admin(dataDir, 'account:add', '--teller', await tellerIdOf(dataDir, STAFF.boss.number), '--password', 'boss-first-password');
    const desk = await openTablet(profiles.desk, { width: 1280, height: 800 });
    await signInToDashboard(desk.page, base, { staffNumber: STAFF.boss.number, password: 'boss-first-password', newPassword: 'boss-own-password' });
    await desk.page.goto(`${base}dashboard/complaints?period=month`);
    const openTable = desk.page.locator('section.report-table', { has: desk.page.getByRole('heading', { name: 'Cases waiting for a reply' }) });
    await openTable.getByText('Fee taken twice', { exact: false }).waitFor();
    expect(await desk.page.getByTestId('steps-checked').innerText()).toMatch(/Case steps checked by the server/);
    const download = desk.page.waitForEvent('download');
    await openTable.getByRole('button', { name: /CSV/ }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    for (const delimiter of [',', ';']) {
      for (const quoteChar of ['"', '\u0000']) {
        const cells = Papa.parse<string[]>(csv.replace(/^\ufeff/, ''), { delimiter, quoteChar }).data.flat();
        expect(cells.filter((cell) => /^\s*[=+\-@\t\r]/.test(cell)), `split on ${delimiter}${quoteChar === '"' ? ' with quotes' : ' ignoring quotes'}`).toEqual([]);
      }
    }
    expect(csv).toContain("Fee taken twice;'=1+2,'@SUM(A1:A9),'-3+3,'=HYPERLINK");
    await desk.context.close();
  });
});
