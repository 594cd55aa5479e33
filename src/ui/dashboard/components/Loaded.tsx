import type { ComponentChild } from 'preact';
import type { Load } from '../use-load.ts';
import { useT } from '../services.tsx';

/**
 * What a page shows of a report: a quiet "loading" line, the report, or the reason it did
 * not come with a way to try again. 401 and 403 never reach here as text: the dashboard
 * goes to sign-in or the "cannot see reports" page instead (Dashboard.tsx).
 */
export function Loaded<T>({ load, retry, children }: { load: Load<T>; retry: () => void; children: (value: T) => ComponentChild }) {
  const { t } = useT();
  if (load.state === 'loading') {
    return (
      <p class="loading" role="status">
        {t('dashboard.loading')}
      </p>
    );
  }
  if (load.state === 'error') {
    return (
      <div class="problem" role="alert">
        <p>{t(`dashboard.errors.${load.reason}`)}</p>
        <button type="button" class="secondary" onClick={retry}>
          {t('dashboard.retry')}
        </button>
      </div>
    );
  }
  return <div aria-busy={load.refreshing}>{children(load.value)}</div>;
}
