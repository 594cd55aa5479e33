import { share } from '../../../domain/metrics.ts';
import { bucketLabel, count, percent } from '../format.ts';
import { useT } from '../services.tsx';

export interface SparkPoint {
  bucket: string;
  ratings: number;
  satisfied: number;
}

const WIDTH = 150;
const HEIGHT = 36;

/**
 * A row's trend in a table cell: ratings per bucket as bars, satisfaction as a line over
 * them. Plain SVG, not a chart library: a table of 50 tellers draws 50 of these at once.
 * A screen reader gets the same in a sentence.
 */
export function Sparkline({ points }: { points: readonly SparkPoint[] }) {
  const { t, language } = useT();
  const rated = points.filter((p) => p.ratings > 0);
  if (rated.length === 0) return <span class="muted">{t('dashboard.trend.none')}</span>;
  const most = Math.max(...points.map((p) => p.ratings));
  const step = WIDTH / points.length;
  const y = (value: number) => HEIGHT - 2 - value * (HEIGHT - 4);
  const line = points
    .map((p, i) => ({ x: i * step + step / 2, s: share(p.satisfied, p.ratings) }))
    .filter((p): p is { x: number; s: number } => p.s !== null)
    .map((p) => `${p.x.toFixed(1)},${y(p.s).toFixed(1)}`)
    .join(' ');
  const total = points.reduce((sum, p) => sum + p.ratings, 0);
  const first = rated[0]!;
  const last = rated[rated.length - 1]!;
  const label = t('dashboard.trend.summary', {
    from: bucketLabel(first.bucket, language),
    to: bucketLabel(last.bucket, language),
    first: percent(share(first.satisfied, first.ratings), language),
    last: percent(share(last.satisfied, last.ratings), language),
    ratings: count(total, language),
    count: total,
  });
  return (
    <svg class="sparkline" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width={WIDTH} height={HEIGHT} role="img" aria-label={label}>
      <title>{label}</title>
      {points.map((p, i) => p.ratings > 0 && <rect key={p.bucket} class="spark-bar" x={i * step + step * 0.15} width={step * 0.7} y={HEIGHT - (p.ratings / most) * (HEIGHT - 2)} height={(p.ratings / most) * (HEIGHT - 2)} />)}
      {rated.length > 1 ? <polyline class="spark-line" points={line} /> : <circle class="spark-dot" cx={line.split(',')[0]} cy={line.split(',')[1]} r="2.5" />}
    </svg>
  );
}
