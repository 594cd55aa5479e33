import { useState } from 'preact/hooks';
import type { Shift } from '../../domain/shift.ts';
import type { Teller } from '../../domain/teller.ts';
import { checkShiftPin, recordShiftCommand } from '../../store/shift.ts';
import { useServices, useT } from '../services.tsx';
import { LazyDayCloseFlow } from './LazyDayCloseFlow.tsx';

/**
 * Behind the kiosk lock: the signed-in teller's PIN, then pause/resume, sign out, sync and
 * close day (which asks for a manager: DayCloseFlow). Every action returns to the customer
 * screen, so the menu is never left open.
 */
export function StaffMenu({ shift, onClose }: { shift: Shift; onClose: () => void }) {
  const { db, engine } = useServices();
  const { t } = useT();
  const [teller, setTeller] = useState<Teller | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [closingDay, setClosingDay] = useState(false);

  async function unlock(event: Event) {
    event.preventDefault();
    const result = await checkShiftPin(db, pin);
    setPin('');
    if (result.ok) setTeller(result.value);
    else setError(result.reason);
  }

  async function run(command: 'pause' | 'resume' | 'sign-out') {
    const result = await recordShiftCommand(db, { type: command });
    if (!result.ok) return setError(result.reason);
    engine.requestSync('manual');
    onClose();
  }

  if (closingDay) {
    return (
      <div class="overlay" role="dialog" aria-modal="true" aria-label={t('staff.closeDay')} data-screen="counter-day-close">
        <LazyDayCloseFlow onCancel={() => setClosingDay(false)} onDone={onClose} />
      </div>
    );
  }
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="staff-menu-title" data-screen="counter-staff-menu">
      <section class="panel">
        <h1 id="staff-menu-title">{t('staff.title')}</h1>
        {!teller ? (
          <form onSubmit={unlock} noValidate>
            <label for="staff-menu-pin">{t('staff.pinPrompt')}</label>
            <input id="staff-menu-pin" type="password" inputMode="numeric" autocomplete="off" value={pin} onInput={(e) => setPin(e.currentTarget.value)} autoFocus />
            <p class="error" role="alert">{error ? t(`errors.${error}`, { defaultValue: t('errors.unknown') }) : ''}</p>
            <div class="actions">
              <button type="button" onClick={onClose}>{t('signIn.cancel')}</button>
              <button type="submit" class="primary">{t('staff.unlock')}</button>
            </div>
          </form>
        ) : (
          <div class="staff-actions">
            <p>{t('staff.signedInAs', { name: teller.name, number: teller.staffNumber })}</p>
            {shift.state === 'open' && <button type="button" class="primary" onClick={() => void run('pause')}>{t('staff.pause')}</button>}
            {shift.state === 'paused' && <button type="button" class="primary" onClick={() => void run('resume')}>{t('staff.resume')}</button>}
            <button type="button" onClick={() => void run('sign-out')}>{t('staff.signOut')}</button>
            <button type="button" onClick={() => { engine.requestSync('manual'); onClose(); }}>{t('status.syncNow')}</button>
            <button type="button" onClick={() => setClosingDay(true)}>{t('staff.closeDay')}</button>
            <button type="button" onClick={onClose}>{t('staff.back')}</button>
            <p class="error" role="alert">{error ? t(`errors.${error}`, { defaultValue: t('errors.unknown') }) : ''}</p>
          </div>
        )}
      </section>
    </div>
  );
}
