import { useEffect, useState } from 'preact/hooks';
import type { SyncStop } from '../../store/db.ts';
import { forgetEnrollment } from '../../store/device.ts';
import { watchDeviceStatus } from '../../store/status.ts';
import type { EngineStatus } from '../../sync/engine.ts';
import { useServices, useT } from '../services.tsx';
import { fromKeyboard, useHold } from './hold.ts';
import { useFaultTexts } from './use-fault-texts.ts';
import { useObservable } from '../use-observable.ts';

/** A tablet's state, as the discreet mark shows it: grey when all is well, amber or red on a real problem. */
export type StatusLevel = 'ok' | 'warn' | 'error';

/** Opened from the mark, the details close by themselves: the next customer finds the mark alone. */
export const STATUS_OPEN_MS = 20_000;

/** How long staff hold the mark to open the details: a customer's tap on it does nothing. */
export const STATUS_HOLD_MS = 800;

/**
 * The tablet's state for staff: what is waiting, when the last sync worked, what went wrong.
 * On a customer's screen it is a small mark in the bottom corner that means nothing to a
 * customer (a grey dot; amber, or a red triangle, only on a real problem) and opens the
 * details when held (or by Enter from a keyboard), never at a passing tap; in staff mode
 * (`staff`) the details show at once.
 * It reads IndexedDB, so it tells the truth after a reload too; what IndexedDB cannot hold
 * when the storage is full (that it is full, how the last sync went) comes from memory.
 */
export function StatusCorner({ staff = false }: { staff?: boolean }) {
  const { db, engine } = useServices();
  const { t, language } = useT();
  const status = useObservable(() => watchDeviceStatus(db), [db]);
  const storageFull = useObservable(() => db.storagePressure, [db]);
  const [engineStatus, setEngineStatus] = useState<EngineStatus>({ syncing: false, nextAttemptAt: null, lastRun: null });
  useEffect(() => engine.subscribe(setEngineStatus), [engine]);
  const [open, setOpen] = useState(false);
  const hold = useHold(STATUS_HOLD_MS, () => setOpen((was) => !was));
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => setOpen(false), STATUS_OPEN_MS);
    return () => clearTimeout(timer);
  }, [open]);
  const faultTexts = useFaultTexts(Boolean(storageFull || textOfStop(status?.sync?.stopped) || textOfStop(engineStatus.lastRun?.failure)));
  if (!status) return null;

  const time = (at: number) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at);
  const stopped = status.sync?.stopped;
  // This tab's last run, when IndexedDB could not keep it (the storage full) or has not yet.
  const run = engineStatus.lastRun && engineStatus.lastRun.at > (status.sync?.lastAttemptAt ?? 0) ? engineStatus.lastRun : null;
  const lastSuccessAt = run && !run.failure ? run.at : status.sync?.lastSuccessAt;
  const error = run ? (run.failure ? { reason: run.failure, message: '' } : null) : (status.sync?.lastError ?? (stopped ? { reason: stopped, message: '' } : null));
  const level: StatusLevel = storageFull || stopped ? 'error' : error || status.quarantined > 0 ? 'warn' : 'ok';
  const shown = staff || open;
  return (
    <aside class={shown ? `status-corner status-${level}-level` : `status-corner status-folded status-${level}-level`} aria-label={t('status.label')} data-testid="status-corner" data-level={level}>
      {!staff && (
        <button type="button" class="status-mark" aria-expanded={open} aria-controls="status-details" aria-label={t('status.label')} {...hold} onClick={(event) => fromKeyboard(event) && setOpen(!open)}>
          <span class={`status-glyph status-glyph-${level}`} aria-hidden="true" />
        </button>
      )}
      <div class={shown ? 'status-details' : 'status-details visually-hidden'} id="status-details" inert={!shown}>
        <span data-testid="unsynced">{t('status.unsynced', { count: status.unsynced })}</span>
        {status.quarantined > 0 && <span class="status-warn" data-testid="quarantined">{t('status.quarantined', { count: status.quarantined })}</span>}
        <span>{engineStatus.syncing ? t('status.syncing') : lastSuccessAt ? t('status.lastSync', { time: time(lastSuccessAt) }) : t('status.never')}</span>
        {status.persistence?.granted === false && <span class="status-warn">{t('status.storageNotPersisted')}</span>}
        {storageFull && faultTexts && (
          <span class="status-error" role="status" data-testid="storage-full">{t('faults.storageFull')}</span>
        )}
        {error && error.reason !== 'storage-full' && (
          <span class="status-error" role="status" data-testid="sync-error" data-reason={error.reason} title={error.message}>
            {textOfStop(error.reason) && faultTexts ? t(textOfStop(error.reason)!, { count: status.unsynced }) : t(`errors.${error.reason}`, { defaultValue: t('errors.unknown') })}
          </span>
        )}
        {stopped ? (
          <ReenrollButton onConfirmed={() => void forgetEnrollment(db)} />
        ) : (
          <button type="button" onClick={() => engine.requestSync('manual')} disabled={engineStatus.syncing}>{t('status.syncNow')}</button>
        )}
      </div>
    </aside>
  );
}

/**
 * What staff read when the server stopped this tablet for good, with what could not be sent:
 * it stays on the tablet and goes with the next enrollment at the same place.
 */
const STOPPED_TEXT: Partial<Record<SyncStop, string>> = {
  'device-revoked': 'faults.revoked',
  'device-expired': 'faults.expired',
  'token-superseded': 'faults.superseded',
};
const textOfStop = (reason: string | null | undefined): string | undefined => (reason ? STOPPED_TEXT[reason as SyncStop] : undefined);

/**
 * Forgetting the enrollment takes two taps, the second within a few seconds: the corner sits
 * on the customer's screen, and one stray tap must not take the tablet out of service.
 */
function ReenrollButton({ onConfirmed }: { onConfirmed: () => void }) {
  const { t } = useT();
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 5000);
    return () => clearTimeout(timer);
  }, [armed]);
  return (
    <button type="button" class={armed ? 'armed' : undefined} onClick={() => (armed ? onConfirmed() : setArmed(true))}>
      {armed ? t('status.reenrollConfirm') : t('status.reenroll')}
    </button>
  );
}
