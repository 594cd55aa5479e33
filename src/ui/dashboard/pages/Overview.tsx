import { SCORES } from '../../../domain/rating.ts';
import { OPINION_KINDS } from '../../../domain/opinion.ts';
import { bucketOf, type LocalDay } from '../../../domain/period.ts';
import { share, totalRatings, type FigureId } from '../../../domain/metrics.ts';
import type { OverviewReport } from '../../../domain/reports.ts';
import { FigureCard, type Earlier } from '../components/figures.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { TrendChart } from '../components/TrendChart.tsx';
import { count, percent } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/** The three figures against their targets, the four scores, the trend and the opinion box. */
export function Overview({ branch, range, query, today }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, retry] = useLoad(query && JSON.stringify(query), () => api.overview(query!));
  return (
    <>
      <PageHeader title={t('dashboard.nav.overview')} branch={branch} range={range} />
      {query ? <Loaded load={load} retry={retry}>{(report) => <OverviewReportView report={report} today={today} />}</Loaded> : <NoPeriod />}
    </>
  );
}

/** A figure over the period of the same length just before (the server's `previous`). */
function earlierOf(report: OverviewReport, id: FigureId): Earlier | undefined {
  const figure = report.previous.figures.find((f) => f.id === id);
  return figure && { from: report.previous.from, to: report.previous.to, figure };
}

function OverviewReportView({ report, today }: { report: OverviewReport; today: LocalDay }) {
  const { t, language } = useT();
  const total = totalRatings(report.scores);
  // The days so far only: a period that runs past today (a custom one to the month's end) would
  // otherwise draw its days to come as zeros, a drop that is not one.
  const trend = report.trend.filter((p) => p.bucket <= bucketOf(today, report.period.bucket));
  const buckets = trend.map((p) => p.bucket);
  return (
    <>
      <section aria-labelledby="overview-figures">
        <h2 id="overview-figures">{t('dashboard.overview.figures')}</h2>
        <div class="figure-grid">
          {report.figures.map((figure) => (
            <FigureCard key={figure.id} figure={figure} scores={report.scores} earlier={earlierOf(report, figure.id)} />
          ))}
        </div>
      </section>
      <div class="two-columns">
        <section aria-labelledby="overview-scores" class="panel-box">
          <h2 id="overview-scores">{t('dashboard.overview.scores', { count: total, n: count(total, language) })}</h2>
          <table class="distribution" aria-labelledby="overview-scores">
            <thead>
              <tr>
                <th scope="col">{t('dashboard.column.score')}</th>
                <th scope="col" class="num">
                  {t('dashboard.column.ratings')}
                </th>
                <th scope="col" class="num">
                  {t('dashboard.column.share')}
                </th>
                <th scope="col">
                  <span class="visually-hidden">{t('dashboard.column.bar')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {SCORES.map((score) => {
                const part = share(report.scores[score], total);
                return (
                  <tr key={score}>
                    <th scope="row">
                      <span class={`key key-${score}`} aria-hidden="true" /> {t(`counter.score.${score}`)}
                    </th>
                    <td class="num">{count(report.scores[score], language)}</td>
                    <td class="num">{percent(part, language)}</td>
                    <td class="bar-cell" aria-hidden="true">
                      <span class={`hbar seg-${score}`} style={{ width: `${(part ?? 0) * 100}%` }} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <section aria-labelledby="overview-opinions" class="panel-box">
          <h2 id="overview-opinions">{t('dashboard.overview.opinions')}</h2>
          <dl class="counts">
            {OPINION_KINDS.map((kind) => (
              <div key={kind}>
                <dt>{t(`dashboard.opinionKind.${kind}`)}</dt>
                <dd>{count(report.opinions[kind], language)}</dd>
              </div>
            ))}
          </dl>
          <h2>{t('dashboard.overview.cases')}</h2>
          <dl class="counts">
            {(['opened', 'replied', 'followedUp', 'escalated', 'signedOff'] as const).map((field) => (
              <div key={field}>
                <dt>{t(`dashboard.cases.${field}`)}</dt>
                <dd>{count(report.cases[field], language)}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
      <section aria-labelledby="overview-trend">
        <h2 id="overview-trend">{t(`dashboard.overview.trend.${report.period.bucket}`)}</h2>
        <div class="two-columns">
          <TrendChart
            title={t('dashboard.overview.ratingsTrend')}
            buckets={buckets}
            series={[
              { label: t('dashboard.column.ratings'), values: trend.map((p) => p.ratings), unit: 'count', style: 'bars', colour: '#8fb3cc' },
              { label: t('dashboard.figure.satisfaction'), values: trend.map((p) => share(p.satisfied, p.ratings)), unit: 'share', style: 'line', colour: '#1b7f3b' },
            ]}
          />
          <TrendChart
            title={t('dashboard.overview.complaintsTrend')}
            buckets={buckets}
            series={[{ label: t('dashboard.cases.opened'), values: trend.map((p) => p.complaints), unit: 'count', style: 'bars', colour: '#b3261e' }]}
          />
        </div>
      </section>
    </>
  );
}
