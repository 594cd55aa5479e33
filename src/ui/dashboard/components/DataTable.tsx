import type { ComponentChild } from 'preact';
import { useId, useMemo, useState } from 'preact/hooks';
import { toCsv, type CsvColumn, type CsvValue } from '../csv.ts';
import { useDashboard, useT } from '../services.tsx';

/** One column of a report table. */
export interface Column<Row> {
  id: string;
  /** The header in the reader's language; also the CSV header unless `csv` names its own. */
  header: string;
  cell: (row: Row) => ComponentChild;
  /** What the column sorts by; a column without one does not sort. Null sorts last either way. */
  sort?: (row: Row) => number | string | null;
  /** The column's CSV cells: one value, or several columns (a distribution becomes four). */
  csv?: ((row: Row) => CsvValue) | CsvColumn<Row>[];
  numeric?: boolean;
  /** The cell names its row for a screen reader (th scope=row): a teller, a branch, a device. */
  rowHeader?: boolean;
}

export type SortDirection = 'ascending' | 'descending';
export type SortState = { column: string; direction: SortDirection } | null;

export interface DataTableProps<Row> {
  title: string;
  /** What the rows are, under the title: the period, the branch. */
  detail?: ComponentChild;
  rows: readonly Row[];
  columns: readonly Column<Row>[];
  rowKey: (row: Row) => string;
  /** The file name of the CSV, without `.csv`. */
  exportName: string;
  /** Shown in place of the table when there are no rows. */
  empty: string;
  initialSort?: SortState;
  rowClass?: (row: Row) => string | undefined;
  /** The heading level: h2 on a page, h3 inside a section. */
  level?: 2 | 3;
  /** More buttons beside the CSV download, for the same rows (the audit log's JSON). */
  actions?: ComponentChild;
  /** The CSV's rows when they are more than the table shows (Flags: every rating, the grouped ones too), in their own order. */
  exportRows?: readonly Row[];
}

/**
 * A report table: headers that sort on click, Enter or Space (they are buttons) and say how
 * with aria-sort, and a CSV of exactly what is shown, in the order shown. It scrolls sideways
 * by itself on a narrow screen, as a focusable region, so the page never does.
 */
export function DataTable<Row>({ title, detail, rows, columns, rowKey, exportName, empty, initialSort = null, rowClass, level = 2, actions, exportRows }: DataTableProps<Row>) {
  const { t, language } = useT();
  const { saveFile } = useDashboard();
  const [sort, setSort] = useState<SortState>(initialSort);
  const headingId = useId();
  const sorted = useMemo(() => sortRows(rows, columns, sort, language), [rows, columns, sort, language]);
  const Heading = level === 2 ? 'h2' : 'h3';

  const sortBy = (column: Column<Row>) => {
    // Figures read best largest first; names A to Z. Pressing again turns the order round.
    const first: SortDirection = column.numeric ? 'descending' : 'ascending';
    setSort((current) => ({
      column: column.id,
      direction: current?.column === column.id ? (current.direction === 'ascending' ? 'descending' : 'ascending') : first,
    }));
  };

  const exportCsv = () => {
    const csvColumns: CsvColumn<Row>[] = columns.flatMap((column): CsvColumn<Row>[] => {
      if (Array.isArray(column.csv)) return column.csv;
      if (column.csv) return [{ header: column.header, value: column.csv }];
      return [];
    });
    saveFile(`${exportName}.csv`, new Blob([toCsv(exportRows ?? sorted, csvColumns)], { type: 'text/csv;charset=utf-8' }));
  };

  return (
    <section class="report-table">
      <div class="table-head">
        <div>
          <Heading id={headingId}>{title}</Heading>
          {detail && <p class="table-detail">{detail}</p>}
        </div>
        {(exportRows ?? rows).length > 0 && (
          <div class="table-actions">
            {actions}
            <button type="button" class="secondary" onClick={exportCsv}>
              <span aria-hidden="true">⤓ </span>
              {t('dashboard.table.export')}
              <span class="visually-hidden">{t('dashboard.table.exportOf', { title })}</span>
            </button>
          </div>
        )}
      </div>
      {rows.length === 0 ? (
        <p class="empty">{empty}</p>
      ) : (
        <div class="table-scroll" role="region" aria-labelledby={headingId} tabIndex={0}>
          <table aria-labelledby={headingId}>
            <thead>
              <tr>
                {columns.map((column) => {
                  const direction = sort?.column === column.id ? sort.direction : undefined;
                  return (
                    <th key={column.id} scope="col" class={column.numeric ? 'num' : undefined} aria-sort={column.sort ? (direction ?? 'none') : undefined}>
                      {column.sort ? (
                        <button type="button" class="sort" onClick={() => sortBy(column)}>
                          {column.header}
                          <span class="sort-mark" aria-hidden="true">
                            {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
                          </span>
                        </button>
                      ) : (
                        column.header
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {sorted.map((row) => (
                <tr key={rowKey(row)} class={rowClass?.(row)}>
                  {columns.map((column) => {
                    const Cell = column.rowHeader ? 'th' : 'td';
                    return (
                      <Cell key={column.id} scope={column.rowHeader ? 'row' : undefined} class={column.numeric ? 'num' : undefined}>
                        {column.cell(row)}
                      </Cell>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The rows in the chosen order; unsorted, the server's order (the complaints come overdue first). */
export function sortRows<Row>(rows: readonly Row[], columns: readonly Column<Row>[], sort: SortState, language: string): Row[] {
  const column = sort && columns.find((c) => c.id === sort.column);
  if (!sort || !column?.sort) return [...rows];
  const key = column.sort;
  const collator = new Intl.Collator(language, { numeric: true });
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    // Nothing to show sorts last in both directions: "no ratings" is not the worst teller.
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    return sign * order;
  });
}
