import { satisfiedRatings, totalRatings } from '../../../domain/metrics.ts';
import type { PeakCell, WaitBandRow, WaitingReport, WaitRow } from '../../../domain/queue.ts';
import { SCORES } from '../../../domain/rating.ts';
import type { BranchRef } from '../../../domain/reports.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { ScoreBar, ScoreLegend } from '../components/ScoreBar.tsx';
import { count, percent } from '../format.ts';
import { useRouter } from '../router.tsx';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import { bandLabel, flexibleHours, hourLabel, overTarget, peakRows, peakWeekdays, waitText, weekdayName, withinShare } from '../waiting-view.ts';
import type { PageProps } from './page.ts';

/**
 * Reports › Waiting time: how long customers waited to be called, from the branches' queue
 * systems (domain/queue.ts), against the network's target: the median and 90th percentile by
 * branch, counter, hour and weekday; how satisfied customers were by how long they waited;
 * and the weekday hours whose 90th percentile is over the target, where a flexible window
 * would help. Without queue data in scope it says how to connect a queue system.
 */
export function Waiting({ branch, range, query }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, retry] = useLoad(query && `waiting:${JSON.stringify(query)}`, () => api.waiting(query!));
  return (
    <>
      <PageHeader title={t('dashboard.nav.waiting')} branch={branch} range={range} />
      <p class="page-intro">{t('dashboard.waiting.intro')}</p>
      {query ? (
        <Loaded load={load} retry={retry}>
          {(report) => (report.hasQueueData ? <WaitingReportView report={report} /> : <NoQueueData branch={branch} />)}
        </Loaded>
      ) : (
        <NoPeriod />
      )}
    </>
  );
}

/** No queue system sent tickets for these branches in the period: what the page needs, and where to set it up. */
function NoQueueData({ branch }: { branch: BranchRef | null }) {
  const { t } = useT();
  const { href, navigate } = useRouter();
  return (
    <section class="waiting-none" aria-labelledby="waiting-none-title">
      <h2 id="waiting-none-title">{t('dashboard.waiting.none.title')}</h2>
      <p>{t('dashboard.waiting.none.why')}</p>
      <ol>
        <li>{t('dashboard.waiting.none.step1')}</li>
        <li>{t('dashboard.waiting.none.step2')}</li>
        <li>{t('dashboard.waiting.none.step3')}</li>
      </ol>
      <p>
        <a
          class="waiting-none-link"
          href={href({ page: 'queue', branchId: branch?.id ?? null })}
          onClick={(event) => {
            // A plain click stays in the app; Ctrl/⌘-click opens a new tab as links do.
            if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
            event.preventDefault();
            navigate({ page: 'queue', branchId: branch?.id ?? null });
          }}
        >
          {t('dashboard.waiting.none.link')}
        </a>
      </p>
    </section>
  );
}

function WaitingReportView({ report }: { report: WaitingReport }) {
  const { t, language } = useT();
  // Branches and counters come named by the server; tickets no counter served have none.
  const branchName = (row: WaitRow) => row.name ?? row.key;
  const counterName = (row: WaitRow) => row.name ?? (row.key === '' ? t('dashboard.waiting.noCounter') : row.key);
  const target = report.targetMinutes;
  const file = (what: string) => `waiting-${what}-${report.period.from}-${report.period.to}`;
  const byHour = [...report.byHour].sort((a, b) => Number(a.key) - Number(b.key));
  const byWeekday = [...report.byWeekday].sort((a, b) => Number(a.key) - Number(b.key));
  return (
    <>
      <Figures report={report} />
      {report.byBranch.length > 0 && (
        <WaitTable title={t('dashboard.waiting.byBranch')} what={t('dashboard.column.branch')} rows={report.byBranch} nameOf={branchName} target={target} exportName={file('branches')} />
      )}
      {report.byCounter.length > 0 && (
        <WaitTable title={t('dashboard.waiting.byCounter')} what={t('dashboard.column.counter')} rows={report.byCounter} nameOf={counterName} target={target} exportName={file('counters')} />
      )}
      <div class="two-columns waiting-columns">
        <WaitTable title={t('dashboard.waiting.byHour')} what={t('dashboard.waiting.column.hour')} rows={byHour} nameOf={(row) => hourLabel(Number(row.key))} order={(row) => Number(row.key)} target={target} exportName={file('hours')} />
        <WaitTable title={t('dashboard.waiting.byWeekday')} what={t('dashboard.waiting.column.weekday')} rows={byWeekday} nameOf={(row) => weekdayName(Number(row.key), language)} order={(row) => Number(row.key)} target={target} exportName={file('weekdays')} />
      </div>
      <BandTable rows={report.byBand} exportName={file('bands')} />
      <PeakView peak={report.peak} target={target} exportName={file('peak-hours')} />
      <p class="page-note">{t('dashboard.waiting.note', { target: count(target, language) })}</p>
    </>
  );
}

/** The whole scope: tickets, median, 90th percentile against the target, share called within it. */
function Figures({ report }: { report: WaitingReport }) {
  const { t, language } = useT();
  const { total, targetMinutes } = report;
  const over = overTarget(total.p90Ms, targetMinutes);
  const targetText = t('dashboard.waiting.minutes', { value: count(targetMinutes, language) });
  return (
    <section aria-labelledby="waiting-figures-title">
      <h2 id="waiting-figures-title" class="visually-hidden">
        {t('dashboard.waiting.figures')}
      </h2>
      <dl class="stat-grid waiting-figures">
        <div class="stat">
          <dt>{t('dashboard.waiting.tickets')}</dt>
          <dd>
            {count(total.tickets, language)}
            <span class="stat-formula">{t('dashboard.waiting.waited', { n: count(total.waited, language) })}</span>
          </dd>
        </div>
        <div class="stat">
          <dt>{t('dashboard.waiting.median')}</dt>
          <dd>{waitText(total.medianMs, t, language)}</dd>
        </div>
        <div class={over ? 'stat stat-warn' : 'stat'}>
          <dt>{t('dashboard.waiting.p90')}</dt>
          <dd>
            {waitText(total.p90Ms, t, language)}
            <span class="stat-formula">
              {t('dashboard.waiting.target', { target: targetText })} · <TargetMark p90Ms={total.p90Ms} target={targetMinutes} />
            </span>
          </dd>
        </div>
        <div class="stat">
          <dt>{t('dashboard.waiting.withinTarget', { target: targetText })}</dt>
          <dd>
            {percent(withinShare(total), language)}
            <span class="stat-formula">{t('dashboard.waiting.withinOf', { within: count(total.withinTarget, language), waited: count(total.waited, language) })}</span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** "✗ Over target" or "✓ Within target", in words with an icon, never colour alone; a dash without waits. */
function TargetMark({ p90Ms, target }: { p90Ms: number | null; target: number }) {
  const { t } = useT();
  if (p90Ms === null) return <span class="judged judged-no-data">{t('dashboard.judgement.no-data')}</span>;
  const over = overTarget(p90Ms, target);
  return (
    <span class={`judged ${over ? 'judged-missed' : 'judged-met'}`}>
      <span aria-hidden="true" class="judged-icon">
        {over ? '✗' : '✓'}
      </span>{' '}
      {t(over ? 'dashboard.waiting.over' : 'dashboard.waiting.within')}
    </span>
  );
}

/** Minutes with one decimal for a spreadsheet; empty for none. */
const csvMinutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 6_000) / 10);

function WaitTable({ title, what, rows, nameOf, order, target, exportName }: {
  title: string;
  what: string;
  rows: readonly WaitRow[];
  nameOf: (row: WaitRow) => string;
  /** The name column's order, when names do not sort (hours, weekdays). */
  order?: (row: WaitRow) => number;
  target: number;
  exportName: string;
}) {
  const { t, language } = useT();
  const yesNo = (value: boolean) => t(value ? 'dashboard.yes' : 'dashboard.no');
  const columns: Column<WaitRow>[] = [
    { id: 'name', header: what, rowHeader: true, cell: nameOf, sort: order ?? nameOf, csv: nameOf },
    { id: 'tickets', header: t('dashboard.waiting.tickets'), numeric: true, cell: (row) => count(row.tickets, language), sort: (row) => row.tickets, csv: (row) => row.tickets },
    { id: 'median', header: t('dashboard.waiting.median'), numeric: true, cell: (row) => waitText(row.medianMs, t, language), sort: (row) => row.medianMs, csv: [{ header: t('dashboard.waiting.csv.median'), value: (row) => csvMinutes(row.medianMs) }] },
    {
      id: 'p90',
      header: t('dashboard.waiting.p90'),
      numeric: true,
      cell: (row) => (
        <>
          {waitText(row.p90Ms, t, language)}
          {overTarget(row.p90Ms, target) && (
            <span class="rating-judged">
              <TargetMark p90Ms={row.p90Ms} target={target} />
            </span>
          )}
        </>
      ),
      sort: (row) => row.p90Ms,
      csv: [
        { header: t('dashboard.waiting.csv.p90'), value: (row) => csvMinutes(row.p90Ms) },
        { header: t('dashboard.waiting.csv.over'), value: (row) => (row.p90Ms === null ? null : yesNo(overTarget(row.p90Ms, target))) },
      ],
    },
    {
      id: 'within',
      header: t('dashboard.waiting.withinShort'),
      numeric: true,
      cell: (row) => percent(withinShare(row), language),
      sort: (row) => withinShare(row),
      csv: (row) => {
        const share = withinShare(row);
        return share === null ? null : Number(share.toFixed(4));
      },
    },
    { id: 'service', header: t('dashboard.waiting.service'), numeric: true, cell: (row) => waitText(row.meanServiceMs, t, language), sort: (row) => row.meanServiceMs, csv: [{ header: t('dashboard.waiting.csv.service'), value: (row) => csvMinutes(row.meanServiceMs) }] },
  ];
  return (
    <DataTable
      title={title}
      rows={rows}
      columns={columns}
      rowKey={(row) => row.key}
      exportName={exportName}
      empty={t('dashboard.waiting.empty')}
      rowClass={(row) => (overTarget(row.p90Ms, target) ? 'row-over-target' : undefined)}
    />
  );
}

/** Satisfaction by how long the customer waited: the ratings matched to a ticket, band by band. */
function BandTable({ rows, exportName }: { rows: readonly WaitBandRow[]; exportName: string }) {
  const { t, language } = useT();
  const sorted = [...rows].sort((a, b) => a.band - b.band);
  const share = (row: WaitBandRow, value: number) => {
    const total = totalRatings(row.counts);
    return total === 0 ? null : value / total;
  };
  const columns: Column<WaitBandRow>[] = [
    { id: 'band', header: t('dashboard.waiting.column.band'), rowHeader: true, cell: (row) => bandLabel(row.band, t, language), sort: (row) => row.band, csv: (row) => bandLabel(row.band, t, language) },
    { id: 'ratings', header: t('dashboard.column.ratings'), numeric: true, cell: (row) => count(totalRatings(row.counts), language), sort: (row) => totalRatings(row.counts), csv: (row) => totalRatings(row.counts) },
    {
      id: 'satisfaction',
      header: t('dashboard.figure.satisfaction'),
      numeric: true,
      cell: (row) => percent(share(row, satisfiedRatings(row.counts)), language),
      sort: (row) => share(row, satisfiedRatings(row.counts)),
      csv: (row) => {
        const value = share(row, satisfiedRatings(row.counts));
        return value === null ? null : Number(value.toFixed(4));
      },
    },
    {
      id: 'scores',
      header: t('dashboard.waiting.column.shares'),
      cell: (row) => <ScoreBar scores={row.counts} wide shares />,
      csv: SCORES.map((score) => ({ header: t(`counter.score.${score}`), value: (row: WaitBandRow) => row.counts[score] })),
    },
  ];
  return (
    <DataTable
      title={t('dashboard.waiting.byBand')}
      detail={
        <>
          {t('dashboard.waiting.byBandDetail')} <ScoreLegend />
        </>
      }
      rows={sorted}
      columns={columns}
      rowKey={(row) => String(row.band)}
      exportName={exportName}
      empty={t('dashboard.waiting.bandEmpty')}
    />
  );
}

type PeakRow = ReturnType<typeof peakRows>[number];

/**
 * Peak hours: each weekday's hours across the period, the tickets issued per hour, the
 * counters open and the 90th percentile, the hours over the target marked; and, in one
 * sentence, the three hours where a flexible window would help most.
 */
function PeakView({ peak, target, exportName }: { peak: readonly PeakCell[]; target: number; exportName: string }) {
  const { t, language } = useT();
  const rows = peakRows(peak);
  const weekdays = peakWeekdays(peak);
  const best = flexibleHours(peak);
  const decimal = (value: number) => new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
  const yesNo = (value: boolean) => t(value ? 'dashboard.yes' : 'dashboard.no');
  const columns: Column<PeakRow>[] = [
    { id: 'hour', header: t('dashboard.waiting.column.hour'), rowHeader: true, cell: (row) => hourLabel(row.hour), csv: (row) => hourLabel(row.hour) },
    ...weekdays.map(
      (weekday): Column<PeakRow> => ({
        id: `d${weekday}`,
        header: weekdayName(weekday, language),
        cell: (row) => {
          const cell = row.cells.get(weekday);
          if (!cell) return <span class="muted">{t('dashboard.waiting.peak.none')}</span>;
          return (
            <span class={cell.overTarget ? 'peak-cell peak-over' : 'peak-cell'}>
              <span>{t('dashboard.waiting.peak.tickets', { n: decimal(cell.ticketsPerHour) })}</span>
              <span>{t('dashboard.waiting.peak.counters', { n: decimal(cell.countersOpen) })}</span>
              <span>{t('dashboard.waiting.peak.p90', { wait: waitText(cell.p90Ms, t, language) })}</span>
              {cell.overTarget && (
                <span class="judged judged-missed">
                  <span aria-hidden="true" class="judged-icon">
                    ✗
                  </span>{' '}
                  {t('dashboard.waiting.over')}
                </span>
              )}
            </span>
          );
        },
        csv: [
          { header: t('dashboard.waiting.csv.peakTickets', { day: weekdayName(weekday, language) }), value: (row) => row.cells.get(weekday)?.ticketsPerHour ?? null },
          { header: t('dashboard.waiting.csv.peakCounters', { day: weekdayName(weekday, language) }), value: (row) => row.cells.get(weekday)?.countersOpen ?? null },
          { header: t('dashboard.waiting.csv.peakP90', { day: weekdayName(weekday, language) }), value: (row) => csvMinutes(row.cells.get(weekday)?.p90Ms ?? null) },
          { header: t('dashboard.waiting.csv.peakOver', { day: weekdayName(weekday, language) }), value: (row) => (row.cells.has(weekday) ? yesNo(row.cells.get(weekday)!.overTarget) : null) },
        ],
      }),
    ),
  ];
  const list = new Intl.ListFormat(language, { type: 'conjunction' }).format(
    best.map((cell) => t('dashboard.waiting.peak.hourAt', { day: weekdayName(cell.weekday, language), hour: hourLabel(cell.hour), wait: waitText(cell.p90Ms, t, language) })),
  );
  return (
    <section class="waiting-peak" aria-labelledby="waiting-peak-title">
      <h2 id="waiting-peak-title">{t('dashboard.waiting.peak.title')}</h2>
      <p class="waiting-advice" data-testid="flexible-window">
        {best.length > 0 ? t('dashboard.waiting.peak.advice', { count: best.length, hours: list, target: count(target, language) }) : peak.length > 0 ? t('dashboard.waiting.peak.noAdvice', { target: count(target, language) }) : null}
      </p>
      <DataTable
        level={3}
        title={t('dashboard.waiting.peak.table')}
        detail={t('dashboard.waiting.peak.detail', { target: count(target, language) })}
        rows={rows}
        columns={columns}
        rowKey={(row) => String(row.hour)}
        exportName={exportName}
        empty={t('dashboard.waiting.peak.empty')}
      />
    </section>
  );
}
