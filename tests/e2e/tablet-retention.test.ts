import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/server/db/transaction.ts';
import { editBranch } from '../../src/server/services/branches.ts';
import { issueEnrollmentCode } from '../../src/server/services/enrollment.ts';
import { blankCases } from '../../src/server/services/privacy.ts';
import { addTeller, editTeller } from '../../src/server/services/tellers.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../builders/rating.ts';
import { startClockedServer, TELLER, type ClockedServer } from './clocked-server.ts';
import {
  axeViolations,
  caseAction,
  enrollTablet,
  eventually,
  openCase,
  openStaffMenu,
  openTablet,
  outboxDepth,
  readTabletDb,
  removeDir,
  signInAtCounter,
  pinInUse,
  signInStaff,
  tabletMeta,
  tempDir,
  openStatusCorner,
} from './harness.ts';

// A lobby tablet in Chromium, through the built app and a real server whose database the test
// holds (clocked-server.ts): a signed-off case that head office erases on the server leaves the
// tablet's IndexedDB at its next sync, and an open one stays. A step the server then refuses
// shows on the "Refused records" screen, which axe-core finds nothing wrong with, and which
// fits both tablet sizes in English and in 繁體中文 with large text (screenshots in
// $SCREENSHOT_DIR, /tmp/bv-refused by default).
const profile = tempDir('retention-lobby');
const SHOTS = process.env.SCREENSHOT_DIR ?? '/tmp/bv-refused';
let server: ClockedServer;

const STAFF = {
  lobby: { number: '2001', name: 'Zhou Lan', role: 'lobby-staff', pin: '135790' },
  manager: { number: '2002', name: 'Ana Ortega', role: 'complaint-manager', pin: '246802' },
  boss: { number: '2003', name: 'Chen Wei', role: 'branch-manager', pin: '975310' },
} as const;
const ids: Record<keyof typeof STAFF, string> = { lobby: '', manager: '', boss: '' };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startClockedServer();
  for (const [key, m] of Object.entries(STAFF) as [keyof typeof STAFF, (typeof STAFF)[keyof typeof STAFF]][]) {
    const added = await addTeller(server.database.db, { branchId: BRANCH_ID, staffNumber: m.number, name: m.name, pin: m.pin, role: m.role }, server.now());
    if (!added.ok) throw new Error(added.message);
    ids[key] = added.value.id;
  }
});
afterAll(async () => {
  await server?.close();
  removeDir(profile);
});

type StoredEvent = { id: string; caseId: string; status: string; event: { type: string; summary?: string } };
const tabletEvents = (page: Page) => readTabletDb<StoredEvent[]>(page, 'caseEvents', 'getAll');

async function lastSyncedAt(page: Page): Promise<number> {
  return (await tabletMeta<{ lastSuccessAt?: number | null }>(page, 'syncState'))?.lastSuccessAt ?? 0;
}

/** Sync now from the status corner, and wait until a run has ended well since and nothing waits. */
async function syncNow(page: Page, label = 'Sync now') {
  const before = await lastSyncedAt(page);
  await openStatusCorner(page);
  await page.getByTestId('status-corner').getByRole('button', { name: label }).click();
  await eventually('the tablet to sync', async () => (await outboxDepth(page)) === 0 && (await lastSyncedAt(page)) > before, 30_000, 250);
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('[data-screen="lobby-attract"]').waitFor();
}

/**
 * Nothing of the screen is cut off or covered: no element reaches past the viewport's sides or
 * past its own box's, no text is clipped, and every button is at least 48 × 48 px.
 */
async function layoutFaults(page: Page, scroller: string): Promise<string[]> {
  return page.evaluate((scroller) => {
    const faults: string[] = [];
    const screen = document.querySelector('[data-screen="refused-records"]')!;
    const name = (el: Element) => `<${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}> "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    if (document.documentElement.scrollWidth > window.innerWidth) faults.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    for (const el of screen.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -0.5 || box.right > window.innerWidth + 0.5) faults.push(`${name(el)} reaches outside the viewport (${Math.round(box.left)}–${Math.round(box.right)})`);
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') faults.push(`${name(el)} clips its text sideways`);
      const parent = el.parentElement?.getBoundingClientRect();
      if (parent && (box.left < parent.left - 0.5 || box.right > parent.right + 0.5)) faults.push(`${name(el)} overflows its parent`);
    }
    for (const button of screen.querySelectorAll('button, summary')) {
      const box = button.getBoundingClientRect();
      if (box.width < 48 || box.height < 48) faults.push(`${name(button)} is ${Math.round(box.width)} × ${Math.round(box.height)} px`);
    }
    // The list scrolls within the screen, and nothing covers it: in staff mode the status
    // corner stays below it; the counter's panel stays within the screen.
    const list = document.querySelector(scroller)!.getBoundingClientRect();
    if (list.top < -0.5 || list.bottom > window.innerHeight + 0.5) faults.push(`${scroller} reaches outside the screen (${Math.round(list.top)}–${Math.round(list.bottom)})`);
    const corner = document.querySelector('.desk ~ [data-testid="status-corner"]')?.getBoundingClientRect();
    if (corner && list.bottom > corner.top + 0.5) faults.push('the status corner covers the list');
    if (corner && corner.bottom > window.innerHeight + 0.5) faults.push('the status corner is below the screen');
    return faults;
  }, scroller);
}

/** Checks the layout at both tablet sizes, `scroller` being what scrolls the list; screenshots of both go to SHOTS. */
async function checkSizes(page: Page, shot: string, scroller = '.desk-main') {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 800, height: 1280 }]) {
    await page.setViewportSize(viewport);
    // Scrolled to the end too: the last row and its buttons.
    for (const end of [false, true]) {
      await page.locator(scroller).evaluate((main, toEnd) => main.scrollTo({ top: toEnd ? main.scrollHeight : 0 }), end);
      expect(await layoutFaults(page, scroller), `${shot} at ${viewport.width}×${viewport.height}${end ? ', scrolled to the end' : ''}`).toEqual([]);
    }
  }
  await page.locator(scroller).evaluate((main) => main.scrollTo({ top: 0 }));
  await page.screenshot({ path: `${SHOTS}/${shot}-portrait.png` });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: `${SHOTS}/${shot}-landscape.png` });
  await page.setViewportSize({ width: 800, height: 1280 });
}

describe('the lobby tablet follows the server’s erasures, and shows what it refused', () => {
  it('given a closed case erased on the server, when the tablet syncs, then the case leaves its IndexedDB; a refused step shows on Refused records, which passes axe and fits in both sizes', async () => {
    const { context, page } = await openTablet(profile, { width: 800, height: 1280 });
    const code = await issueEnrollmentCode(server.database.db, { mode: 'lobby', branchId: BRANCH_ID }, server.now());
    if (!code.ok) throw new Error(code.message);
    await page.goto(server.baseUrl);
    await page.getByLabel('Enrollment code').fill(code.value.formatted);
    await page.getByRole('button', { name: 'Enroll this tablet' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // A complaint handled to its sign-off, and another still open.
    await signInStaff(page, STAFF.lobby);
    await openCase(page, 'Phone', 'Charged twice; call back on 612 345 678');
    await openCase(page, 'In person', 'Queue of an hour at lunchtime');
    await signOut(page);
    await signInStaff(page, STAFF.manager);
    await page.locator('.case-row', { hasText: 'Charged twice' }).click();
    await caseAction(page, 'Record the reply', { 'What you told the customer': 'Refunded the second charge' });
    await signOut(page);
    await signInStaff(page, STAFF.boss);
    await page.locator('.case-row', { hasText: 'Charged twice' }).click();
    await caseAction(page, 'Sign off', {}, 'Sign off the case');
    await syncNow(page);
    const closed = (await tabletEvents(page)).find((e) => e.event.summary?.startsWith('Charged twice'))!.caseId;
    const open = (await tabletEvents(page)).find((e) => e.event.summary?.startsWith('Queue'))!.caseId;
    expect((await tabletEvents(page)).filter((e) => e.caseId === closed).map((e) => [e.event.type, e.status])).toEqual([
      ['opened', 'applied'],
      ['replied', 'applied'],
      ['signed-off', 'applied'],
    ]);

    // Head office erases the customer's data: the closed case's words are blanked on the server.
    await inTransaction(server.database.db, (trx) => blankCases(trx, [{ id: closed, branch_id: BRANCH_ID }], 'erasure', server.now()));
    await syncNow(page);
    const left = await tabletEvents(page);
    expect(left.filter((e) => e.caseId === closed)).toEqual([]);
    expect(left.filter((e) => e.caseId === open).map((e) => e.event.type)).toEqual(['opened']);
    expect(JSON.stringify(left)).not.toContain('612 345 678');
    expect(await tabletMeta<number>(page, 'blankingsCursor')).toBeGreaterThan(0);
    // The case list no longer has it.
    await page.getByRole('button', { name: /^Cases/ }).click();
    await expect(page.locator('.case-row').allInnerTexts()).resolves.toEqual([expect.stringContaining('Queue of an hour')]);
    await signOut(page);

    // Offline, lobby staff restate the open case; meanwhile the member is made a teller on the
    // server: back online, the server refuses the step, and it goes to the quarantine.
    await signInStaff(page, STAFF.lobby);
    await context.setOffline(true);
    await page.locator('.case-row', { hasText: 'Queue of an hour' }).click();
    await caseAction(page, 'Restate to the customer', { 'The complaint as you restated it, and the customer confirmed': 'Forty minutes, one window open' });
    const moved = await editTeller(server.database.db, ids.lobby, { role: 'teller' });
    if (!moved.ok) throw new Error(moved.message);
    await context.setOffline(false);
    await syncNow(page);
    await eventually('the refused step in the quarantine', async () => (await readTabletDb<number>(page, 'quarantine', 'count')) === 1);
    await page.getByTestId('quarantined').filter({ hasText: '1 rejected' }).waitFor();
    // A refused entry with contact details, as a push's settling keeps it (none can be made
    // refused through this server): its details must not show.
    await page.evaluate(
      (branchId) =>
        new Promise<void>((resolve, reject) => {
          const opened = indexedDB.open('branchvoice');
          opened.onsuccess = () => {
            const tx = opened.result.transaction('quarantine', 'readwrite');
            const record = { kind: 'opinion', id: '019af000-0000-7000-8000-0000000000f1', branchId, opinionKind: 'complaint', topicId: 'fees', text: 'The fee for my card was taken twice', visit: null, contact: { name: 'Wang Fang', phone: '+852 9123 4567', email: '', wantsReply: true, consent: true }, referenceCode: '2E-2223', language: 'en', createdAt: Date.now() - 3_600_000 };
            tx.objectStore('quarantine').put({ recordId: record.id, kind: 'opinion', record, reason: 'unknown-topic', message: 'topicId: "fees" is not a topic of this branch', quarantinedAt: Date.now() - 60_000 });
            tx.oncomplete = () => { opened.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
          opened.onerror = () => reject(opened.error);
        }),
      BRANCH_ID,
    );
    await page.reload();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    await signInStaff(page, STAFF.boss);

    await page.getByRole('button', { name: 'Refused records (2)' }).click();
    const screen = page.locator('[data-screen="refused-records"]');
    await screen.getByRole('heading', { level: 1, name: 'Refused records' }).waitFor();
    await expect(screen.locator('.refused-record').count()).resolves.toBe(2);
    const text = await screen.innerText();
    expect(text).toContain('Step in a complaint case');
    expect(text).toContain("The member of staff it names is not on the branch's roster in that role.");
    expect(text).toContain('Complaint · Fees and charges');
    expect(text).toContain('Contact details given');
    for (const secret of ['Wang Fang', '9123', 'taken twice', 'Forty minutes']) expect(text).not.toContain(secret);
    expect(await axeViolations(page)).toEqual([]);
    // The server's message, open: the longest text of a row.
    await screen.getByText("The server's message").click();
    await screen.getByText(/is on the staff of branch/).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await checkSizes(page, 'refused-en');
    await screen.getByRole('button', { name: 'Large text' }).click();
    await page.locator('.refused-records.large-text').waitFor();
    await checkSizes(page, 'refused-en-large');
    await screen.getByRole('button', { name: 'Large text' }).click();

    // A confirmation, then the row goes and the corner counts one less.
    const entryRow = screen.locator('.refused-record', { hasText: 'Opinion-box entry' });
    await entryRow.getByRole('button', { name: 'Discard' }).click();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Keep it');
    expect(await axeViolations(page)).toEqual([]);
    await entryRow.getByRole('button', { name: 'Discard for good' }).click();
    await page.getByTestId('quarantined').filter({ hasText: '1 rejected' }).waitFor();
    await expect(screen.locator('.refused-record').count()).resolves.toBe(1);

    // 繁體中文, large text: the branch's language, pulled at the next sync and used from the next start.
    const edited = await editBranch(server.database.db, BRANCH_ID, { defaultLanguage: 'zh-Hant' });
    if (!edited.ok) throw new Error(edited.message);
    await syncNow(page);
    await eventually('the new configuration', async () => (await tabletMeta<{ branch: { defaultLanguage: string } }>(page, 'config'))?.branch.defaultLanguage === 'zh-Hant');
    await page.reload();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    await page.getByTestId('staff-corner').focus();
    await page.keyboard.press('Enter');
    await page.locator('[id$="-number"]').fill(STAFF.boss.number);
    // The PIN they chose at their first sign-in (one-time PINs, decision 0021).
    await page.locator('[id$="-pin"]').fill(pinInUse(page, STAFF.boss.number, STAFF.boss.pin));
    await page.locator('form button[type="submit"]').click();
    await page.locator('[data-screen="staff-desk"]').waitFor();
    await page.getByRole('button', { name: '被拒絕的記錄（1）' }).click();
    await screen.getByRole('heading', { level: 1, name: '被拒絕的記錄' }).waitFor();
    await screen.getByRole('button', { name: '大字體' }).click();
    await page.locator('.refused-records.large-text').waitFor();
    expect(await screen.innerText()).toContain('所填員工不在本網點該崗位的名單中。');
    await screen.getByText('伺服器訊息').click();
    await screen.getByText(/is on the staff of branch/).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await checkSizes(page, 'refused-zh-Hant-large');

    // A month on by the tablet's clock: at its next start the refused step is past its 30 days
    // and goes; the open case stays, however old.
    await page.clock.setFixedTime(Date.now() + 31 * 24 * 3_600_000);
    await page.reload();
    await page.locator('[data-screen="lobby-attract"]').waitFor();
    await eventually('the quarantine pruned at start-up', async () => (await readTabletDb<number>(page, 'quarantine', 'count')) === 0);
    expect((await tabletEvents(page)).filter((e) => e.caseId === open).map((e) => e.event.type)).toEqual(['opened', 'restated']);

    await context.close();
  });
});

describe('Refused records on a counter', () => {
  it('given a refused rating, when the teller opens it from the staff menu, then it passes axe and fits in both sizes, with large text too', async () => {
    const counterProfile = tempDir('retention-counter');
    // The branch speaks English again (the test before moved it to 繁體中文).
    const edited = await editBranch(server.database.db, BRANCH_ID, { defaultLanguage: 'en' });
    if (!edited.ok) throw new Error(edited.message);
    try {
      const { context, page } = await openTablet(counterProfile, { width: 800, height: 1280 });
      await enrollTablet(page, server.baseUrl, await server.code());
      await signInAtCounter(page, TELLER.staffNumber, TELLER.pin);
      // A rating the server refused, as a push's settling keeps it; read at the next start.
      await page.evaluate(
        ({ branchId, counterId, tellerId }) =>
          new Promise<void>((resolve, reject) => {
            const opened = indexedDB.open('branchvoice');
            opened.onsuccess = () => {
              const tx = opened.result.transaction('quarantine', 'readwrite');
              const record = { kind: 'rating', id: '019af000-0000-7000-8000-0000000000f2', branchId, counterId, tellerId, signInId: '019af000-0000-7000-8000-0000000000f3', score: 'neutral', reasons: [], language: 'en', createdAt: Date.now() - 7_200_000 };
              tx.objectStore('quarantine').put({ recordId: record.id, kind: 'rating', record, reason: 'unknown-teller', message: `tellerId: ${tellerId} is not a teller of this branch`, quarantinedAt: Date.now() - 3_600_000 });
              tx.oncomplete = () => { opened.result.close(); resolve(); };
              tx.onerror = () => reject(tx.error);
            };
            opened.onerror = () => reject(opened.error);
          }),
        { branchId: BRANCH_ID, counterId: COUNTER_ID, tellerId: TELLER_ID },
      );
      await page.reload();
      await page.locator('[data-screen="counter-ready"]').waitFor();
      await openStaffMenu(page, TELLER.pin);
      await page.getByRole('button', { name: 'Refused records (1)' }).click();
      const dialog = page.getByRole('dialog', { name: 'Refused records' });
      await dialog.locator('.refused-record').waitFor();
      expect(await dialog.innerText()).toContain('The teller it names is not on the branch');
      expect(await dialog.innerText()).toContain('Neutral');
      await dialog.getByText("The server's message").click();
      expect(await axeViolations(page)).toEqual([]);
      await checkSizes(page, 'refused-counter-en', '.refused-panel');
      await dialog.getByRole('button', { name: 'Large text' }).click();
      await page.locator('.refused-records.large-text').waitFor();
      await checkSizes(page, 'refused-counter-en-large', '.refused-panel');
      await dialog.getByRole('button', { name: 'Back' }).click();
      await page.getByRole('dialog', { name: 'Staff menu' }).waitFor();
      await context.close();
    } finally {
      removeDir(counterProfile);
    }
  });
});
