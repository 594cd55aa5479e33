import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeviceConfig } from '../../domain/config.ts';
import { isLanguage, LANGUAGES, type Language } from '../../domain/language.ts';
import type { OpinionProblem } from '../../domain/opinion.ts';
import { recordOpinion } from '../../store/opinions.ts';
import { useServices, useT } from '../services.tsx';
import { speak, speakInTurn } from '../speech.ts';
import { IdleGuard } from './IdleGuard.tsx';
import { WriteFailed } from './WriteFailed.tsx';
import { EMPTY_DRAFT, STEPS, problemsOf, stepOf, toOpinionInput, type Draft, type Step } from './draft.ts';
import { ContactStep, KindStep, LanguageStep, ReviewStep, TextStep, TopicStep, VisitStep, type StepProps } from './steps.tsx';
import { writeAnswer } from '../components/write-answer.ts';

/** How long the thanks screen (and its reference code) stays before the kiosk is ready again. */
export const THANKS_MS = 45_000;

type Phase =
  | { name: 'step'; step: Step }
  | { name: 'saving' }
  | { name: 'thanks'; referenceCode: string; wantsReply: boolean }
  | { name: 'failed'; reason: string };

/**
 * One customer's entry, from the language to the thanks and its reference code. Everything
 * the customer typed lives in this component's state only; `onEnd` unmounts it, and with it
 * the draft, whether the customer finished, cleared it or walked away.
 */
export function OpinionFlow({ config, elderly, onEnd }: { config: DeviceConfig; elderly: boolean; onEnd: () => void }) {
  const { db, engine, i18n } = useServices();
  const { t, language } = useT();
  const [phase, setPhase] = useState<Phase>({ name: 'step', step: 'language' });
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [problems, setProblems] = useState<OpinionProblem[]>([]);
  // A ref as well as state: two taps on Send in one frame both see the state from before the first.
  const sending = useRef(false);

  const step = phase.name === 'step' ? phase.step : null;
  // Spoken prompts in the mode for the elderly: each screen says its question, once, in the
  // voice the branch set for the language. The language step asks in all four, one after the
  // other, the branch's own first: the customer has not chosen one yet.
  useEffect(() => {
    if (!elderly) return;
    if (step === 'language') {
      const first = config.branch.defaultLanguage;
      const order = [first, ...LANGUAGES.filter((lng) => lng !== first)];
      speakInTurn(order.map((lng) => ({ text: i18n.getFixedT(lng)('lobby.language.title'), language: lng })), config.voices);
    } else if (step) speak(t(`lobby.${step}.title`), language, config.voices);
    if (phase.name === 'thanks') speak(`${t('lobby.thanks.title')}. ${t('lobby.thanks.code')}: ${phase.referenceCode.split('').join(' ')}`, language, config.voices);
  }, [step, phase.name, elderly, language]);

  useEffect(() => {
    if (phase.name !== 'thanks') return;
    const timer = setTimeout(onEnd, THANKS_MS);
    return () => clearTimeout(timer);
  }, [phase.name]);

  const goTo = (next: Step) => {
    setProblems([]);
    setPhase({ name: 'step', step: next });
  };
  const change = (patch: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...patch }));
    // A field the customer is fixing stops showing its old message.
    setProblems((current) => current.filter((p) => !touches(p, patch)));
  };

  /** Moves on from a step, unless its own fields have problems: those are shown where they are. */
  function next() {
    if (!step) return;
    if (step === 'text' || step === 'contact') {
      const found = problemsOf(draft, step);
      if (found.length > 0) {
        setProblems(found);
        focusFirstInvalid();
        return;
      }
    }
    const index = STEPS.indexOf(step);
    goTo(STEPS[Math.min(index + 1, STEPS.length - 1)]!);
  }
  const back = () => {
    if (!step) return;
    const index = STEPS.indexOf(step);
    if (index === 0) onEnd();
    else goTo(STEPS[index - 1]!);
  };

  async function send() {
    if (sending.current) return;
    const found = problemsOf(draft, 'review');
    if (found.length > 0) {
      setPhase({ name: 'step', step: stepOf(found[0]!) });
      setProblems(found);
      return;
    }
    const input = toOpinionInput(draft, isLanguage(language) ? language : config.branch.defaultLanguage);
    if (!input) return goTo(draft.kind ? 'topic' : 'kind');
    sending.current = true;
    setPhase({ name: 'saving' });
    const result = await writeAnswer(recordOpinion(db, input));
    sending.current = false;
    if (!result.ok) return setPhase({ name: 'failed', reason: result.reason });
    engine.requestSync('new-record');
    // Nothing of the entry is kept in memory past this point but the code to show.
    setDraft(EMPTY_DRAFT);
    setPhase({ name: 'thanks', referenceCode: result.value.referenceCode, wantsReply: input.contact?.wantsReply ?? false });
  }

  const props: StepProps = { draft, change, config, problems, next, back, goTo };
  let body;
  if (phase.name === 'thanks') {
    body = (
      <section class="lobby-thanks" role="status" aria-live="polite" data-screen="lobby-thanks">
        <h1>{t('lobby.thanks.title')}</h1>
        <p>{t('lobby.thanks.detail')}</p>
        <p class="code-label">{t('lobby.thanks.code')}</p>
        <p class="reference-code" data-testid="reference-code">{phase.referenceCode}</p>
        <p class="hint">{t('lobby.thanks.codeHint')}</p>
        {phase.wantsReply && <p>{t('lobby.thanks.reply')}</p>}
        <button type="button" class="primary" onClick={onEnd} autoFocus>{t('lobby.thanks.done')}</button>
      </section>
    );
  } else if (phase.name === 'failed') {
    body = <WriteFailed reason={phase.reason} onCancel={onEnd} onRetry={() => void send()} />;
  } else if (phase.name === 'saving' || phase.step === 'review') {
    body = <ReviewStep {...props} send={() => void send()} sending={phase.name === 'saving'} />;
  } else {
    const views: Record<Exclude<Step, 'review'>, () => preact.JSX.Element> = {
      language: () => <LanguageStep back={back} first={config.branch.defaultLanguage} onPick={(lng: Language) => { void i18n.changeLanguage(lng); goTo('kind'); }} />,
      kind: () => <KindStep {...props} />,
      topic: () => <TopicStep {...props} />,
      text: () => <TextStep {...props} />,
      visit: () => <VisitStep {...props} />,
      contact: () => <ContactStep {...props} />,
    };
    body = views[phase.step]();
  }
  return (
    <>
      {body}
      {/* The thanks screen ends by itself; every other screen of an entry asks before clearing. */}
      {phase.name !== 'thanks' && phase.name !== 'saving' && <IdleGuard onExpired={onEnd} />}
    </>
  );
}

/** Whether a change to the draft touches the field a problem is about. */
function touches(problem: OpinionProblem, patch: Partial<Draft>): boolean {
  switch (problem.field) {
    case 'text':
      return 'text' in patch;
    case 'phone':
      return 'phone' in patch;
    case 'email':
      return 'email' in patch;
    case 'contact':
      return 'phone' in patch || 'email' in patch || 'wantsReply' in patch;
    case 'consent':
      return 'consent' in patch || 'name' in patch || 'phone' in patch || 'email' in patch;
  }
}

/** After a failed Next, the keyboard goes to the first field the customer must fix. */
function focusFirstInvalid(): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}
