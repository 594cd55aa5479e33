import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurveySummary } from '../../src/domain/manage-surveys.ts';
import { importVisitKey, makeVisitCode, newNonce, readVisitCode, VISIT_CODE_TTL_MS, VISIT_PATH } from '../../src/domain/visit-code.ts';
import { visitKeyOf } from '../../src/server/services/visit-keys.ts';
import { aQuestionnaire } from '../builders/survey.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.ts';
import {
  freePort,
  removeDir,
  startServer,
  tempDir,
  type RunningServer,
  axeViolations,
  enrollmentCodeOf,
  eventually,
  firstTellerOf,
  lobbyCodeOf,
  outboxDepth,
  scanQr,
  signInAtCounter,
  signInToDashboard,
  tellerIdOf,
} from './harness.ts';

// A survey, end to end: `npm start` on an empty database; head office schedules a survey on
// the lobby and phone channels. The lobby tablet, with the server down, takes one customer's
// answers; they reach the server once it is back. A customer rates the teller at the counter,
// and the QR code on the thank-you screen is read off its image as a phone's camera would; on
// a phone-sized page, in Spanish, the customer answers. The same code again is refused, as are
// a forged and an expired one (signed with the tablet's real key, dated 49 hours back). The
// dashboard's Survey results show exactly the two responses. Real Chromium, axe on each page.
// The server is stopped and started again on its port and data dir, so the test keeps its own.
const app = { dataDir: tempDir('survey-walk-data'), base: '', port: 0, server: undefined as unknown as RunningServer, browser: undefined as unknown as Browser };
beforeAll(async () => {
  app.port = await freePort();
  app.base = `http://127.0.0.1:${app.port}/`;
  [app.server, app.browser] = await Promise.all([startServer(app.port, app.dataDir), chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })]);
}, 120_000);
afterAll(async () => {
  await app.browser?.close();
  await app.server?.stop();
  removeDir(app.dataDir);
});

const sqlite = () => new Database(join(app.dataDir, 'branchvoice.sqlite'), { readonly: true });

type StoredResponse = { channel: string; answers: string; device_id: string | null; counter_id: string | null; teller_id: string | null; visited_at: number | null };
const storedResponses = (): StoredResponse[] => {
  const db = sqlite();
  try {
    return db.prepare('select channel, answers, device_id, counter_id, teller_id, visited_at from survey_responses order by seq').all() as StoredResponse[];
  } finally {
    db.close();
  }
};

async function tapAnswer(page: Page, name: string | RegExp): Promise<void> {
  await page.locator('[data-screen="survey-question"]').getByRole('radio', { name }).or(page.locator('[data-screen="survey-question"]').getByRole('button', { name })).first().click();
}

describe('a survey on the lobby tablet and on a phone, end to end', () => {
  it('given a survey on both channels, when a lobby customer answers offline and a counter customer scans the thank-you QR code, then the server has each once, a used, forged or expired code is refused, and the dashboard shows exactly those answers', async () => {
    const firstRun = app.server.firstRun();
    const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Two tablets: each a browser profile of its own (one origin, one IndexedDB each).
    const lobbyTablet = await app.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const counterTablet = await app.browser.newContext({ viewport: { width: 800, height: 1280 } });
    const phone = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'es-ES' });
    try {
      // Head office schedules the survey, with the session its dashboard signed in with.
      const dashboard = await desk.newPage();
      const [, staffNumber, password] = /Dashboard: .* staff number (\S+), password (\S+)/.exec(firstRun)!;
      await signInToDashboard(dashboard, app.base, { staffNumber: staffNumber!, password: password!, newPassword: 'head office own password' });
      await dashboard.getByRole('heading', { level: 1 }).first().waitFor();
      const today = new Date().toISOString().slice(0, 10);
      const created = await desk.request.post(`${app.base}api/manage/surveys`, {
        data: { name: 'Winter service survey', questionnaire: aQuestionnaire(), schedule: { startsOn: '2026-01-01', endsOn: '2099-12-31', branchIds: null, channels: ['lobby', 'phone'] } },
      });
      expect(created.status(), await created.text()).toBe(201);
      const survey = ((await created.json()) as { survey: SurveySummary }).survey;
      expect(survey.currentVersion).toBe(1);

      // The lobby tablet enrolls with the survey in its configuration; then the server goes down.
      const lobby = await lobbyTablet.newPage();
      await lobby.goto(app.base);
      await lobby.getByLabel('Enrollment code').fill(lobbyCodeOf(firstRun));
      await lobby.getByRole('button', { name: 'Enroll this tablet' }).click();
      await lobby.getByRole('button', { name: 'Start' }).click();
      await lobby.locator('[data-screen="lobby-attract"]').waitFor();
      await lobby.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

      // The counter tablet, with its teller signed in, while the server is up.
      const counter = await counterTablet.newPage();
      await counter.goto(app.base);
      await counter.getByLabel('Enrollment code').fill(enrollmentCodeOf(firstRun));
      await counter.getByRole('button', { name: 'Enroll this tablet' }).click();
      await counter.getByRole('button', { name: 'Start' }).click();
      const teller = firstTellerOf(firstRun);
      await signInAtCounter(counter, teller.staffNumber, teller.pin);
      await counter.locator('[data-screen="counter-ready"]').waitFor();

      await app.server.stop();
      await lobby.reload();
      await lobby.getByRole('button', { name: /Take our short survey/ }).click();
      await tapAnswer(lobby, 'Very satisfied');
      await lobby.getByRole('button', { name: 'Next', exact: true }).click();
      await tapAnswer(lobby, /^10/);
      await lobby.getByRole('button', { name: 'Next', exact: true }).click();
      await tapAnswer(lobby, 'An account');
      await lobby.getByRole('button', { name: 'Next', exact: true }).click();
      await tapAnswer(lobby, 'Waiting time');
      await lobby.getByRole('button', { name: 'Next', exact: true }).click();
      await lobby.getByRole('textbox').fill('Quick, kind and clear.');
      expect(await axeViolations(lobby)).toEqual([]);
      await lobby.getByRole('button', { name: 'Send my answers' }).click();
      await lobby.locator('[data-screen="survey-thanks"]').waitFor();
      expect(await outboxDepth(lobby)).toBe(1);
      expect(storedResponses()).toEqual([]);

      // The server is back: the lobby's answers arrive, once.
      app.server = await startServer(app.port, app.dataDir);
      await eventually('the lobby answers to reach the server', async () => storedResponses().length === 1 && (await outboxDepth(lobby)) === 0);

      // A customer rates the teller; the thank-you screen shows the visit's QR code.
      await counter.locator('[data-screen="counter-ready"] button[data-score="satisfied"]').click();
      const qr = counter.getByRole('img', { name: 'QR code for a short survey about your visit' });
      await qr.waitFor();
      expect(await axeViolations(counter)).toEqual([]);
      const url = await scanQr(qr);
      expect(url).toMatch(new RegExp(`^${app.base}v/[A-Za-z0-9_-]{92}$`));
      const code = url!.slice(url!.lastIndexOf('/') + 1);
      const claim = readVisitCode(code)!.claim;
      expect(claim).toMatchObject({ kind: 'visit', tellerId: await tellerIdOf(app.dataDir, teller.staffNumber) });
      await counter.getByRole('button', { name: 'Done' }).click();
      await counter.locator('[data-screen="counter-ready"]').waitFor();

      // On the customer's phone, in Spanish: the questions, answered, and thanks.
      const mobile = await phone.newPage();
      await mobile.goto(url!);
      await mobile.locator('[data-screen="phone-form"]').waitFor();
      expect(await mobile.getAttribute('html', 'lang')).toBe('es');
      expect(await axeViolations(mobile)).toEqual([]);
      await mobile.getByRole('radio', { name: 'Satisfecho', exact: true }).check();
      await mobile.getByRole('radio', { name: '9', exact: true }).check();
      await mobile.getByRole('checkbox', { name: 'El horario' }).check();
      await mobile.getByRole('button', { name: 'Enviar mis respuestas' }).click();
      await mobile.locator('[data-screen="phone-thanks"]').waitFor();
      const stored = storedResponses();
      expect(stored.map((r) => r.channel)).toEqual(['lobby', 'phone']);
      expect(JSON.parse(stored[1]!.answers)).toEqual([
        { type: 'faces', questionId: 'service', score: 'satisfied' },
        { type: 'recommend', questionId: 'recommend', value: 9 },
        { type: 'multiple', questionId: 'better', optionIds: ['hours'] },
      ]);
      expect(stored[1]).toMatchObject({ device_id: (claim as { deviceId: string }).deviceId, counter_id: claim.counterId, teller_id: (claim as { tellerId: string }).tellerId, visited_at: claim.at });

      // The same code again, a forged one, and one 49 hours old signed with the tablet's own key.
      const again = await (await phone.newPage()).goto(url!);
      expect(again?.status()).toBe(409);
      expect(await again?.text()).toContain('Este código ya se usó, gracias');
      const last = code.at(-1) === 'A' ? 'B' : 'A';
      const forged = await (await phone.newPage()).goto(`${app.base}v/${code.slice(0, -1)}${last}`);
      expect(forged?.status()).toBe(404);
      const db = sqlite();
      const secret = Buffer.from(JSON.parse((db.prepare(`select value from settings where key = 'visit_code_secret'`).get() as { value: string }).value) as string, 'base64url');
      db.close();
      const key = await importVisitKey(visitKeyOf(secret, (claim as { deviceId: string }).deviceId));
      const old = await makeVisitCode(key, { ...claim, at: Math.floor((Date.now() - VISIT_CODE_TTL_MS - 3600_000) / 1000) * 1000, nonce: newNonce((n) => new Uint8Array(randomBytes(n))) });
      const expiredPage = await phone.newPage();
      const expired = await expiredPage.goto(`${app.base}${VISIT_PATH.slice(1)}${old}`);
      expect(expired?.status()).toBe(410);
      await expiredPage.getByRole('heading', { name: 'Este código ha caducado' }).waitFor();
      expect(storedResponses()).toHaveLength(2);

      // The dashboard's results: two responses, one a channel, and the answers as given.
      await dashboard.goto(`${app.base}dashboard/survey-results?period=custom&from=${today}&to=${today}`);
      await dashboard.getByRole('heading', { level: 1, name: 'Survey results' }).waitFor();
      const main = dashboard.getByRole('main');
      await eventually('the results to show both responses', async () => (await main.innerText()).includes('1 on the lobby tablet · 1 on phones'), 15_000, 200);
      expect(await axeViolations(dashboard)).toEqual([]);
    } finally {
      await Promise.all([desk.close(), lobbyTablet.close(), counterTablet.close(), phone.close()]);
    }
  });
});
