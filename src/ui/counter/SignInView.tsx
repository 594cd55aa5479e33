import { openShift } from '../../store/shift.ts';
import { attesterOf, endStaffSession, signInStaff, type StaffSession } from '../../sync/staff-session.ts';
import { useState } from 'preact/hooks';
import { addStaffLocales } from '../components/staff-locales.ts';
import { ChoosePinForm } from '../components/ChoosePinForm.tsx';
import { StaffCredentialsForm, type CredentialsAnswer } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';
import { writeAnswer } from '../components/write-answer.ts';

/**
 * The teller's sign-in at the window: staff number and PIN, checked by the server when it can
 * be reached (the teller's records then carry the server's check), else by the tablet against
 * its roster. Opened through the staff corner with the window closed (`onCloseDay` given), it
 * is also where a manager finds "close day" at the end of the day; from the customer's screen,
 * it is the sign-in alone.
 */
export function SignInView({ onCancel, onCloseDay, onSignedIn }: { onCancel: () => void; onCloseDay?: (() => void) | undefined; onSignedIn: (session: StaffSession) => void }) {
  const services = useServices();
  // Its texts come with the staff screens' chunk: added before the first is read.
  useState(() => addStaffLocales(services.i18n));
  const { t } = useT();
  // Signed in with a one-time PIN: the teller chooses their own before the window opens (decision 0021).
  const [choosing, setChoosing] = useState<{ session: StaffSession; pin: string } | null>(null);
  const [openError, setOpenError] = useState<string | null>(null);

  async function openWindow(session: StaffSession): Promise<CredentialsAnswer> {
    const opened = await writeAnswer(openShift(services.db, session.staff.id, { attest: attesterOf(session) }));
    if (!opened.ok) return opened;
    onSignedIn(session);
    return { ok: true };
  }

  async function signIn(credentials: { staffNumber: string; pin: string }): Promise<CredentialsAnswer> {
    const signed = await signInStaff(services, credentials);
    if (!signed.ok) return signed;
    const session = signed.value;
    // A manager closes the day from the button below; only tellers open the window.
    if (session.staff.role !== 'teller') {
      void endStaffSession(services, session);
      return { ok: false, reason: 'teller-only' };
    }
    if (session.pinMustChange) {
      setOpenError(null);
      setChoosing({ session, pin: credentials.pin });
      return { ok: true };
    }
    return openWindow(session);
  }

  if (choosing) {
    return (
      <ChoosePinForm
        idPrefix="staff"
        session={choosing.session}
        currentPin={choosing.pin}
        onChanged={(session) => void openWindow(session).then((opened) => {
          if (opened.ok) return;
          setOpenError(opened.reason);
          setChoosing(null);
        })}
        onSignOut={() => setChoosing(null)}
      />
    );
  }

  return (
    <section class="panel sign-in" data-screen="counter-sign-in">
      <h1>{t('signIn.title')}</h1>
      {openError && <p class="error" role="alert">{t(`errors.${openError}`, { defaultValue: t('errors.unknown') })}</p>}
      <StaffCredentialsForm idPrefix="staff" submitLabel={t('signIn.submit')} check={signIn} onCancel={onCancel} />
      {onCloseDay && <button type="button" class="day-close-link" onClick={onCloseDay}>{t('staff.closeDay')}</button>}
    </section>
  );
}
