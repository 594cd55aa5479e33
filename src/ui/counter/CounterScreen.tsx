import { useEffect, useRef, useState } from 'preact/hooks';
import { isLanguage } from '../../domain/language.ts';
import { SCORES, type Score } from '../../domain/rating.ts';
import type { EnrolledDevice } from '../../store/device.ts';
import { recordRating } from '../../store/ratings.ts';
import { Face } from '../components/Face.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { StatusCorner } from '../components/StatusCorner.tsx';
import { useServices, useT } from '../services.tsx';

type Phase = { name: 'ready' } | { name: 'saving' } | { name: 'thanks' } | { name: 'failed'; reason: string };

/** How long a failure stays on screen before the buttons come back. */
const FAILURE_MS = 6000;
/** A customer who switched language and walked away without rating: the next one gets the default. */
const LANGUAGE_IDLE_MS = 30_000;

/**
 * The customer-facing evaluator: four faces, then thanks, then back by itself in the
 * branch's language. Taps while saving or thanking are ignored: one customer, one rating.
 */
export function CounterScreen({ device }: { device: EnrolledDevice }) {
  const { db, i18n } = useServices();
  const [phase, setPhase] = useState<Phase>({ name: 'ready' });
  // A ref, not state: two taps in one frame both see the state from before the first.
  const busy = useRef(false);
  const { config } = device;

  useEffect(() => {
    if (phase.name !== 'thanks' && phase.name !== 'failed') return;
    const timer = setTimeout(
      () => {
        void i18n.changeLanguage(config.branch.defaultLanguage);
        busy.current = false;
        setPhase({ name: 'ready' });
      },
      phase.name === 'thanks' ? config.ratingCooldownMs : FAILURE_MS,
    );
    return () => clearTimeout(timer);
  }, [phase, config, i18n]);

  const { t, language } = useT();
  useEffect(() => {
    if (phase.name !== 'ready' || language === config.branch.defaultLanguage) return;
    let timer = setTimeout(reset, LANGUAGE_IDLE_MS);
    function reset() {
      void i18n.changeLanguage(config.branch.defaultLanguage);
    }
    const touched = () => {
      clearTimeout(timer);
      timer = setTimeout(reset, LANGUAGE_IDLE_MS);
    };
    document.addEventListener('pointerdown', touched, true);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('pointerdown', touched, true);
    };
  }, [phase, language, config, i18n]);

  async function rate(score: Score) {
    if (busy.current || !config.counter) return;
    busy.current = true;
    setPhase({ name: 'saving' });
    const result = await recordRating(db, {
      branchId: config.branch.id,
      counterId: config.counter.id,
      score,
      reasons: [],
      language: isLanguage(i18n.language) ? i18n.language : config.branch.defaultLanguage,
    }).catch(() => ({ ok: false as const, reason: 'unknown', message: '' }));
    setPhase(result.ok ? { name: 'thanks' } : { name: 'failed', reason: result.reason });
  }

  return (
    <div class="counter" data-screen={`counter-${phase.name}`}>
      <header class="counter-header">
        <span class="place">{config.branch.name} · {config.counter?.name}</span>
        <LanguageSwitch />
      </header>
      <main class="counter-main">
        {phase.name === 'thanks' ? (
          <section class="thanks" role="status" aria-live="polite">
            <h1>{t('counter.thanks')}</h1>
            <p>{t('counter.thanksDetail')}</p>
          </section>
        ) : phase.name === 'failed' ? (
          <section class="failed" role="alert">
            <h1>{t('counter.notSaved')}</h1>
            <p>{t(`errors.${phase.reason}`, { defaultValue: t('errors.unknown') })}</p>
          </section>
        ) : (
          <section class="rate" aria-busy={phase.name === 'saving'}>
            <h1>{t('counter.prompt')}</h1>
            <p class="detail">{t('counter.promptDetail')}</p>
            <div class="scores">
              {SCORES.map((score) => (
                <button key={score} type="button" class={`score score-${score}`} data-score={score} onClick={() => void rate(score)}>
                  <Face score={score} />
                  <span>{t(`counter.score.${score}`)}</span>
                </button>
              ))}
            </div>
          </section>
        )}
      </main>
      <StatusCorner />
    </div>
  );
}
