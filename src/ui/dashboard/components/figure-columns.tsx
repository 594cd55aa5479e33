import type { TFunction } from 'i18next';
import { FIGURE_IDS, type Figure, type FigureId, type ScoreCounts } from '../../../domain/metrics.ts';
import type { CsvColumn } from '../csv.ts';
import type { Column } from './DataTable.tsx';
import { FigureCell } from './figures.tsx';

/** A share for a CSV: a plain number with four decimals, which a spreadsheet formats as it likes. */
export const csvShare = (value: number | null): number | null => (value === null ? null : Number(value.toFixed(4)));

/**
 * The three figures as table columns (Branches, the day report): each cell shows the value,
 * the judgement and the sum; the CSV carries the value with its numerator and denominator.
 */
export function figureColumns<Row>(t: TFunction, figuresOf: (row: Row) => Figure[], scoresOf: (row: Row) => ScoreCounts | null): Column<Row>[] {
  const pick = (row: Row, id: FigureId) => figuresOf(row).find((f) => f.id === id);
  return FIGURE_IDS.map((id): Column<Row> => {
    const name = t(`dashboard.figure.${id}`);
    const csv: CsvColumn<Row>[] = [
      { header: name, value: (row) => csvShare(pick(row, id)?.value ?? null) },
      { header: t('dashboard.csv.numerator', { figure: name }), value: (row) => pick(row, id)?.numerator },
      { header: t('dashboard.csv.denominator', { figure: name }), value: (row) => pick(row, id)?.denominator },
      { header: t('dashboard.csv.met', { figure: name }), value: (row) => judgedCsv(pick(row, id), t) },
    ];
    return {
      id,
      header: name,
      numeric: true,
      cell: (row) => {
        const figure = pick(row, id);
        return figure ? <FigureCell figure={figure} scores={scoresOf(row)} /> : null;
      },
      sort: (row) => pick(row, id)?.value ?? null,
      csv,
    };
  });
}

const judgedCsv = (figure: Figure | undefined, t: TFunction): string | null =>
  figure ? t(`dashboard.judgement.${figure.met === null ? 'no-data' : figure.met ? 'met' : 'missed'}`) : null;
