import { signInTeller } from '../../store/shift.ts';
import { StaffCredentialsForm } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';

/**
 * Staff number and PIN, checked on the tablet against the pulled roster: no network needed.
 * With the window closed this is also where a manager finds "close day" at the end of the day.
 */
export function SignInView({ onCancel, onCloseDay }: { onCancel: () => void; onCloseDay: () => void }) {
  const { db } = useServices();
  const { t } = useT();
  return (
    <section class="panel sign-in" data-screen="counter-sign-in">
      <h1>{t('signIn.title')}</h1>
      <StaffCredentialsForm idPrefix="staff" submitLabel={t('signIn.submit')} check={(credentials) => signInTeller(db, credentials)} onCancel={onCancel} />
      <button type="button" class="day-close-link" onClick={onCloseDay}>{t('staff.closeDay')}</button>
    </section>
  );
}
