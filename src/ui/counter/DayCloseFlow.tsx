import { useState } from 'preact/hooks';
import { canCloseDay } from '../../domain/day-close.ts';
import { endStaffSession, isVerified, signInStaff, type StaffSession } from '../../sync/staff-session.ts';
import { DayCloseResult } from '../components/DayCloseResult.tsx';
import { addDayCloseLocales } from '../components/day-close-locales.ts';
import { addStaffLocales } from '../components/staff-locales.ts';
import { ChoosePinForm } from '../components/ChoosePinForm.tsx';
import { StaffCredentialsForm, type CredentialsAnswer } from '../components/StaffCredentialsForm.tsx';
import { useServices, useT } from '../services.tsx';

/**
 * "Close day" on a counter tablet: whoever opened the staff menu, the close is done by a
 * complaint manager or the branch manager, so their staff number and PIN are asked for here
 * and checked by the server (a close needs it anyway, and a counter carries no manager's PIN
 * hash). Another role is refused with the reason; the right one sees the close run and its
 * result, and their session ends when they are done. A chunk of its own with its texts
 * (LazyDayCloseFlow): a counter needs it once a day at most.
 */
export function DayCloseFlow({ onCancel, onDone }: { onCancel: () => void; onDone: () => void }) {
  const services = useServices();
  useState(() => addDayCloseLocales(services.i18n) && addStaffLocales(services.i18n));
  const { t } = useT();
  const [manager, setManager] = useState<StaffSession | null>(null);
  // A manager signed in with a one-time PIN chooses their own before the close (decision 0021).
  const [choosing, setChoosing] = useState<{ session: StaffSession; pin: string } | null>(null);

  async function check(credentials: { staffNumber: string; pin: string }): Promise<CredentialsAnswer> {
    const signed = await signInStaff(services, credentials);
    if (!signed.ok) return signed;
    const session = signed.value;
    if (!canCloseDay(session.staff.role) || !isVerified(session)) {
      void endStaffSession(services, session);
      return { ok: false, reason: canCloseDay(session.staff.role) ? 'needs-server' : 'day-close-role' };
    }
    if (session.pinMustChange) setChoosing({ session, pin: credentials.pin });
    else setManager(session);
    return { ok: true };
  }

  function done() {
    if (manager) void endStaffSession(services, manager);
    onDone();
  }

  if (choosing) {
    return (
      <ChoosePinForm
        idPrefix="day-close"
        session={choosing.session}
        currentPin={choosing.pin}
        onChanged={(changed) => { setChoosing(null); setManager(changed); }}
        onSignOut={onCancel}
      />
    );
  }
  if (manager) {
    return (
      <div class="panel day-close-panel">
        <DayCloseResult session={manager} onDone={done} />
      </div>
    );
  }
  return (
    // Escape cancels the manager's sign-in, as its Cancel does (in the staff menu's dialog too); the result has Done.
    <section class="panel day-close-sign-in" data-screen="day-close-sign-in" aria-labelledby="day-close-sign-in-title" onKeyDown={(event) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      onCancel();
    }}>
      <h1 id="day-close-sign-in-title">{t('dayClose.title')}</h1>
      <p class="hint" id="day-close-sign-in-hint">{t('dayClose.managerPrompt')}</p>
      <StaffCredentialsForm idPrefix="day-close" submitLabel={t('dayClose.action')} check={check} onCancel={onCancel} />
    </section>
  );
}
