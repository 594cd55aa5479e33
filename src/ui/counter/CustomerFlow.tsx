import type { ComponentChild } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { isLanguage } from '../../domain/language.ts';
import { SCORES, type Score } from '../../domain/rating.ts';
import type { Shift } from '../../domain/shift.ts';
import type { Teller } from '../../domain/teller.ts';
import type { EnrolledDevice } from '../../store/device.ts';
import { recordRating } from '../../store/ratings.ts';
import { Face } from '../components/Face.tsx';
import { useIdle } from '../components/idle.ts';
import { TellerCard } from '../components/TellerCard.tsx';
import { useServices, useT } from '../services.tsx';
import { speak } from '../speech.ts';
import { writeAnswer } from '../components/write-answer.ts';

type Phase =
  | { name: 'ready' }
  | { name: 'reasons'; score: Score; picked: string[] }
  | { name: 'saving' }
  | { name: 'thanks'; survey?: ComponentChild }
  | { name: 'failed'; reason: string };

/** How long a failure stays on screen before the buttons come back. */
const FAILURE_MS = 6000;
/** A customer who walks away from the reasons: the rating is saved rather than lost. */
export const REASONS_TIMEOUT_MS = 20_000;
/** A customer who switched language or text size and left without rating: the next one gets the defaults. */
export const CUSTOMER_IDLE_MS = 30_000;
/** Untouched this long, the ready screen turns to its attract state to invite the next customer. */
export const ATTRACT_AFTER_MS = 60_000;
/** Thanks with a survey code stay this long: a customer needs the time to take out a phone and scan. */
export const SURVEY_THANKS_MS = 20_000;
/**
 * After Done, taps wait this long: the second tap of a hurried double tap on Done would
 * otherwise land on the face that takes its place, a rating nobody gave.
 */
export const AFTER_DONE_MS = 700;

/**
 * The survey code's chunk: loaded when the faces first show on a tablet with a visit key, so
 * that it is ready when a customer rates; the service worker precaches it for offline.
 */
const loadVisitSurvey = () => import('./VisitSurvey.tsx');

/**
 * One customer at an open window: the teller's card and four faces; reasons after neutral or
 * dissatisfied; thanks; then back by itself with the branch's language and normal text.
 * Taps while saving or thanking are ignored: one customer, one rating.
 */
export function CustomerFlow({ device, shift, teller, largeText, setLargeText }: {
  device: EnrolledDevice;
  shift: Extract<Shift, { state: 'open' }>;
  teller: Teller | undefined;
  largeText: boolean;
  setLargeText: (on: boolean) => void;
}) {
  const { db, i18n } = useServices();
  const { t, language } = useT();
  const [phase, setPhase] = useState<Phase>({ name: 'ready' });
  const [attract, setAttract] = useState(false);
  // A ref, not state: two taps in one frame both see the state from before the first.
  const busy = useRef(false);
  const { config } = device;
  const say = (text: string) => config.speech && speak(text, language, config.voices);
  // A counter has a visit key while a phone survey is scheduled at its branch; whether one
  // runs today is the chunk's to say.
  const { visitKey } = config;

  function nextCustomer() {
    void i18n.changeLanguage(config.branch.defaultLanguage);
    setLargeText(false);
  }

  useEffect(() => {
    if (visitKey) loadVisitSurvey().catch(() => undefined);
  }, [visitKey]);

  useEffect(() => {
    if (phase.name !== 'thanks' && phase.name !== 'failed') return;
    const timer = setTimeout(
      () => {
        nextCustomer();
        busy.current = false;
        setPhase({ name: 'ready' });
      },
      phase.name === 'failed' ? FAILURE_MS : phase.survey ? Math.max(config.ratingCooldownMs, SURVEY_THANKS_MS) : config.ratingCooldownMs,
    );
    return () => clearTimeout(timer);
  }, [phase, config]);

  /** Done under a survey code: the faces at once, and taps again a moment later. */
  function done() {
    nextCustomer();
    setPhase({ name: 'ready' });
    setTimeout(() => (busy.current = false), AFTER_DONE_MS);
  }

  useIdle(CUSTOMER_IDLE_MS, nextCustomer, { enabled: phase.name === 'ready' && (language !== config.branch.defaultLanguage || largeText), events: ['pointerdown'] });

  // The attract state invites without adding a step: the faces stay live, one tap rates.
  useIdle(ATTRACT_AFTER_MS, () => setAttract(true), { enabled: phase.name === 'ready', events: ['pointerdown'], onActivity: () => setAttract(false) });
  useEffect(() => {
    if (phase.name !== 'ready') setAttract(false);
  }, [phase]);

  useEffect(() => {
    if (phase.name !== 'reasons') return;
    const timer = setTimeout(() => void save(phase.score, phase.picked), REASONS_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [phase]);

  const reasonsFor = (score: Score) => config.reasons.filter((r) => (r.scores as readonly string[]).includes(score));

  function tap(score: Score) {
    if (busy.current) return;
    if (reasonsFor(score).length > 0) {
      setPhase({ name: 'reasons', score, picked: [] });
      say(t('counter.reasons.title'));
      return;
    }
    void save(score, []);
  }

  async function save(score: Score, reasons: string[]) {
    // A tap on a face, Done, Skip and the reasons timeout all end here: two of them in one
    // frame save once.
    if (busy.current) return;
    busy.current = true;
    setPhase({ name: 'saving' });
    const result = await writeAnswer(recordRating(db, {
      branchId: config.branch.id,
      counterId: config.counter?.id ?? '',
      tellerId: shift.tellerId,
      signInId: shift.signInId,
      score,
      reasons,
      language: isLanguage(i18n.language) ? i18n.language : config.branch.defaultLanguage,
    }));
    if (!result.ok) return setPhase({ name: 'failed', reason: result.reason });
    say(t('counter.thanks'));
    const thanks: Phase = { name: 'thanks' };
    setPhase(thanks);
    // The visit's survey code joins these thanks if they are still on screen when it is made (a
    // moment: the chunk is loaded already); without it, the thanks are as they always were.
    if (visitKey)
      loadVisitSurvey()
        .then((chunk) => chunk.visitSurvey(i18n, { config, deviceId: device.identity.deviceId, rating: result.value, onDone: done }))
        .then((survey) => survey && setPhase((now) => (now === thanks ? { name: 'thanks', survey } : now)), console.error);
  }

  if (phase.name === 'thanks') {
    return (
      <section class={phase.survey ? 'thanks with-survey' : 'thanks'} role="status" aria-live="polite" data-screen="counter-thanks">
        <h1>{t('counter.thanks')}</h1>
        <p>{t('counter.thanksDetail')}</p>
        {phase.survey}
      </section>
    );
  }
  if (phase.name === 'failed') {
    return (
      <section class="failed" role="alert" data-screen="counter-failed">
        <h1>{t('counter.notSaved')}</h1>
        <p>{t(`errors.${phase.reason}`, { defaultValue: t('errors.unknown') })}</p>
      </section>
    );
  }
  if (phase.name === 'reasons') {
    const toggle = (id: string) =>
      setPhase({ ...phase, picked: phase.picked.includes(id) ? phase.picked.filter((p) => p !== id) : [...phase.picked, id] });
    return (
      <section class="reasons" data-screen="counter-reasons">
        <h1>{t('counter.reasons.title')}</h1>
        <p class="detail">{t('counter.reasons.detail')}</p>
        <div class="reason-list" role="group" aria-label={t('counter.reasons.title')}>
          {reasonsFor(phase.score).map((reason) => (
            <button key={reason.id} type="button" class="reason" aria-pressed={phase.picked.includes(reason.id)} data-reason={reason.id} onClick={() => toggle(reason.id)}>
              {isLanguage(language) ? reason.labels[language] : reason.labels.en}
            </button>
          ))}
        </div>
        <div class="actions">
          <button type="button" onClick={() => void save(phase.score, [])}>{t('counter.reasons.skip')}</button>
          <button type="button" class="primary" onClick={() => void save(phase.score, phase.picked)}>{t('counter.reasons.done')}</button>
        </div>
      </section>
    );
  }
  return (
    <section class={attract ? 'rate attract' : 'rate'} aria-busy={phase.name === 'saving'} data-screen={phase.name === 'saving' ? 'counter-saving' : 'counter-ready'} data-attract={attract || undefined}>
      {teller && <TellerCard teller={teller} />}
      {attract && <p class="invite" role="status">{t('counter.invite')}</p>}
      <h1>{t('counter.prompt')}</h1>
      <p class="detail">{t('counter.promptDetail')}</p>
      <div class="scores">
        {SCORES.map((score) => (
          <button key={score} type="button" class={`score score-${score}`} data-score={score} onClick={() => tap(score)}>
            <Face score={score} />
            <span>{t(`counter.score.${score}`)}</span>
          </button>
        ))}
      </div>
      <div class="assist">
        <button type="button" aria-pressed={largeText} onClick={() => setLargeText(!largeText)}>{t('counter.largeText')}</button>
        {config.speech && (
          <button type="button" onClick={() => say(`${t('counter.prompt')} ${SCORES.map((s) => t(`counter.score.${s}`)).join(', ')}`)}>{t('counter.readAloud')}</button>
        )}
      </div>
    </section>
  );
}
