import type { Language } from '../../domain/language.ts';
import type { Score } from '../../domain/rating.ts';

/**
 * The demo network (`npm run demo`): four branches in four zones and languages, each with
 * tellers of different profiles, so the dashboard shows differences worth looking at: a
 * star teller and a struggling one, a branch that misses its complaint target, one whose
 * follow-up calls lag. Numbers are chosen to look like a branch, not to be pretty.
 */

/** How a teller tends to be rated, and why customers say they are not satisfied. */
export interface TellerProfile {
  name: string;
  /** Chance of each score, summing to 1. */
  scores: Record<Score, number>;
  /** Reasons picked after a neutral or dissatisfied rating, by weight (ids of DEFAULT_REASONS). */
  reasons: Record<string, number>;
  stars: number;
}

export const PROFILES = {
  star: {
    name: 'star',
    scores: { 'very-satisfied': 0.66, satisfied: 0.27, neutral: 0.05, dissatisfied: 0.02 },
    reasons: { 'waiting-time': 5, speed: 1, explanation: 1 },
    stars: 5,
  },
  steady: {
    name: 'steady',
    scores: { 'very-satisfied': 0.46, satisfied: 0.38, neutral: 0.11, dissatisfied: 0.05 },
    reasons: { 'waiting-time': 4, speed: 2, explanation: 2, attitude: 1 },
    stars: 4,
  },
  learning: {
    name: 'learning',
    scores: { 'very-satisfied': 0.3, satisfied: 0.42, neutral: 0.19, dissatisfied: 0.09 },
    reasons: { professionalism: 5, speed: 4, explanation: 3, 'waiting-time': 2 },
    stars: 2,
  },
  struggling: {
    name: 'struggling',
    scores: { 'very-satisfied': 0.2, satisfied: 0.38, neutral: 0.24, dissatisfied: 0.18 },
    reasons: { attitude: 6, 'waiting-time': 4, speed: 2, professionalism: 1 },
    stars: 2,
  },
} satisfies Record<string, TellerProfile>;

export type ProfileName = keyof typeof PROFILES;

export interface DemoTeller {
  staffNumber: string;
  name: string;
  profile: ProfileName;
}

export interface DemoBranch {
  key: string;
  name: string;
  timeZone: string;
  language: Language;
  counters: string[];
  tellers: DemoTeller[];
  /** Staff who handle complaints, by role, and the manager's dashboard account. */
  lobbyStaff: { staffNumber: string; name: string };
  complaintManager: { staffNumber: string; name: string };
  branchManager: { staffNumber: string; name: string };
  /** Customers served per counter on a weekday, on average; most of them rate (RATED_SHARE). */
  ratingsPerCounter: number;
  /**
   * How long customers' business takes here against the queue simulator's usual (1, the
   * default): with the customers above, what makes the branch's queues (queue-day.ts).
   */
  servicePace?: number;
  /** How many counters (the first ones) call no one from 12:00 to 13:30, their tellers at lunch. */
  lunchCounters?: number;
  /** Complaints received on the phone, in person, by letter or hotline, per day on average. */
  directComplaintsPerDay: number;
  /** Opinion-box entries per day on average. */
  opinionsPerDay: number;
  /** Chance that a replied case gets a follow-up call. */
  followUpChance: number;
  /** Chance that a case waits past its deadline. */
  lateChance: number;
}

export const DEMO_BRANCHES: DemoBranch[] = [
  {
    key: 'MAD',
    name: 'Madrid Gran Vía',
    timeZone: 'Europe/Madrid',
    language: 'es',
    counters: ['Ventanilla 1', 'Ventanilla 2', 'Ventanilla 3', 'Ventanilla 4'],
    tellers: [
      { staffNumber: 'M101', name: 'Lucía Fernández', profile: 'star' },
      { staffNumber: 'M102', name: 'Javier Ruiz', profile: 'steady' },
      { staffNumber: 'M103', name: 'Carmen López', profile: 'steady' },
      { staffNumber: 'M104', name: 'Pablo Martín', profile: 'learning' },
      { staffNumber: 'M105', name: 'Elena Gómez', profile: 'steady' },
    ],
    lobbyStaff: { staffNumber: 'M201', name: 'Sergio Díaz' },
    complaintManager: { staffNumber: 'M301', name: 'Isabel Moreno' },
    branchManager: { staffNumber: 'M401', name: 'Antonio Navarro' },
    ratingsPerCounter: 62,
    servicePace: 1.3,
    directComplaintsPerDay: 1.2,
    opinionsPerDay: 4,
    followUpChance: 0.42,
    lateChance: 0.06,
  },
  {
    key: 'SHA',
    name: '上海中山东路支行',
    timeZone: 'Asia/Shanghai',
    language: 'zh-Hans',
    counters: ['1号窗口', '2号窗口', '3号窗口', '4号窗口', '5号窗口'],
    tellers: [
      { staffNumber: 'S101', name: '王丽', profile: 'star' },
      { staffNumber: 'S102', name: '李强', profile: 'steady' },
      { staffNumber: 'S103', name: '张敏', profile: 'star' },
      { staffNumber: 'S104', name: '刘洋', profile: 'steady' },
      { staffNumber: 'S105', name: '陈静', profile: 'learning' },
      { staffNumber: 'S106', name: '杨帆', profile: 'steady' },
    ],
    lobbyStaff: { staffNumber: 'S201', name: '赵磊' },
    complaintManager: { staffNumber: 'S301', name: '孙婷' },
    branchManager: { staffNumber: 'S401', name: '周建国' },
    ratingsPerCounter: 85,
    servicePace: 1,
    directComplaintsPerDay: 1.5,
    opinionsPerDay: 5,
    followUpChance: 0.36,
    lateChance: 0.04,
  },
  {
    key: 'HKG',
    name: '旺角彌敦道分行',
    timeZone: 'Asia/Hong_Kong',
    language: 'zh-Hant',
    counters: ['1號櫃檯', '2號櫃檯', '3號櫃檯'],
    tellers: [
      { staffNumber: 'H101', name: '陳嘉欣', profile: 'steady' },
      { staffNumber: 'H102', name: '黃志明', profile: 'struggling' },
      { staffNumber: 'H103', name: '李詠詩', profile: 'learning' },
      { staffNumber: 'H104', name: '吳家豪', profile: 'steady' },
    ],
    lobbyStaff: { staffNumber: 'H201', name: '梁美玲' },
    complaintManager: { staffNumber: 'H301', name: '何俊傑' },
    branchManager: { staffNumber: 'H401', name: '張慧敏' },
    ratingsPerCounter: 48,
    // A branch with a queue problem: slow business, a window closed at lunch, and its
    // complaints run above the 5% target.
    servicePace: 1.5,
    lunchCounters: 1,
    directComplaintsPerDay: 7.5,
    opinionsPerDay: 6,
    followUpChance: 0.18,
    lateChance: 0.15,
  },
  {
    key: 'MEX',
    name: 'Ciudad de México Reforma',
    timeZone: 'America/Mexico_City',
    language: 'es',
    counters: ['Caja 1', 'Caja 2', 'Caja 3'],
    tellers: [
      { staffNumber: 'X101', name: 'María Hernández', profile: 'steady' },
      { staffNumber: 'X102', name: 'José García', profile: 'star' },
      { staffNumber: 'X103', name: 'Guadalupe Torres', profile: 'learning' },
    ],
    lobbyStaff: { staffNumber: 'X201', name: 'Ricardo Flores' },
    complaintManager: { staffNumber: 'X301', name: 'Verónica Ramírez' },
    branchManager: { staffNumber: 'X401', name: 'Fernando Castillo' },
    ratingsPerCounter: 55,
    servicePace: 1.3,
    directComplaintsPerDay: 0.9,
    opinionsPerDay: 3,
    followUpChance: 0.33,
    lateChance: 0.08,
  },
];

/**
 * Ratings that are not what they seem, so the Flags page has something to show (decision
 * 0027's rules): each at one branch's counter (by index) a number of days back (a Sunday
 * moves it to the Saturday before; a case beyond the demo's days is left out).
 */
/** How long the deliberate run of one score is. */
export const DEMO_RUN_LENGTH = 30;

export type DemoIntegrityCase = { branch: string; counter: number; daysBack: number; kind: 'burst' | 'same-score-run' | 'no-ticket' };

export const DEMO_INTEGRITY_CASES: readonly DemoIntegrityCase[] = [
  // Someone taps "dissatisfied" five times in under a minute at a colleague's window.
  { branch: 'HKG', counter: 1, daysBack: 3, kind: 'burst' },
  // Sixteen "very satisfied" in a row at one window: customers told which button to press.
  { branch: 'SHA', counter: 2, daysBack: 5, kind: 'same-score-run' },
  // A teller tries the tablet before the first customer is called.
  { branch: 'MEX', counter: 0, daysBack: 2, kind: 'no-ticket' },
  { branch: 'MAD', counter: 3, daysBack: 6, kind: 'no-ticket' },
];

/** What customers write in the opinion box, by kind and topic, in the branch's language. */
export const OPINION_TEXTS: Record<Language, Record<string, string[]>> = {
  en: {
    complaint: ['Only two windows open at lunchtime, I waited 40 minutes.', 'I was charged a fee nobody told me about.', 'The ATM kept my card and nobody could help.'],
    suggestion: ['Please add more seats near the windows.', 'An SMS when my number is close would help.'],
    praise: ['The teller explained everything patiently. Thank you!', 'Very quick and friendly service today.'],
    question: ['Can I open a savings account for my grandson here?', 'Which documents do I need for a transfer abroad?'],
  },
  es: {
    complaint: ['Solo había dos ventanillas abiertas al mediodía y esperé 40 minutos.', 'Me cobraron una comisión que nadie me explicó.', 'El cajero se quedó con mi tarjeta y nadie pudo ayudarme.'],
    suggestion: ['Pongan más asientos cerca de las ventanillas, por favor.', 'Un SMS cuando se acerque mi turno ayudaría mucho.'],
    praise: ['La cajera me lo explicó todo con mucha paciencia. ¡Gracias!', 'Atención rápida y muy amable hoy.'],
    question: ['¿Puedo abrir aquí una cuenta de ahorro para mi nieto?', '¿Qué documentos necesito para una transferencia al extranjero?'],
  },
  'zh-Hans': {
    complaint: ['中午只开了两个窗口，我等了四十分钟。', '收了一笔没人跟我说明的手续费。', '取款机吞了我的卡，没有人能帮忙。'],
    suggestion: ['希望窗口附近多放几把椅子。', '快到号时发短信提醒就好了。'],
    praise: ['柜员很耐心地讲解，非常感谢！', '今天办理很快，服务很亲切。'],
    question: ['可以在这里给孙子开储蓄账户吗？', '境外汇款需要带哪些证件？'],
  },
  'zh-Hant': {
    complaint: ['午飯時間只開兩個櫃檯，我等了四十分鐘。', '收了一筆沒有人向我說明的手續費。', '提款機吞了我的卡，沒有人能幫忙。'],
    suggestion: ['希望櫃檯附近多放幾張椅子。', '快到號時發短訊提醒就好了。'],
    praise: ['櫃員很耐心地講解，非常感謝！', '今天辦理很快，服務很親切。'],
    question: ['可以在這裡替孫子開儲蓄戶口嗎？', '海外匯款需要帶哪些證件？'],
  },
};

/** What staff write when they log a complaint received directly, and when they reply. */
export const CASE_TEXTS: Record<Language, { summaries: string[]; restated: string; reply: string; fault: string; followUp: string }> = {
  en: {
    summaries: ['Charged twice for one transfer', 'Card blocked while abroad', 'Waited 50 minutes for a cash deposit', 'Statement sent to an old address'],
    restated: 'Restated to the customer, who confirmed the main points.',
    reply: 'Called the customer, explained and corrected the issue.',
    fault: 'Apologised; the fee was refunded and the procedure corrected.',
    followUp: 'Customer satisfied with the outcome.',
  },
  es: {
    summaries: ['Cobro duplicado de una transferencia', 'Tarjeta bloqueada en el extranjero', 'Esperó 50 minutos para un ingreso', 'Extracto enviado a una dirección antigua'],
    restated: 'Resumido al cliente, que confirmó los puntos principales.',
    reply: 'Llamamos al cliente, se le explicó y se corrigió el problema.',
    fault: 'Pedimos disculpas; se devolvió la comisión y se corrigió el procedimiento.',
    followUp: 'El cliente está satisfecho con la solución.',
  },
  'zh-Hans': {
    summaries: ['一笔转账被扣了两次', '在境外时银行卡被冻结', '存现金排队等了五十分钟', '对账单寄到了旧地址'],
    restated: '已向客户复述要点，客户确认无误。',
    reply: '已致电客户说明情况并纠正问题。',
    fault: '已向客户致歉，退还费用并改正流程。',
    followUp: '客户对处理结果表示满意。',
  },
  'zh-Hant': {
    summaries: ['一筆轉賬被扣了兩次', '在海外時銀行卡被凍結', '存現金排隊等了五十分鐘', '月結單寄到了舊地址'],
    restated: '已向客戶複述要點，客戶確認無誤。',
    reply: '已致電客戶說明情況並糾正問題。',
    fault: '已向客戶致歉，退還費用並改正流程。',
    followUp: '客戶對處理結果表示滿意。',
  },
};
