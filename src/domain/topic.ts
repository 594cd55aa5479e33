import * as v from 'valibot';
import { OPINION_KINDS } from './opinion.ts';
import { TopicIdSchema } from './topic-id.ts';

/**
 * What an opinion-box entry is about, picked from the branch's list after the kind. Built
 * like the counter reasons (reason.ts): labels in every product language, editable per
 * branch on the server, never deleted (an old entry keeps pointing at its topic).
 */
export const TopicSchema = v.object({
  id: TopicIdSchema,
  /** The kinds of entry that offer this topic. */
  kinds: v.pipe(v.array(v.picklist(OPINION_KINDS)), v.minLength(1)),
  labels: v.object({
    'zh-Hans': v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
    'zh-Hant': v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
    en: v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
    es: v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
  }),
});
export type Topic = v.InferOutput<typeof TopicSchema>;

const ALL_KINDS = [...OPINION_KINDS];

/**
 * The topics a new branch starts with: what the seeds say customers write about (waiting,
 * staff service, fees, products, the branch itself, self-service machines), and "other".
 */
export const DEFAULT_TOPICS: readonly Topic[] = [
  { id: 'waiting', kinds: ALL_KINDS, labels: { 'zh-Hans': '排队等候', 'zh-Hant': '排隊等候', en: 'Waiting and queues', es: 'Esperas y colas' } },
  { id: 'staff', kinds: ALL_KINDS, labels: { 'zh-Hans': '员工服务', 'zh-Hant': '員工服務', en: 'Staff and service', es: 'Personal y atención' } },
  { id: 'fees', kinds: ALL_KINDS, labels: { 'zh-Hans': '收费', 'zh-Hant': '收費', en: 'Fees and charges', es: 'Comisiones y cargos' } },
  { id: 'products', kinds: ALL_KINDS, labels: { 'zh-Hans': '产品与业务', 'zh-Hant': '產品與業務', en: 'Products and services', es: 'Productos y servicios' } },
  { id: 'self-service', kinds: ALL_KINDS, labels: { 'zh-Hans': '自助设备与网银', 'zh-Hant': '自助設備與網銀', en: 'ATMs and online banking', es: 'Cajeros y banca en línea' } },
  { id: 'premises', kinds: ALL_KINDS, labels: { 'zh-Hans': '网点环境与设施', 'zh-Hant': '網點環境與設施', en: 'Branch premises', es: 'Instalaciones de la oficina' } },
  { id: 'other', kinds: ALL_KINDS, labels: { 'zh-Hans': '其他', 'zh-Hant': '其他', en: 'Something else', es: 'Otro asunto' } },
];
