import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDayOf } from '../../src/domain/period.ts';
import type { Questionnaire } from '../../src/domain/survey.ts';
import { SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
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
  scanQr,
  signInAtCounter,
  startServer,
  tabletMeta,
  tellerIdOf,
  tempDir,
  type RunningServer,
} from './harness.ts';
import { aQuestionnaire } from '../builders/survey.ts';
import type { DeviceConfig } from '../../src/domain/config.ts';

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

/** Where the screenshots of the lobby's survey go for a person to look at ($SCREENSHOT_DIR, /tmp/bv-look by default). */
const LOOK_DIR = join(process.env.SCREENSHOT_DIR ?? '/tmp/bv-look', 'lobby-survey');

const words = (en: string, es: string, hans: string, hant: string) => ({ en, es, 'zh-Hans': hans, 'zh-Hant': hant });

/**
 * The fullest survey a lobby can offer: every type of question, long wordings, a single
 * choice of eight options and a multiple choice of six, required and optional questions.
 */
const FULLEST_SURVEY: Questionnaire = {
  title: words('Your visit to our branch this month', 'Su visita a nuestra sucursal este mes', '您本月到访本网点的体验', '您本月到訪本分行的體驗'),
  questions: [
    { id: 'service', type: 'faces', required: true, prompt: words('How satisfied are you with the service you received at the counter today?', '¿Qué tan satisfecho está con la atención que recibió hoy en la ventanilla?', '您对今天在柜台获得的服务满意吗？', '您對今天在櫃檯獲得的服務滿意嗎？') },
    { id: 'recommend', type: 'recommend', required: true, prompt: words('How likely are you to recommend our bank to a friend or a member of your family?', '¿Qué probabilidad hay de que recomiende nuestro banco a un amigo o a un familiar?', '您有多大可能向朋友或家人推荐我们银行？', '您有多大可能向朋友或家人推薦我們銀行？') },
    {
      id: 'reason', type: 'single', required: false,
      prompt: words('What was the main reason for your visit today?', '¿Cuál fue el motivo principal de su visita de hoy?', '您今天来访的主要目的是什么？', '您今天來訪的主要目的是甚麼？'),
      options: [
        { id: 'cash', label: words('Cash deposit or withdrawal', 'Depósito o retiro de efectivo', '存取现金', '存取現金') },
        { id: 'account', label: words('Opening or closing an account', 'Abrir o cerrar una cuenta', '开户或销户', '開戶或銷戶') },
        { id: 'card', label: words('A card or online banking', 'Una tarjeta o la banca en línea', '银行卡或网上银行', '銀行卡或網上銀行') },
        { id: 'loan', label: words('A loan or a mortgage', 'Un préstamo o una hipoteca', '贷款或按揭', '貸款或按揭') },
        { id: 'transfer', label: words('A transfer abroad', 'Una transferencia al extranjero', '境外汇款', '境外匯款') },
        { id: 'advice', label: words('Investment advice', 'Asesoramiento de inversiones', '投资咨询', '投資諮詢') },
        { id: 'documents', label: words('Updating my documents', 'Actualizar mis documentos', '更新个人资料', '更新個人資料') },
        { id: 'other', label: words('Something else', 'Otro motivo', '其他', '其他') },
      ],
    },
    {
      id: 'better', type: 'multiple', required: false,
      prompt: words('What could we do better? Choose everything that matters to you.', '¿Qué podríamos mejorar? Elija todo lo que le importe.', '我们哪些方面可以做得更好？请选择所有您在意的方面。', '我們哪些方面可以做得更好？請選擇所有您在意的方面。'),
      options: [
        { id: 'wait', label: words('Shorter waiting time', 'Menos tiempo de espera', '缩短等候时间', '縮短等候時間') },
        { id: 'staff', label: words('Friendlier staff', 'Un personal más amable', '员工更友善', '員工更友善') },
        { id: 'hours', label: words('Longer opening hours', 'Un horario más amplio', '延长营业时间', '延長營業時間') },
        { id: 'seats', label: words('More seats while waiting', 'Más asientos para esperar', '增加等候座位', '增加等候座位') },
        { id: 'explain', label: words('Clearer explanations', 'Explicaciones más claras', '解释得更清楚', '解釋得更清楚') },
        { id: 'languages', label: words('Service in my language', 'Atención en mi idioma', '用我的语言服务', '用我的語言服務') },
      ],
    },
    { id: 'comment', type: 'text', required: false, prompt: words('Is there anything else you would like to tell us about your visit?', '¿Hay algo más que quiera contarnos sobre su visita?', '关于这次到访，您还有其他想告诉我们的吗？', '關於這次到訪，您還有其他想告訴我們的嗎？') },
  ],
};

/**
 * Schedules a survey on one channel at every branch, in the server's SQLite file (as the manage
 * API would), and moves the branch's configuration on: a tablet that enrolls or pulls afterwards
 * holds it (a counter with its visit key).
 */
function scheduleSurvey(dataDir: string, branchId: string, survey: { id: string; name: string; channel: 'lobby' | 'phone'; questionnaire: Questionnaire }): void {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME), { fileMustExist: true });
  try {
    const today = localDayOf(Date.now(), 'UTC');
    const now = Date.now();
    db.transaction(() => {
      db.prepare('insert into surveys (id, name, current_version, starts_on, ends_on, branch_ids, channels, created_at, created_by, updated_at) values (?, ?, 1, ?, ?, null, ?, ?, ?, ?)')
        .run(survey.id, survey.name, addDays(today, -30), addDays(today, 30), JSON.stringify([survey.channel]), now, 'fit-test', now);
      db.prepare('insert into survey_versions (survey_id, version, questionnaire, created_at, created_by) values (?, 1, ?, ?, ?)').run(survey.id, JSON.stringify(survey.questionnaire), now, 'fit-test');
      db.prepare('update branches set config_version = config_version + 1 where id = ?').run(branchId);
    })();
  } finally {
    db.close();
  }
}

/** Where the screenshots of the counter's thanks with a survey code go for a person to look at ($SCREENSHOT_DIR, /tmp/bv-look by default). */
const COUNTER_LOOK_DIR = join(process.env.SCREENSHOT_DIR ?? '/tmp/bv-look', 'counter-survey');

describe('every customer screen on a tablet', () => {
  it('given the counter at each size, language and text size, then every control of the closed window, the faces, the attract state, the reasons and the thanks, with a survey code and without, is on screen, uncovered, large enough, and axe finds nothing', async () => {
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
      // A phone survey runs: the thanks show the visit's code for the customer's phone, and Done.
      const branch = await firstBranchId(dataDir);
      scheduleSurvey(dataDir, branch, { id: '0190a0b0-0000-7000-8000-00000000f1a0', name: 'Fit test, phone', channel: 'phone', questionnaire: aQuestionnaire() });
      await eventually('the phone survey on the counter', async () => {
        await openStatusCorner(page);
        await page.locator('[data-testid="status-corner"] .status-details > button').click();
        return !!(await tabletMeta<DeviceConfig>(page, 'config'))?.visitKey;
      });
      mkdirSync(COUNTER_LOOK_DIR, { recursive: true });
      for (const [orientation, viewport] of SIZES) {
        await page.setViewportSize(viewport);
        for (const [lang, language] of LANGUAGES) {
          for (const largeText of [false, true]) {
            const where = `${orientation}, ${lang}${largeText ? ', large text' : ''}`;
            await page.locator('[data-screen="counter-ready"]').waitFor();
            await page.getByRole('button', { name: language, exact: true }).click();
            await page.locator(`html[lang="${lang}"]`).waitFor();
            if (largeText) {
              await page.locator('.assist button[aria-pressed="false"]').click();
              await page.locator('.counter.large-text').waitFor();
            }
            await page.click('button[data-score="very-satisfied"]');
            const code = page.locator('[data-screen="counter-thanks"] img.visit-qr');
            await code.waitFor();
            await check(page, found, `thanks with a survey code, ${where}`, '.visit-survey button');
            // A phone reads it from arm's length: at least 200 px a side, and the phone page's address.
            const box = await code.boundingBox();
            if (!box || box.width < 200 || box.height < 200) (found[`survey code size, ${where}`] ??= []).push(`the code is ${box?.width}×${box?.height}`);
            const read = await scanQr(code);
            if (!read?.startsWith(`${base}v/`)) (found[`survey code, ${where}`] ??= []).push(`the code reads ${read}`);
            if ((lang === 'es' && largeText) || (lang === 'en' && !largeText) || (lang === 'zh-Hant' && largeText)) {
              await page.screenshot({ path: join(COUNTER_LOOK_DIR, `${orientation}-${lang}${largeText ? '-large' : ''}.png`) });
            }
            await page.locator('.visit-survey .primary').click();
            await page.locator('[data-screen="counter-ready"]').waitFor();
            await page.locator('html[lang="en"]').waitFor();
            // Taps count again a moment after Done.
            await page.clock.fastForward(1000);
          }
        }
      }
      // The attract state speaks the branch's language: each of the others, once the branch chose it.
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

  it('given the lobby at each size, language and mode, then every control of the invitation, each step of the opinion box and of the survey, and the thanks is on screen, uncovered, large enough, and axe finds nothing', async () => {
    const page = await newTablet(SIZES[0][1]);
    const found: Record<string, string[]> = {};
    const footer = '.step-footer button';
    try {
      // A survey runs at the branch: the invitation offers it beside the opinion box.
      scheduleSurvey(dataDir, await firstBranchId(dataDir), { id: '0190a0b0-0000-7000-8000-00000000f17e', name: 'Fit test', channel: 'lobby', questionnaire: FULLEST_SURVEY });
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
      // The survey: each question, unanswered and answered, a required one's refusal, and its thanks.
      mkdirSync(LOOK_DIR, { recursive: true });
      const bar = '.survey-bar button';
      for (const [orientation, viewport] of SIZES) {
        await page.setViewportSize(viewport);
        await page.locator('.survey-start').waitFor();
        await page.screenshot({ path: join(LOOK_DIR, `attract-${orientation}.png`) });
        for (const [lang, language] of LANGUAGES) {
          for (const largeText of [false, true]) {
            const where = `${orientation}, ${lang}${largeText ? ', large text' : ''}`;
            const shot = (name: string) => (lang === 'en' && !largeText) || (lang === 'es' && largeText) || (lang === 'zh-Hant' && !largeText)
              ? page.screenshot({ path: join(LOOK_DIR, `${orientation}-${lang}${largeText ? '-large' : ''}-${name}.png`) })
              : Promise.resolve();
            await page.locator('.survey-start').click();
            await page.locator('[data-screen="survey-question"][data-question="service"]').waitFor();
            await page.getByRole('button', { name: language, exact: true }).click();
            await page.locator(`html[lang="${lang}"]`).waitFor();
            if (largeText) {
              await page.locator('.survey-large-text').click();
              await page.locator('.lobby.elderly').waitFor();
            }
            // A required question: Next says why it stays.
            await page.locator('.step-footer .primary').click();
            await page.locator('#survey-error[role="alert"]').waitFor();
            await check(page, found, `survey refusal, ${where}`, `${footer}, ${bar}`);
            await shot('1-required');
            const answer: Record<string, () => Promise<void>> = {
              service: () => page.locator('.survey-faces .score').first().click(),
              recommend: () => page.locator('.recommend-value[data-value="9"]').click(),
              reason: () => page.locator('.survey-options .choice').last().click(),
              better: async () => {
                await page.locator('.survey-options .choice').first().click();
                await page.locator('.survey-options .choice').nth(3).click();
              },
              comment: () => page.locator('#survey-text').fill('Please keep the second counter open at lunchtime.'),
            };
            for (const [n, question] of FULLEST_SURVEY.questions.entries()) {
              await page.locator(`[data-screen="survey-question"][data-question="${question.id}"]`).waitFor();
              await answer[question.id]!();
              await check(page, found, `survey ${question.type}, ${where}`, `${footer}, ${bar}`);
              await shot(`${n + 2}-${question.type}`);
              await page.locator('.step-footer .primary').click();
            }
            await page.locator('[data-screen="survey-thanks"]').waitFor();
            await check(page, found, `survey thanks, ${where}`, '.survey-thanks button');
            await shot('7-thanks');
            await page.locator('.survey-thanks .primary').click();
            await page.locator('[data-screen="lobby-attract"]').waitFor();
          }
        }
      }
    } finally {
      await page.context().close();
    }
    expect(found).toEqual({});
  }, 900_000);
});
