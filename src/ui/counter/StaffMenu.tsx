import { useState } from 'preact/hooks';
import type { DeviceConfig } from '../../domain/config.ts';
import type { Shift } from '../../domain/shift.ts';
import { watchQuarantineCount } from '../../store/quarantine.ts';
import { recordShiftCommand } from '../../store/shift.ts';
import { attesterOf, endStaffSession, signInStaff, type StaffSession } from '../../sync/staff-session.ts';
import { CheckedBy } from '../components/CheckedBy.tsx';
import { ChoosePinForm } from '../components/ChoosePinForm.tsx';
import { ModalDialog } from '../components/ModalDialog.tsx';
import { RefusedRecords } from '../components/RefusedRecords.tsx';
import { VoiceNotice } from '../components/VoiceNotice.tsx';
import { addStaffLocales } from '../components/staff-locales.ts';
import { writeAnswer } from '../components/write-answer.ts';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';
import { LazyDayCloseFlow } from './LazyDayCloseFlow.tsx';

/**
 * Behind the kiosk lock: the signed-in teller's PIN (checked by the server when it can be,
 * which renews the teller's session), then pause/resume, sign out, sync and close day (which
 * asks for a manager: DayCloseFlow), and the records the server refused while there are any.
 * Every action returns to the customer screen, so the menu is never left open. One dialog
 * throughout (ModalDialog): the focus starts on the PIN, then on pause or resume; Escape
 * closes the menu, or goes back to it from the refused records; Sign out stands apart from
 * pause, at the end, so that a slip of the finger never ends the shift.
 */
export function StaffMenu({ shift, staffNumber, session, config, onSession, onClose }: {
  shift: Exclude<Shift, { state: 'closed' }>;
  /** The staff number of the teller signed in, from the roster; undefined if they left it. */
  staffNumber: string | undefined;
  /** The teller's session from sign-in, while this page has lived; null after a reload. */
  session: StaffSession | null;
  /** The counter's configuration: refused records name topics and the retention period. */
  config: DeviceConfig;
  onSession: (session: StaffSession | null) => void;
  onClose: () => void;
}) {
  const services = useServices();
  const { db, engine } = services;
  useState(() => addStaffLocales(services.i18n));
  const { t } = useT();
  const [unlocked, setUnlocked] = useState<StaffSession | null>(null);
  // A PIN an admin reset during the shift is one-time: its owner chooses theirs before the menu opens (decision 0021).
  const [choosing, setChoosing] = useState<{ session: StaffSession; pin: string } | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [closingDay, setClosingDay] = useState(false);
  const [refusedOpen, setRefusedOpen] = useState(false);
  // Back in the menu from the refused records or the day close, the focus goes to the button that left it.
  const [cameBack, setCameBack] = useState<'refused' | 'day-close' | null>(null);
  const refused = useObservable(() => watchQuarantineCount(db), [db]) ?? 0;

  async function unlock(event: Event) {
    event.preventDefault();
    if (!staffNumber) return setError('closed');
    const signed = await signInStaff(services, { staffNumber, pin });
    setPin('');
    if (!signed.ok) return setError(signed.reason);
    if (signed.value.staff.id !== shift.tellerId) return setError('wrong-credentials');
    setError(null);
    if (signed.value.pinMustChange) return setChoosing({ session: signed.value, pin });
    open(signed.value);
  }

  function open(signed: StaffSession) {
    // A fresh check by the server replaces the old session; a tablet-only one keeps a live server session.
    const kept = signed.verified || !session?.verified ? signed : session;
    onSession(kept);
    setUnlocked(kept);
  }

  async function run(command: 'pause' | 'resume' | 'sign-out') {
    if (!unlocked) return;
    const result = await writeAnswer(recordShiftCommand(db, { type: command }, { attest: attesterOf(unlocked) }));
    if (!result.ok) return setError(result.reason);
    if (command === 'sign-out') {
      void endStaffSession(services, unlocked);
      onSession(null);
    }
    engine.requestSync('manual');
    onClose();
  }

  if (closingDay) {
    // No Escape here: the day close's sign-in answers it itself (cancel), and its result ends the manager's session with Done.
    return (
      <ModalDialog label={t('staff.closeDay')} screen="counter-day-close">
        <LazyDayCloseFlow onCancel={() => { setClosingDay(false); setCameBack('day-close'); }} onDone={onClose} />
      </ModalDialog>
    );
  }
  if (choosing) {
    return (
      <ModalDialog labelledBy="staff-menu-choose-pin-title" screen="counter-choose-pin" onEscape={onClose}>
        <ChoosePinForm
          idPrefix="staff-menu"
          session={choosing.session}
          currentPin={choosing.pin}
          cancelLabel={t('signIn.cancel')}
          onChanged={(changed) => { setChoosing(null); open(changed); }}
          onSignOut={onClose}
        />
      </ModalDialog>
    );
  }
  if (unlocked && refusedOpen) {
    const back = () => { setRefusedOpen(false); setCameBack('refused'); };
    return (
      <ModalDialog labelledBy="refused-title" screen="counter-refused" onEscape={back}>
        <div class="panel refused-panel">
          <RefusedRecords config={config} onBack={back} />
        </div>
      </ModalDialog>
    );
  }
  return (
    <ModalDialog labelledBy="staff-menu-title" screen="counter-staff-menu" onEscape={onClose}>
      <section class="panel">
        <h1 id="staff-menu-title">{t('staff.title')}</h1>
        {!unlocked ? (
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
            <p>{t('staff.signedInAs', { name: unlocked.staff.name, number: unlocked.staff.staffNumber })}</p>
            <CheckedBy session={unlocked} />
            <VoiceNotice config={config} speaks={config.speech} />
            {shift.state === 'open' && <button type="button" class="primary" onClick={() => void run('pause')} autoFocus={!cameBack}>{t('staff.pause')}</button>}
            {shift.state === 'paused' && <button type="button" class="primary" onClick={() => void run('resume')} autoFocus={!cameBack}>{t('staff.resume')}</button>}
            <button type="button" onClick={() => { engine.requestSync('manual'); onClose(); }}>{t('status.syncNow')}</button>
            <button type="button" onClick={() => setClosingDay(true)} autoFocus={cameBack === 'day-close'}>{t('staff.closeDay')}</button>
            {refused > 0 && <button type="button" onClick={() => setRefusedOpen(true)} autoFocus={cameBack === 'refused'}>{t('quarantine.open', { count: refused })}</button>}
            <button type="button" onClick={onClose}>{t('staff.back')}</button>
            <hr class="staff-actions-apart" />
            <button type="button" class="staff-sign-out" onClick={() => void run('sign-out')}>{t('staff.signOut')}</button>
            <p class="error" role="alert">{error ? t(`errors.${error}`, { defaultValue: t('errors.unknown') }) : ''}</p>
          </div>
        )}
      </section>
    </ModalDialog>
  );
}
