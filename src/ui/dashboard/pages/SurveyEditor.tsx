import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { LANGUAGES } from '../../../domain/language.ts';
import { MAX_SURVEY_NAME, type SurveySummary } from '../../../domain/manage-surveys.ts';
import type { LocalDay } from '../../../domain/period.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import { MAX_OPTION_LABEL, MAX_OPTIONS, MAX_PROMPT, MAX_QUESTIONS, MAX_TITLE, MIN_OPTIONS, QUESTION_TYPES, SURVEY_CHANNELS, type LocalizedText, type QuestionType } from '../../../domain/survey.ts';
import {
  createRequestOf,
  draftOf,
  draftProblems,
  fieldOfMessage,
  isChoice,
  newDraft,
  newOption,
  newQuestion,
  questionnaireOf,
  sameJson,
  scheduleOf,
  wordingChanged,
  type Draft,
  type DraftProblem,
  type DraftQuestion,
} from '../survey-draft.ts';
import { useDashboard, useT } from '../services.tsx';

/** What the form shows next to a field: our words for a check of ours, the server's after ours for a refusal. */
type Shown = Record<string, string>;

/**
 * A survey's editor: its name; the questionnaire's title and each question's wording and
 * options in the four languages; the days, branches and channels it runs on. What is wrong is
 * said next to its field in the reader's language before anything is sent (survey-draft.ts
 * checks the server's own limits), and a changed wording is said to make a new version
 * before it is saved. `survey` null: a new one.
 */
export function SurveyEditor({ survey, branches, today, onSaved, onCancel }: {
  survey: SurveySummary | null;
  branches: BranchRef[];
  today: LocalDay;
  onSaved: (saved: SurveySummary, message: string) => void;
  onCancel: () => void;
}) {
  const { api } = useDashboard();
  const { t } = useT();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => (survey ? draftOf(survey) : newDraft(today)));
  const [shown, setShown] = useState<Shown>({});
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const title = survey ? t('dashboard.surveys.editor.editTitle', { name: survey.name }) : t('dashboard.surveys.editor.newTitle');
  const changedWording = survey !== null && wordingChanged(draft, survey);

  // The editor is what was asked for: a screen reader goes on from its heading.
  useEffect(() => heading.current?.focus(), []);

  const wordOf = (problem: DraftProblem): string => t(`dashboard.surveys.errors.${problem.code}`, problem);

  /** Puts the focus on a field by its name (letters, digits, dots and dashes), once the form shows what changed. */
  const focusField = (field: string) => setTimeout(() => form.current?.querySelector<HTMLElement>(`[data-field="${field}"]`)?.focus(), 0);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const problems = draftProblems(draft, today, survey?.schedule.endsOn ?? null);
    const fields = Object.keys(problems);
    if (fields.length > 0) {
      setShown({ ...Object.fromEntries(fields.map((f) => [f, wordOf(problems[f]!)])), form: t('dashboard.surveys.errors.summary', { count: fields.length }) });
      focusField(fields[0]!);
      return;
    }
    setShown({});
    setBusy(true);
    const request = createRequestOf(draft);
    // Only what changed is sent: the same wording sent again is no new version, but says nothing either.
    const result = survey
      ? await api.editSurvey(survey.id, {
          ...(request.name !== survey.name ? { name: request.name } : {}),
          ...(changedWording ? { questionnaire: questionnaireOf(draft) } : {}),
          ...(!sameJson(scheduleOf(draft), survey.schedule) ? { schedule: request.schedule } : {}),
        })
      : await api.addSurvey(request);
    setBusy(false);
    if (result.ok) {
      const saved = result.value.survey;
      onSaved(saved, t(survey ? (saved.currentVersion > survey.currentVersion ? 'dashboard.surveys.savedVersion' : 'dashboard.surveys.saved') : 'dashboard.surveys.added', { name: saved.name, version: saved.currentVersion }));
      return;
    }
    if (result.reason === 'bad-request') {
      const words = t('dashboard.surveys.errors.refused', { message: result.message ?? '' });
      const field = fieldOfMessage(result.message ?? '', draft);
      setShown(field ? { [field]: words, form: t('dashboard.surveys.errors.summary', { count: 1 }) } : { form: words });
      if (field) focusField(field);
      return;
    }
    const own = result.reason === 'forbidden' || result.reason === 'not-found';
    setShown({ form: t(own ? `dashboard.surveys.errors.${result.reason}` : `dashboard.errors.${result.reason}`) });
  };

  const nothingToSave = survey !== null && draft.name.trim() === survey.name && !changedWording && sameJson(scheduleOf(draft), survey.schedule);
  const field = { shown, invalid: (name: string) => (shown[name] ? true : undefined) };

  return (
    <section class="ms-editor" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      {survey && (
        <p class="muted">
          {t('dashboard.surveys.editor.versionNow', { version: survey.currentVersion, count: survey.responses })}
        </p>
      )}
      <form ref={form} class="ms-form" onSubmit={(event) => void submit(event)} noValidate aria-labelledby={`${id}-title`}>
        <div class="field ms-name">
          <label for={`${id}-name`}>{t('dashboard.surveys.editor.name')}</label>
          <input
            id={`${id}-name`}
            data-field="name"
            value={draft.name}
            maxLength={MAX_SURVEY_NAME}
            autoComplete="off"
            aria-invalid={field.invalid('name')}
            aria-describedby={`${id}-name-hint ${id}-name-error`}
            onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          />
          <span id={`${id}-name-hint`} class="hint">
            {t('dashboard.surveys.editor.nameHint')}
          </span>
          <FieldError id={`${id}-name-error`} text={shown.name} />
        </div>

        <Localized
          legend={t('dashboard.surveys.editor.surveyTitle')}
          hint={t('dashboard.surveys.editor.surveyTitleHint')}
          name="title"
          text={draft.title}
          max={MAX_TITLE}
          shown={shown}
          onInput={(title) => setDraft({ ...draft, title })}
        />

        <Questions draft={draft} setDraft={setDraft} shown={shown} />

        <Schedule draft={draft} setDraft={setDraft} shown={shown} branches={branches} />

        {changedWording && (
          <p id={`${id}-version`} class="ms-version-note">
            <strong>{t('dashboard.surveys.editor.newVersion', { next: survey.currentVersion + 1 })}</strong> {t('dashboard.surveys.editor.newVersionDetail', { current: survey.currentVersion })}
          </p>
        )}
        <div class="staff-form-actions ms-actions">
          <button type="submit" class="primary" disabled={busy || nothingToSave} aria-busy={busy} aria-describedby={changedWording ? `${id}-version` : undefined}>
            {busy ? t('dashboard.surveys.editor.saving') : survey ? (changedWording ? t('dashboard.surveys.editor.saveVersion', { next: survey.currentVersion + 1 }) : t('dashboard.surveys.editor.save')) : t('dashboard.surveys.editor.create')}
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={onCancel}>
            {t('dashboard.cancel')}
          </button>
        </div>
      </form>
      <p class="error" role="alert">
        {shown.form}
      </p>
    </section>
  );
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return (
    <span id={id} class="field-error">
      {text}
    </span>
  );
}

/**
 * One text in the four languages: a fieldset named by what it is, a field a language, each
 * field's name saying both ("Question 2: Español") for a screen reader that lands on it.
 */
function Localized({ legend, hint, name, text, max, shown, onInput }: {
  legend: string;
  hint?: string;
  /** The fields' name before the language: `title`, `<question key>.prompt`, `<question key>.<option key>`. */
  name: string;
  text: LocalizedText;
  max: number;
  shown: Shown;
  onInput: (text: LocalizedText) => void;
}) {
  const { t } = useT();
  const id = useId();
  return (
    <fieldset class="ms-localized" aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      <div class="ms-languages">
        {LANGUAGES.map((language) => {
          const field = `${name}.${language}`;
          return (
            <div class="field" key={language}>
              <label for={`${id}-${language}`}>
                <span class="visually-hidden">{t('dashboard.surveys.editor.inLanguage', { field: legend })} </span>
                <span lang={language}>{t(`language.names.${language}`)}</span>
              </label>
              <input
                id={`${id}-${language}`}
                data-field={field}
                lang={language}
                value={text[language]}
                maxLength={max}
                autoComplete="off"
                aria-invalid={shown[field] ? true : undefined}
                aria-describedby={`${id}-${language}-error`}
                onInput={(e) => onInput({ ...text, [language]: e.currentTarget.value })}
              />
              <FieldError id={`${id}-${language}-error`} text={shown[field]} />
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

type DraftProps = { draft: Draft; setDraft: (draft: Draft) => void; shown: Shown };

/** The questions in order: each added, removed, moved up or down, its type, its wording, its options. */
function Questions({ draft, setDraft, shown }: DraftProps) {
  const { t } = useT();
  const id = useId();
  const list = useRef<HTMLOListElement>(null);
  const add = useRef<HTMLButtonElement>(null);
  const questions = draft.questions;

  const setQuestions = (next: DraftQuestion[]) => setDraft({ ...draft, questions: next });
  const change = (key: string, edit: Partial<DraftQuestion>) => setQuestions(questions.map((q) => (q.key === key ? { ...q, ...edit } : q)));

  /** Moves a question; the focus follows it, to the same button or, at an end, the other one. */
  const move = (index: number, by: -1 | 1) => {
    const next = [...questions];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    setQuestions(next);
    setTimeout(() => {
      const item = list.current?.querySelector(`[data-question="${moved!.key}"]`);
      const button = item?.querySelector<HTMLButtonElement>(`[data-move="${by}"]:not([disabled])`) ?? item?.querySelector<HTMLButtonElement>('[data-move]:not([disabled])');
      button?.focus();
    }, 0);
  };

  const remove = (key: string) => {
    setQuestions(questions.filter((q) => q.key !== key));
    setTimeout(() => add.current?.focus(), 0);
  };

  const addQuestion = () => {
    const question = newQuestion();
    setQuestions([...questions, question]);
    setTimeout(() => list.current?.querySelector<HTMLElement>(`[data-question="${question.key}"] select`)?.focus(), 0);
  };

  return (
    <section class="ms-questions" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('dashboard.surveys.editor.questions')}</h3>
      <p class="hint">{t('dashboard.surveys.editor.questionsHint', { max: MAX_QUESTIONS })}</p>
      <ol ref={list} class="ms-question-list">
        {questions.map((q, index) => (
          <li key={q.key} data-question={q.key}>
            <QuestionForm
              question={q}
              number={index + 1}
              first={index === 0}
              last={index === questions.length - 1}
              shown={shown}
              onChange={(edit) => change(q.key, edit)}
              onMove={(by) => move(index, by)}
              onRemove={() => remove(q.key)}
            />
          </li>
        ))}
      </ol>
      <span data-field="questions" tabIndex={-1} class="field-error">
        {shown.questions}
      </span>
      <button ref={add} type="button" class="secondary" disabled={questions.length >= MAX_QUESTIONS} onClick={addQuestion}>
        {t('dashboard.surveys.editor.addQuestion')}
      </button>
    </section>
  );
}

function QuestionForm({ question, number, first, last, shown, onChange, onMove, onRemove }: {
  question: DraftQuestion;
  number: number;
  first: boolean;
  last: boolean;
  shown: Shown;
  onChange: (edit: Partial<DraftQuestion>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { t } = useT();
  const id = useId();
  const name = t('dashboard.surveys.editor.question', { number });
  const optionsField = `${question.key}.options`;

  const setType = (type: QuestionType) =>
    // A choice needs two options at least: empty ones to fill in; those it had are kept if it changes back.
    onChange({ type, options: isChoice(type) && question.options.length < MIN_OPTIONS ? [...question.options, ...Array.from({ length: MIN_OPTIONS - question.options.length }, newOption)] : question.options });

  const addOption = () => {
    const option = newOption();
    onChange({ options: [...question.options, option] });
    setTimeout(() => document.querySelector<HTMLElement>(`[data-field="${question.key}.${option.key}.${LANGUAGES[0]}"]`)?.focus(), 0);
  };

  return (
    <fieldset class="ms-question">
      <legend>{name}</legend>
      <div class="ms-question-head">
        <div class="field">
          <label for={`${id}-type`}>{t('dashboard.surveys.editor.type', { number })}</label>
          <select id={`${id}-type`} value={question.type} onChange={(e) => setType(e.currentTarget.value as QuestionType)}>
            {QUESTION_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`dashboard.surveys.type.${type}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-check">
          <input id={`${id}-required`} type="checkbox" checked={question.required} onChange={(e) => onChange({ required: e.currentTarget.checked })} />
          <label for={`${id}-required`}>
            {t('dashboard.surveys.editor.required')}
            <span class="visually-hidden"> ({name})</span>
          </label>
        </div>
        <div class="ms-question-moves">
          <button type="button" class="secondary" data-move="-1" disabled={first} onClick={() => onMove(-1)} aria-label={t('dashboard.surveys.editor.moveUpNamed', { number })}>
            {t('dashboard.surveys.editor.moveUp')}
          </button>
          <button type="button" class="secondary" data-move="1" disabled={last} onClick={() => onMove(1)} aria-label={t('dashboard.surveys.editor.moveDownNamed', { number })}>
            {t('dashboard.surveys.editor.moveDown')}
          </button>
          <button type="button" class="danger-quiet" onClick={onRemove} aria-label={t('dashboard.surveys.editor.removeNamed', { number })}>
            {t('dashboard.surveys.editor.remove')}
          </button>
        </div>
      </div>
      <p class="hint">{t(`dashboard.surveys.typeHint.${question.type}`)}</p>
      <Localized
        legend={t('dashboard.surveys.editor.prompt', { number })}
        name={`${question.key}.prompt`}
        text={question.prompt}
        max={MAX_PROMPT}
        shown={shown}
        onInput={(prompt) => onChange({ prompt })}
      />
      {isChoice(question.type) && (
        <div class="ms-options">
          <ol class="ms-option-list">
            {question.options.map((option, index) => (
              <li key={option.key}>
                <Localized
                  legend={t('dashboard.surveys.editor.option', { number: index + 1, question: number })}
                  name={`${question.key}.${option.key}`}
                  text={option.label}
                  max={MAX_OPTION_LABEL}
                  shown={shown}
                  onInput={(label) => onChange({ options: question.options.map((o) => (o.key === option.key ? { ...o, label } : o)) })}
                />
                <button
                  type="button"
                  class="danger-quiet"
                  aria-label={t('dashboard.surveys.editor.removeOptionNamed', { number: index + 1, question: number })}
                  onClick={() => onChange({ options: question.options.filter((o) => o.key !== option.key) })}
                >
                  {t('dashboard.surveys.editor.removeOption')}
                </button>
              </li>
            ))}
          </ol>
          <span data-field={optionsField} tabIndex={-1} class="field-error">
            {shown[optionsField]}
          </span>
          <button type="button" class="secondary" disabled={question.options.length >= MAX_OPTIONS} onClick={addOption} aria-label={t('dashboard.surveys.editor.addOptionNamed', { question: number })}>
            {t('dashboard.surveys.editor.addOption')}
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** The days it runs (both included, in each branch's calendar), where, and on which channels. */
function Schedule({ draft, setDraft, shown, branches }: DraftProps & { branches: BranchRef[] }) {
  const { t, language } = useT();
  const id = useId();
  const sorted = [...branches].sort((a, b) => a.name.localeCompare(b.name, language));
  const toggle = <T,>(list: T[], item: T, on: boolean): T[] => (on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item));
  return (
    <section class="ms-schedule" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('dashboard.surveys.editor.schedule')}</h3>
      <div class="ms-days">
        <div class="field">
          <label for={`${id}-from`}>{t('dashboard.surveys.editor.startsOn')}</label>
          <input id={`${id}-from`} type="date" data-field="startsOn" value={draft.startsOn} aria-invalid={shown.startsOn ? true : undefined} aria-describedby={`${id}-from-error`} onInput={(e) => setDraft({ ...draft, startsOn: e.currentTarget.value })} />
          <FieldError id={`${id}-from-error`} text={shown.startsOn} />
        </div>
        <div class="field">
          <label for={`${id}-to`}>{t('dashboard.surveys.editor.endsOn')}</label>
          <input id={`${id}-to`} type="date" data-field="endsOn" value={draft.endsOn} aria-invalid={shown.endsOn ? true : undefined} aria-describedby={`${id}-to-error`} onInput={(e) => setDraft({ ...draft, endsOn: e.currentTarget.value })} />
          <FieldError id={`${id}-to-error`} text={shown.endsOn} />
        </div>
      </div>
      <p class="hint">{t('dashboard.surveys.editor.daysHint')}</p>

      <fieldset class="ms-branches" aria-describedby={`${id}-branches-error`}>
        <legend>{t('dashboard.surveys.editor.branches')}</legend>
        <div class="field field-check">
          <input id={`${id}-all`} type="radio" name={`${id}-where`} checked={draft.allBranches} onChange={() => setDraft({ ...draft, allBranches: true })} />
          <label for={`${id}-all`}>{t('dashboard.surveys.editor.allBranches')}</label>
        </div>
        <div class="field field-check">
          <input id={`${id}-some`} type="radio" name={`${id}-where`} checked={!draft.allBranches} onChange={() => setDraft({ ...draft, allBranches: false })} />
          <label for={`${id}-some`}>{t('dashboard.surveys.editor.someBranches')}</label>
        </div>
        {!draft.allBranches && (
          <ul class="ms-branch-list">
            {sorted.map((branch, i) => (
              <li key={branch.id} class="field field-check">
                <input
                  id={`${id}-branch-${branch.id}`}
                  type="checkbox"
                  data-field={i === 0 ? 'branches' : undefined}
                  checked={draft.branchIds.includes(branch.id)}
                  aria-invalid={shown.branches ? true : undefined}
                  onChange={(e) => setDraft({ ...draft, branchIds: toggle(draft.branchIds, branch.id, e.currentTarget.checked) })}
                />
                <label for={`${id}-branch-${branch.id}`}>{branch.name}</label>
              </li>
            ))}
          </ul>
        )}
        <FieldError id={`${id}-branches-error`} text={shown.branches} />
      </fieldset>

      <fieldset class="ms-channels" aria-describedby={`${id}-channels-error`}>
        <legend>{t('dashboard.surveys.editor.channels')}</legend>
        {SURVEY_CHANNELS.map((channel, i) => (
          <div class="field field-check" key={channel}>
            <input
              id={`${id}-channel-${channel}`}
              type="checkbox"
              data-field={i === 0 ? 'channels' : undefined}
              checked={draft.channels.includes(channel)}
              aria-invalid={shown.channels ? true : undefined}
              onChange={(e) => setDraft({ ...draft, channels: toggle(draft.channels, channel, e.currentTarget.checked) })}
            />
            <label for={`${id}-channel-${channel}`}>
              {t(`dashboard.surveys.channel.${channel}`)}
              <span class="sub">{t(`dashboard.surveys.channelHint.${channel}`)}</span>
            </label>
          </div>
        ))}
        <FieldError id={`${id}-channels-error`} text={shown.channels} />
      </fieldset>
    </section>
  );
}
