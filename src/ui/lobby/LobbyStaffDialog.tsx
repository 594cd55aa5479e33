import { signInStaff, type StaffSession } from '../../sync/staff-session.ts';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { useState } from 'preact/hooks';
import { ChoosePinForm } from '../components/ChoosePinForm.tsx';
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
  // Signed in with a one-time PIN: they choose their own before staff mode opens (decision 0021).
  const [choosing, setChoosing] = useState<{ session: StaffSession; pin: string } | null>(null);

  async function unlock(credentials: { staffNumber: string; pin: string }) {
    const result = await signInStaff(services, credentials);
    if (result.ok && result.value.pinMustChange) setChoosing({ session: result.value, pin: credentials.pin });
    else if (result.ok) onSignedIn(result.value);
    return result.ok ? { ok: true as const } : result;
  }

  if (choosing) {
    return (
      <ModalDialog labelledBy="lobby-staff-choose-pin-title" screen="lobby-choose-pin" onEscape={onClose}>
        <div lang={language}>
          <ChoosePinForm idPrefix="lobby-staff" session={choosing.session} currentPin={choosing.pin} onChanged={onSignedIn} onSignOut={onClose} />
        </div>
      </ModalDialog>
    );
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
