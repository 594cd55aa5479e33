import type { TFunction } from 'i18next';
import type { Figure } from '../../../domain/metrics.ts';
import type { ScoreCounts } from '../../../domain/metrics.ts';
import type { LocalDay } from '../../../domain/period.ts';
import { count, percent, rangeLabel } from '../format.ts';
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

/** The period a figure is compared with, and its figure then. */
export type Earlier = { from: LocalDay; to: LocalDay; figure: Figure };

/**
 * "▲ Up 4.2 points on 25 – 30 Nov (65.8%) · better": the change in percentage points, its
 * direction in words and an arrow, and whether that is better or worse against the target's
 * direction (a complaint rate going down is better).
 */
export function FigureChange({ figure, earlier }: { figure: Figure; earlier: Earlier }) {
  const { t, language } = useT();
  const period = rangeLabel(earlier.from, earlier.to, language);
  const before = earlier.figure.value;
  if (figure.value === null || before === null) return <p class="figure-change muted">{t('dashboard.change.none', { period })}</p>;
  // Rounded to the tenth of a point it is shown with, so "0.0 points up" is never said.
  const points = Math.round((figure.value - before) * 1000) / 10;
  const args = { period, previous: percent(before, language), points: new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Math.abs(points)) };
  if (points === 0) return <p class="figure-change">{t('dashboard.change.same', args)}</p>;
  const up = points > 0;
  const better = figure.target.comparison === 'at-least' ? up : !up;
  return (
    <p class="figure-change">
      <span aria-hidden="true">{up ? '▲' : '▼'} </span>
      {t(up ? 'dashboard.change.up' : 'dashboard.change.down', args)} · <span class={better ? 'better' : 'worse'}>{t(better ? 'dashboard.change.better' : 'dashboard.change.worse')}</span>
    </p>
  );
}

/** A figure as a big card: the Overview's and the day report's. */
export function FigureCard({ figure, scores, earlier }: { figure: Figure; scores: ScoreCounts | null; earlier?: Earlier }) {
  const { t, language } = useT();
  return (
    <article class={`figure-card judged-${judgementOf(figure)}`} data-figure={figure.id}>
      <h3>{t(`dashboard.figure.${figure.id}`)}</h3>
      <p class="figure-value">{percent(figure.value, language)}</p>
      <p class="figure-target">
        {targetText(figure, t, language)} · <Judged figure={figure} />
      </p>
      {earlier && <FigureChange figure={figure} earlier={earlier} />}
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
