import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { bucketLabel, count, percent } from '../format.ts';
import { useT } from '../services.tsx';

/** One line or set of bars of a trend. */
export interface TrendSeries {
  label: string;
  values: (number | null)[];
  /** `share` values are 0–1 and drawn as percentages on their own axis, on the right. */
  unit: 'count' | 'share';
  style: 'bars' | 'line';
  colour: string;
}

const HEIGHT = 240;

/**
 * A trend over the report's buckets, drawn by uPlot (small and fast: a year of days is
 * nothing to it). A chart says nothing to a screen reader, so the same numbers are a table
 * under it, one click away for everyone. If the browser cannot draw (no canvas), the table
 * is all there is, and nothing else breaks.
 */
export function TrendChart({ title, buckets, series }: { title: string; buckets: readonly string[]; series: readonly TrendSeries[] }) {
  const { t, language } = useT();
  const headingId = useId();
  const holder = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(false);
  // Callers build their series on every render: the chart is drawn again only when the numbers change.
  const key = JSON.stringify([buckets, series, language]);

  useEffect(() => {
    const element = holder.current;
    if (!element || buckets.length === 0) return;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let cancelled = false;
    void import('./uplot.ts')
      .then(({ default: UPlot }) => {
        if (cancelled) return;
        chart = new UPlot(chartOptions(UPlot, element.clientWidth || 600, buckets, series, language), [buckets.map((_, i) => i), ...series.map((s) => s.values.map((v) => (v === null ? null : s.unit === 'share' ? v * 100 : v)))], element);
        setDrawn(true);
        if (typeof ResizeObserver !== 'undefined') {
          observer = new ResizeObserver(() => chart?.setSize({ width: element.clientWidth, height: HEIGHT }));
          observer.observe(element);
        }
      })
      // No canvas (or no chart library): the table below carries the same numbers.
      .catch(() => setDrawn(false));
    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [key]);

  const format = (s: TrendSeries, value: number | null) => (value === null ? '–' : s.unit === 'share' ? percent(value, language) : count(value, language));
  return (
    <figure class="trend" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {buckets.length === 0 ? (
        <p class="empty">{t('dashboard.trend.none')}</p>
      ) : (
        <>
          <div ref={holder} class={drawn ? 'chart drawn' : 'chart'} aria-hidden="true" />
          <details class="chart-numbers" open={!drawn}>
            <summary>{t('dashboard.trend.numbers')}</summary>
            <div class="table-scroll" role="region" aria-label={t('dashboard.trend.numbersOf', { title })} tabIndex={0}>
              <table aria-label={t('dashboard.trend.numbersOf', { title })}>
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.trend.bucket')}</th>
                    {series.map((s) => (
                      <th key={s.label} scope="col" class="num">
                        {s.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {buckets.map((bucket, i) => (
                    <tr key={bucket}>
                      <th scope="row">{bucketLabel(bucket, language)}</th>
                      {series.map((s) => (
                        <td key={s.label} class="num">
                          {format(s, s.values[i] ?? null)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </figure>
  );
}

function chartOptions(UPlot: typeof uPlot, width: number, buckets: readonly string[], series: readonly TrendSeries[], language: string): uPlot.Options {
  const hasShare = series.some((s) => s.unit === 'share');
  const label = (i: number) => (Number.isInteger(i) && buckets[i] ? bucketLabel(buckets[i], language) : '');
  const bars = UPlot.paths.bars?.({ size: [0.6, 36] });
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: false, range: [-0.5, buckets.length - 0.5] }, count: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] }, share: { range: [0, 100] } },
    axes: [
      // Whole buckets only (a tick between two days means nothing), spaced for the widest labels ("11月10日").
      { incrs: [1, 2, 3, 5, 7, 14, 30, 60], space: 64, values: (_u, ticks) => ticks.map(label), stroke: '#33444f', grid: { show: false } },
      { scale: 'count', stroke: '#33444f', values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? count(v, language) : '')), grid: { stroke: '#e3e8ec' } },
      ...(hasShare ? [{ scale: 'share', side: 1 as const, stroke: '#33444f', values: (_u: uPlot, ticks: number[]) => ticks.map((v) => percent(v / 100, language)), grid: { show: false } }] : []),
    ],
    series: [
      { label: '', value: (_u, i) => label(i) },
      ...series.map((s) => ({
        label: s.label,
        scale: s.unit,
        stroke: s.colour,
        width: s.style === 'line' ? 2.5 : 0,
        fill: s.style === 'bars' ? s.colour : undefined,
        paths: s.style === 'bars' ? bars : undefined,
        points: { show: s.style === 'line' && buckets.length < 40 },
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : s.unit === 'share' ? percent(v / 100, language) : count(v, language)),
      })),
    ],
    // A key to the series, not live values: the numbers are in the table under the chart.
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
  };
}
