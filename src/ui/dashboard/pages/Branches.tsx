import type { BranchRow } from '../../../domain/reports.ts';
import { DataTable, type Column } from '../components/DataTable.tsx';
import { figureColumns } from '../components/figure-columns.tsx';
import { Loaded } from '../components/Loaded.tsx';
import { NoPeriod, PageHeader } from '../components/PageHeader.tsx';
import { count } from '../format.ts';
import { useDashboard, useT } from '../services.tsx';
import { useLoad } from '../use-load.ts';
import type { PageProps } from './page.ts';

/**
 * Head office and a regional manager: every branch they oversee beside the others on the
 * three figures and the cases at hand, with its region, so the table sorts and exports by
 * head office → region → branch.
 */
export function Branches({ me, range, query }: PageProps) {
  const { api } = useDashboard();
  const { t, language } = useT();
  const [load, retry] = useLoad(query && `branches:${JSON.stringify(query)}`, () => api.branches(query!));
  const regionName = (row: BranchRow): string => {
    const regionId = me.branches.find((b) => b.id === row.branchId)?.regionId;
    return me.regions?.find((r) => r.id === regionId)?.name ?? t('dashboard.column.noRegion');
  };
  const hasRegions = (me.regions ?? []).length > 0;
  const columns: Column<BranchRow>[] = [
    ...(hasRegions ? [{ id: 'region', header: t('dashboard.column.region'), cell: regionName, sort: regionName, csv: regionName } satisfies Column<BranchRow>] : []),
    { id: 'name', header: t('dashboard.column.branch'), rowHeader: true, cell: (row) => row.name, sort: (row) => row.name, csv: (row) => row.name },
    { id: 'ratings', header: t('dashboard.column.ratings'), numeric: true, cell: (row) => count(row.ratings, language), sort: (row) => row.ratings, csv: (row) => row.ratings },
    ...figureColumns<BranchRow>(t, (row) => row.figures, (row) => row.scores),
    { id: 'open', header: t('dashboard.column.openCases'), numeric: true, cell: (row) => count(row.openCases, language), sort: (row) => row.openCases, csv: (row) => row.openCases },
    {
      id: 'overdue',
      header: t('dashboard.column.overdueCases'),
      numeric: true,
      cell: (row) =>
        row.overdueCases > 0 ? (
          <span class="overdue">
            <span aria-hidden="true">⚠ </span>
            {count(row.overdueCases, language)}
          </span>
        ) : (
          count(0, language)
        ),
      sort: (row) => row.overdueCases,
      csv: (row) => row.overdueCases,
    },
  ];
  return (
    <>
      <PageHeader title={t('dashboard.nav.branches')} branch={null} range={range} />
      {query ? (
        <Loaded load={load} retry={retry}>
          {(report) => (
            <DataTable
              title={t('dashboard.branches.title')}
              rows={report.rows}
              columns={columns}
              rowKey={(row) => row.branchId}
              exportName={`branches-${report.period.from}-${report.period.to}`}
              empty={t('dashboard.branches.empty')}
              rowClass={(row) => (row.overdueCases > 0 ? 'row-warn' : undefined)}
            />
          )}
        </Loaded>
      ) : (
        <NoPeriod />
      )}
    </>
  );
}
