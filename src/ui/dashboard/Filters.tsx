import { useId } from 'preact/hooks';
import { PERIOD_KINDS, type LocalDay, type PeriodKind } from '../../domain/period.ts';
import { HEAD_OFFICE } from '../../domain/access.ts';
import type { BranchRef, Me, RegionRef } from '../../domain/reports.ts';
import { branchesOf, customFrom, seesAllBranches, type ResolvedRange } from './filters.ts';
import { rangeLabel } from './format.ts';
import { usesPeriod, type Page } from './route.ts';
import { useRouter } from './router.tsx';
import { useT } from './services.tsx';

const isPeriod = (value: string): value is PeriodKind => (PERIOD_KINDS as readonly string[]).includes(value);

/**
 * The branch and the period of the reports, kept in the address. Head office picks a branch
 * or all of them; a branch manager's branch is simply named. Pages that ignore a filter do
 * not show it: the fleet is now, the day close has its own day, Branches shows them all, the
 * privacy desk shows neither.
 */
export function Filters({
  me,
  page,
  branch,
  region,
  today,
  range,
}: {
  me: Me;
  page: Page;
  branch: BranchRef | null;
  region: RegionRef | null;
  today: LocalDay;
  range: ResolvedRange;
}) {
  const { t, language } = useT();
  const { route, navigate } = useRouter();
  const ids = { region: useId(), branch: useId(), period: useId(), from: useId(), to: useId(), problem: useId() };
  // The privacy desk finds a customer across the network, over days of its own: neither filter applies.
  // Nor to the surveys, which are the network's, each naming its own branches.
  const showBranch = page !== 'branches' && page !== 'privacy' && page !== 'surveys';
  const showPeriod = usesPeriod(page);
  // Regions come above branches: head office picks one (or all), a regional manager's is named.
  const regions = me.regions ?? [];
  const showRegion = page !== 'privacy' && page !== 'surveys' && seesAllBranches(me) && regions.length > 0;

  const choosePeriod = (period: string) => {
    if (!isPeriod(period)) return;
    if (period !== 'custom') return navigate({ period, from: null, to: null });
    const days = customFrom(route, today);
    navigate({ period, from: days.from, to: days.to });
  };

  if (!showBranch && !showPeriod && !showRegion) return null;
  return (
    <div class="db-filters" role="group" aria-label={t('dashboard.filters.label')}>
      {showRegion &&
        (me.role === HEAD_OFFICE ? (
          <span class="filter">
            <label for={ids.region}>{t('dashboard.filters.region')}</label>
            <select id={ids.region} value={region?.id ?? ''} onChange={(event) => navigate({ regionId: event.currentTarget.value || null, branchId: null })}>
              <option value="">{t('dashboard.filters.allRegions')}</option>
              {regions.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </span>
        ) : (
          <p class="filter">
            <span class="filter-name">{t('dashboard.filters.region')}</span> <strong>{regions.map((r) => r.name).join(', ')}</strong>
          </p>
        ))}
      {showBranch &&
        (seesAllBranches(me) ? (
          <span class="filter">
            <label for={ids.branch}>{t('dashboard.filters.branch')}</label>
            <select id={ids.branch} value={branch?.id ?? ''} onChange={(event) => navigate({ branchId: event.currentTarget.value || null })}>
              <option value="">{t('dashboard.filters.allBranches')}</option>
              {branchesOf(me, region).map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </span>
        ) : (
          <p class="filter">
            <span class="filter-name">{t('dashboard.filters.branch')}</span> <strong>{branch?.name ?? t('dashboard.filters.noBranch')}</strong>
          </p>
        ))}
      {showPeriod && (
        <>
          <span class="filter">
            <label for={ids.period}>{t('dashboard.filters.period')}</label>
            <select id={ids.period} value={route.period} onChange={(event) => choosePeriod(event.currentTarget.value)}>
              {PERIOD_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {t(`dashboard.period.${kind}`)}
                </option>
              ))}
            </select>
          </span>
          {route.period === 'custom' && (
            <>
              <span class="filter">
                <label for={ids.from}>{t('dashboard.filters.from')}</label>
                <input
                  id={ids.from}
                  type="date"
                  value={route.from ?? ''}
                  max={route.to ?? undefined}
                  aria-invalid={!range.ok}
                  aria-describedby={range.ok ? undefined : ids.problem}
                  onChange={(event) => navigate({ from: event.currentTarget.value || null }, { replace: true })}
                />
              </span>
              <span class="filter">
                <label for={ids.to}>{t('dashboard.filters.to')}</label>
                <input
                  id={ids.to}
                  type="date"
                  value={route.to ?? ''}
                  min={route.from ?? undefined}
                  aria-invalid={!range.ok}
                  aria-describedby={range.ok ? undefined : ids.problem}
                  onChange={(event) => navigate({ to: event.currentTarget.value || null }, { replace: true })}
                />
              </span>
            </>
          )}
          {range.ok ? (
            <p class="filter-range">{rangeLabel(range.range.from, range.range.to, language)}</p>
          ) : (
            <p id={ids.problem} class="error filter-range" role="alert">
              {t(`dashboard.filters.problem.${range.problem}`)}
            </p>
          )}
        </>
      )}
    </div>
  );
}
