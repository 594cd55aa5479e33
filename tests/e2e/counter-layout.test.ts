import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  axeViolations,
  enrollmentCodeOf,
  enrollTablet,
  firstBranchId,
  firstTellerOf,
  freePort,
  openTablet,
  removeDir,
  signInAtCounter,
  startServer,
  tellerIdOf,
  tempDir,
  type RunningServer,
} from './harness.ts';

// The counter's rating screen as a customer sees it, in the built app in Chromium: on both
// tablet sizes, in the four languages, with and without large text, every face, button and
// line of the teller card is on screen whole, under no other element, with no text spilling
// out of its box, and without scrolling; so is every reason after a low score, once scrolled
// to; axe-core finds nothing to report on either screen.
const dataDir = tempDir('layout-data');
const profile = tempDir('layout-tablet');
let server: RunningServer | undefined;
let port: number;

afterAll(async () => {
  await server?.stop();
  removeDir(dataDir);
  removeDir(profile);
});

const SIZES = [
  ['portrait', { width: 800, height: 1280 }],
  ['landscape', { width: 1280, height: 800 }],
] as const;
const LANGUAGES = ['简体中文', '繁體中文', 'English', 'Español'] as const;

/**
 * What a customer could not see or reach on the screen as it is: the customer area needing a
 * scroll; an element out of the viewport, under another one, or with text spilling out.
 */
function layoutProblems(page: Page, { scrolls }: { scrolls: boolean }): Promise<string[]> {
  return page.evaluate((scrolls) => {
    const problems: string[] = [];
    const main = document.querySelector('.counter-main');
    if (!main) return ['no counter on screen'];
    if (!scrolls && main.scrollHeight > main.clientHeight + 1) problems.push(`the customer area needs a scroll: ${main.scrollHeight} px in ${main.clientHeight}`);
    const targets = document.querySelectorAll<HTMLElement>(
      '.counter-header button, .counter-main button, .counter-main h1, .counter-main .detail, .teller-name, .teller-number, .teller-stars, .status-corner .status-mark',
    );
    for (const element of targets) {
      // Where the customer area may scroll, each element is judged once scrolled to.
      if (scrolls) element.scrollIntoView({ block: 'nearest', behavior: 'instant' });
      const name = `${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 24)}"`;
      const box = element.getBoundingClientRect();
      if (box.left < 0 || box.top < 0 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
        problems.push(`${name} is cut off by the screen's edge`);
        continue;
      }
      if (element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1) problems.push(`${name} spills out of its box`);
      // Inside the rounded corners: the centre and four points a quarter in from the edges.
      const points = [[0.5, 0.5], [0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const;
      for (const [x, y] of points) {
        const hit = document.elementFromPoint(box.left + box.width * x, box.top + box.height * y);
        if (!hit || !(element === hit || element.contains(hit))) {
          problems.push(`${name} is under ${hit ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}` : 'nothing'}`);
          break;
        }
      }
    }
    return problems;
  }, scrolls);
}

describe("the counter's rating and reasons screens on a tablet", () => {
  beforeAll(async () => {
    port = await freePort();
    server = await startServer(port, dataDir);
    // The fullest screen a branch can have: read aloud offered, a long name, four stars.
    await admin(dataDir, 'branch:set', await firstBranchId(dataDir), '--speech', 'on');
    await admin(dataDir, 'teller:set', await tellerIdOf(dataDir, '1001'), '--name', 'María José Fernández de la Torre', '--stars', '4');
  });

  it('given each size, language and text size, then the rating screen is whole, uncovered and without a scroll, every reason can be reached, and axe finds nothing', async () => {
    const { context, page } = await openTablet(profile);
    try {
      await enrollTablet(page, `http://127.0.0.1:${port}/`, enrollmentCodeOf(server!.firstRun()));
      const teller = firstTellerOf(server!.firstRun());
      await signInAtCounter(page, teller.staffNumber, teller.pin);
      const found: Record<string, string[]> = {};
      for (const [orientation, viewport] of SIZES) {
        await page.setViewportSize(viewport);
        for (const language of LANGUAGES) {
          for (const largeText of [false, true]) {
            await page.reload();
            await page.locator('[data-screen="counter-ready"]').waitFor();
            await page.getByRole('button', { name: language, exact: true }).click();
            await page.locator(`.counter-header button[aria-pressed="true"]:text-is("${language}")`).waitFor();
            if (largeText) {
              await page.locator('.assist button[aria-pressed]').click();
              await page.locator('.counter.large-text').waitFor();
            }
            const ready = [...(await layoutProblems(page, { scrolls: false })), ...(await axeViolations(page)).map((v) => `axe: ${v}`)];
            // The reasons after a low score: as many as the branch lists, so they may scroll.
            await page.click('button[data-score="dissatisfied"]');
            await page.locator('[data-screen="counter-reasons"]').waitFor();
            const reasons = [...(await layoutProblems(page, { scrolls: true })), ...(await axeViolations(page)).map((v) => `axe: ${v}`)];
            const where = `${orientation}, ${language}${largeText ? ', large text' : ''}`;
            if (ready.length > 0) found[where] = ready;
            if (reasons.length > 0) found[`${where}, reasons`] = reasons;
          }
        }
      }
      expect(found).toEqual({});
    } finally {
      await context.close();
    }
  });
});
