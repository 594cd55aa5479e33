import type { ComponentChildren } from 'preact';
import type { BranchRef } from '../../../domain/reports.ts';
import type { ResolvedRange } from '../filters.ts';
import { rangeLabel } from '../format.ts';
import { useT } from '../services.tsx';

/** A page's heading (focused on arrival, hence tabIndex −1) and what it covers. */
export function PageHeader({ title, branch, range, children }: { title: string; branch?: BranchRef | null; range?: ResolvedRange; children?: ComponentChildren }) {
  const { t, language } = useT();
  const scope = [branch === undefined ? null : (branch?.name ?? t('dashboard.filters.allBranches')), range?.ok ? rangeLabel(range.range.from, range.range.to, language) : null].filter(Boolean).join(' · ');
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
