import { share } from '../../../domain/metrics.ts';
import type { ComplaintsReport, OpenCaseRow } from '../../../domain/reports.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { csvShare } from '../components/figure-columns.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { count, dateTime, percent, relative } from '../format.ts';
import { labelOf } from '../labels.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

const TALLY = ['opened', 'replied', 'followedUp', 'escalated', 'signedOff'] as const;

/**
 * The quarterly analysis the programme asks for (seeds 000, 001): what became of the cases
 * opened in the period, by channel and by topic, how often the bank was at fault, the
 * opinion box, and the cases still waiting for a reply, overdue first.
 */
export function Complaints({ me, branch, range, query }: PageProps) {
  const { api } = useDashboard();
  const { t } = useT();
  const [load, retry] = useLoad(query && `complaints:${JSON.stringify(query)}`, () => api.complaints(query!));
  return (
    <>
      <PageHeader title={t('dashboard.nav.complaints')} branch={branch} range={range} />
      {query ? (
        <Loaded load={load} retry={retry}>
          {(report) => <ComplaintsView report={report} withBranch={branch === null && me.branches.length > 1} />}
        </Loaded>
      ) : (
        <NoPeriod />
      )}
    </>
  );
}

function ComplaintsView({ report, withBranch }: { report: ComplaintsReport; withBranch: boolean }) {
  const { now } = useDashboard();
  const { t, language } = useT();
  const { from, to } = report.period;
  const decided = report.cases.atFault + report.cases.notAtFault;
  const topicOf = (row: OpenCaseRow) => labelOf(row.topicLabels, row.topicId, t, language);
  const at = now();

  const channelColumns: Column<ComplaintsReport['byChannel'][number]>[] = [
    { id: 'channel', header: t('dashboard.column.channel'), rowHeader: true, cell: (row) => t(`dashboard.channel.${row.channel}`), sort: (row) => t(`dashboard.channel.${row.channel}`), csv: (row) => t(`dashboard.channel.${row.channel}`) },
    { id: 'count', header: t('dashboard.column.cases'), numeric: true, cell: (row) => count(row.count, language), sort: (row) => row.count, csv: (row) => row.count },
    { id: 'share', header: t('dashboard.column.share'), numeric: true, cell: (row) => percent(share(row.count, report.cases.opened), language), sort: (row) => row.count, csv: (row) => csvShare(share(row.count, report.cases.opened)) },
  ];
  const topicColumns: Column<ComplaintsReport['byTopic'][number]>[] = [
    { id: 'topic', header: t('dashboard.column.topic'), rowHeader: true, cell: (row) => labelOf(row.labels, row.topicId, t, language), sort: (row) => labelOf(row.labels, row.topicId, t, language), csv: (row) => labelOf(row.labels, row.topicId, t, language) },
    { id: 'count', header: t('dashboard.column.cases'), numeric: true, cell: (row) => count(row.count, language), sort: (row) => row.count, csv: (row) => row.count },
    { id: 'share', header: t('dashboard.column.share'), numeric: true, cell: (row) => percent(share(row.count, report.cases.opened), language), sort: (row) => row.count, csv: (row) => csvShare(share(row.count, report.cases.opened)) },
  ];
  const opinionColumns: Column<ComplaintsReport['opinionsByKind'][number]>[] = [
    { id: 'kind', header: t('dashboard.column.kind'), rowHeader: true, cell: (row) => t(`dashboard.opinionKind.${row.kind}`), sort: (row) => t(`dashboard.opinionKind.${row.kind}`), csv: (row) => t(`dashboard.opinionKind.${row.kind}`) },
    { id: 'count', header: t('dashboard.column.entries'), numeric: true, cell: (row) => count(row.count, language), sort: (row) => row.count, csv: (row) => row.count },
  ];
  const openColumns: (Column<OpenCaseRow> | null)[] = [
    {
      id: 'summary',
      header: t('dashboard.column.summary'),
      rowHeader: true,
      // A summary the viewer may not read never reaches the page (the server sends null): the
      // row says why instead, and its CSV cell says the same. Hidden ones sort last.
      cell: (row) => (row.summaryHidden ? <span class="summary muted">{t('dashboard.complaints.summaryHidden')}</span> : <span class="summary">{row.summary}</span>),
      sort: (row) => row.summary,
      csv: (row) => (row.summaryHidden ? t('dashboard.complaints.summaryHidden') : row.summary),
    },
    withBranch ? { id: 'branch', header: t('dashboard.column.branch'), cell: (row) => row.branchName, sort: (row) => row.branchName, csv: (row) => row.branchName } : null,
    { id: 'channel', header: t('dashboard.column.channel'), cell: (row) => t(`dashboard.channel.${row.channel}`), sort: (row) => t(`dashboard.channel.${row.channel}`), csv: (row) => t(`dashboard.channel.${row.channel}`) },
    { id: 'topic', header: t('dashboard.column.topic'), cell: topicOf, sort: topicOf, csv: topicOf },
    {
      id: 'status',
      header: t('dashboard.column.status'),
      cell: (row) => (
        <>
          {t(`dashboard.caseStatus.${row.status}`)}
          {row.escalated && row.status !== 'escalated' && <span class="sub">{t('dashboard.complaints.escalated')}</span>}
        </>
      ),
      sort: (row) => t(`dashboard.caseStatus.${row.status}`),
      csv: (row) => t(`dashboard.caseStatus.${row.status}`),
    },
    { id: 'opened', header: t('dashboard.column.openedAt'), cell: (row) => <time dateTime={new Date(row.openedAt).toISOString()}>{dateTime(row.openedAt, language)}</time>, sort: (row) => row.openedAt, csv: (row) => dateTime(row.openedAt, language) },
    {
      id: 'due',
      header: t('dashboard.column.due'),
      cell: (row) =>
        row.dueAt === null ? (
          <span class="muted">{t('dashboard.complaints.noDeadline')}</span>
        ) : (
          <span class={row.overdue ? 'overdue' : undefined}>
            {row.overdue && (
              <>
                <span aria-hidden="true">⚠ </span>
                <strong>{t('dashboard.complaints.overdue')}</strong>{' '}
              </>
            )}
            {relative(row.dueAt, at, language)}
            <span class="sub">
              <time dateTime={new Date(row.dueAt).toISOString()}>{dateTime(row.dueAt, language)}</time>
            </span>
          </span>
        ),
      sort: (row) => row.dueAt,
      csv: (row) => (row.dueAt === null ? null : dateTime(row.dueAt, language)),
    },
    {
      id: 'tabletOnly',
      header: t('dashboard.column.tabletOnlySteps'),
      numeric: true,
      cell: (row) => (row.tabletOnlySteps === 0 ? <span class="muted">0</span> : <strong>{count(row.tabletOnlySteps, language)}</strong>),
      sort: (row) => row.tabletOnlySteps,
      csv: (row) => row.tabletOnlySteps,
    },
    { id: 'overdueFlag', header: t('dashboard.column.overdue'), cell: (row) => (row.overdue ? t('dashboard.yes') : t('dashboard.no')), sort: (row) => (row.overdue ? 1 : 0), csv: (row) => (row.overdue ? t('dashboard.yes') : t('dashboard.no')) },
  ];

  return (
    <>
      <section aria-labelledby="complaints-counts">
        <h2 id="complaints-counts">{t('dashboard.complaints.counts')}</h2>
        <dl class="stat-grid">
          {TALLY.map((field) => (
            <div key={field} class="stat">
              <dt>{t(`dashboard.cases.${field}`)}</dt>
              <dd>{count(report.cases[field], language)}</dd>
            </div>
          ))}
          <div class="stat">
            <dt>{t('dashboard.complaints.atFault')}</dt>
            <dd>
              {percent(report.atFaultShare, language)}
              <span class="stat-formula">
                {t('dashboard.formula.atFault', { atFault: count(report.cases.atFault, language), decided: t('dashboard.n.decided', { count: decided, n: count(decided, language) }) })}
              </span>
            </dd>
          </div>
          <div class={report.steps.tablet > 0 ? 'stat stat-warn' : 'stat'} data-testid="steps-checked">
            <dt>{t('dashboard.complaints.checkedByServer')}</dt>
            <dd>
              {percent(report.steps.server + report.steps.tablet === 0 ? null : report.steps.server / (report.steps.server + report.steps.tablet), language)}
              <span class="stat-formula">
                {t('dashboard.complaints.checkedSteps', { server: count(report.steps.server, language), tablet: count(report.steps.tablet, language) })}
              </span>
            </dd>
          </div>
          <div class={report.overdueCount > 0 ? 'stat stat-warn' : 'stat'}>
            <dt>{t('dashboard.complaints.openNow')}</dt>
            <dd>
              {count(report.openCount, language)}
              <span class="stat-formula">
                {report.overdueCount > 0 && <span aria-hidden="true">⚠ </span>}
                {t('dashboard.complaints.overdueCount', { count: report.overdueCount, n: count(report.overdueCount, language) })}
              </span>
            </dd>
          </div>
        </dl>
      </section>
      <div class="three-columns">
        <DataTable title={t('dashboard.complaints.byChannel')} rows={report.byChannel} columns={channelColumns} rowKey={(row) => row.channel} exportName={`complaints-by-channel-${from}-${to}`} empty={t('dashboard.complaints.none')} />
        <DataTable title={t('dashboard.complaints.byTopic')} rows={report.byTopic} columns={topicColumns} rowKey={(row) => row.topicId ?? ''} exportName={`complaints-by-topic-${from}-${to}`} empty={t('dashboard.complaints.none')} />
        <DataTable title={t('dashboard.complaints.opinions')} rows={report.opinionsByKind} columns={opinionColumns} rowKey={(row) => row.kind} exportName={`opinions-by-kind-${from}-${to}`} empty={t('dashboard.complaints.noOpinions')} />
      </div>
      <DataTable
        title={t('dashboard.complaints.open')}
        detail={t('dashboard.complaints.openDetail')}
        rows={report.open}
        columns={openColumns.filter((c): c is Column<OpenCaseRow> => c !== null)}
        rowKey={(row) => row.id}
        exportName={`open-cases-${to}`}
        empty={t('dashboard.complaints.noneOpen')}
        rowClass={(row) => (row.overdue ? 'row-warn' : undefined)}
      />
    </>
  );
}
