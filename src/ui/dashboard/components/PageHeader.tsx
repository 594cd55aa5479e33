import type { ComponentChildren } from 'preact';
import type { BranchRef } from '../../../domain/reports.ts';
import type { ResolvedRange } from '../filters.ts';
import { rangeLabel } from '../format.ts';
import { useT } from '../services.tsx';

/** A page's heading (focused on arrival, hence tabIndex −1) and what it covers. */
export function PageHeader({ title, branch, range, children }: { title: string; branch?: BranchRef | null; range?: ResolvedRange; children?: ComponentChildren }) {
  const { t, language } = useT();
  // A period that reaches today is not over: "1 – 6 Dec 2026 (so far)". A head-office analyst
  // reading "this month" on the 6th must not take six days for a month, and compares it with
  // the six days before (the overview's change), not with a whole month; the trend shows the
  // days so far only, so nothing looks like a drop where there is just no day yet.
  const period = range?.ok ? rangeLabel(range.range.from, range.range.to, language) : null;
  const scope = [branch === undefined ? null : (branch?.name ?? t('dashboard.filters.allBranches')), period && range?.ok && range.soFar ? t('dashboard.period.soFar', { period }) : period].filter(Boolean).join(' · ');
  return (
    <div class="page-header">
      <div>
        <h1 tabIndex={-1}>{title}</h1>
        {scope && <p class="page-scope">{scope}</p>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}

/** In place of a report while the custom period is not a range yet; the filter says what is wrong. */
export function NoPeriod() {
  const { t } = useT();
  return <p class="empty">{t('dashboard.filters.fixPeriod')}</p>;
}
