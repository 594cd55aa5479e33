import { uuidv7 } from 'uuidv7';
import type { Questionnaire, SurveyResponse } from '../../src/domain/survey.ts';
import { BRANCH_ID } from './rating.ts';

const text = (en: string, es: string, hans: string, hant: string) => ({ en, es, 'zh-Hans': hans, 'zh-Hant': hant });

/** A questionnaire with one question of each type: faces, recommend, single, multiple, text (optional). */
export function aQuestionnaire(): Questionnaire {
  return {
    title: text('Your visit today', 'Su visita de hoy', '您今天的到访', '您今天的到訪'),
    questions: [
      { id: 'service', type: 'faces', required: true, prompt: text('How was our service?', '¿Cómo fue nuestro servicio?', '您对我们的服务满意吗？', '您對我們的服務滿意嗎？') },
      { id: 'recommend', type: 'recommend', required: true, prompt: text('Would you recommend us to a friend?', '¿Nos recomendaría a un amigo?', '您会向朋友推荐我们吗？', '您會向朋友推薦我們嗎？') },
      {
        id: 'visit',
        type: 'single',
        required: false,
        prompt: text('What did you come for?', '¿A qué vino?', '您今天办理什么业务？', '您今天辦理甚麼業務？'),
        options: [
          { id: 'cash', label: text('Cash', 'Efectivo', '现金', '現金') },
          { id: 'account', label: text('An account', 'Una cuenta', '开户', '開戶') },
        ],
      },
      {
        id: 'better',
        type: 'multiple',
        required: false,
        prompt: text('What could be better?', '¿Qué podríamos mejorar?', '哪些方面可以改进？', '哪些方面可以改進？'),
        options: [
          { id: 'wait', label: text('Waiting time', 'La espera', '等候时间', '等候時間') },
          { id: 'staff', label: text('Staff', 'El personal', '员工', '員工') },
          { id: 'hours', label: text('Opening hours', 'El horario', '营业时间', '營業時間') },
        ],
      },
      { id: 'comment', type: 'text', required: false, prompt: text('Anything else?', '¿Algo más?', '还有其他意见吗？', '還有其他意見嗎？') },
    ],
  };
}

/** The survey lobby responses built here answer (a fixed id, so tests agree on it). */
export const SURVEY_ID = '0190a0b0-0000-7000-8000-0000000000f1';

/**
 * A lobby tablet's valid response to version 1 of aQuestionnaire() at the builders' branch: the
 * two required questions and a multiple choice of two options; pass only the fields a test is about.
 */
export function aSurveyResponse(overrides: Partial<SurveyResponse> = {}): SurveyResponse {
  return {
    kind: 'survey-response',
    id: uuidv7(),
    branchId: BRANCH_ID,
    surveyId: SURVEY_ID,
    version: 1,
    answers: [
      { type: 'faces', questionId: 'service', score: 'satisfied' },
      { type: 'recommend', questionId: 'recommend', value: 9 },
      { type: 'multiple', questionId: 'better', optionIds: ['wait', 'staff'] },
    ],
    language: 'en',
    createdAt: Date.UTC(2026, 10, 23, 9, 45),
    ...overrides,
  };
}
