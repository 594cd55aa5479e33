import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { LANGUAGES, type Language } from '../../domain/language.ts';
import { addDays, localDayOf, startOfLocalDay } from '../../domain/period.ts';
import type { Score } from '../../domain/rating.ts';
import type { Answer, Questionnaire, SurveyResponse } from '../../domain/survey.ts';
import { importVisitKey, makeVisitCode, readVisitCode, toBase64Url } from '../../domain/visit-code.ts';
import type { Database, NewSurveyResponseRow } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { insertSurveyResponses } from '../repositories/survey-responses.ts';
import type { Actor } from '../services/audit.ts';
import { ingestPush } from '../services/ingest.ts';
import { createSurvey } from '../services/surveys.ts';
import { visitCodeSecret, visitKeyOf } from '../services/visit-keys.ts';
import type { SeededBranch } from './seed.ts';

/**
 * The demo's survey: head office's "service survey", running on the lobby tablets and on
 * customers' phones since the demo's first day. The lobby's answers are pushed by each lobby
 * tablet through ingest; the phones' come with real visit codes, signed with each counter
 * tablet's key, stored as the phone page stores them. Deterministic for a seed.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEMO_ACTOR: Actor = { actor: 'demo', role: 'head-office', verified: 'server' };

const t = (en: string, es: string, hans: string, hant: string) => ({ en, es, 'zh-Hans': hans, 'zh-Hant': hant });

export const DEMO_QUESTIONNAIRE: Questionnaire = {
  title: t('Your visit today', 'Su visita de hoy', '您今天的到访', '您今天的到訪'),
  questions: [
    { id: 'service', type: 'faces', required: true, prompt: t('How satisfied are you with our service today?', '¿Está satisfecho con nuestro servicio de hoy?', '您对今天的服务满意吗？', '您對今天的服務滿意嗎？') },
    { id: 'recommend', type: 'recommend', required: true, prompt: t('How likely are you to recommend our bank to a friend?', '¿Recomendaría nuestro banco a un amigo?', '您向朋友推荐我行的可能性有多大？', '您向朋友推薦本行的可能性有多大？') },
    {
      id: 'purpose',
      type: 'single',
      required: false,
      prompt: t('What did you come for?', '¿A qué vino hoy?', '您今天办理什么业务？', '您今天辦理甚麼業務？'),
      options: [
        { id: 'cash', label: t('Cash or a transfer', 'Efectivo o una transferencia', '存取款或转账', '存提款或轉賬') },
        { id: 'account', label: t('An account or a card', 'Una cuenta o una tarjeta', '开户或办卡', '開戶或辦卡') },
        { id: 'advice', label: t('Advice or a loan', 'Asesoramiento o un préstamo', '咨询或贷款', '諮詢或貸款') },
      ],
    },
    {
      id: 'better',
      type: 'multiple',
      required: false,
      prompt: t('What could we do better?', '¿Qué podríamos mejorar?', '我们哪些方面可以做得更好？', '我們哪些方面可以做得更好？'),
      options: [
        { id: 'wait', label: t('Waiting time', 'El tiempo de espera', '等候时间', '等候時間') },
        { id: 'explain', label: t('Explanations', 'Las explicaciones', '业务解释', '業務解釋') },
        { id: 'hours', label: t('Opening hours', 'El horario', '营业时间', '營業時間') },
        { id: 'space', label: t('The branch itself', 'La oficina', '网点环境', '網點環境') },
      ],
    },
    { id: 'comment', type: 'text', required: false, prompt: t('Anything else you would like to tell us?', '¿Algo más que quiera contarnos?', '还有其他想告诉我们的吗？', '還有其他想告訴我們的嗎？') },
  ],
};

const COMMENTS: Record<Language, string[]> = {
  en: ['Very patient with my questions.', 'The queue at lunchtime was long.', 'Clear explanation of the fees.', 'Please open a second window on Saturdays.'],
  es: ['Muy amables y rápidos.', 'Había mucha cola a mediodía.', 'Me explicaron bien las comisiones.', 'Faltan sillas en la sala de espera.'],
  'zh-Hans': ['柜员很耐心。', '中午排队时间太长。', '费用解释得很清楚。', '希望周末多开一个窗口。'],
  'zh-Hant': ['櫃員很有耐心。', '中午排隊時間太長。', '收費解釋得很清楚。', '希望週末多開一個窗口。'],
};

/** Each branch's mood, best first: Madrid and Shanghai do well, the third less so. */
const FACE_WEIGHTS: readonly (readonly number[])[] = [
  [0.5, 0.35, 0.1, 0.05],
  [0.42, 0.38, 0.13, 0.07],
  [0.3, 0.38, 0.2, 0.12],
];
const FACES: readonly Score[] = ['very-satisfied', 'satisfied', 'neutral', 'dissatisfied'];

function pick<T>(random: () => number, items: readonly T[], weights?: readonly number[]): T {
  if (!weights) return items[Math.floor(random() * items.length)]!;
  let r = random() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < items.length; i++) if ((r -= weights[i]!) < 0) return items[i]!;
  return items.at(-1)!;
}

/** One customer's answers: the recommend score follows the face, as people answer. */
function answersOf(random: () => number, branchIndex: number, language: Language): Answer[] {
  const score = pick(random, FACES, FACE_WEIGHTS[branchIndex % FACE_WEIGHTS.length]);
  const base = { 'very-satisfied': 9, satisfied: 7, neutral: 5, dissatisfied: 2 }[score];
  const answers: Answer[] = [
    { type: 'faces', questionId: 'service', score },
    { type: 'recommend', questionId: 'recommend', value: Math.max(0, Math.min(10, base + Math.floor(random() * 3) - (score === 'very-satisfied' ? 0 : 1))) },
  ];
  if (random() < 0.7) answers.push({ type: 'single', questionId: 'purpose', optionId: pick(random, ['cash', 'account', 'advice'], [0.6, 0.25, 0.15]) });
  if (score !== 'very-satisfied' && random() < 0.8) {
    const chosen = ['wait', 'explain', 'hours', 'space'].filter((_, i) => random() < [0.6, 0.25, 0.3, 0.15][i]!);
    if (chosen.length > 0) answers.push({ type: 'multiple', questionId: 'better', optionIds: chosen });
  }
  if (random() < 0.15) answers.push({ type: 'text', questionId: 'comment', text: pick(random, COMMENTS[language]) });
  return answers;
}

/** Seeds the survey and its answers at every branch for `days` days up to `now`; answers how many responses. */
export async function seedSurveys(db: Kysely<Database>, branches: readonly SeededBranch[], { now, days, random, languageOf }: { now: number; days: number; random: () => number; languageOf: (branch: SeededBranch) => Language }): Promise<number> {
  const firstDay = addDays(localDayOf(now, 'UTC'), -days);
  const created = await createSurvey(
    db,
    { actor: DEMO_ACTOR },
    { name: 'Service survey', questionnaire: DEMO_QUESTIONNAIRE, schedule: { startsOn: firstDay, endsOn: addDays(firstDay, 120), branchIds: null, channels: ['lobby', 'phone'] } },
    now - days * DAY,
  );
  if (!created.ok) throw new Error(`demo: the survey was refused: ${created.message}`);
  const survey = created.value;
  const secret = await visitCodeSecret(db, now);
  let count = 0;
  for (const [index, branch] of branches.entries()) {
    const timeZone = branch.devices.lobby.timeZone;
    const tellerIds = [...branch.tellers.values()];
    // Most customers answer in the branch's language; one in five in another.
    const customerLanguage = (): Language => (random() < 0.8 ? languageOf(branch) : pick(random, LANGUAGES));
    const keys = await Promise.all(branch.devices.counters.map((d) => importVisitKey(visitKeyOf(secret, d.id))));
    const lobby: SurveyResponse[] = [];
    const phone: NewSurveyResponseRow[] = [];
    for (let back = days - 1; back >= 0; back--) {
      const day = addDays(localDayOf(now, timeZone), -back);
      if (new Date(`${day}T12:00:00Z`).getUTCDay() === 0) continue;
      const opens = startOfLocalDay(day, timeZone) + 9 * HOUR;
      const at = () => Math.floor(opens + random() * 8 * HOUR);
      for (let n = Math.floor(random() * 4); n > 0; n--) {
        const createdAt = at();
        if (createdAt > now) continue;
        const language = customerLanguage();
        lobby.push({ kind: 'survey-response', id: uuidv7(), branchId: branch.id, surveyId: survey.id, version: 1, answers: answersOf(random, index, language), language, createdAt });
      }
      for (let n = 3 + Math.floor(random() * 6); n > 0; n--) {
        const visitedAt = Math.floor(at() / 1000) * 1000;
        const answeredAt = visitedAt + Math.floor(random() * 6 * HOUR);
        if (answeredAt > now) continue;
        const device = Math.floor(random() * branch.devices.counters.length);
        const counter = branch.devices.counters[device]!;
        const nonce = toBase64Url(Uint8Array.from({ length: 6 }, () => Math.floor(random() * 256)));
        const code = await makeVisitCode(keys[device]!, { kind: 'visit', deviceId: counter.id, counterId: counter.counterId!, tellerId: pick(random, tellerIds), at: visitedAt, nonce });
        const { claim, codeId } = readVisitCode(code)!;
        const language = customerLanguage();
        phone.push({
          id: uuidv7(),
          survey_id: survey.id,
          version: 1,
          branch_id: branch.id,
          channel: 'phone',
          device_id: counter.id,
          counter_id: claim.counterId,
          teller_id: claim.kind === 'visit' ? claim.tellerId : null,
          visited_at: visitedAt,
          code_id: codeId,
          language,
          answers: JSON.stringify(answersOf(random, index, language)),
          created_at: answeredAt,
          received_at: answeredAt,
          day: localDayOf(answeredAt, timeZone),
          content_hash: null,
        });
      }
    }
    lobby.sort((a, b) => a.createdAt - b.createdAt);
    for (let i = 0; i < lobby.length; i += 100) {
      const batch = lobby.slice(i, i + 100);
      const answer = await ingestPush(db, branch.devices.lobby, { records: batch }, Math.min(now, batch.at(-1)!.createdAt + 60_000));
      const refused = answer.results.filter((r) => r.status !== 'accepted');
      if (refused.length > 0) throw new Error(`demo: the server refused survey answers: ${JSON.stringify(refused[0])}`);
    }
    await inTransaction(db, (trx) => insertSurveyResponses(trx, phone));
    count += lobby.length + phone.length;
  }
  return count;
}
