import type { TFunction } from 'i18next';
import type { Figure } from '../../../domain/metrics.ts';
import type { ScoreCounts } from '../../../domain/metrics.ts';
import { count, percent } from '../format.ts';
import { useT } from '../services.tsx';

/**
 * The programme's three figures (domain/metrics.ts) as the dashboard shows them: the value,
 * the target, whether it is met (in words and an icon, never colour alone), and the sum it
 * was computed from, with the actual numbers.
 */

type Judgement = 'met' | 'missed' | 'no-data';
export const judgementOf = (figure: Figure): Judgement => (figure.met === null ? 'no-data' : figure.met ? 'met' : 'missed');
const ICON: Record<Judgement, string> = { met: '✓', missed: '✗', 'no-data': '–' };

/** "(412 very satisfied + 301 satisfied) / 850 ratings": how a figure was computed. */
export function figureFormula(figure: Figure, scores: ScoreCounts | null, t: TFunction, language: string): string {
  const n = (key: string, value: number) => t(`dashboard.n.${key}`, { count: value, n: count(value, language) });
  switch (figure.id) {
    case 'satisfaction':
      return scores
        ? t('dashboard.formula.satisfaction', { verySatisfied: n('verySatisfied', scores['very-satisfied']), satisfied: n('satisfied', scores.satisfied), ratings: n('ratings', figure.denominator) })
        : t('dashboard.formula.satisfactionTotal', { satisfied: n('satisfiedTotal', figure.numerator), ratings: n('ratings', figure.denominator) });
    case 'complaint-rate':
      return t('dashboard.formula.complaintRate', { cases: n('casesOpened', figure.numerator), ratings: n('ratings', figure.denominator) });
    case 'follow-up-rate':
      return t('dashboard.formula.followUpRate', { followedUp: n('followedUp', figure.numerator), replied: n('replied', figure.denominator) });
  }
}

/** "Target: at least 80%". */
export const targetText = (figure: Figure, t: TFunction, language: string): string =>
  t(`dashboard.target.${figure.target.comparison}`, { value: percent(figure.target.value, language) });

/** ✓ Target met, ✗ Target missed, – No data: the words carry it, the icon and colour help. */
export function Judged({ figure }: { figure: Figure }) {
  const { t } = useT();
  const judgement = judgementOf(figure);
  return (
    <span class={`judged judged-${judgement}`}>
      <span aria-hidden="true" class="judged-icon">
        {ICON[judgement]}
      </span>{' '}
      {t(`dashboard.judgement.${judgement}`)}
    </span>
  );
}

/** A figure as a big card: the Overview's and the day report's. */
export function FigureCard({ figure, scores }: { figure: Figure; scores: ScoreCounts | null }) {
  const { t, language } = useT();
  return (
    <article class={`figure-card judged-${judgementOf(figure)}`} data-figure={figure.id}>
      <h3>{t(`dashboard.figure.${figure.id}`)}</h3>
      <p class="figure-value">{percent(figure.value, language)}</p>
      <p class="figure-target">
        {targetText(figure, t, language)} · <Judged figure={figure} />
      </p>
      <p class="figure-formula">
        <span class="visually-hidden">{t('dashboard.computedAs')} </span>
        {figureFormula(figure, scores, t, language)}
      </p>
    </article>
  );
}

/** A figure in a table cell: "83.9% ✓" with the sum under it. */
export function FigureCell({ figure, scores }: { figure: Figure; scores: ScoreCounts | null }) {
  const { t, language } = useT();
  return (
    <span class="figure-cell">
      <span class="figure-cell-value">{percent(figure.value, language)}</span> <Judged figure={figure} />
      <span class="figure-cell-formula">{figureFormula(figure, scores, t, language)}</span>
    </span>
  );
}
