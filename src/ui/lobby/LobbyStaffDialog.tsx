import { useState } from 'preact/hooks';
import type { Teller } from '../../domain/teller.ts';
import { checkStaffCredentials } from '../../store/staff.ts';
import { watchDeviceStatus } from '../../store/status.ts';
import { StaffCredentialsForm } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';

/**
 * Behind the lobby's kiosk lock: any member of the branch's staff, by staff number and PIN
 * (checked offline, with the same lockout as the counter), sees what is waiting to sync and
 * can sync now. Nothing a customer wrote is ever shown here.
 */
export function LobbyStaffDialog({ onClose }: { onClose: () => void }) {
  const { db, engine } = useServices();
  const { t, language } = useT();
  const [staff, setStaff] = useState<Teller | null>(null);
  const status = useObservable(() => watchDeviceStatus(db), [db]);

  async function unlock(credentials: { staffNumber: string; pin: string }) {
    const result = await checkStaffCredentials(db, credentials);
    if (result.ok) setStaff(result.value);
    return result;
  }

  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="lobby-staff-title" data-screen="lobby-staff">
      <section class="panel" lang={language}>
        <h1 id="lobby-staff-title">{t('staff.title')}</h1>
        {!staff ? (
          <StaffCredentialsForm idPrefix="lobby-staff" submitLabel={t('staff.unlock')} check={unlock} onCancel={onClose} />
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
