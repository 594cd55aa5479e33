import { LANGUAGES, type Language } from '../../domain/language.ts';
import { MAX_SURVEY_NAME, type CreateSurveyRequest, type SurveySummary } from '../../domain/manage-surveys.ts';
import { addDays, type LocalDay } from '../../domain/period.ts';
import {
  MAX_OPTION_LABEL,
  MAX_OPTIONS,
  MAX_PROMPT,
  MAX_QUESTIONS,
  MAX_TITLE,
  MIN_OPTIONS,
  type LocalizedText,
  type Question,
  type Questionnaire,
  type QuestionType,
  type SurveyChannel,
  type SurveySchedule,
} from '../../domain/survey.ts';

/**
 * Manage › Surveys' editor, as data: a survey as the form holds it (texts as typed, questions
 * in order, each with a key of the form's own), the questionnaire and schedule it stands for,
 * and what is wrong with it, field by field, as codes the page words in the reader's language.
 * Pure: the page (pages/SurveyEditor.tsx) renders and sends; the server checks the same again.
 */

export type DraftOption = { key: string; id: string | null; label: LocalizedText };
export type DraftQuestion = { key: string; id: string | null; type: QuestionType; required: boolean; prompt: LocalizedText; options: DraftOption[] };
export interface Draft {
  name: string;
  title: LocalizedText;
  questions: DraftQuestion[];
  startsOn: string;
  endsOn: string;
  allBranches: boolean;
  branchIds: string[];
  channels: SurveyChannel[];
}

export const isChoice = (type: QuestionType): type is 'single' | 'multiple' => type === 'single' || type === 'multiple';

export const emptyText = (): LocalizedText => ({ 'zh-Hans': '', 'zh-Hant': '', en: '', es: '' });

/** A key of the form's own for a new question or option: what Preact and the field names follow, never sent. */
let nextKey = 0;
export const newKey = (): string => `k${++nextKey}`;

export const newOption = (): DraftOption => ({ key: newKey(), id: null, label: emptyText() });

/** A new question: the faces and the score are asked of everyone; a choice starts with two empty options. */
export const newQuestion = (type: QuestionType = 'faces'): DraftQuestion => ({
  key: newKey(),
  id: null,
  type,
  required: type !== 'text',
  prompt: emptyText(),
  options: isChoice(type) ? [newOption(), newOption()] : [],
});

/** How long a new survey runs unless changed: four weeks from today. */
const DEFAULT_DAYS = 28;

/** A new survey: one question, from today for four weeks, everywhere, on both channels. */
export const newDraft = (today: LocalDay): Draft => ({
  name: '',
  title: emptyText(),
  questions: [newQuestion()],
  startsOn: today,
  endsOn: addDays(today, DEFAULT_DAYS - 1),
  allBranches: true,
  branchIds: [],
  channels: ['lobby', 'phone'],
});

/** An existing survey as the form starts from: its current wording, its ids kept. */
export const draftOf = (survey: SurveySummary): Draft => ({
  name: survey.name,
  title: { ...survey.questionnaire.title },
  questions: survey.questionnaire.questions.map((q) => ({
    key: newKey(),
    id: q.id,
    type: q.type,
    required: q.required,
    prompt: { ...q.prompt },
    options: q.type === 'single' || q.type === 'multiple' ? q.options.map((o) => ({ key: newKey(), id: o.id, label: { ...o.label } })) : [],
  })),
  startsOn: survey.schedule.startsOn,
  endsOn: survey.schedule.endsOn,
  allBranches: survey.schedule.branchIds === null,
  branchIds: survey.schedule.branchIds ?? [],
  channels: [...survey.schedule.channels],
});

/** The longest slug, in characters: an id leaves room for a -2, -3… after it (SurveyItemIdSchema takes 32). */
const MAX_SLUG = 24;

/**
 * Lower-case letters, digits and dashes from an English text, whole words while they fit:
 * "Was the wait short?" → "was-the-wait-short"; empty when it has none (a text in Chinese).
 */
export function slugOf(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = (words[0] ?? '').slice(0, MAX_SLUG);
  for (const word of words.slice(1)) {
    if (slug.length + 1 + word.length > MAX_SLUG) break;
    slug += `-${word}`;
  }
  return slug;
}

/** An id not yet taken: the slug, or `fallback` when the English text gives none, with -2, -3… after it if needed. */
function freshId(slug: string, fallback: string, taken: Set<string>): string {
  const root = slug || fallback;
  let id = root;
  for (let n = 2; taken.has(id); n++) id = `${root}-${n}`;
  taken.add(id);
  return id;
}

const trimmed = (text: LocalizedText): LocalizedText => Object.fromEntries(LANGUAGES.map((l) => [l, text[l].trim()])) as LocalizedText;

/**
 * The questionnaire the form stands for, texts trimmed. A question or option the survey had
 * keeps its id whatever its new wording, so results compare across versions; a new one takes
 * an id from its English text (from its place when that gives none), unlike any other.
 */
export function questionnaireOf(draft: Draft): Questionnaire {
  const takenQuestions = new Set(draft.questions.flatMap((q) => (q.id ? [q.id] : [])));
  const questions = draft.questions.map((q, i): Question => {
    const id = q.id ?? freshId(slugOf(q.prompt.en), `q${i + 1}`, takenQuestions);
    const base = { id, prompt: trimmed(q.prompt), required: q.required };
    if (!isChoice(q.type)) return { type: q.type, ...base };
    const takenOptions = new Set(q.options.flatMap((o) => (o.id ? [o.id] : [])));
    const options = q.options.map((o, j) => ({ id: o.id ?? freshId(slugOf(o.label.en), `o${j + 1}`, takenOptions), label: trimmed(o.label) }));
    return { type: q.type, ...base, options };
  });
  return { title: trimmed(draft.title), questions };
}

export const scheduleOf = (draft: Draft): SurveySchedule => ({
  startsOn: draft.startsOn,
  endsOn: draft.endsOn,
  branchIds: draft.allBranches ? null : [...draft.branchIds],
  channels: (['lobby', 'phone'] as const).filter((c) => draft.channels.includes(c)),
});

/** Whether two JSON values are the same, whatever the order of their keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Whether saving the form makes a new version: its wording differs from the survey's current one. */
export const wordingChanged = (draft: Draft, survey: SurveySummary): boolean => !sameJson(questionnaireOf(draft), survey.questionnaire);

/**
 * What may be wrong with a field, as a code (locales `dashboard.surveys.errors.<code>`) and
 * the values its text names.
 */
export type DraftProblem =
  | { code: 'empty' }
  | { code: 'tooLong'; max: number }
  | { code: 'fewOptions'; min: number }
  | { code: 'manyOptions'; max: number }
  | { code: 'noQuestions' }
  | { code: 'manyQuestions'; max: number }
  | { code: 'noDay' }
  | { code: 'reversed' }
  | { code: 'past' }
  | { code: 'noBranches' }
  | { code: 'noChannels' };

/**
 * The fields' names, as the form marks them (`data-field`) and the problems name them:
 * `name`, `title.<language>`, `<question key>.prompt.<language>`, `<question key>.options`,
 * `<question key>.<option key>.<language>`, `questions`, `startsOn`, `endsOn`, `branches`, `channels`.
 */
export type DraftProblems = Record<string, DraftProblem>;

function checkText(problems: DraftProblems, field: string, text: string, max: number): void {
  const value = text.trim();
  if (value === '') problems[field] = { code: 'empty' };
  else if ([...value].length > max) problems[field] = { code: 'tooLong', max };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What is wrong with the form, field by field, in the order the form shows them (the first
 * takes the focus); empty when it may be sent. `today`: a survey may not be made to end
 * before it, unless its last day is the one it had (an ended survey's name may still change).
 */
export function draftProblems(draft: Draft, today: LocalDay, keptEndsOn: LocalDay | null = null): DraftProblems {
  const problems: DraftProblems = {};
  checkText(problems, 'name', draft.name, MAX_SURVEY_NAME);
  for (const l of LANGUAGES) checkText(problems, `title.${l}`, draft.title[l], MAX_TITLE);
  if (draft.questions.length === 0) problems.questions = { code: 'noQuestions' };
  else if (draft.questions.length > MAX_QUESTIONS) problems.questions = { code: 'manyQuestions', max: MAX_QUESTIONS };
  for (const q of draft.questions) {
    for (const l of LANGUAGES) checkText(problems, `${q.key}.prompt.${l}`, q.prompt[l], MAX_PROMPT);
    if (!isChoice(q.type)) continue;
    if (q.options.length < MIN_OPTIONS) problems[`${q.key}.options`] = { code: 'fewOptions', min: MIN_OPTIONS };
    else if (q.options.length > MAX_OPTIONS) problems[`${q.key}.options`] = { code: 'manyOptions', max: MAX_OPTIONS };
    for (const o of q.options) for (const l of LANGUAGES) checkText(problems, `${q.key}.${o.key}.${l}`, o.label[l], MAX_OPTION_LABEL);
  }
  if (!DAY.test(draft.startsOn)) problems.startsOn = { code: 'noDay' };
  if (!DAY.test(draft.endsOn)) problems.endsOn = { code: 'noDay' };
  else if (DAY.test(draft.startsOn) && draft.endsOn < draft.startsOn) problems.endsOn = { code: 'reversed' };
  else if (draft.endsOn < today && draft.endsOn !== keptEndsOn) problems.endsOn = { code: 'past' };
  if (!draft.allBranches && draft.branchIds.length === 0) problems.branches = { code: 'noBranches' };
  if (draft.channels.length === 0) problems.channels = { code: 'noChannels' };
  return problems;
}

/** What POST /api/manage/surveys is sent for a form without problems. */
export const createRequestOf = (draft: Draft): CreateSurveyRequest => ({ name: draft.name.trim(), questionnaire: questionnaireOf(draft), schedule: scheduleOf(draft) });

/**
 * The field a server's refusal names ("questionnaire.questions.1.prompt.es: must not be
 * empty"), as the form names it, so its words go next to that field; null: under the form.
 */
export function fieldOfMessage(message: string, draft: Draft): string | null {
  const path = (/^([\w.-]+):/.exec(message)?.[1] ?? '').split('.');
  const [head, second, ...rest] = path;
  if (head === 'name') return 'name';
  if (head === 'schedule') {
    if (second === 'startsOn' || second === 'endsOn' || second === 'channels') return second;
    if (second === 'branchIds') return 'branches';
    // The schedule's one check of its own: its last day before its first.
    return second === undefined ? 'endsOn' : null;
  }
  if (head !== 'questionnaire') return null;
  if (second === 'title') return isLanguage(rest[0]) ? `title.${rest[0]}` : null;
  if (second !== 'questions') return null;
  const question = rest[0] === undefined ? undefined : draft.questions[Number(rest[0])];
  if (!question) return 'questions';
  const [, part, index, , language] = rest;
  if (part === 'prompt' && isLanguage(index)) return `${question.key}.prompt.${index}`;
  if (part === 'options') {
    const option = index === undefined ? undefined : question.options[Number(index)];
    return option && isLanguage(language) ? `${question.key}.${option.key}.${language}` : `${question.key}.options`;
  }
  return null;
}

const isLanguage = (value: string | undefined): value is Language => (LANGUAGES as readonly (string | undefined)[]).includes(value);
