import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { LANGUAGES, isLanguage, type Language } from '../domain/language.ts';
import { SCORES, type Score } from '../domain/rating.ts';
import { AnswersSchema, checkAnswers, MAX_TEXT_ANSWER, type Answer, type Question, type Questionnaire } from '../domain/survey.ts';
import { VISIT_PATH } from '../domain/visit-code.ts';
import en from '../locales/survey-phone/en.json';
import es from '../locales/survey-phone/es.json';
import zhHans from '../locales/survey-phone/zh-Hans.json';
import zhHant from '../locales/survey-phone/zh-Hant.json';
import { escapeHtml } from './services/email-texts.ts';

/**
 * The page a customer opens on their own phone from a visit's QR code (routes/survey-phone.ts):
 * written here as HTML, with no JavaScript at all, so that it is quick on a slow connection and
 * works in any browser a phone has. One small stylesheet, served with a hash in its name so a
 * phone keeps it; nothing inline, as the Content-Security-Policy allows no inline style
 * (plugins/security-headers.ts). Every value put into the page is escaped: question texts and
 * branch names are typed on the dashboard.
 */

type Texts = { [key: string]: string | Texts };
export const PHONE_TEXTS: Record<Language, Texts> = { en, es, 'zh-Hans': zhHans, 'zh-Hant': zhHant };

/** A text by its dotted key with `{{name}}` filled in, unescaped; a key missing from a file is a bug (the locale parity test checks all four). */
export function phoneText(language: Language, key: string, values: Record<string, string | number> = {}): string {
  let found: string | Texts | undefined = PHONE_TEXTS[language];
  for (const part of key.split('.')) found = typeof found === 'object' ? found[part] : undefined;
  if (typeof found !== 'string') throw new Error(`The phone page text ${key} is missing in ${language}.`);
  return found.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (name in values ? String(values[name]) : `{{${name}}}`));
}

/** One language tag of Accept-Language, as one of ours; null when it is none of them. */
function languageOfTag(tag: string): Language | null {
  const t = tag.trim().toLowerCase();
  if (/^zh-(tw|hk|mo|hant)(-|$)/.test(t) || /^zh-hant/.test(t)) return 'zh-Hant';
  if (t === 'zh' || t.startsWith('zh-')) return 'zh-Hans';
  if (t === 'es' || t.startsWith('es-')) return 'es';
  if (t === 'en' || t.startsWith('en-')) return 'en';
  return null;
}

/**
 * The page's language: the one the customer chose on the page (`?lang=`), else the first of
 * their phone's languages we have (Accept-Language, by its weights), else the branch's.
 */
export function pickLanguage(chosen: unknown, acceptLanguage: string | undefined, fallback: Language): Language {
  if (typeof chosen === 'string' && isLanguage(chosen)) return chosen;
  const ranked = (acceptLanguage ?? '')
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { language: languageOfTag(tag), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x): x is { language: Language; q: number; i: number } => x.language !== null && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.language ?? fallback;
}

/**
 * The stylesheet: readable at 320 px and when the phone's text is enlarged (rem, wrapping
 * rows), touch targets of at least 48 px, a focus ring that shows, the counter's colours.
 */
export const PHONE_CSS = [
  ':root{--ink:#10222e;--paper:#f6f8fa;--brand:#0f3d5e;--muted:#3f4f5b;--line:#6b7a86;--error:#b00020;--focus:#ffbf47;color:var(--ink);background:var(--paper);line-height:1.5;-webkit-text-size-adjust:100%;font-family:system-ui,"Noto Sans","Noto Sans CJK SC","Noto Sans CJK TC","PingFang SC","Microsoft YaHei",sans-serif}',
  '*{box-sizing:border-box}',
  'body{margin:0 auto;max-width:40rem;padding:.75rem 1rem 2rem}',
  'h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 .75rem}',
  'p{margin:0 0 1rem}',
  'a{color:var(--brand)}',
  ':focus-visible{outline:4px solid var(--focus);outline-offset:2px}',
  '.langs{display:flex;flex-wrap:wrap;gap:0 .25rem;margin:0 0 .5rem;padding:0;list-style:none}',
  '.langs a{display:inline-flex;align-items:center;min-height:48px;padding:0 .5rem}',
  '.langs a[aria-current]{font-weight:700;color:var(--ink);text-decoration:none}',
  '.visit{color:var(--muted)}',
  '.q{border:0;margin:0 0 1.75rem;padding:0;min-width:0}',
  '.q legend,.ql{display:block;font-weight:700;font-size:1.125rem;margin:0 0 .5rem;padding:0}',
  '.req{color:var(--error);white-space:nowrap}',
  '.hint{color:var(--muted);margin:.25rem 0 0}',
  '.err{color:var(--error);font-weight:700;margin:0 0 .5rem}',
  '.row{display:flex;flex-wrap:wrap;gap:.5rem}',
  '.pick{position:relative;display:block;cursor:pointer}',
  '.pick input{position:absolute;opacity:0;inset:0;width:100%;height:100%;margin:0;cursor:pointer}',
  '.box{display:flex;flex-direction:column;align-items:center;justify-content:center;min-width:48px;min-height:48px;padding:.25rem;border:2px solid var(--line);border-radius:12px;background:#fff;text-align:center}',
  '.pick input:checked+.box{border-color:var(--brand);background:#dcebf6;box-shadow:inset 0 0 0 3px var(--brand);font-weight:700}',
  '.pick input:focus-visible+.box{outline:4px solid var(--focus);outline-offset:2px}',
  '.faces{display:grid;grid-template-columns:repeat(4,1fr)}',
  '@media (max-width:30rem){.faces{grid-template-columns:1fr 1fr}}',
  '.faces .box{min-height:6rem}',
  '.n .box{width:3rem;height:3rem;font-weight:700;font-size:1.125rem}',
  '.ends{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 1rem;color:var(--muted);font-size:.9375rem;margin-top:.25rem}',
  '.face{width:3rem;height:3rem}',
  '.disc{stroke:none}',
  '.very-satisfied .disc{fill:#1b7f3b}.satisfied .disc{fill:#4f9a2f}.neutral .disc{fill:#9a7b00}.dissatisfied .disc{fill:#b3261e}',
  '.ft{fill:none;stroke:#fff;stroke-width:6;stroke-linecap:round}.fd{fill:#fff}',
  '.opt{display:flex;align-items:center;gap:.75rem;min-height:48px;padding:.5rem .75rem;margin:0 0 .5rem;border:2px solid var(--line);border-radius:12px;background:#fff;cursor:pointer}',
  '.opt input{flex:none;width:1.5rem;height:1.5rem;margin:0;accent-color:var(--brand)}',
  'textarea{display:block;width:100%;min-height:7rem;font:inherit;padding:.5rem;border:2px solid var(--line);border-radius:8px;background:#fff;color:inherit}',
  '[aria-invalid=true]{border-color:var(--error)}',
  '.summary{border:3px solid var(--error);border-radius:12px;padding:.75rem 1rem;margin:0 0 1.5rem;background:#fff}',
  '.summary h2{font-size:1.25rem;margin:0 0 .5rem}',
  '.summary ul{margin:0;padding:0;list-style:none}',
  '.summary a{color:var(--error);font-weight:700;display:block;min-height:48px;padding:.5rem 0}',
  'button{font:inherit;font-size:1.125rem;font-weight:700;width:100%;min-height:56px;padding:.75rem 1rem;border:0;border-radius:12px;background:var(--brand);color:#fff;cursor:pointer}',
].join('\n');

/** The stylesheet's address: its content's hash in the name, so a phone may keep it for a year and a new one is a new address. */
export const PHONE_CSS_PATH = `${VISIT_PATH}phone.${createHash('sha256').update(PHONE_CSS).digest('hex').slice(0, 10)}.css`;

// The counter's faces (ui/components/Face.tsx), drawn the same: the mouth goes from a broad smile to a frown.
const MOUTHS: Record<Score, string> = {
  'very-satisfied': 'M30 60 Q50 84 70 60',
  satisfied: 'M32 63 Q50 75 68 63',
  neutral: 'M33 66 L67 66',
  dissatisfied: 'M32 72 Q50 58 68 72',
};
const faceSvg = (score: Score) =>
  `<svg class="face ${score}" viewBox="0 0 100 100" aria-hidden="true" focusable="false"><circle class="disc" cx="50" cy="50" r="46"/><circle class="fd" cx="36" cy="40" r="6"/><circle class="fd" cx="64" cy="40" r="6"/><path class="ft" d="${MOUTHS[score]}"/></svg>`;

/** Why a question's answer was not taken, as the page says it. */
export type QuestionProblem = 'required' | 'invalid' | 'tooLong';
/** Why the whole form was not taken: nothing answered at all, or the wording changed under the customer. */
export type FormProblem = 'empty' | 'changed';

/** What the customer sent, per question: the values of its field, kept to show them again. */
export type Given = ReadonlyMap<string, readonly string[]>;

const fieldOf = (questionId: string) => `q-${questionId}`;

/** The values the form sent for each question of the questionnaire; anything else it sent is ignored. */
export function givenOf(questionnaire: Questionnaire, form: URLSearchParams): Given {
  return new Map(questionnaire.questions.map((q) => [q.id, form.getAll(fieldOf(q.id)).slice(0, 20)]));
}

/**
 * The answers a form gives, checked as a lobby tablet's are (AnswersSchema, checkAnswers),
 * or the problems of each question; an empty text or no choice is no answer.
 */
export function answersOf(questionnaire: Questionnaire, given: Given): { answers: Answer[]; problems: Map<string, QuestionProblem>; formProblem: FormProblem | null } {
  const problems = new Map<string, QuestionProblem>();
  const answers: Answer[] = [];
  for (const q of questionnaire.questions) {
    const values = (given.get(q.id) ?? []).filter((x) => x.trim() !== '');
    if (values.length === 0) continue;
    const one = values.length === 1 ? values[0]! : null;
    const answer = answerOf(q, values, one);
    if (answer === null) problems.set(q.id, 'invalid');
    else if (answer.type === 'text' && [...answer.text.trim()].length > MAX_TEXT_ANSWER) problems.set(q.id, 'tooLong');
    else answers.push(answer);
  }
  const parsed = v.safeParse(AnswersSchema, answers);
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const index = issue.path?.[0]?.key;
      const questionId = typeof index === 'number' ? answers[index]?.questionId : undefined;
      if (questionId !== undefined && !problems.has(questionId)) problems.set(questionId, 'invalid');
    }
  }
  for (const p of parsed.success ? checkAnswers(questionnaire, parsed.output) : []) if (!problems.has(p.questionId)) problems.set(p.questionId, p.code === 'required' ? 'required' : 'invalid');
  for (const q of questionnaire.questions) if (q.required && !problems.has(q.id) && !answers.some((a) => a.questionId === q.id)) problems.set(q.id, 'required');
  const formProblem = problems.size === 0 && answers.length === 0 ? 'empty' : null;
  return { answers: parsed.success ? parsed.output : answers, problems, formProblem };
}

function answerOf(q: Question, values: string[], one: string | null): Answer | null {
  switch (q.type) {
    case 'faces':
      return one !== null && (SCORES as readonly string[]).includes(one) ? { type: 'faces', questionId: q.id, score: one as Score } : null;
    case 'recommend':
      return one !== null && /^(?:[0-9]|10)$/.test(one) ? { type: 'recommend', questionId: q.id, value: Number(one) } : null;
    case 'single':
      return one !== null && q.options.some((o) => o.id === one) ? { type: 'single', questionId: q.id, optionId: one } : null;
    case 'multiple':
      return values.every((x) => q.options.some((o) => o.id === x)) && new Set(values).size === values.length ? { type: 'multiple', questionId: q.id, optionIds: values } : null;
    case 'text':
      return one !== null ? { type: 'text', questionId: q.id, text: one } : null;
  }
}

/** The address of the page for a code, in a language; the code is escaped for a URL and then for HTML. */
const pageUrl = (code: string, language?: Language) => escapeHtml(`${VISIT_PATH}${encodeURIComponent(code)}${language ? `?lang=${language}` : ''}`);

/** The page around a body: its language, title, stylesheet and the links to the other languages; `screen` names it for tests and the bench. */
function page(language: Language, code: string, screen: string, title: string, body: string): string {
  const t = (key: string) => escapeHtml(phoneText(language, key));
  const langs = LANGUAGES.map(
    (l) => `<li><a href="${pageUrl(code, l)}" lang="${l}" hreflang="${l}"${l === language ? ' aria-current="true"' : ''}>${escapeHtml(phoneText(l, `language.${l}`))}</a></li>`,
  ).join('');
  return [
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)} · ${t('page.title')}</title><link rel="stylesheet" href="${PHONE_CSS_PATH}"></head><body>`,
    `<nav aria-label="${t('page.languages')}"><ul class="langs">${langs}</ul></nav>`,
    `<main data-screen="phone-${screen}">${body}</main></body></html>`,
  ].join('\n');
}

/** The pages that say one thing: the code is not valid, expired, used; no survey now; thanks; wait. */
export type MessageKind = 'invalid' | 'expired' | 'used' | 'none' | 'thanks' | 'limited';

export function messagePage(language: Language, code: string, kind: MessageKind, values: Record<string, string | number> = {}): string {
  const title = phoneText(language, `${kind}.title`);
  return page(language, code, kind, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(phoneText(language, `${kind}.body`, values))}</p>`);
}

/** What the form page shows beside the questions. */
export interface FormPage {
  language: Language;
  code: string;
  questionnaire: Questionnaire;
  surveyId: string;
  version: number;
  /** The id the answers are stored under: made when the form is first shown, so sending twice is one response. */
  responseId: string;
  /** "Your visit to …": who served and when, so the customer knows which visit they answer for. */
  visit: { branch: string; counter: string; at: number | null; timeZone: string };
  given?: Given;
  problems?: ReadonlyMap<string, QuestionProblem>;
  formProblem?: FormProblem | null;
}

export function formPage(p: FormPage): string {
  const { language, questionnaire } = p;
  const t = (key: string, values?: Record<string, string | number>) => escapeHtml(phoneText(language, key, values));
  const problems = p.problems ?? new Map<string, QuestionProblem>();
  const given = p.given ?? new Map<string, readonly string[]>();
  const problemText = (problem: QuestionProblem) => t(`problems.${problem}`, { max: MAX_TEXT_ANSWER });
  const title = questionnaire.title[language];
  const visit =
    p.visit.at === null
      ? phoneText(language, 'visit.card', { branch: p.visit.branch, counter: p.visit.counter })
      : phoneText(language, 'visit.at', {
          branch: p.visit.branch,
          counter: p.visit.counter,
          date: new Intl.DateTimeFormat(language, { timeZone: p.visit.timeZone, dateStyle: 'medium' }).format(p.visit.at),
        });
  const summaryItems = [
    ...(p.formProblem ? [`<li>${t(`problems.${p.formProblem}`)}</li>`] : []),
    ...questionnaire.questions.flatMap((q) => {
      const problem = problems.get(q.id);
      return problem ? [`<li><a href="#${fieldOf(q.id)}">${escapeHtml(q.prompt[language])}: ${problemText(problem)}</a></li>`] : [];
    }),
  ];
  const summary = summaryItems.length > 0 ? `<div class="summary" role="alert" aria-labelledby="problems"><h2 id="problems">${t('problems.heading')}</h2><ul>${summaryItems.join('')}</ul></div>` : '';
  const questions = questionnaire.questions.map((q) => questionHtml(q, language, given.get(q.id) ?? [], problems.get(q.id), problemText)).join('\n');
  return page(
    language,
    p.code,
    'form',
    title,
    [
      `<h1>${escapeHtml(title)}</h1>`,
      `<p class="visit">${escapeHtml(visit)}</p>`,
      summary,
      `<p>${t('form.intro')}</p>`,
      `<form method="post" action="${pageUrl(p.code, language)}" novalidate>`,
      `<input type="hidden" name="response" value="${escapeHtml(p.responseId)}"><input type="hidden" name="survey" value="${escapeHtml(p.surveyId)}"><input type="hidden" name="version" value="${p.version}">`,
      questions,
      `<button type="submit">${t('form.send')}</button></form>`,
    ].join('\n'),
  );
}

function questionHtml(q: Question, language: Language, given: readonly string[], problem: QuestionProblem | undefined, problemText: (p: QuestionProblem) => string): string {
  const t = (key: string, values?: Record<string, string | number>) => escapeHtml(phoneText(language, key, values));
  const id = fieldOf(q.id);
  const errorId = `${id}-error`;
  const error = problem ? `<p class="err" id="${errorId}">${problemText(problem)}</p>` : '';
  const invalid = problem ? ' aria-invalid="true"' : '';
  const prompt = `${escapeHtml(q.prompt[language])}${q.required ? ` <span class="req">* ${t('form.required')}</span>` : ''}`;
  const name = escapeHtml(id);
  const checked = (value: string) => (given.includes(value) ? ' checked' : '');
  const input = (type: 'radio' | 'checkbox', value: string, first: boolean) =>
    `<input type="${type}" name="${name}" value="${escapeHtml(value)}"${first ? ` id="${id}"` : ''}${checked(value)}${invalid}>`;
  if (q.type === 'text') {
    const hintId = `${id}-hint`;
    const describedBy = problem ? `${errorId} ${hintId}` : hintId;
    return `<div class="q"><label class="ql" for="${id}">${prompt}</label>${error}<textarea id="${id}" name="${name}" maxlength="${MAX_TEXT_ANSWER}" rows="4" aria-describedby="${describedBy}"${invalid}>${escapeHtml(given[0] ?? '')}</textarea><p class="hint" id="${hintId}">${t('form.textLimit', { max: MAX_TEXT_ANSWER })}</p></div>`;
  }
  let choices: string;
  if (q.type === 'faces') {
    choices = `<div class="row faces">${SCORES.map((s, i) => `<label class="pick">${input('radio', s, i === 0)}<span class="box">${faceSvg(s)}<span>${t(`score.${s}`)}</span></span></label>`).join('')}</div>`;
  } else if (q.type === 'recommend') {
    const numbers = Array.from({ length: 11 }, (_, n) => `<label class="pick">${input('radio', String(n), n === 0)}<span class="box">${n}</span></label>`).join('');
    choices = `<div class="row n">${numbers}</div><div class="ends"><span>${t('form.recommendLow')}</span><span>${t('form.recommendHigh')}</span></div>`;
  } else {
    const type = q.type === 'single' ? 'radio' : 'checkbox';
    choices = q.options.map((o, i) => `<label class="opt">${input(type, o.id, i === 0)}<span>${escapeHtml(o.label[language])}</span></label>`).join('');
  }
  return `<fieldset class="q"${problem ? ` aria-describedby="${errorId}"` : ''}><legend>${prompt}</legend>${error}${choices}</fieldset>`;
}
