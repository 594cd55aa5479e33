/**
 * The survey page on a customer's own phone, over a slow mobile connection, in real Chromium:
 * `npx tsx bench/phone.ts`.
 *
 * A phone that scans a visit's QR code has nothing cached and may be on a poor signal. Each
 * run opens a fresh browser context (no cache) sized as a phone, with the network slowed to
 * 400 ms round trips and 400 kbit/s each way ("slow 3G") and the CPU slowed 4×:
 * - the phone page: bytes over the wire, and the time from navigation to the first frame after
 *   the load event with the form's Send button on screen (the page has no JavaScript: loaded is
 *   interactive);
 * - sending the answers: from the tap on Send to the thank-you page loaded;
 * - baseline, in the same run and conditions: the app's own first screen (what a phone would
 *   download if the survey were a screen of the PWA): its bytes and the time to the first frame
 *   after the load event with its setup screen usable.
 * Each code is a printed card's, made by the server's key as the dashboard makes them, so every
 * run answers a fresh code. Figures print with the load average.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeVisitCode, importVisitKey, newNonce, VISIT_PATH } from '../src/domain/visit-code.ts';
import { cardKeyOf, visitCodeSecret } from '../src/server/services/visit-keys.ts';
import { aQuestionnaire } from '../tests/builders/survey.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/helpers/chromium.ts';
import { buildTheApp, givenServer } from './app-server.ts';

const RUNS = Number(process.env.PHONE_RUNS ?? 7);
const THROTTLE = 4;
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'es-ES' };

/** Nearest-rank percentile of unsorted samples. */
function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

// The first frame after the load event with `selector` in the document, in the page's clock (ms since navigation start).
const readyAt = (selector: string) => `new Promise((resolve) => {
  const check = () => {
    if (document.readyState === 'complete' && document.querySelector(${JSON.stringify(selector)})) requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    else setTimeout(check, 5);
  };
  check();
})`;

type Visit = { bytes: number; readyMs: number; sendMs?: number };

/** Opens `url` as a phone on a slow connection; answers the survey when `answer` is set. */
async function visit(browser: Browser, url: string, selector: string, answer: ((page: Page) => Promise<void>) | null): Promise<Visit> {
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e: { encodedDataLength: number }) => void (bytes += e.encodedDataLength));
    await page.goto(url, { waitUntil: 'load' });
    const readyMs = (await page.evaluate(readyAt(selector))) as number;
    const first = bytes;
    if (!answer) return { bytes: first, readyMs };
    await answer(page);
    const sent = performance.now();
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith(VISIT_PATH), { waitUntil: 'load' }), page.locator('button[type="submit"]').last().click()]);
    await page.locator('[data-screen="phone-thanks"]').waitFor();
    return { bytes: first, readyMs, sendMs: performance.now() - sent };
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  buildTheApp();
  const dir = mkdtempSync(join(tmpdir(), 'bv-bench-phone-'));
  const { server } = await givenServer(dir, { ratingCooldownMs: 1000 });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const db = server.handle.db;
    const now = Date.now();
    const counter = await db.selectFrom('counters').select(['id', 'branch_id']).executeTakeFirstOrThrow();
    const today = new Date(now).toISOString().slice(0, 10);
    const surveyId = '0190a0b0-0000-7000-8000-00000000b001';
    await db.insertInto('surveys').values({ id: surveyId, name: 'Bench', current_version: 1, starts_on: '2020-01-01', ends_on: '2099-12-31', branch_ids: null, channels: JSON.stringify(['phone']), created_at: now, created_by: 'bench', updated_at: now }).execute();
    await db.insertInto('survey_versions').values({ survey_id: surveyId, version: 1, questionnaire: JSON.stringify(aQuestionnaire()), created_at: now, created_by: 'bench' }).execute();
    const key = await importVisitKey(cardKeyOf(await visitCodeSecret(db)));
    const cardUrl = async () => `${server.baseUrl.replace(/\/$/, '')}${VISIT_PATH}${await makeVisitCode(key, { kind: 'card', counterId: counter.id, at: now, nonce: newNonce((n) => new Uint8Array(randomBytes(n))) })}`;
    const answer = async (page: Page) => {
      await page.locator('input[type="radio"][value="satisfied"]').first().check();
      await page.locator('input[type="radio"][name$="recommend"][value="9"], input[type="radio"][value="9"]').first().check();
    };
    console.log(`phone page: ${RUNS} runs each, a fresh phone (390×844) on slow 3G (400 ms RTT, 400 kbit/s), CPU slowed ${THROTTLE}×; ${today}`);

    const phone: Visit[] = [];
    const app: Visit[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternating, so a busier moment of the machine falls on both sides alike.
      phone.push(await visit(browser, await cardUrl(), 'form button[type="submit"]', answer));
      app.push(await visit(browser, server.baseUrl, '[data-screen="setup"] input', null));
    }
    const row = (name: string, samples: readonly number[], unit: string, digits = 0) =>
      `${name.padEnd(34)} median ${percentile(samples, 50).toFixed(digits)} ${unit}, p95 ${percentile(samples, 95).toFixed(digits)} ${unit}`;
    const kb = (v: Visit[]) => v.map((x) => x.bytes / 1000);
    console.log(row('phone page, bytes over the wire', kb(phone), 'KB', 1));
    console.log(row('app first screen, bytes (baseline)', kb(app), 'KB', 1));
    console.log(row('phone page, ready to answer', phone.map((x) => x.readyMs), 'ms'));
    console.log(row('app first screen, usable (baseline)', app.map((x) => x.readyMs), 'ms'));
    console.log(row('phone, Send → thank-you loaded', phone.map((x) => x.sendMs!), 'ms'));
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    console.log(`ratios phone/app: bytes ${ratio(percentile(kb(phone), 50), percentile(kb(app), 50))}×, ready ${ratio(percentile(phone.map((x) => x.readyMs), 50), percentile(app.map((x) => x.readyMs), 50))}× (medians)`);
    const stored = await db.selectFrom('survey_responses').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    console.log(`responses stored: ${Number(stored.n)} of ${RUNS}; load average ${load()}`);
    if (Number(stored.n) !== RUNS) process.exitCode = 1;
  } finally {
    await browser.close();
    await server.stop();
    await server.handle.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
