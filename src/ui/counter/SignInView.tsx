import { signInTeller } from '../../store/shift.ts';
import { StaffCredentialsForm } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';

/** Staff number and PIN, checked on the tablet against the pulled roster: no network needed. */
export function SignInView({ onCancel }: { onCancel: () => void }) {
  const { db } = useServices();
  const { t } = useT();
  return (
    <section class="panel sign-in" data-screen="counter-sign-in">
      <h1>{t('signIn.title')}</h1>
      <StaffCredentialsForm idPrefix="staff" submitLabel={t('signIn.submit')} check={(credentials) => signInTeller(db, credentials)} onCancel={onCancel} />
    </section>
  );
}
