import * as v from 'valibot';
import type { Language } from './language.ts';

/** The scores that ask the customer why: neutral and dissatisfied. */
export const REASON_SCORES = ['neutral', 'dissatisfied'] as const;

/** One reason a customer can pick, with its text in every product language. */
export const ReasonSchema = v.object({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'must be 1 to 64 lower-case letters, digits or dashes')),
  scores: v.pipe(v.array(v.picklist(REASON_SCORES)), v.minLength(1)),
  labels: v.object({
    'zh-Hans': v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
    'zh-Hant': v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
    en: v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
    es: v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
  }),
});
export type Reason = v.InferOutput<typeof ReasonSchema>;
export type ReasonLabels = Record<Language, string>;

/**
 * The reasons a new branch starts with: the pain points the seeds name (waiting time, seed
 * 003; attitude and professionalism, seeds 000/002). Editable per branch.
 */
export const DEFAULT_REASONS: readonly Reason[] = [
  { id: 'waiting-time', scores: ['neutral', 'dissatisfied'], labels: { 'zh-Hans': '等候时间太长', 'zh-Hant': '等候時間太長', en: 'Waited too long', es: 'Esperé demasiado' } },
  { id: 'attitude', scores: ['neutral', 'dissatisfied'], labels: { 'zh-Hans': '服务态度', 'zh-Hant': '服務態度', en: 'Staff attitude', es: 'Actitud del personal' } },
  { id: 'professionalism', scores: ['neutral', 'dissatisfied'], labels: { 'zh-Hans': '业务不熟练', 'zh-Hant': '業務不熟練', en: 'Not knowledgeable', es: 'Poco conocimiento' } },
  { id: 'speed', scores: ['neutral', 'dissatisfied'], labels: { 'zh-Hans': '办理速度慢', 'zh-Hant': '辦理速度慢', en: 'Slow service', es: 'Atención lenta' } },
  { id: 'explanation', scores: ['neutral', 'dissatisfied'], labels: { 'zh-Hans': '解释不清楚', 'zh-Hant': '解釋不清楚', en: 'Unclear explanation', es: 'Explicación poco clara' } },
  { id: 'environment', scores: ['neutral', 'dissatisfied'], labels: { 'zh-Hans': '网点环境', 'zh-Hant': '網點環境', en: 'Branch environment', es: 'Entorno de la oficina' } },
];
