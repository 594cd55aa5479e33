import { useEffect } from 'preact/hooks';
import { useFaultTexts } from './components/use-fault-texts.ts';
import { useT } from './services.tsx';

/** How long the notice shows before the restart: time for a write under way to complete. */
const RESTART_AFTER_MS = 1500;
/** A second upgrade this soon after a restart for one is a loop: then staff restart by hand. */
const LOOP_GUARD_MS = 30_000;
const RESTARTED_AT = 'branchvoice.restartedForUpgradeAt';

/**
 * A newer version of the app upgraded the database from another tab, and this tab's
 * connection was closed so as not to block it (decision 0013). Its code no longer knows
 * the schema: it says so and restarts, rather than dying silently on its next write.
 */
export function UpgradedNotice({ reload = () => location.reload() }: { reload?: () => void }) {
  const { t } = useT();
  const ready = useFaultTexts();
  const restartedAt = Number(sessionStorage.getItem(RESTARTED_AT) ?? 0);
  const automatic = Date.now() - restartedAt > LOOP_GUARD_MS;
  const restart = () => {
    sessionStorage.setItem(RESTARTED_AT, String(Date.now()));
    reload();
  };
  useEffect(() => {
    if (!automatic) return;
    const timer = setTimeout(restart, RESTART_AFTER_MS);
    return () => clearTimeout(timer);
  }, [automatic]);
  return (
    <main class="setup" data-screen="upgraded" role="alert" aria-busy={!ready}>
      {ready && (
        <>
          <h1>{t('faults.upgraded.title')}</h1>
          <p>{t('faults.upgraded.detail')}</p>
          <button type="button" class="primary" onClick={restart}>{t('faults.upgraded.reload')}</button>
        </>
      )}
    </main>
  );
}
