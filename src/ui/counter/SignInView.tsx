import { useRef, useState } from 'preact/hooks';
import { signInTeller } from '../../store/shift.ts';
import { useServices, useT } from '../services.tsx';

type Failure = { reason: string; lockedUntil: number | null; failuresLeft: number | null };

/** Staff number and PIN, checked on the tablet against the pulled roster: no network needed. */
export function SignInView({ onCancel }: { onCancel: () => void }) {
  const { db } = useServices();
  const { t, language } = useT();
  const [staffNumber, setStaffNumber] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  // A ref as well as state: two submits in one tick both see the state from before the first.
  const submitting = useRef(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    const result = await signInTeller(db, { staffNumber, pin });
    submitting.current = false;
    setBusy(false);
    setPin('');
    if (!result.ok) setFailure({ reason: result.reason, lockedUntil: result.lockedUntil ?? null, failuresLeft: result.failuresLeft ?? null });
  }

  const time = (at: number) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(at);
  return (
    <section class="panel sign-in" data-screen="counter-sign-in">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={submit} noValidate>
        <label for="staff-number">{t('signIn.staffNumber')}</label>
        <input id="staff-number" value={staffNumber} onInput={(e) => setStaffNumber(e.currentTarget.value)} autocomplete="off" autoFocus required />
        <label for="staff-pin">{t('signIn.pin')}</label>
        <input id="staff-pin" type="password" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} required />
        <p class="error" role="alert">
          {failure && (failure.lockedUntil ? t('signIn.lockedUntil', { time: time(failure.lockedUntil) }) : t(`errors.${failure.reason}`, { defaultValue: t('errors.unknown') }))}
          {failure?.failuresLeft && !failure.lockedUntil ? ` ${t('signIn.triesLeft', { count: failure.failuresLeft })}` : ''}
        </p>
        <div class="actions">
          <button type="button" onClick={onCancel}>{t('signIn.cancel')}</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? t('signIn.checking') : t('signIn.submit')}</button>
        </div>
      </form>
    </section>
  );
}
