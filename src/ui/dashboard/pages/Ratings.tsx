import { figure as figureOf, satisfiedRatings, totalRatings } from '../../../domain/metrics.ts';
import { SCORES } from '../../../domain/rating.ts';
import type { RatingRow } from '../../../domain/reports.ts';
import type { Column } from '../components/DataTable.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { judgementOf, Judged } from '../components/figures.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { ScoreBar, ScoreLegend } from '../components/ScoreBar.tsx';
import { Sparkline } from '../components/Sparkline.tsx';
import { count, percent } from '../format.ts';
import { labelOf } from '../labels.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/** Every teller's ratings in the period: part of their assessment (seed 000). */
export const Tellers = (props: PageProps) => <RatingsPage {...props} kind="tellers" />;

/** The same by counter (teller window). */
export const Counters = (props: PageProps) => <RatingsPage {...props} kind="counters" />;

function RatingsPage({ kind, me, branch, range, query }: PageProps & { kind: 'tellers' | 'counters' }) {
  const { api } = useDashboard();
  const { t, language } = useT();
  const [load, retry] = useLoad(query && `${kind}:${JSON.stringify(query)}`, () => api[kind](query!));
  const columns = useRatingColumns(kind, branch === null && me.branches.length > 1);
  return (
    <>
      <PageHeader title={t(`dashboard.nav.${kind}`)} branch={branch} range={range} />
      {query ? (
        <Loaded load={load} retry={retry}>
          {(report) => (
            <DataTable
              title={t(`dashboard.ratings.${kind}`)}
              detail={<ScoreLegend />}
              rows={report.rows}
              columns={columns}
              rowKey={(row) => row.id}
              exportName={`${kind}-${report.period.from}-${report.period.to}`}
              empty={t(`dashboard.ratings.empty.${kind}`)}
              rowClass={(row) => (row.satisfaction !== null && judgementOf(satisfactionOf(row)) === 'missed' ? 'row-below-target' : undefined)}
            />
          )}
        </Loaded>
      ) : (
        <NoPeriod />
      )}
      <p class="page-note">{t('dashboard.ratings.note', { target: percent(0.8, language) })}</p>
    </>
  );
}

/** A row's satisfaction as the programme's figure, judged against its target. */
const satisfactionOf = (row: RatingRow) => figureOf('satisfaction', satisfiedRatings(row.scores), totalRatings(row.scores));

function useRatingColumns(kind: 'tellers' | 'counters', withBranch: boolean): Column<RatingRow>[] {
  const { t, language } = useT();
  const reasons = (row: RatingRow) => row.topReasons.map((r) => `${labelOf(r.labels, r.reasonId, t, language)} (${r.count})`);
  const columns: (Column<RatingRow> | null)[] = [
    {
      id: 'name',
      header: t(`dashboard.column.${kind === 'tellers' ? 'teller' : 'counter'}`),
      rowHeader: true,
      cell: (row) => (
        <>
          {row.name}
          {row.staffNumber && <span class="sub">{t('teller.staffNumber', { number: row.staffNumber })}</span>}
        </>
      ),
      sort: (row) => row.name,
      csv: [
        { header: t(`dashboard.column.${kind === 'tellers' ? 'teller' : 'counter'}`), value: (row) => row.name },
        ...(kind === 'tellers' ? [{ header: t('dashboard.column.staffNumber'), value: (row: RatingRow) => row.staffNumber }] : []),
      ],
    },
    withBranch ? { id: 'branch', header: t('dashboard.column.branch'), cell: (row) => row.branchName, sort: (row) => row.branchName, csv: (row) => row.branchName } : null,
    { id: 'ratings', header: t('dashboard.column.ratings'), numeric: true, cell: (row) => count(row.ratings, language), sort: (row) => row.ratings, csv: (row) => row.ratings },
    {
      id: 'satisfaction',
      header: t('dashboard.figure.satisfaction'),
      numeric: true,
      // Below the programme's target (domain/metrics.ts) is said in words with an icon, not by colour.
      cell: (row) => (
        <>
          {percent(row.satisfaction, language)}
          {row.satisfaction !== null && judgementOf(satisfactionOf(row)) === 'missed' && (
            <span class="rating-judged">
              <Judged figure={satisfactionOf(row)} />
            </span>
          )}
        </>
      ),
      sort: (row) => row.satisfaction,
      csv: [
        // A share as a number with four decimals: a spreadsheet formats it as it likes.
        { header: t('dashboard.figure.satisfaction'), value: (row: RatingRow) => (row.satisfaction === null ? null : Number(row.satisfaction.toFixed(4))) },
        { header: t('dashboard.csv.met', { figure: t('dashboard.figure.satisfaction') }), value: (row: RatingRow) => t(`dashboard.judgement.${judgementOf(satisfactionOf(row))}`) },
      ],
    },
    {
      id: 'scores',
      header: t('dashboard.column.scores'),
      cell: (row) => <ScoreBar scores={row.scores} />,
      csv: SCORES.map((score) => ({ header: t(`counter.score.${score}`), value: (row: RatingRow) => row.scores[score] })),
    },
    {
      id: 'reasons',
      header: t('dashboard.column.reasons'),
      cell: (row) =>
        row.topReasons.length === 0 ? (
          <span class="muted">{t('dashboard.ratings.noReasons')}</span>
        ) : (
          <ul class="reasons-list">
            {reasons(row).map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
        ),
      csv: (row) => reasons(row).join('; '),
    },
    { id: 'trend', header: t('dashboard.column.trend'), cell: (row) => <Sparkline points={row.trend} /> },
  ];
  return columns.filter((c): c is Column<RatingRow> => c !== null);
}
