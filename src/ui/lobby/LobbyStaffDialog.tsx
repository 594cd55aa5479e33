import { useRef, useState } from 'preact/hooks';
import type { Teller } from '../../domain/teller.ts';
import { checkStaffCredentials } from '../../store/staff.ts';
import { watchDeviceStatus } from '../../store/status.ts';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';

/**
 * Behind the lobby's kiosk lock: any member of the branch's staff, by staff number and PIN
 * (checked offline, with the same lockout as the counter), sees what is waiting to sync and
 * can sync now. Nothing a customer wrote is ever shown here.
 */
export function LobbyStaffDialog({ onClose }: { onClose: () => void }) {
  const { db, engine, i18n } = useServices();
  const { t, language } = useT();
  const [staffNumber, setStaffNumber] = useState('');
  const [pin, setPin] = useState('');
  const [staff, setStaff] = useState<Teller | null>(null);
  const [failure, setFailure] = useState<{ reason: string; lockedUntil: number | null } | null>(null);
  const submitting = useRef(false);
  const status = useObservable(() => watchDeviceStatus(db), [db]);

  async function unlock(event: Event) {
    event.preventDefault();
    if (submitting.current) return;
    submitting.current = true;
    const result = await checkStaffCredentials(db, { staffNumber, pin });
    submitting.current = false;
    setPin('');
    if (result.ok) setStaff(result.value);
    else setFailure({ reason: result.reason, lockedUntil: result.lockedUntil ?? null });
  }

  const time = (at: number) => new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' }).format(at);
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="lobby-staff-title" data-screen="lobby-staff">
      <section class="panel" lang={language}>
        <h1 id="lobby-staff-title">{t('staff.title')}</h1>
        {!staff ? (
          <form onSubmit={unlock} noValidate>
            <label for="lobby-staff-number">{t('signIn.staffNumber')}</label>
            <input id="lobby-staff-number" value={staffNumber} onInput={(e) => setStaffNumber(e.currentTarget.value)} autocomplete="off" autoFocus />
            <label for="lobby-staff-pin">{t('signIn.pin')}</label>
            <input id="lobby-staff-pin" type="password" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
            <p class="error" role="alert">
              {failure && (failure.lockedUntil ? t('signIn.lockedUntil', { time: time(failure.lockedUntil) }) : t(`errors.${failure.reason}`, { defaultValue: t('errors.unknown') }))}
            </p>
            <div class="actions">
              <button type="button" onClick={onClose}>{t('signIn.cancel')}</button>
              <button type="submit" class="primary">{t('staff.unlock')}</button>
            </div>
          </form>
        ) : (
          <div class="staff-actions">
            <p>{t('staff.signedInAs', { name: staff.name, number: staff.staffNumber })}</p>
            {status && (
              <p data-testid="lobby-staff-status">
                {t('lobby.staff.waiting', { count: status.unsynced })}
                {status.quarantined > 0 && ` ${t('status.quarantined', { count: status.quarantined })}`}
              </p>
            )}
            <button type="button" class="primary" onClick={() => { engine.requestSync('manual'); onClose(); }}>{t('status.syncNow')}</button>
            <button type="button" onClick={onClose}>{t('lobby.staff.back')}</button>
          </div>
        )}
      </section>
    </div>
  );
}
