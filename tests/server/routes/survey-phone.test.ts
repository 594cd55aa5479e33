import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../src/domain/language.ts';
import type { SurveyCardsResponse } from '../../../src/domain/survey-cards.ts';
import { CARD_CODE_TTL_MS, importVisitKey, makeVisitCode, newNonce, readVisitCode, toBase64Url, VISIT_PATH, type VisitClaim } from '../../../src/domain/visit-code.ts';
import { PHONE_TEXTS } from '../../../src/server/phone-page.ts';
import { revokeDevice } from '../../../src/server/repositories/devices.ts';
import { findTeller } from '../../../src/server/repositories/tellers.ts';
import { readAudit } from '../../../src/server/services/audit.ts';
import { addBranch, addCounter } from '../../../src/server/services/branches.ts';
import { visitCodeSecret, visitKeyOf } from '../../../src/server/services/visit-keys.ts';
import { BRANCH_ID, COUNTER_ID, TELLER_ID } from '../../builders/rating.ts';
import { describeEachDatabase } from '../../helpers/db.ts';
import { callDashboard, givenHeadOfficeAccount, givenRosterAccount, signedIn } from '../dashboard.ts';
import { givenBranchWithCounter, givenEnrolledDevice, givenStoredSurvey, givenTeller, SERVER_NOW, startTestServer, useTestDatabase, type TestServer } from '../fixtures.ts';

const OTHER_BRANCH_ID = '0190a0b0-0000-7000-8000-0000000000b2';
const OTHER_COUNTER_ID = '0190a0b0-0000-7000-8000-0000000000c2';
const HOUR = 3_600_000;
const random = (n: number) => new Uint8Array(randomBytes(n));

type Page = { status: number; headers: Headers; html: string };

/** Opens the phone page as a phone's browser would: a GET, or the form posted. */
async function openPage(server: TestServer, path: string, options: { language?: string; form?: [string, string][] } = {}): Promise<Page> {
  const headers: Record<string, string> = {};
  if (options.language) headers['accept-language'] = options.language;
  if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(server.baseUrl + path, { method: options.form ? 'POST' : 'GET', headers, body: options.form ? new URLSearchParams(options.form).toString() : undefined });
  return { status: response.status, headers: response.headers, html: await response.text() };
}

const screenOf = (html: string) => /data-screen="([^"]+)"/.exec(html)?.[1];
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

describeEachDatabase('the survey page on a customer’s phone', (kind) => {
  const database = useTestDatabase(kind);

  /**
   * Main Street (zh-Hant by default) with Window 3, its teller Mei Chen and a counter tablet; a
   * survey on the phone channel through November (aQuestionnaire: two required questions).
   */
  async function given(options: { attemptLimit?: number } = {}) {
    const { db } = database.current;
    await givenBranchWithCounter(database.current);
    const device = await givenEnrolledDevice(database.current);
    await givenStoredSurvey(database.current, { channels: ['phone'] });
    const server = await startTestServer({ db, now: () => SERVER_NOW, ...(options.attemptLimit ? { attemptLimits: { visitCodeByAddress: { max: options.attemptLimit, windowMs: HOUR } } } : {}) });
    // The key the tablet's configuration carries.
    const key = await importVisitKey(visitKeyOf(await visitCodeSecret(db), device.deviceId));
    const codeOf = (claim: Partial<Extract<VisitClaim, { kind: 'visit' }>> = {}) =>
      makeVisitCode(key, { kind: 'visit', deviceId: device.deviceId, counterId: COUNTER_ID, tellerId: TELLER_ID, at: SERVER_NOW - HOUR / 2, nonce: newNonce(random), ...claim });
    return { db, server, device, codeOf };
  }

  const answering = (responseId: string): [string, string][] => [
    ['response', responseId],
    ['survey', '0190a0b0-0000-7000-8000-0000000000f1'],
    ['version', '1'],
    ['q-service', 'satisfied'],
    ['q-recommend', '9'],
    ['q-better', 'wait'],
    ['q-better', 'staff'],
    ['q-comment', '  Quick and kind.  '],
  ];

  it('given a visit’s code, when a phone opens it, then the form is in the phone’s language (else the branch’s), with no script, and small', async () => {
    const { server, codeOf } = await given();
    const code = await codeOf();

    const page = await openPage(server, `${VISIT_PATH}${code}`, { language: 'es-MX,es;q=0.9,en;q=0.8' });

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(screenOf(page.html)).toBe('phone-form');
    expect(page.html).toContain('<html lang="es">');
    expect(page.html).toContain('Su visita de hoy');
    expect(page.html).toContain('Muy satisfecho');
    expect(page.html).toContain('Main Street, Window 3');
    expect(page.html).not.toMatch(/<script|style="|\son[a-z]+=/i);
    expect(hidden(page.html, 'response')).toMatch(/^[0-9a-f-]{36}$/);
    // The other languages are a tap away, keeping the code.
    expect(page.html).toContain(`href="${VISIT_PATH}${code}?lang=zh-Hans"`);

    const css = await openPage(server, /href="(\/v\/phone\.[0-9a-f]+\.css)"/.exec(page.html)![1]!);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    expect(css.headers.get('cache-control')).toContain('immutable');
    const gzipped = gzipSync(page.html).length + gzipSync(css.html).length;
    console.log(`phone page: HTML ${page.html.length} B + CSS ${css.html.length} B; gzipped ${gzipped} B`);
    expect(gzipped).toBeLessThan(15_000);

    expect((await openPage(server, `${VISIT_PATH}${code}`, { language: 'zh-TW' })).html).toContain('<html lang="zh-Hant">');
    expect((await openPage(server, `${VISIT_PATH}${code}`, { language: 'zh-CN,zh;q=0.9' })).html).toContain('<html lang="zh-Hans">');
    expect((await openPage(server, `${VISIT_PATH}${code}`, { language: 'fr-FR' })).html).toContain('<html lang="zh-Hant">');
    expect((await openPage(server, `${VISIT_PATH}${code}?lang=en`, { language: 'es' })).html).toContain('Your visit today');
  });

  it('given the form answered, then one response is stored with its visit; sent again it is thanks and still one; another use of the code is 409', async () => {
    const { db, server, device, codeOf } = await given();
    const code = await codeOf();
    const form = await openPage(server, `${VISIT_PATH}${code}`, { language: 'en' });
    const responseId = hidden(form.html, 'response');

    const sent = await openPage(server, `${VISIT_PATH}${code}?lang=en`, { form: answering(responseId) });

    expect(sent.status).toBe(200);
    expect(screenOf(sent.html)).toBe('phone-thanks');
    expect(sent.html).toContain('Main Street');
    const rows = await db.selectFrom('survey_responses').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: responseId,
      channel: 'phone',
      branch_id: BRANCH_ID,
      device_id: device.deviceId,
      counter_id: COUNTER_ID,
      teller_id: TELLER_ID,
      version: 1,
      language: 'en',
      code_id: readVisitCode(code)!.codeId,
      day: '2026-11-23',
    });
    expect(Number(rows[0]!.visited_at)).toBe(SERVER_NOW - HOUR / 2);
    expect(Number(rows[0]!.received_at)).toBe(SERVER_NOW);
    expect(JSON.parse(rows[0]!.answers)).toContainEqual({ type: 'text', questionId: 'comment', text: 'Quick and kind.' });
    const answers = await db.selectFrom('survey_answers').select(['question_id', 'score', 'value', 'option_id']).where('response_id', '=', responseId).execute();
    expect(answers).toHaveLength(5);

    // A double tap, or the browser sending the form again: the same thanks, one response.
    const again = await openPage(server, `${VISIT_PATH}${code}?lang=en`, { form: answering(responseId) });
    expect([again.status, screenOf(again.html)]).toEqual([200, 'phone-thanks']);
    // The code once more, from another form: already used.
    const reopened = await openPage(server, `${VISIT_PATH}${code}`, { language: 'es' });
    expect([reopened.status, screenOf(reopened.html)]).toEqual([409, 'phone-used']);
    expect(reopened.html).toContain('ya se usó');
    const other = await openPage(server, `${VISIT_PATH}${code}`, { form: answering('0190a0b0-0000-7000-8000-00000000abcd') });
    expect([other.status, screenOf(other.html)]).toEqual([409, 'phone-used']);
    expect(await db.selectFrom('survey_responses').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('survey_answers').select('response_id').execute()).toHaveLength(5);
  });

  it('given answers that do not fit, then the form again with each problem by its question, in the page’s language, and nothing stored', async () => {
    const { db, server, codeOf } = await given();
    const code = await codeOf();
    const responseId = hidden((await openPage(server, `${VISIT_PATH}${code}`)).html, 'response');

    const sent = await openPage(server, `${VISIT_PATH}${code}?lang=es`, {
      form: [['response', responseId], ['survey', '0190a0b0-0000-7000-8000-0000000000f1'], ['version', '1'], ['q-recommend', '11'], ['q-better', 'wait'], ['q-comment', 'x'.repeat(1001)]],
    });

    expect(sent.status).toBe(400);
    expect(screenOf(sent.html)).toBe('phone-form');
    expect(sent.html).toContain('role="alert"');
    expect(sent.html).toContain('href="#q-service"');
    expect(sent.html).toContain('Responda a esta pregunta, por favor.');
    expect(sent.html).toContain('Elija una de las respuestas ofrecidas, por favor.');
    expect(sent.html).toContain('como máximo 1000 caracteres');
    expect(sent.html).toMatch(/<fieldset class="q" aria-describedby="q-service-error">/);
    expect(sent.html).toContain('aria-invalid="true"');
    // What was given is kept, the same response id too.
    expect(sent.html).toContain(`value="wait" id="q-better" checked`);
    expect(hidden(sent.html, 'response')).toBe(responseId);
    // Nothing answered at all: the same.
    const empty = await openPage(server, `${VISIT_PATH}${code}?lang=en`, { form: [['response', responseId]] });
    expect(empty.status).toBe(400);
    expect(await db.selectFrom('survey_responses').select('id').execute()).toEqual([]);
    expect(await db.selectFrom('survey_answers').select('response_id').execute()).toEqual([]);
  });

  it('given a forged and an expired code, then not valid (404) and expired (410); too many refusals from one address are 429', async () => {
    const { db, server, codeOf } = await given({ attemptLimit: 3 });
    const good = await codeOf();
    const bytes = Uint8Array.from(atob(good.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    bytes[bytes.length - 1]! ^= 1;
    const forged = toBase64Url(bytes);

    const page = await openPage(server, `${VISIT_PATH}${forged}`, { language: 'en' });
    expect([page.status, screenOf(page.html)]).toEqual([404, 'phone-invalid']);
    expect(page.html).toContain('This code is not valid');
    const expired = await openPage(server, `${VISIT_PATH}${await codeOf({ at: SERVER_NOW - 49 * HOUR })}`, { language: 'en' });
    expect([expired.status, screenOf(expired.html)]).toEqual([410, 'phone-expired']);
    expect((await openPage(server, `${VISIT_PATH}${forged}`, { form: answering('0190a0b0-0000-7000-8000-00000000abcd') })).status).toBe(404);
    expect((await openPage(server, `${VISIT_PATH}not-a-code`)).status).toBe(404);

    const limited = await openPage(server, `${VISIT_PATH}${forged}`, { language: 'en' });
    expect([limited.status, screenOf(limited.html)]).toEqual([429, 'phone-limited']);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // A valid code is never limited: customers on one network answer beside someone guessing.
    expect((await openPage(server, `${VISIT_PATH}${good}`)).status).toBe(200);
    expect(await db.selectFrom('survey_responses').select('id').execute()).toEqual([]);
  });

  it('given a revoked tablet’s code, then it is not valid', async () => {
    const { db, server, device, codeOf } = await given();
    const code = await codeOf();
    await revokeDevice(db, device.deviceId, SERVER_NOW);
    expect((await openPage(server, `${VISIT_PATH}${code}`)).status).toBe(404);
  });

  it('given head office, when it makes printed cards for a counter, then distinct codes whose pages open; a teller and another branch’s manager are refused', async () => {
    const { db, server } = await given();
    const harbour = await addBranch(db, { id: OTHER_BRANCH_ID, name: 'Harbour Road' }, SERVER_NOW);
    if (!harbour.ok) throw new Error(harbour.message);
    const counter = await addCounter(db, { id: OTHER_COUNTER_ID, branchId: OTHER_BRANCH_ID, name: 'Window 1' }, SERVER_NOW);
    if (!counter.ok) throw new Error(counter.message);
    await givenHeadOfficeAccount(database.current);
    await givenRosterAccount(database.current, (await findTeller(db, TELLER_ID))!);
    await givenRosterAccount(database.current, await givenTeller(database.current, { branchId: OTHER_BRANCH_ID, staffNumber: '4003', name: 'Harbour Manager', role: 'branch-manager' }));
    await givenRosterAccount(database.current, await givenTeller(database.current, { staffNumber: '2002', name: 'Li Wei', role: 'branch-manager' }));
    const [headOffice, tellerCookie, otherManager, manager] = [await signedIn(server, 'HQ1'), await signedIn(server, '1001'), await signedIn(server, '4003'), await signedIn(server, '2002')];

    const made = await callDashboard(server, 'POST', '/api/manage/surveys/cards', { cookie: headOffice, body: { counterId: COUNTER_ID, count: 3 } });

    expect(made.status).toBe(200);
    expect(made.headers.get('cache-control')).toBe('no-store');
    const cards = made.body as SurveyCardsResponse;
    expect(cards).toMatchObject({ counter: { id: COUNTER_ID, name: 'Window 3' }, branch: { id: BRANCH_ID, name: 'Main Street' }, expiresAt: SERVER_NOW + CARD_CODE_TTL_MS });
    expect(new Set(cards.cards.map((c) => c.code)).size).toBe(3);
    for (const card of cards.cards) {
      expect(card.url).toBe(`${server.baseUrl}${VISIT_PATH}${card.code}`);
      const page = await openPage(server, new URL(card.url).pathname, { language: 'en' });
      expect([page.status, screenOf(page.html)]).toEqual([200, 'phone-form']);
      expect(page.html).toContain('Your visit to Main Street, Window 3');
    }
    const audit = (await readAudit(db, { from: SERVER_NOW - 1, to: SERVER_NOW + 1, limit: 100 })).filter((r) => r.action === 'survey-cards');
    expect(audit).toEqual([expect.objectContaining({ actor: 'HQ1', branchId: BRANCH_ID, subject: COUNTER_ID, detail: { count: 3 } })]);
    expect(JSON.stringify(audit)).not.toContain(cards.cards[0]!.code);

    expect((await callDashboard(server, 'POST', '/api/manage/surveys/cards', { cookie: manager, body: { counterId: COUNTER_ID, count: 1 } })).status).toBe(200);
    expect((await callDashboard(server, 'POST', '/api/manage/surveys/cards', { cookie: tellerCookie, body: { counterId: COUNTER_ID, count: 1 } })).status).toBe(403);
    expect((await callDashboard(server, 'POST', '/api/manage/surveys/cards', { cookie: otherManager, body: { counterId: COUNTER_ID, count: 1 } })).status).toBe(403);
    expect((await callDashboard(server, 'POST', '/api/manage/surveys/cards', { cookie: headOffice, body: { counterId: COUNTER_ID, count: 101 } })).status).toBe(400);
    expect((await callDashboard(server, 'POST', '/api/manage/surveys/cards', { cookie: headOffice, body: { counterId: '0190a0b0-0000-7000-8000-0000000000ff', count: 1 } })).status).toBe(404);
    expect((await readAudit(db, { from: SERVER_NOW - 1, to: SERVER_NOW + 1, limit: 100 })).filter((r) => r.action === 'survey-cards')).toHaveLength(2);
  });

  it('given no survey on the phone channel at the branch that day, then a kind page says so', async () => {
    const { db, server, codeOf } = await given();
    await db.updateTable('surveys').set({ channels: JSON.stringify(['lobby']) }).execute();
    const page = await openPage(server, `${VISIT_PATH}${await codeOf()}`, { language: 'en' });
    expect([page.status, screenOf(page.html)]).toEqual([200, 'phone-none']);
  });
});

describe('the phone page’s texts', () => {
  const keysOf = (node: object, prefix = ''): string[] =>
    Object.entries(node).flatMap(([key, value]) => (typeof value === 'object' && value !== null ? keysOf(value as object, `${prefix}${key}.`) : [`${prefix}${key}`]));

  it('given the four languages, then each has every key English has, no more, none empty', () => {
    const english = keysOf(PHONE_TEXTS.en).sort();
    for (const language of LANGUAGES) {
      expect(keysOf(PHONE_TEXTS[language]).sort(), language).toEqual(english);
      expect(keysOf(PHONE_TEXTS[language]).filter((k) => !String(k.split('.').reduce<unknown>((n, p) => (n as Record<string, unknown>)[p], PHONE_TEXTS[language])).trim()), language).toEqual([]);
    }
  });
});
