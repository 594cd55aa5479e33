import { useEffect, useRef, useState } from 'preact/hooks';
import { isManagerRole } from '../../domain/staff-session.ts';
import { changeStaffPin } from '../../sync/staff-pin.ts';
import { endStaffSession, type StaffSession } from '../../sync/staff-session.ts';
import { useServices, useT } from '../services.tsx';
import { addStaffLocales } from './staff-locales.ts';

/**
 * "Choose your own PIN" (decision 0021): shown right after a sign-in with a one-time PIN, before
 * anything else, wherever staff sign in (the counter's sign-in and staff menu, its day close,
 * the lobby's staff mode). The new PIN twice, on the tablet's number pad as the sign-in's PIN
 * is; the rules are checked here, then by the server, which must be reachable. Sign out ends
 * the session instead. Only in the staff screens' chunks, never in a first screen's.
 */
export function ChoosePinForm({ idPrefix, session, currentPin, onChanged, onSignOut, cancelLabel }: {
  idPrefix: string;
  session: StaffSession;
  /** The one-time PIN the member just signed in with: the server checks it again. */
  currentPin: string;
  onChanged: (session: StaffSession) => void;
  onSignOut: () => void;
  /** What leaving says where it does not sign a teller out (the staff menu): Cancel. Sign out unless given. */
  cancelLabel?: string;
}) {
  const services = useServices();
  useState(() => addStaffLocales(services.i18n));
  const { t } = useT();
  const [newPin, setNewPin] = useState('');
  const [repeated, setRepeated] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submitting = useRef(false);
  const first = useRef<HTMLInputElement>(null);
  // As the sign-in form does: a screen of its own takes the focus; in a dialog, ModalDialog gives it.
  useEffect(() => {
    const field = first.current;
    if (field && !field.closest('[aria-modal="true"]')) field.focus();
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    const changed = await changeStaffPin(services, session, { currentPin, newPin, repeated });
    submitting.current = false;
    setBusy(false);
    setNewPin('');
    setRepeated('');
    if (!changed.ok) {
      setError(changed.reason);
      first.current?.focus();
      return;
    }
    // The new hash reaches this tablet's roster at the next sync: at once, when the network is up.
    services.engine.requestSync('manual');
    onChanged(changed.value);
  }

  function signOut() {
    void endStaffSession(services, session);
    onSignOut();
  }

  const titleId = `${idPrefix}-choose-pin-title`;
  const hintId = `${idPrefix}-choose-pin-hint`;
  return (
    <section class="panel choose-pin" data-screen="choose-pin" aria-labelledby={titleId}>
      <h1 id={titleId}>{t('pinChange.title')}</h1>
      <p class="hint" id={hintId}>
        {t('pinChange.why', { name: session.staff.name })} {t(isManagerRole(session.staff.role) ? 'pinChange.rules_manager' : 'pinChange.rules_short')}
      </p>
      <form onSubmit={submit} noValidate>
        <label for={`${idPrefix}-new-pin`}>{t('pinChange.newPin')}</label>
        <input
          ref={first}
          id={`${idPrefix}-new-pin`}
          type="password"
          inputMode="numeric"
          autocomplete="new-password"
          maxLength={8}
          aria-describedby={hintId}
          aria-invalid={error !== null}
          value={newPin}
          onInput={(e) => setNewPin(e.currentTarget.value)}
          required
        />
        <label for={`${idPrefix}-repeat-pin`}>{t('pinChange.repeat')}</label>
        <input
          id={`${idPrefix}-repeat-pin`}
          type="password"
          inputMode="numeric"
          autocomplete="new-password"
          maxLength={8}
          aria-invalid={error !== null}
          value={repeated}
          onInput={(e) => setRepeated(e.currentTarget.value)}
          required
        />
        <p class="error" role="alert">
          {error ? t(`pinChange.errors.${error}`, { defaultValue: t(`errors.${error}`, { defaultValue: t('errors.unknown') }) }) : ''}
        </p>
        <div class="actions">
          <button type="button" onClick={signOut}>{cancelLabel ?? t('pinChange.cancel')}</button>
          <button type="submit" class="primary" disabled={busy}>{busy ? t('pinChange.saving') : t('pinChange.submit')}</button>
        </div>
      </form>
    </section>
  );
}
