import { useEffect, useRef, useState } from 'preact/hooks';
import { useServices, useT } from '../services.tsx';
import { addStaffLocales } from './staff-locales.ts';

/** What a credentials check answers: ok, or why not, with the lockout it caused (store/staff.ts). */
export type CredentialsAnswer = { ok: true } | { ok: false; reason: string; lockedUntil?: number | null; failuresLeft?: number };

type Failure = { reason: string; lockedUntil: number | null; failuresLeft: number | null };

/**
 * Staff number and PIN, checked on the tablet against the pulled roster: the counter's sign-in
 * and the lobby's staff exit. Says how many tries are left and until when sign-in is locked;
 * two submits in one tick check once. `check` does what success means for its screen.
 */
export function StaffCredentialsForm({ idPrefix, submitLabel, check, onCancel }: {
  idPrefix: string;
  submitLabel: string;
  check: (credentials: { staffNumber: string; pin: string }) => Promise<CredentialsAnswer>;
  onCancel: () => void;
}) {
  const { i18n } = useServices();
  // Its refusals' texts come with the staff screens' chunk: added before the first is read.
  useState(() => addStaffLocales(i18n));
  const { t, language } = useT();
  const [staffNumber, setStaffNumber] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  // A ref as well as state: two submits in one tick both see the state from before the first.
  const submitting = useRef(false);
  // The browser honours `autofocus` only as the page loads; a form shown later as a screen of
  // its own takes the focus itself, so a teller (or a keyboard) types the staff number at once.
  // In a dialog, ModalDialog starts on the same field, once it knows what to give the focus back to.
  const numberField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const field = numberField.current;
    if (field && !field.closest('[aria-modal="true"]')) field.focus();
  }, []);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    const result = await check({ staffNumber, pin });
    submitting.current = false;
    setBusy(false);
    setPin('');
    if (!result.ok) setFailure({ reason: result.reason, lockedUntil: result.lockedUntil ?? null, failuresLeft: result.failuresLeft ?? null });
  }

  const time = (at: number) => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(at);
  return (
    <form onSubmit={submit} noValidate>
      <label for={`${idPrefix}-number`}>{t('signIn.staffNumber')}</label>
      <input ref={numberField} id={`${idPrefix}-number`} value={staffNumber} onInput={(e) => setStaffNumber(e.currentTarget.value)} autocomplete="off" autoFocus required />
      <label for={`${idPrefix}-pin`}>{t('signIn.pin')}</label>
      <input id={`${idPrefix}-pin`} type="password" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} required />
      <p class="error" role="alert">
        {failure && (failure.lockedUntil ? t('signIn.lockedUntil', { time: time(failure.lockedUntil) }) : t(`errors.${failure.reason}`, { defaultValue: t('errors.unknown') }))}
        {failure?.failuresLeft && !failure.lockedUntil ? ` ${t('signIn.triesLeft', { count: failure.failuresLeft })}` : ''}
      </p>
      <div class="actions">
        <button type="button" onClick={onCancel}>{t('signIn.cancel')}</button>
        <button type="submit" class="primary" disabled={busy}>{busy ? t('signIn.checking') : submitLabel}</button>
      </div>
    </form>
  );
}
