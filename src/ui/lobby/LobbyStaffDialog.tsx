import type { Teller } from '../../domain/teller.ts';
import { checkStaffCredentials } from '../../store/staff.ts';
import { StaffCredentialsForm } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';

/**
 * The lobby's kiosk lock: any member of the branch's roster, by staff number and PIN (checked
 * offline, with the same lockout as the counter), opens staff mode in their role.
 */
export function LobbyStaffDialog({ onClose, onSignedIn }: { onClose: () => void; onSignedIn: (staff: Teller) => void }) {
  const { db } = useServices();
  const { t, language } = useT();

  async function unlock(credentials: { staffNumber: string; pin: string }) {
    const result = await checkStaffCredentials(db, credentials);
    if (result.ok) onSignedIn(result.value);
    return result;
  }

  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="lobby-staff-title" data-screen="lobby-staff">
      <section class="panel" lang={language}>
        <h1 id="lobby-staff-title">{t('staff.title')}</h1>
        <StaffCredentialsForm idPrefix="lobby-staff" submitLabel={t('staff.unlock')} check={unlock} onCancel={onClose} />
      </section>
    </div>
  );
}
