import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER } from '../../src/domain/alerts.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.ts';
import { axeViolations, enrollmentCodeOf, enrollTablet, eventually, firstTellerOf, freePort, removeDir, signInAtCounter, signInToDashboard, startServer, tempDir, type RunningServer } from './harness.ts';

// The alerts' whole loop: `npm start` on an empty database (retries of a notification 200 ms
// apart, NOTIFY_RETRY_MS), a webhook receiver on loopback that fails twice and then takes it;
// head office adds the webhook through the dashboard's API with its session, opens the Alerts
// page and waits for its stream to be live; a counter tablet's "dissatisfied" tap reaches the
// server, and the alert is on the dashboard within a second of the push's answer; it is
// acknowledged with a comment; the receiver got `alert-raised` once, signed, after two failures.
// Real Chromium, real server, axe-core on the page and the dialog; screenshots in $SCREENSHOT_DIR (/tmp/bv-alerts by default) to copy into docs/screens.

// Screenshots for a person to look at, and to copy into docs/screens: never written into the repository by a test run.
const SCREENS = process.env.SCREENSHOT_DIR ?? '/tmp/bv-alerts';

/** What the receiver was sent, in order, and what it answered. */
type Received = { headers: IncomingHttpHeaders; body: string; status: number };

/** A webhook receiver on loopback: 500 twice, then 200, as a receiving system that was briefly down. */
function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const status = received.length < 2 ? 500 : 200;
      received.push({ headers: request.headers, body, status });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'down for a moment');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/branchvoice`, received }));
  });
}

/** The signature checked as a receiver would, with node:crypto alone: `t=<ms>,v1=<hex HMAC-SHA256 of "<t>.<delivery id>.<body>">`. */
function validSignature(header: string | undefined, deliveryId: string, body: string, secret: string): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.trim().split('=') as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${deliveryId}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const dataDir = tempDir('alerts-loop-data');
let server: RunningServer | undefined;
let browser: Browser | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
let base = '';

beforeAll(async () => {
  receiver = await startReceiver();
  const port = await freePort();
  base = `http://127.0.0.1:${port}/`;
  // startServer passes this process's environment on: the retries are made short for this server only.
  const before = process.env.NOTIFY_RETRY_MS;
  process.env.NOTIFY_RETRY_MS = '200,200,200';
  try {
    server = await startServer(port, dataDir);
  } finally {
    if (before === undefined) delete process.env.NOTIFY_RETRY_MS;
    else process.env.NOTIFY_RETRY_MS = before;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => receiver?.server.close(resolve));
  removeDir(dataDir);
});

/** The Alerts page's stream says it is live. */
const streamLive = (page: Page) => eventually('the alerts stream to be live', async () => (await page.getByTestId('alerts-stream').innerText()).includes('Live'), 30_000, 100);

describe('alerts, the whole loop, end to end', () => {
  it('given the dashboard open on Alerts and a webhook, when a counter gets a dissatisfied tap, then the alert shows within a second of the push, is acknowledged with a comment, and the receiver got alert-raised once, signed, after two failures', async () => {
    const desk = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const tablet = await browser!.newContext({ viewport: { width: 800, height: 1280 } });
    try {
      const page = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(server!.firstRun())!;
      await signInToDashboard(page, base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await page.getByRole('link', { name: /^Alerts/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();

      // Head office adds the webhook through the dashboard's own API, with its session cookie.
      const added = await page.evaluate(async (url) => {
        const response = await fetch('/api/manage/webhooks', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Service desk', url, events: ['alert-raised'] }),
        });
        return { status: response.status, body: (await response.json()) as { secret: string } };
      }, receiver!.url);
      expect([200, 201]).toContain(added.status);
      const secret = added.body.secret;
      expect(secret).toBeTruthy();

      // The counter tablet, enrolled and with its teller signed in.
      const counter = await tablet.newPage();
      await enrollTablet(counter, base, enrollmentCodeOf(server!.firstRun()));
      const teller = firstTellerOf(server!.firstRun());
      await signInAtCounter(counter, teller.staffNumber, teller.pin);
      await counter.locator('[data-screen="counter-ready"]').waitFor();

      // The stream is open before the tap; the page notes when the first alert's row is on screen.
      await streamLive(page);
      await page.evaluate(() => {
        const seen = globalThis as unknown as { alertSeenAt?: number };
        const look = () => {
          if (seen.alertSeenAt === undefined && document.querySelector('li.alert-card.alert-open')) seen.alertSeenAt = Date.now();
        };
        new MutationObserver(look).observe(document.body, { childList: true, subtree: true });
        look();
      });
      expect(await page.evaluate(() => (globalThis as unknown as { alertSeenAt?: number }).alertSeenAt)).toBeUndefined();

      // The tap; the push that carries it is answered once the server has stored it (and raised its alert).
      let pushedAt: number | null = null;
      counter.on('response', (response) => {
        if (pushedAt === null && response.url().endsWith('/api/sync/push') && (response.request().postData() ?? '').includes('"dissatisfied"') && response.ok()) pushedAt = Date.now();
      });
      await counter.click('button[data-score="dissatisfied"]');
      await counter.locator('[data-screen="counter-reasons"]').waitFor();
      await counter.getByRole('button', { name: 'Skip' }).click();
      await counter.locator('[data-screen="counter-thanks"]').waitFor();
      await eventually('the push of the tap to be answered', async () => pushedAt !== null, 30_000, 50);
      const card = page.locator('li.alert-card.alert-open');
      await card.first().waitFor();
      const seenAt = await page.evaluate(() => (globalThis as unknown as { alertSeenAt?: number }).alertSeenAt);
      expect(seenAt).toBeDefined();
      // The acceptance: on the dashboard within a second of the push reaching the server.
      expect(seenAt! - pushedAt!).toBeLessThanOrEqual(1000);
      await expect(card.first().innerText()).resolves.toMatch(/Dissatisfied rating/);
      // The notice at the top, on every page.
      await expect(page.locator('.alert-banner').innerText()).resolves.toMatch(/New alert:/);

      mkdirSync(SCREENS, { recursive: true });
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENS, 'alerts-en-landscape.png'), fullPage: true });
      await page.setViewportSize({ width: 800, height: 1280 });
      await page.screenshot({ path: join(SCREENS, 'alerts-en-portrait.png'), fullPage: true });
      await page.getByLabel('Language').selectOption('es');
      await page.getByRole('heading', { level: 1, name: 'Alertas' }).waitFor();
      await page.screenshot({ path: join(SCREENS, 'alerts-es-portrait.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.screenshot({ path: join(SCREENS, 'alerts-es-landscape.png'), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('Idioma').selectOption('en');
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();

      // Acknowledged with a comment, in the dialog (axe on it too).
      await card.first().getByRole('button', { name: /^Acknowledge/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Acknowledge the alert' });
      await dialog.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENS, 'alerts-ack-en-landscape.png') });
      await dialog.getByLabel('Comment (required): what you did').fill('Went to the counter; the customer had left. Called them back.');
      await dialog.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByText('Alert acknowledged.').waitFor();
      await page.getByRole('region', { name: 'Recently acknowledged' }).getByText('Went to the counter; the customer had left. Called them back.').waitFor();

      // The receiver: two failures, then alert-raised taken once, each try the same delivery, signed with the secret.
      await eventually('the receiver to take the alert', async () => receiver!.received.some((r) => r.status === 200), 30_000, 100);
      const got = receiver!.received;
      expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
      expect(got.filter((r) => r.status === 200 && r.headers[EVENT_HEADER] === 'alert-raised')).toHaveLength(1);
      expect(new Set(got.map((r) => r.headers[DELIVERY_HEADER])).size).toBe(1);
      for (const r of got) expect(validSignature(r.headers[SIGNATURE_HEADER] as string | undefined, r.headers[DELIVERY_HEADER] as string, r.body, secret)).toBe(true);
      expect(validSignature(got[2]!.headers[SIGNATURE_HEADER] as string, got[2]!.headers[DELIVERY_HEADER] as string, got[2]!.body, 'another secret')).toBe(false);
      expect(JSON.parse(got[2]!.body)).toMatchObject({ event: 'alert-raised' });
    } finally {
      await tablet.close();
      await desk.close();
    }
  }, 240_000);
});
