import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { DeviceConfig } from '../../domain/config.ts';
import { LANGUAGES, isLanguage, type Language } from '../../domain/language.ts';
import { charactersLeft, MAX_OPINION_TEXT, OPINION_KINDS, type OpinionKind, type OpinionProblem } from '../../domain/opinion.ts';
import { SCORES, type Score } from '../../domain/rating.ts';
import { Face } from '../components/Face.tsx';
import { useServices, useT } from '../services.tsx';
import { STEPS, hasContactFields, hasVisit, type Draft, type Step } from './draft.ts';

/** `t` for the screen's language, and i18next for the texts of the others. */
function useTexts() {
  return { ...useT(), i18n: useServices().i18n };
}

/** What every step gets from the flow. */
export interface StepProps {
  draft: Draft;
  change: (patch: Partial<Draft>) => void;
  config: DeviceConfig;
  problems: OpinionProblem[];
  next: () => void;
  back: () => void;
  goTo: (step: Step) => void;
}

/** A label in the screen's language from a `{ [language]: text }` object (topics). */
export const labelIn = (labels: Record<Language, string>, language: string): string => labels[isLanguage(language) ? language : 'en'];

/**
 * The frame of a step: progress, the question as the heading (focused when the step opens,
 * so a screen reader reads it and the keyboard starts there), the content, Back and Next.
 */
function StepFrame({ step, title, hint, children, footer }: { step: Step; title: string; hint?: string; children: ComponentChildren; footer: ComponentChildren }) {
  const { t } = useT();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [step]);
  return (
    <section class={`lobby-step step-${step}`} aria-labelledby="step-title" data-screen={`lobby-${step}`}>
      <p class="progress">{t('lobby.progress', { step: STEPS.indexOf(step) + 1, total: STEPS.length })}</p>
      <h1 id="step-title" tabIndex={-1} ref={heading}>{title}</h1>
      {hint && <p class="hint" id="step-hint">{hint}</p>}
      <div class="step-body">{children}</div>
      <div class="step-footer">{footer}</div>
    </section>
  );
}

export function BackButton({ back }: { back: () => void }) {
  const { t } = useT();
  return <button type="button" class="back" onClick={back}>{t('lobby.back')}</button>;
}

/**
 * The customer has not chosen a language yet: the question in all four, each in its own
 * (the screen's first, as the heading), and the four languages with the branch's own first.
 * None is marked as chosen: the customer chooses.
 */
export function LanguageStep({ onPick, back, first }: { onPick: (language: Language) => void; back: () => void; first: Language }) {
  const { t, language, i18n } = useTexts();
  const others = LANGUAGES.filter((lng) => lng !== language);
  const order = [first, ...LANGUAGES.filter((lng) => lng !== first)];
  return (
    <StepFrame step="language" title={t('lobby.language.title')} footer={<BackButton back={back} />}>
      <ul class="question-others">
        {others.map((lng) => <li key={lng} lang={lng}>{i18n.getFixedT(lng)('lobby.language.title')}</li>)}
      </ul>
      <div class="choice-grid languages">
        {order.map((lng) => (
          <button key={lng} type="button" class="choice" lang={lng} data-default={lng === first || undefined} onClick={() => onPick(lng)}>
            {t(`language.names.${lng}`)}
          </button>
        ))}
      </div>
    </StepFrame>
  );
}

export function KindStep({ draft, change, next, back }: StepProps) {
  const { t } = useT();
  const pick = (kind: OpinionKind) => {
    // Another kind may offer other topics: the one picked before no longer holds.
    change(kind === draft.kind ? {} : { kind, topicId: null });
    next();
  };
  return (
    <StepFrame step="kind" title={t('lobby.kind.title')} footer={<BackButton back={back} />}>
      <div class="choice-grid kinds">
        {OPINION_KINDS.map((kind) => (
          <button key={kind} type="button" class={`choice kind-${kind}`} aria-pressed={draft.kind === kind} aria-describedby={`kind-${kind}-hint`} onClick={() => pick(kind)}>
            <span class="choice-title">{t(`lobby.kind.${kind}`)}</span>
            <span class="choice-hint" id={`kind-${kind}-hint`}>{t(`lobby.kind.${kind}Hint`)}</span>
          </button>
        ))}
      </div>
    </StepFrame>
  );
}

export function TopicStep({ draft, change, config, next, back }: StepProps) {
  const { t, language } = useT();
  const topics = config.topics.filter((topic) => draft.kind && (topic.kinds as readonly string[]).includes(draft.kind));
  return (
    <StepFrame step="topic" title={t('lobby.topic.title')} footer={<BackButton back={back} />}>
      <div class="choice-grid topics">
        {topics.map((topic) => (
          <button key={topic.id} type="button" class="choice" data-topic={topic.id} aria-pressed={draft.topicId === topic.id} onClick={() => { change({ topicId: topic.id }); next(); }}>
            {labelIn(topic.labels, language)}
          </button>
        ))}
      </div>
    </StepFrame>
  );
}

/** The inline message for the first problem with `field`, in the customer's language. */
function FieldError({ id, problems, field }: { id: string; problems: OpinionProblem[]; field: OpinionProblem['field'] }) {
  const { t } = useT();
  const problem = problems.find((p) => p.field === field);
  return <p class="error" id={id} role={problem ? 'alert' : undefined}>{problem ? t(`opinion.errors.${problem.code}`) : ''}</p>;
}

export function TextStep({ draft, change, problems, next, back }: StepProps) {
  const { t } = useT();
  const left = charactersLeft(draft.text);
  const invalid = problems.some((p) => p.field === 'text');
  return (
    <StepFrame step="text" title={t('lobby.text.title')} hint={t('lobby.text.hint')} footer={<><BackButton back={back} /><button type="button" class="primary" onClick={next}>{t('lobby.next')}</button></>}>
      <label for="opinion-text" class="visually-hidden">{t('lobby.text.title')}</label>
      <textarea
        id="opinion-text"
        value={draft.text}
        onInput={(e) => change({ text: e.currentTarget.value })}
        rows={6}
        autocomplete="off"
        spellcheck
        aria-invalid={invalid || undefined}
        aria-describedby="step-hint opinion-text-left opinion-text-error"
      />
      <p id="opinion-text-left" class={left < 0 ? 'counter-left over' : 'counter-left'}>
        {left >= 0 ? t('lobby.text.left', { count: left }) : t('lobby.text.over', { count: -left, max: MAX_OPINION_TEXT })}
      </p>
      <FieldError id="opinion-text-error" problems={problems} field="text" />
    </StepFrame>
  );
}

export function VisitStep({ draft, change, config, next, back }: StepProps) {
  const { t } = useT();
  const toggle = (score: Score) => change({ visitScore: draft.visitScore === score ? null : score });
  const skip = () => {
    change({ visitScore: null, visitCounterId: null, visitTellerId: null });
    next();
  };
  return (
    <StepFrame
      step="visit"
      title={t('lobby.visit.title')}
      hint={t('lobby.visit.hint')}
      footer={<><BackButton back={back} /><button type="button" onClick={skip}>{t('lobby.skip')}</button><button type="button" class="primary" onClick={next}>{t('lobby.next')}</button></>}
    >
      <div class="scores visit-scores" role="group" aria-label={t('lobby.visit.score')}>
        {SCORES.map((score) => (
          <button key={score} type="button" class={`score score-${score}`} data-score={score} aria-pressed={draft.visitScore === score} onClick={() => toggle(score)}>
            <Face score={score} />
            <span>{t(`counter.score.${score}`)}</span>
          </button>
        ))}
      </div>
      <div class="field-row">
        <div class="field">
          <label for="visit-counter">{t('lobby.visit.counter')}</label>
          <select id="visit-counter" value={draft.visitCounterId ?? ''} onChange={(e) => change({ visitCounterId: e.currentTarget.value || null })}>
            <option value="">{t('lobby.visit.noCounter')}</option>
            {config.counters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="visit-teller">{t('lobby.visit.teller')}</label>
          <select id="visit-teller" value={draft.visitTellerId ?? ''} onChange={(e) => change({ visitTellerId: e.currentTarget.value || null })}>
            <option value="">{t('lobby.visit.noTeller')}</option>
            {config.tellers.map((teller) => <option key={teller.id} value={teller.id}>{t('lobby.visit.tellerOption', { name: teller.name, number: teller.staffNumber })}</option>)}
          </select>
        </div>
      </div>
    </StepFrame>
  );
}

export function ContactStep({ draft, change, problems, next, back }: StepProps) {
  const { t } = useT();
  const invalid = (field: OpinionProblem['field']) => problems.some((p) => p.field === field) || undefined;
  const anonymous = () => {
    change({ name: '', phone: '', email: '', wantsReply: false, consent: false });
    next();
  };
  return (
    <StepFrame
      step="contact"
      title={t('lobby.contact.title')}
      hint={t('lobby.contact.hint')}
      footer={<><BackButton back={back} /><button type="button" onClick={anonymous}>{t('lobby.contact.anonymous')}</button><button type="button" class="primary" onClick={next}>{t('lobby.next')}</button></>}
    >
      <div class="field">
        <label for="contact-name">{t('lobby.contact.name')}</label>
        <input id="contact-name" value={draft.name} maxLength={80} autocomplete="off" onInput={(e) => change({ name: e.currentTarget.value })} />
      </div>
      <div class="field-row">
        <div class="field">
          <label for="contact-phone">{t('lobby.contact.phone')}</label>
          <input id="contact-phone" type="tel" inputMode="tel" value={draft.phone} maxLength={30} autocomplete="off" aria-invalid={invalid('phone')} aria-describedby="contact-phone-error" onInput={(e) => change({ phone: e.currentTarget.value })} />
          <FieldError id="contact-phone-error" problems={problems} field="phone" />
        </div>
        <div class="field">
          <label for="contact-email">{t('lobby.contact.email')}</label>
          <input id="contact-email" type="email" inputMode="email" value={draft.email} maxLength={120} autocomplete="off" autocapitalize="none" spellcheck={false} aria-invalid={invalid('email')} aria-describedby="contact-email-error" onInput={(e) => change({ email: e.currentTarget.value })} />
          <FieldError id="contact-email-error" problems={problems} field="email" />
        </div>
      </div>
      <label class="check">
        <input type="checkbox" checked={draft.wantsReply} aria-invalid={invalid('contact')} aria-describedby="contact-reply-error" onChange={(e) => change({ wantsReply: e.currentTarget.checked })} />
        <span>{t('lobby.contact.wantsReply')}</span>
      </label>
      <FieldError id="contact-reply-error" problems={problems} field="contact" />
      <label class="check">
        <input type="checkbox" checked={draft.consent} aria-invalid={invalid('consent')} aria-describedby="contact-consent-error" onChange={(e) => change({ consent: e.currentTarget.checked })} />
        <span>{t('lobby.contact.consent')}</span>
      </label>
      <FieldError id="contact-consent-error" problems={problems} field="consent" />
    </StepFrame>
  );
}

export function ReviewStep({ draft, config, goTo, back, send, sending }: StepProps & { send: () => void; sending: boolean }) {
  const { t, language } = useT();
  const topic = config.topics.find((x) => x.id === draft.topicId);
  const counter = config.counters.find((x) => x.id === draft.visitCounterId);
  const teller = config.tellers.find((x) => x.id === draft.visitTellerId);
  const visit = hasVisit(draft)
    ? [draft.visitScore && t(`counter.score.${draft.visitScore}`), counter?.name, teller && t('lobby.visit.tellerOption', { name: teller.name, number: teller.staffNumber })].filter(Boolean).join(' · ')
    : t('lobby.review.none');
  const contact = hasContactFields(draft)
    ? [draft.name.trim(), draft.phone.trim(), draft.email.trim(), t(draft.wantsReply ? 'lobby.review.wantsReply' : 'lobby.review.noReply')].filter(Boolean).join(' · ')
    : t('lobby.review.anonymous');
  const rows: [Step, string, string][] = [
    ['kind', t('lobby.review.kind'), draft.kind ? t(`lobby.kind.${draft.kind}`) : ''],
    ['topic', t('lobby.review.topic'), topic ? labelIn(topic.labels, language) : ''],
    ['text', t('lobby.review.text'), draft.text.trim()],
    ['visit', t('lobby.review.visit'), visit],
    ['contact', t('lobby.review.contact'), contact],
  ];
  return (
    <StepFrame
      step="review"
      title={t('lobby.review.title')}
      footer={<><BackButton back={back} /><button type="button" class="primary" onClick={send} disabled={sending}>{sending ? t('lobby.review.sending') : t('lobby.review.send')}</button></>}
    >
      <dl class="review">
        {rows.map(([step, label, value]) => (
          <div key={step} class={`review-row review-${step}`}>
            <dt>{label}</dt>
            <dd>{value}</dd>
            <dd class="review-change">
              <button type="button" onClick={() => goTo(step)} aria-label={t('lobby.review.changeWhat', { what: label })}>{t('lobby.review.change')}</button>
            </dd>
          </div>
        ))}
      </dl>
    </StepFrame>
  );
}
