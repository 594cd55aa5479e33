import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeviceConfig } from '../../domain/config.ts';
import { isLanguage } from '../../domain/language.ts';
import { SCORES, type Score } from '../../domain/rating.ts';
import { MAX_TEXT_ANSWER, type Answer, type DeviceSurvey, type Question, type Questionnaire } from '../../domain/survey.ts';
import { recordSurveyResponse } from '../../store/survey-responses.ts';
import { Face } from '../components/Face.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { writeAnswer } from '../components/write-answer.ts';
import { useServices, useT } from '../services.tsx';
import { IdleGuard } from './IdleGuard.tsx';
import { BackButton, labelIn } from './steps.tsx';
import { WriteFailed } from './WriteFailed.tsx';

/** How long the survey's thanks stay before the kiosk is ready again: there is no code to copy down. */
export const SURVEY_THANKS_MS = 20_000;

/** A lobby survey as LobbyScreen offers it: running today, with the questions to ask. */
export type LobbySurvey = DeviceSurvey & { questionnaire: Questionnaire };

/** What the customer has given for one question, as they give it (a text untrimmed, as typed). */
type Given = Score | number | string | readonly string[];

/** Why the customer cannot go on: nothing given to a required question, a text too long, or nothing answered at all at Send. */
type Problem = 'required' | 'too-long' | 'nothing' | null;

const PROBLEM_TEXTS = { required: 'surveyLobby.requiredProblem', 'too-long': 'surveyLobby.text.tooLong', nothing: 'surveyLobby.nothingAnswered' } as const;

type Phase = { name: 'question' } | { name: 'thanks' } | { name: 'failed'; reason: string };

/**
 * One customer's answers to the survey the lobby offers: one question per step, in the
 * customer's language (which they may change at any step), then Send and the thanks.
 * Everything given lives in this component's state only and nothing is written before Send:
 * `onEnd` unmounts it, and with it every answer, whether the customer sent, cancelled or
 * walked away.
 */
export function SurveyFlow({ survey, config, largeText, onLargeText, onEnd }: {
  survey: LobbySurvey;
  config: DeviceConfig;
  largeText: boolean;
  onLargeText: (on: boolean) => void;
  onEnd: () => void;
}) {
  const { db, engine } = useServices();
  const { t, language } = useT();
  const [phase, setPhase] = useState<Phase>({ name: 'question' });
  const [index, setIndex] = useState(0);
  const [given, setGiven] = useState<Record<string, Given>>({});
  const [problem, setProblem] = useState<Problem>(null);
  const [sending, setSending] = useState(false);
  // A ref as well as state: two taps on Send in one frame both see the state from before the first.
  const busy = useRef(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const { questions } = survey.questionnaire;
  const question = questions[index]!;
  const last = index === questions.length - 1;

  // The question has the focus when its step opens: a screen reader reads it first, and the keyboard starts there.
  useEffect(() => {
    if (phase.name === 'question') heading.current?.focus();
  }, [index, phase.name]);

  useEffect(() => {
    if (phase.name !== 'thanks') return;
    const timer = setTimeout(onEnd, SURVEY_THANKS_MS);
    return () => clearTimeout(timer);
  }, [phase.name]);

  const give = (value: Given | null) => {
    setGiven((current) => {
      const next = { ...current };
      if (value === null) delete next[question.id];
      else next[question.id] = value;
      return next;
    });
    setProblem(null);
  };
  const goTo = (next: number) => {
    setProblem(null);
    setIndex(next);
  };
  /** The problem that keeps the customer on this question, shown where they are. */
  const holds = (): boolean => {
    const found = problemOf(question, given[question.id]);
    setProblem(found);
    if (found === 'too-long') requestAnimationFrame(() => document.getElementById('survey-text')?.focus());
    return found === null;
  };
  const next = () => {
    if (holds()) goTo(index + 1);
  };
  const skip = () => {
    give(null);
    goTo(index + 1);
  };
  const back = () => (index === 0 ? onEnd() : goTo(index - 1));

  async function send() {
    if (busy.current || !holds()) return;
    const answers = questions.flatMap((q) => {
      const a = answerOf(q, given[q.id]);
      return a ? [a] : [];
    });
    // Every question was optional and none answered: nothing to keep, and nothing is recorded.
    if (answers.length === 0) return setProblem('nothing');
    busy.current = true;
    setSending(true);
    const result = await writeAnswer(
      recordSurveyResponse(db, { surveyId: survey.id, version: survey.version, answers, language: isLanguage(language) ? language : config.branch.defaultLanguage }),
    );
    busy.current = false;
    setSending(false);
    if (!result.ok) return setPhase({ name: 'failed', reason: result.reason });
    engine.requestSync('new-record');
    // Nothing of the answers is kept in memory past this point.
    setGiven({});
    setPhase({ name: 'thanks' });
  }

  if (phase.name === 'thanks') {
    return (
      <section class="lobby-thanks survey-thanks" role="status" aria-live="polite" data-screen="survey-thanks">
        <h1>{t('surveyLobby.thanks.title')}</h1>
        <p>{t('surveyLobby.thanks.detail')}</p>
        <button type="button" class="primary" onClick={onEnd} autoFocus>{t('lobby.thanks.done')}</button>
      </section>
    );
  }
  if (phase.name === 'failed') {
    return (
      <>
        <WriteFailed reason={phase.reason} onCancel={onEnd} onRetry={() => { setPhase({ name: 'question' }); void send(); }} />
        <IdleGuard onExpired={onEnd} />
      </>
    );
  }

  const value = given[question.id];
  const prompt = labelIn(question.prompt, language);
  const hint = question.type === 'multiple' ? t('surveyLobby.multipleHint') : question.required ? t('surveyLobby.required') : undefined;
  return (
    <>
      <section
        class={`lobby-step survey-step survey-${question.type}`}
        aria-labelledby="step-title"
        data-screen="survey-question"
        data-question={question.id}
      >
        <div class="survey-bar">
          <LanguageSwitch />
          <div class="survey-tools">
            <button type="button" class="survey-large-text" aria-pressed={largeText} onClick={() => onLargeText(!largeText)}>{t('surveyLobby.largeText')}</button>
            <button type="button" class="survey-cancel" onClick={onEnd}>{t('surveyLobby.cancel')}</button>
          </div>
        </div>
        <p class="progress">
          <span class="survey-name">{labelIn(survey.questionnaire.title, language)} · </span>
          <span>{t('surveyLobby.progress', { step: index + 1, total: questions.length })}</span>
        </p>
        <h1 id="step-title" tabIndex={-1} ref={heading}>{prompt}</h1>
        {hint && <p class="hint" id="step-hint">{hint}</p>}
        <div class="step-body">
          <QuestionInput question={question} value={value} give={give} problem={problem} />
          <p class="error" id="survey-error" role={problem ? 'alert' : undefined}>
            {problem && t(PROBLEM_TEXTS[problem], { max: MAX_TEXT_ANSWER })}
          </p>
        </div>
        <div class="step-footer">
          <BackButton back={back} />
          {!question.required && !last && <button type="button" class="skip" onClick={skip}>{t('lobby.skip')}</button>}
          {last ? (
            <button type="button" class="primary" onClick={() => void send()} disabled={sending}>{sending ? t('lobby.review.sending') : t('surveyLobby.send')}</button>
          ) : (
            <button type="button" class="primary" onClick={next}>{t('lobby.next')}</button>
          )}
        </div>
      </section>
      {/* Sending ends by itself in the thanks or the failure; every other moment asks before clearing. */}
      {!sending && <IdleGuard onExpired={onEnd} />}
    </>
  );
}

/** The controls of one question, by its type; each group is named by the question, the heading. */
function QuestionInput({ question, value, give, problem }: { question: Question; value: Given | undefined; give: (value: Given | null) => void; problem: Problem }) {
  const { t, language } = useT();
  const invalid = problem !== null || undefined;
  switch (question.type) {
    case 'faces':
      return (
        <div class="scores visit-scores survey-faces" role="radiogroup" aria-labelledby="step-title" aria-describedby="survey-error" aria-invalid={invalid}>
          {SCORES.map((score) => (
            <button key={score} type="button" role="radio" class={`score score-${score}`} data-score={score} aria-checked={value === score} onClick={() => give(score)}>
              <Face score={score} />
              <span>{t(`counter.score.${score}`)}</span>
            </button>
          ))}
        </div>
      );
    case 'recommend':
      return (
        <div class="recommend">
          <div class="recommend-scale" role="radiogroup" aria-labelledby="step-title" aria-describedby="survey-error" aria-invalid={invalid}>
            {Array.from({ length: 11 }, (_, n) => (
              <button
                key={n}
                type="button"
                role="radio"
                class="choice recommend-value"
                data-value={n}
                aria-checked={value === n}
                aria-label={n === 0 ? t('surveyLobby.recommend.lowValue', { value: n }) : n === 10 ? t('surveyLobby.recommend.highValue', { value: n }) : undefined}
                onClick={() => give(n)}
              >
                {n}
              </button>
            ))}
          </div>
          <p class="recommend-ends" aria-hidden="true">
            <span>0 = {t('surveyLobby.recommend.low')}</span>
            <span>10 = {t('surveyLobby.recommend.high')}</span>
          </p>
        </div>
      );
    case 'single':
      return (
        <div class="choice-grid survey-options" role="radiogroup" aria-labelledby="step-title" aria-describedby="survey-error" aria-invalid={invalid}>
          {question.options.map((option) => (
            <button key={option.id} type="button" role="radio" class="choice" data-option={option.id} aria-checked={value === option.id} onClick={() => give(option.id)}>
              {labelIn(option.label, language)}
            </button>
          ))}
        </div>
      );
    case 'multiple': {
      const chosen = Array.isArray(value) ? (value as readonly string[]) : [];
      // In the questionnaire's order, whatever the order of the taps: the record reads as the question does.
      const toggle = (id: string) => {
        const next = question.options.map((o) => o.id).filter((x) => (x === id ? !chosen.includes(x) : chosen.includes(x)));
        give(next.length > 0 ? next : null);
      };
      return (
        <div class="choice-grid survey-options" role="group" aria-labelledby="step-title" aria-describedby="step-hint survey-error">
          {question.options.map((option) => (
            <button key={option.id} type="button" class="choice" data-option={option.id} aria-pressed={chosen.includes(option.id)} onClick={() => toggle(option.id)}>
              {labelIn(option.label, language)}
            </button>
          ))}
        </div>
      );
    }
    case 'text': {
      const text = typeof value === 'string' ? value : '';
      const left = MAX_TEXT_ANSWER - [...text.trim()].length;
      return (
        <>
          <label for="survey-text" class="visually-hidden">{t('surveyLobby.text.label')}</label>
          <textarea
            id="survey-text"
            value={text}
            onInput={(e) => give(e.currentTarget.value === '' ? null : e.currentTarget.value)}
            rows={5}
            autocomplete="off"
            spellcheck
            aria-invalid={invalid}
            aria-describedby={`${question.required ? 'step-hint ' : ''}survey-text-left survey-error`}
          />
          <p id="survey-text-left" class={left < 0 ? 'counter-left over' : 'counter-left'}>
            {left >= 0 ? t('surveyLobby.text.left', { count: left }) : t('surveyLobby.text.over', { count: -left, max: MAX_TEXT_ANSWER })}
          </p>
        </>
      );
    }
  }
}

/** The answer the record carries for what the customer gave, or null for none (a blank text is none). */
function answerOf(question: Question, value: Given | undefined): Answer | null {
  if (value === undefined) return null;
  const questionId = question.id;
  switch (question.type) {
    case 'faces':
      return typeof value === 'string' ? { type: 'faces', questionId, score: value as Score } : null;
    case 'recommend':
      return typeof value === 'number' ? { type: 'recommend', questionId, value } : null;
    case 'single':
      return typeof value === 'string' ? { type: 'single', questionId, optionId: value } : null;
    case 'multiple':
      return Array.isArray(value) && value.length > 0 ? { type: 'multiple', questionId, optionIds: [...(value as readonly string[])] } : null;
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? { type: 'text', questionId, text: value.trim() } : null;
  }
}

/** Whether the customer may leave a question as it is: a required one needs an answer, and a text must fit. */
function problemOf(question: Question, value: Given | undefined): Problem {
  if (question.type === 'text' && typeof value === 'string' && [...value.trim()].length > MAX_TEXT_ANSWER) return 'too-long';
  if (question.required && answerOf(question, value) === null) return 'required';
  return null;
}
