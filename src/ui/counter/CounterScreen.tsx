import { useEffect, useState } from 'preact/hooks';
import type { EnrolledDevice } from '../../store/device.ts';
import { watchShift } from '../../store/shift.ts';
import type { StaffSession } from '../../sync/staff-session.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { StaffCorner } from '../components/StaffCorner.tsx';
import { StatusCorner } from '../components/StatusCorner.tsx';
import { useServices, useT } from '../services.tsx';
import { useDocumentTitle } from '../use-document-title.ts';
import { useObservable } from '../use-observable.ts';
import { CustomerFlow } from './CustomerFlow.tsx';
import { LazyDayCloseFlow } from './LazyDayCloseFlow.tsx';
import { LazySignInView, LazyStaffMenu } from './LazyStaff.tsx';

/**
 * The counter evaluator through a teller's shift: closed, sign-in, open (the customer flow),
 * paused. The shift lives in IndexedDB, so a restart mid-shift comes back as it was.
 */
export function CounterScreen({ device }: { device: EnrolledDevice }) {
  const { db, firstReading } = useServices();
  const { t } = useT();
  useDocumentTitle('app.counterTitle');
  const shift = useObservable(() => watchShift(db), [db], firstReading?.shift);
  // Signing in from the closed window: `staff` when through the staff corner, which also offers
  // the day close (a staff matter, never on the customer's screen); `teller` from its button.
  const [signingIn, setSigningIn] = useState<false | 'teller' | 'staff'>(false);
  const [staffMenu, setStaffMenu] = useState(false);
  const [closingDay, setClosingDay] = useState(false);
  const [largeText, setLargeText] = useState(false);
  // The teller's staff session, in this page's memory only: a reload forgets it, and the
  // staff menu's PIN check makes a new one.
  const [session, setSession] = useState<StaffSession | null>(null);
  const { config } = device;
  // Whatever changed the shift (sign-in, sign-out here or on another tab) closes the forms.
  useEffect(() => {
    setSigningIn(false);
    setStaffMenu(false);
    setClosingDay(false);
    // A window closed here or on another tab has no teller: their session goes with them.
    if (shift?.state === 'closed') setSession(null);
  }, [shift?.state]);
  if (!shift) return null;
  const teller = shift.state === 'closed' ? undefined : config.tellers.find((x) => x.id === shift.tellerId);

  return (
    <div class={largeText ? 'counter large-text' : 'counter'} data-shift={shift.state}>
      <header class="counter-header">
        <StaffCorner onOpen={() => (shift.state === 'closed' ? setSigningIn('staff') : setStaffMenu(true))} />
        <span class="place">{config.branch.name} · {config.counter?.name}</span>
        <LanguageSwitch />
      </header>
      <main class="counter-main">
        {shift.state === 'open' ? (
          <CustomerFlow device={device} shift={shift} teller={teller} largeText={largeText} setLargeText={setLargeText} />
        ) : shift.state === 'paused' ? (
          <section class="paused" data-screen="counter-paused">
            <h1>{t('counter.paused.title')}</h1>
            <p>{t('counter.paused.detail')}</p>
          </section>
        ) : closingDay ? (
          <LazyDayCloseFlow onCancel={() => setClosingDay(false)} onDone={() => { setClosingDay(false); setSigningIn(false); }} />
        ) : signingIn ? (
          <LazySignInView onCancel={() => setSigningIn(false)} onCloseDay={signingIn === 'staff' ? () => setClosingDay(true) : undefined} onSignedIn={setSession} />
        ) : (
          <section class="closed" data-screen="counter-closed">
            <h1>{t('counter.closed.title')}</h1>
            <p>{t('counter.closed.detail')}</p>
            <button type="button" class="quiet" onClick={() => setSigningIn('teller')}>{t('counter.closed.signIn')}</button>
          </section>
        )}
      </main>
      {staffMenu && shift.state !== 'closed' && (
        <LazyStaffMenu shift={shift} staffNumber={teller?.staffNumber} session={session} config={config} onSession={setSession} onClose={() => setStaffMenu(false)} />
      )}
      <StatusCorner />
    </div>
  );
}
