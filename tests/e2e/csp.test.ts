import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { APP_CSP, PERMISSIONS_POLICY, PERMISSIONS_POLICY_DENIED } from '../../src/server/plugins/security-headers.ts';
import {
  EN,
  enrollTablet,
  enrollmentCodeOf,
  firstTellerOf,
  freePort,
  leaveEntry,
  lobbyCodeOf,
  openTablet,
  removeDir,
  signInAtCounter,
  signInToDashboard,
  startServer,
  tempDir,
  type RunningServer,
} from './harness.ts';

// The Content-Security-Policy in real Chromium (decision 0011): the built app, served as `npm start`
// serves it, runs the counter, the lobby and the dashboard under the policy, and the browser
// reports no violation: no inline script or style, nothing from elsewhere. A script injected
// into the page is refused and reported, so the check would see one.
const dataDir = tempDir('csp-data');
const dirs = { counter: tempDir('csp-counter'), lobby: tempDir('csp-lobby'), desk: tempDir('csp-desk') };
const contexts: BrowserContext[] = [];
let server: RunningServer | undefined;
let port: number;

/** What the browser reported: CSP violations (by the page's own listener) and uncaught errors. */
type Reports = { violations: string[]; consoleCsp: string[]; pageErrors: string[] };

async function watchedTablet(dir: string, reports: Reports, viewport?: { width: number; height: number }): Promise<Page> {
  const { context, page } = await openTablet(dir, viewport);
  contexts.push(context);
  await context.exposeBinding('reportCspViolation', (_source, violation: string) => {
    reports.violations.push(violation);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation(`${e.effectiveDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) reports.consoleCsp.push(message.text());
  });
  page.on('pageerror', (error) => reports.pageErrors.push(error.message));
  return page;
}

const noReports = (): Reports => ({ violations: [], consoleCsp: [], pageErrors: [] });

beforeAll(async () => {
  port = await freePort();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await server?.stop();
  for (const dir of [dataDir, ...Object.values(dirs)]) removeDir(dir);
});

describe('the Content-Security-Policy in Chromium', () => {
  it('given the built app under the strict policy, when a counter rates, a lobby takes an entry and head office reads every dashboard page, then no violation is reported', async () => {
    server = await startServer(port, dataDir);
    const base = `http://127.0.0.1:${port}/`;
    const shell = await fetch(base);
    expect(shell.headers.get('content-security-policy')).toBe(APP_CSP);
    const html = await shell.text();
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      expect.stringMatching(/^<script type="module" crossorigin src="\/assets\/first-reading-[\w-]+\.js">$/),
      expect.stringMatching(/^<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">$/),
    ]);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>|\sstyle=|\son[a-z]+=/i);
    expect((await fetch(`${base}sw.js`)).headers.get('content-security-policy')).toBe(APP_CSP);

    // The counter: enrolled, a teller signed in (the service worker registered), one tap.
    const counterReports = noReports();
    const counter = await watchedTablet(dirs.counter, counterReports);
    await enrollTablet(counter, base, enrollmentCodeOf(server.firstRun()));
    const teller = firstTellerOf(server.firstRun());
    await signInAtCounter(counter, teller.staffNumber, teller.pin);
    await counter.click('button[data-score="dissatisfied"]');
    await counter.locator('[data-screen="counter-reasons"]').waitFor();
    await counter.getByRole('button', { name: 'Skip' }).click();
    await counter.locator('[data-screen="counter-thanks"]').waitFor();

    // The lobby: enrolled, an entry with contact details.
    const lobbyReports = noReports();
    const lobby = await watchedTablet(dirs.lobby, lobbyReports, { width: 1280, height: 800 });
    await lobby.goto(base);
    await lobby.getByLabel('Enrollment code').fill(lobbyCodeOf(server.firstRun()));
    await lobby.getByRole('button', { name: 'Enroll this tablet' }).click();
    await lobby.getByRole('button', { name: 'Start' }).click();
    await lobby.locator('[data-screen="lobby-attract"]').waitFor();
    await leaveEntry(lobby, { language: 'English', kind: /A complaint/, topic: 'Waiting and queues', message: 'One window open at noon.', contact: { name: 'Wang Fang', phone: '+86 138 0000 0000' } }, EN);

    // The dashboard: every page, charts and score bars included.
    const deskReports = noReports();
    const desk = await watchedTablet(dirs.desk, deskReports, { width: 1440, height: 900 });
    // The first run's password: the change of password comes first, under the policy too.
    const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(server.firstRun())!;
    await signInToDashboard(desk, base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
    await desk.getByLabel('Period').selectOption('today');
    await desk.locator('[data-figure="satisfaction"]').waitFor();
    for (const page of ['Tellers', 'Counters', 'Branches', 'Complaints', 'Fleet', 'Day close', 'Overview']) {
      await desk.getByRole('link', { name: page, exact: true }).click();
      await desk.waitForLoadState('networkidle');
    }
    await desk.locator('canvas').first().waitFor();

    for (const reports of [counterReports, lobbyReports, deskReports]) expect(reports).toEqual(noReports());

    // The permissions policy as Chromium applies it: on the tablets, none of the denied features
    // is allowed (one this build does not know counts as not allowed); on the dashboard, only the
    // camera, for staff photos (plugins/security-headers.ts).
    expect(shell.headers.get('permissions-policy')).toBe(PERMISSIONS_POLICY);
    for (const [page, expected] of [[counter, []], [lobby, []], [desk, ['camera']]] as const) {
      const allowed = await page.evaluate(
        (features) => features.filter((feature) => (document as unknown as { featurePolicy: { allowsFeature(f: string): boolean } }).featurePolicy.allowsFeature(feature)),
        [...PERMISSIONS_POLICY_DENIED],
      );
      expect(allowed).toEqual(expected);
    }
    expect(await desk.evaluate(() => (document as unknown as { featurePolicy: { allowsFeature(f: string): boolean } }).featurePolicy.allowsFeature('fullscreen'))).toBe(true);

    // The check sees a violation when there is one: an inline script is refused and reported.
    await desk.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
    });
    await expect.poll(() => deskReports.violations.length).toBe(1);
    expect(deskReports.violations[0]).toMatch(/^script-src-elem inline/);
    expect(await desk.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
  });
});
