import { SCORES } from '../../../domain/rating.ts';
import { totalRatings, type ScoreCounts } from '../../../domain/metrics.ts';
import { count, percent } from '../format.ts';
import { useT } from '../services.tsx';

/**
 * The four scores as a small stacked bar with the numbers beside it. The bar is a picture of
 * the numbers, so it is hidden from screen readers; the numbers are read with their names.
 * With `shares`, the numbers are each score's share of the total instead of its count.
 */
export function ScoreBar({ scores, wide = false, shares = false }: { scores: ScoreCounts; wide?: boolean; shares?: boolean }) {
  const { t, language } = useT();
  const total = totalRatings(scores);
  return (
    <span class={wide ? 'score-bar wide' : 'score-bar'}>
      <span class="score-bar-track" aria-hidden="true">
        {total > 0 && SCORES.map((score) => scores[score] > 0 && <span key={score} class={`seg seg-${score}`} style={{ width: `${(scores[score] / total) * 100}%` }} />)}
      </span>
      <span class="score-bar-numbers">
        {SCORES.map((score) => (
          <span key={score} class="score-number">
            <span class={`key key-${score}`} aria-hidden="true" />
            <span class="visually-hidden">{t(`counter.score.${score}`)}: </span>
            {shares ? percent(total === 0 ? null : scores[score] / total, language) : count(scores[score], language)}
          </span>
        ))}
      </span>
    </span>
  );
}

/** The legend of the bars: which colour is which score, said once per table. */
export function ScoreLegend() {
  const { t } = useT();
  return (
    <span class="score-legend">
      {SCORES.map((score) => (
        <span key={score}>
          <span class={`key key-${score}`} aria-hidden="true" /> {t(`counter.score.${score}`)}
        </span>
      ))}
    </span>
  );
}
