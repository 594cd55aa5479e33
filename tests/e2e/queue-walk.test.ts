import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { QueuePostResponse } from '../../src/domain/queue.ts';
import {
  admin,
  axeViolations,
  enrollmentCodeOf,
  enrollTablet,
  eventually,
  firstBranchId,
  firstTellerOf,
  outboxDepth,
  serverRatings,
  signInAtCounter,
  signInToDashboard,
  tellerIdOf,
  useServerAndChromium,
} from './harness.ts';

// A branch's queue system, end to end: `npm start` on an empty database; the branch manager
// gives the counter its queue number and makes a key on Manage › Queue system, read off the
// dialog that shows it once; the "queue system" posts ticket A001 with it over real HTTP
// (issued, called, started, ended at counter 1); the customer taps a rating on the counter's
// tablet right after, and two more taps follow seconds apart, faster than anyone is served.
// The server's own matcher (every 2 s, in the server process) joins the first tap to A001 and
// flags the burst and the two taps with no ticket. The manager sees the ticket's wait on
// Waiting time, the flags with their evidence in words on Flags, keeps one out with a reason,
// and the teller's count on Tellers drops by exactly that one. Real Chromium, axe-core on the
// pages and dialogs.
const app = useServerAndChromium('queue-walk-data');

const MANAGER = { staffNumber: '9001', name: 'Grace Lin', pin: '864209', password: 'grace-lin-first-password' };
const REASON = 'Teller tapped the tablet while testing it; no customer.';

/** Opens a page from the navigation and waits for its heading. */
async function openPage(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** Reads a report page again until `check` holds on it: the matcher derives its rows a moment after the facts arrive. */
async function reloadUntil(page: Page, heading: string, what: string, check: () => Promise<boolean>): Promise<void> {
  await eventually(what, async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    await page.getByLabel('Period', { exact: true }).selectOption('today');
    // The report loads after the heading: a few seconds for it to hold, then read it again.
    return eventually(what, check, 4_000, 200).then(() => true, () => false);
  }, 30_000, 0);
}

/** The number in Teller 1's row of Reports › Tellers, under "Ratings". */
async function tellerRatings(page: Page): Promise<string> {
  const table = page.getByRole('table').filter({ has: page.getByRole('rowheader', { name: /Teller 1/ }) });
  const headers = await table.getByRole('columnheader').allInnerTexts();
  const column = headers.findIndex((h) => h.trim().startsWith('Ratings'));
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /Teller 1/ }) });
  return (await row.locator('th, td').nth(column).innerText()).trim();
}

describe('a queue system joined to the ratings, end to end', () => {
  it('given a counter with a queue number and a key, when the queue system posts ticket A001 and the customer rates, then a burst follows, the wait shows, the flags show their evidence, and a flag kept out leaves the teller by exactly one', async () => {
    const branchId = await firstBranchId(app.dataDir);
    // A short thank-you, so three taps come seconds apart (a burst: each under 45 s after the last).
    await admin(app.dataDir, 'branch:set', branchId, '--cooldown', '300');
    const managerId = /Added teller ([0-9a-f-]{36})/.exec(
      await admin(app.dataDir, 'teller:add', '--branch', branchId, '--staff-number', MANAGER.staffNumber, '--name', MANAGER.name, '--pin', MANAGER.pin, '--role', 'branch-manager'),
    )?.[1];
    expect(managerId).toBeTruthy();
    await admin(app.dataDir, 'account:add', '--teller', managerId!, '--password', MANAGER.password);
    const tellerId = await tellerIdOf(app.dataDir, firstTellerOf(app.server.firstRun()).staffNumber);

    const tablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const counter = await tablet.newPage();
      await enrollTablet(counter, app.base, enrollmentCodeOf(app.server.firstRun()));
      const teller = firstTellerOf(app.server.firstRun());
      await signInAtCounter(counter, teller.staffNumber, teller.pin);

      // 1. The branch manager: Counter 1 is number 1 in the queue system, and a key, shown once.
      const page = await desk.newPage();
      await signInToDashboard(page, app.base, { ...MANAGER, newPassword: 'grace-lin-own-password' });
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      await openPage(page, 'Queue system');
      await page.getByRole('textbox', { name: 'Queue number of Counter 1' }).fill('1');
      await page.getByRole('button', { name: 'Save the queue number of Counter 1' }).click();
      await page.getByText('Counter 1 is number 1 in the queue system.').waitFor();
      await page.getByRole('textbox', { name: 'Name of the queue system' }).fill('Lobby ticket machine');
      await page.getByRole('button', { name: 'Make a key' }).click();
      const keyDialog = page.getByRole('dialog', { name: 'The key of Lobby ticket machine' });
      await keyDialog.waitFor();
      const key = (await keyDialog.getByTestId('queue-key').innerText()).trim();
      expect(key).toMatch(/^bvq_/);
      expect(await axeViolations(page)).toEqual([]);
      await keyDialog.getByRole('button', { name: 'Done' }).click();
      await keyDialog.waitFor({ state: 'detached' });
      await page.getByRole('table', { name: 'Keys of Branch 1' }).getByRole('rowheader', { name: 'Lobby ticket machine' }).waitFor();
      // Shown once: nowhere on the page any more.
      expect(await page.getByText(key).count()).toBe(0);

      // 2. The queue system posts A001 over HTTP: issued, called after 5½ minutes, served, ended just now.
      const now = Date.now();
      const at = (msAgo: number) => now - msAgo;
      const posted = await fetch(new URL('api/queue/events', app.base), {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          events: [
            { ticket: 'A001', type: 'issued', at: at(9.5 * 60_000), service: 'deposits' },
            { ticket: 'A001', type: 'called', at: at(4 * 60_000), counter: '1' },
            { ticket: 'A001', type: 'started', at: at(4 * 60_000 - 10_000), counter: '1' },
            { ticket: 'A001', type: 'ended', at: at(2_000), counter: '1' },
          ],
        }),
      });
      expect(posted.status).toBe(200);
      expect(((await posted.json()) as QueuePostResponse).results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);

      // The customer rates just after; then two more taps seconds apart, with no ticket served between.
      for (let tap = 0; tap < 3; tap++) {
        await counter.locator('[data-screen="counter-ready"]').waitFor();
        await counter.click('button[data-score="very-satisfied"]');
        await counter.locator('[data-screen="counter-thanks"]').waitFor();
      }
      await eventually('the three taps to reach the server', async () => (await outboxDepth(counter)) === 0 && (await serverRatings(app.dataDir)).length === 3, 30_000, 250);
      expect((await serverRatings(app.dataDir)).map((r) => r.tellerId)).toEqual([tellerId, tellerId, tellerId]);

      // Manage › Queue system heard from the queue system.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Queue system' }).waitFor();
      const eventsToday = page.getByRole('region', { name: 'Received' }).locator('.stat').filter({ hasText: 'Events today' }).locator('dd');
      await eventually('the page to show the four events of today', async () => (await eventsToday.innerText()).trim() === '4');
      expect(await axeViolations(page)).toEqual([]);

      // 3. Waiting time: A001 waited 5½ minutes (one ticket: the median is its bucket's middle), and its rating is joined to it.
      await openPage(page, 'Waiting time');
      const figures = page.locator('.waiting-figures');
      await reloadUntil(page, 'Waiting time', "the matcher to derive A001's wait and join its rating", async () => {
        if ((await figures.count()) === 0) return false;
        const text = await figures.innerText();
        return /Tickets\s*1\b/.test(text) && /Median wait\s*5\.5\s?min/.test(text) && (await page.getByText('No rating was matched to a ticket in this period yet.').count()) === 0;
      });
      await expect(figures.innerText()).resolves.toMatch(/1 of 1 called/);
      expect(await axeViolations(page)).toEqual([]);

      // Tellers before: the three taps count.
      await openPage(page, 'Tellers');
      await reloadUntil(page, 'Tellers', 'Teller 1 to have three ratings', async () => (await tellerRatings(page).catch(() => '')) === '3');

      // 4. Flags: the burst as one entry, its evidence once; inside it, the two taps no ticket was served for, in words.
      await openPage(page, 'Flags');
      const group = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: /Burst of ratings · Counter 1/ }) });
      await reloadUntil(page, 'Flags', 'the three taps to be flagged as one burst', async () => (await group.count()) === 1 && /3 ratings in .+ at this counter/.test(await group.innerText()));
      await expect(group.innerText()).resolves.toMatch(/3 ratings[\s\S]*0 of 3 kept out/);
      await group.locator('summary').click();
      const members = group.locator('li.flag-member');
      expect(await members.count()).toBe(3);
      const texts = await members.allInnerTexts();
      const noTicket = texts.filter((text) => text.includes('No ticket being served'));
      expect(noTicket).toHaveLength(2);
      for (const text of noTicket) expect(text).toMatch(/No ticket was being served: A001 ended at .+ and was rated already; no ticket started after it\./);
      expect(texts.every((text) => text.includes('Counted'))).toBe(true);
      expect(await axeViolations(page)).toEqual([]);

      // The manager keeps the newest out, with a reason, through its own button in the burst.
      const target = members.filter({ hasText: 'No ticket being served' }).first();
      await target.getByRole('button', { name: /^Keep out the rating of .+ at Counter 1 · Teller 1$/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Keep this rating out of the assessment?' });
      await dialog.waitFor();
      await dialog.getByLabel('Reason (required)').fill(REASON);
      expect(await axeViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Keep out', exact: true }).click();
      await page.getByText('The rating is kept out of the assessment.').waitFor();
      // The notice shows as the page reloads the report: the group counts it once the report is back.
      await eventually('the group to count one kept out', async () => /1 of 3 kept out/.test(await group.innerText()), 30_000, 200);
      if (!(await group.locator('details').evaluate((details) => (details as HTMLDetailsElement).open))) await group.locator('summary').click();
      const keptOut = members.filter({ hasText: REASON });
      await keptOut.waitFor();
      await expect(keptOut.innerText()).resolves.toMatch(/Kept out[\s\S]*by Grace Lin/);
      expect(await members.filter({ hasText: 'Kept out' }).count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);

      // Tellers after: down by exactly the one kept out; the rating itself stays in the records.
      await openPage(page, 'Tellers');
      await reloadUntil(page, 'Tellers', 'Teller 1 to have two ratings', async () => (await tellerRatings(page).catch(() => '')) === '2');
      expect(await serverRatings(app.dataDir)).toHaveLength(3);
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 240_000);
});
