import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.ts';
import {
  admin,
  axeViolations,
  enrollmentCodeOf,
  enrollTablet,
  firstBranchId,
  firstTellerOf,
  freePort,
  eventually,
  lobbyCodeOf,
  openStatusCorner,
  removeDir,
  signInAtCounter,
  startServer,
  tellerIdOf,
  tempDir,
  type RunningServer,
} from './harness.ts';

// Every screen a customer sees, in the built app in Chromium, on both tablet sizes, in the four
// languages, with normal text and in large text (the counter) or the mode for the elderly (the
// lobby, with spoken prompts): every control is on screen, under nothing else (the element at
// its centre and near its corners is the control or inside it), at least as large as a
// customer's finger needs, with its words inside it, and axe-core finds nothing to report.

/**
 * A customer's finger on a 160-dpi tablet: 2 cm is about 120 CSS px. Primary controls (the
 * faces, Done, Next, Send, Start, the choices, the reasons) are at least 120 × 76 px;
 * secondary ones (languages, Large text, Read aloud, Skip, Back, check boxes with their
 * label, fields) at least 120 × 64 px. Also in docs/architecture.md ("Adding a screen").
 */
export const MIN_TARGET = { width: 120, primaryHeight: 76, secondaryHeight: 64 } as const;

const SIZES = [
  ['portrait', { width: 800, height: 1280 }],
  ['landscape', { width: 1280, height: 800 }],
] as const;
const LANGUAGES = [['zh-Hans', '简体中文'], ['zh-Hant', '繁體中文'], ['en', 'English'], ['es', 'Español']] as const;
/** The thank-you screen stays until the test moves the page's clock on. */
const COOLDOWN_MS = 60_000;

const dataDir = tempDir('fit-data');
let server: RunningServer | undefined;
let browser: Browser | undefined;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}/`;
  server = await startServer(port, dataDir);
  const branch = await firstBranchId(dataDir);
  // The fullest screens a branch can have: read aloud offered, a long name without a photo.
  await admin(dataDir, 'branch:set', branch, '--speech', 'on', '--cooldown', String(COOLDOWN_MS));
  await admin(dataDir, 'teller:set', await tellerIdOf(dataDir, '1001'), '--name', 'María José Fernández de la Torre', '--stars', '4');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeDir(dataDir);
});

/**
 * What a customer could not see, reach or hit on the screen as it is. `fixed` are the controls
 * that must be on screen without scrolling (the rest are judged once scrolled to).
 */
function problemsOn(page: Page, fixed: string): Promise<string[]> {
  return page.evaluate(({ fixed, min }) => {
    const problems: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollHeight > innerHeight + 1 || root.scrollWidth > innerWidth + 1) problems.push(`the page scrolls: ${root.scrollWidth}×${root.scrollHeight}`);
    const mustShow = new Set(fixed ? document.querySelectorAll(fixed) : []);
    // Staff's ways in (the held corner, the status mark) are not for a customer's finger.
    const controls = [...document.querySelectorAll<HTMLElement>('button, textarea, select, input:not([type="checkbox"]), label.check')].filter(
      (e) => !e.closest('.staff-corner, .status-corner, .visually-hidden') && e.getClientRects().length > 0,
    );
    for (const control of controls) {
      const name = `${control.tagName.toLowerCase()}${control.className ? `.${control.className.split(' ').join('.')}` : ''} "${(control.textContent ?? '').trim().slice(0, 20)}"`;
      if (!mustShow.has(control)) control.scrollIntoView({ block: 'nearest', behavior: 'instant' });
      const box = control.getBoundingClientRect();
      if (box.left < -0.5 || box.top < -0.5 || box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5) {
        problems.push(`${name} is off screen (${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}×${Math.round(box.height)})`);
        continue;
      }
      const primary = control.matches('.primary, .score, .choice, .reason');
      const height = primary ? min.primaryHeight : min.secondaryHeight;
      if (box.width < min.width - 0.5 || box.height < height - 0.5) problems.push(`${name} is ${Math.round(box.width)}×${Math.round(box.height)}, under ${min.width}×${height}`);
      // Words wider than their button spill over its edge, or are cut off by it.
      if (control.scrollWidth > control.clientWidth + 1) problems.push(`${name} has words wider than itself (${control.scrollWidth} in ${control.clientWidth})`);
      const inset = Math.min(12, box.width / 4, box.height / 4);
      const points = [
        [box.left + box.width / 2, box.top + box.height / 2],
        [box.left + inset, box.top + inset],
        [box.right - inset, box.top + inset],
        [box.left + inset, box.bottom - inset],
        [box.right - inset, box.bottom - inset],
      ] as const;
      for (const [x, y] of points) {
        const hit = document.elementFromPoint(x, y);
        if (!hit || !(control === hit || control.contains(hit))) {
          problems.push(`${name} is under ${hit ? `${hit.tagName.toLowerCase()}.${[...hit.classList].join('.')}` : 'nothing'} at ${Math.round(x)},${Math.round(y)}`);
          break;
        }
      }
    }
    return problems;
  }, { fixed, min: MIN_TARGET });
}

async function check(page: Page, found: Record<string, string[]>, where: string, fixed = ''): Promise<void> {
  const problems = [...(await problemsOn(page, fixed)), ...(await axeViolations(page)).map((v) => `axe: ${v}`)];
  if (problems.length > 0) found[where] = problems;
}

async function newTablet(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser!.newContext({ viewport });
  return context.newPage();
}

describe('every customer screen on a tablet', () => {
  it('given the counter at each size, language and text size, then every control of the closed window, the faces, the attract state, the reasons and the thanks is on screen, uncovered, large enough, and axe finds nothing', async () => {
    const page = await newTablet(SIZES[0][1]);
    // The page's own clock: the attract state comes after a minute untouched, the thanks stay a minute.
    await page.clock.install();
    const found: Record<string, string[]> = {};
    try {
      await enrollTablet(page, base, enrollmentCodeOf(server!.firstRun()));
      for (const [orientation, viewport] of SIZES) {
        await page.setViewportSize(viewport);
        for (const [lang, language] of LANGUAGES) {
          await page.getByRole('button', { name: language, exact: true }).click();
          await page.locator(`html[lang="${lang}"]`).waitFor();
          await check(page, found, `closed, ${orientation}, ${lang}`, 'button');
        }
        await page.getByRole('button', { name: 'English', exact: true }).click();
      }
      const teller = firstTellerOf(server!.firstRun());
      await signInAtCounter(page, teller.staffNumber, teller.pin);
      for (const [orientation, viewport] of SIZES) {
        await page.setViewportSize(viewport);
        // Untouched for a minute: the attract state, in the branch's language.
        await page.clock.fastForward(61_000);
        await page.locator('[data-screen="counter-ready"][data-attract]').waitFor();
        await check(page, found, `attract, ${orientation}`, 'button');
        for (const [lang, language] of LANGUAGES) {
          for (const largeText of [false, true]) {
            const where = `${orientation}, ${lang}${largeText ? ', large text' : ''}`;
            await page.getByRole('button', { name: language, exact: true }).click();
            await page.locator(`html[lang="${lang}"]`).waitFor();
            await page.locator('[data-screen="counter-ready"]:not([data-attract])').waitFor();
            if (largeText) {
              await page.locator('.assist button[aria-pressed="false"]').click();
              await page.locator('.counter.large-text').waitFor();
            }
            await check(page, found, `rating, ${where}`, 'button');
            await page.click('button[data-score="dissatisfied"]');
            await page.locator('[data-screen="counter-reasons"]').waitFor();
            await page.locator('.reason').first().click();
            await page.locator('.reason[aria-pressed="true"]').waitFor();
            await check(page, found, `reasons, ${where}`, '.actions button');
            await page.locator('.reasons .primary').click();
            await page.locator('[data-screen="counter-thanks"]').waitFor();
            await check(page, found, `thanks, ${where}`);
            // The next customer: the branch's language and normal text again.
            await page.clock.fastForward(COOLDOWN_MS + 1000);
            await page.locator('[data-screen="counter-ready"]').waitFor();
          }
        }
      }
      // The attract state speaks the branch's language: each of the others, once the branch chose it.
      const branch = await firstBranchId(dataDir);
      for (const [lang] of LANGUAGES.filter(([lang]) => lang !== 'en')) {
        await admin(dataDir, 'branch:set', branch, '--lang', lang);
        await openStatusCorner(page);
        await page.locator('[data-testid="status-corner"] .status-details > button').click();
        // Untouched, the tablet turns to the branch's new language, then invites.
        await eventually(`the counter in ${lang}`, async () => {
          await page.clock.fastForward(31_000);
          return (await page.locator(`html[lang="${lang}"]`).count()) > 0;
        });
        await page.clock.fastForward(61_000);
        await page.locator('[data-screen="counter-ready"][data-attract]').waitFor();
        for (const [orientation, viewport] of SIZES) {
          await page.setViewportSize(viewport);
          await check(page, found, `attract, ${orientation}, ${lang}`, 'button');
        }
      }
      // The lobby's test finds the branch as it was.
      await admin(dataDir, 'branch:set', branch, '--lang', 'en');
    } finally {
      await page.context().close();
    }
    expect(found).toEqual({});
  }, 600_000);

  it('given the lobby at each size, language and mode, then every control of the invitation, each step and the thanks is on screen, uncovered, large enough, and axe finds nothing', async () => {
    const page = await newTablet(SIZES[0][1]);
    const found: Record<string, string[]> = {};
    const footer = '.step-footer button';
    try {
      await page.goto(base);
      await page.getByLabel('Enrollment code').fill(lobbyCodeOf(server!.firstRun()).toLowerCase());
      await page.getByRole('button', { name: 'Enroll this tablet' }).click();
      await page.getByRole('button', { name: 'Start' }).click();
      await page.locator('[data-screen="lobby-attract"]').waitFor();
      for (const [orientation, viewport] of SIZES) {
        await page.setViewportSize(viewport);
        await check(page, found, `lobby attract, ${orientation}`, 'button');
        for (const [lang] of LANGUAGES) {
          for (const elderly of [false, true]) {
            const where = `${orientation}, ${lang}${elderly ? ', elderly' : ''}`;
            await page.locator(elderly ? '.elderly-start' : '.lobby-attract .start').click();
            await page.locator('[data-screen="lobby-language"]').waitFor();
            await check(page, found, `language, ${where}`, `${footer}, .choice`);
            await page.locator(`.choice[lang="${lang}"]`).click();
            await page.locator(`html[lang="${lang}"]`).waitFor();
            await page.locator('[data-screen="lobby-kind"]').waitFor();
            await check(page, found, `kind, ${where}`, `${footer}, .choice`);
            await page.locator('.choice.kind-suggestion').click();
            await page.locator('[data-screen="lobby-topic"]').waitFor();
            await check(page, found, `topic, ${where}`, `${footer}, .choice`);
            await page.locator('.choice[data-topic]').first().click();
            await page.locator('[data-screen="lobby-text"]').waitFor();
            await page.locator('#opinion-text').fill('More seats near the counters, please.');
            await check(page, found, `message, ${where}`, footer);
            await page.locator('.step-footer .primary').click();
            await page.locator('[data-screen="lobby-visit"]').waitFor();
            await page.locator('.visit-scores .score').first().click();
            await page.locator('.visit-scores .score[aria-pressed="true"]').waitFor();
            await check(page, found, `visit, ${where}`, `${footer}, .score`);
            await page.locator('.step-footer .primary').click();
            await page.locator('[data-screen="lobby-contact"]').waitFor();
            await check(page, found, `contact, ${where}`, footer);
            await page.locator('.step-footer button:not(.primary):not(.back)').click();
            await page.locator('[data-screen="lobby-review"]').waitFor();
            await check(page, found, `review, ${where}`, footer);
            await page.locator('.step-footer .primary').click();
            await page.locator('[data-screen="lobby-thanks"]').waitFor();
            await check(page, found, `lobby thanks, ${where}`, '.lobby-thanks button');
            await page.locator('.lobby-thanks .primary').click();
            await page.locator('[data-screen="lobby-attract"]').waitFor();
          }
        }
      }
    } finally {
      await page.context().close();
    }
    expect(found).toEqual({});
  }, 600_000);
});
