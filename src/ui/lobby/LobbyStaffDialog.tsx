import { signInStaff, type StaffSession } from '../../sync/staff-session.ts';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { StaffCredentialsForm } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';

/**
 * The lobby's kiosk lock: a member of the branch's complaint staff, by staff number and PIN,
 * opens staff mode in their role. The server checks the PIN when it can be reached, else the
 * tablet does, with the same lockout as the counter; the desk says which. The focus starts on
 * the staff number and stays in the dialog; Escape closes it, back to the corner.
 */
export function LobbyStaffDialog({ onClose, onSignedIn }: { onClose: () => void; onSignedIn: (session: StaffSession) => void }) {
  const services = useServices();
  const { t, language } = useT();

  async function unlock(credentials: { staffNumber: string; pin: string }) {
    const result = await signInStaff(services, credentials);
    if (result.ok) onSignedIn(result.value);
    return result.ok ? { ok: true as const } : result;
  }

  return (
    <ModalDialog labelledBy="lobby-staff-title" screen="lobby-staff" onEscape={onClose}>
      <section class="panel" lang={language}>
        <h1 id="lobby-staff-title">{t('staff.title')}</h1>
        <StaffCredentialsForm idPrefix="lobby-staff" submitLabel={t('staff.unlock')} check={unlock} onCancel={onClose} />
      </section>
    </ModalDialog>
  );
}
