import { useEffect, useRef, useState } from 'preact/hooks';
import type { StoragePersistence } from '../../store/db.ts';
import { readEnrollmentMarker, type EnrollmentMarker } from '../../store/enrollment-marker.ts';
import { requestPersistentStorage } from '../../store/persistence.ts';
import { watchOutboxDepth } from '../../store/status.ts';
import { enrollDevice } from '../../sync/enroll.ts';
import { enrollmentCodeInFragment } from '../../domain/enrollment-link.ts';
import type { EnrollResponse } from '../../domain/wire.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useFaultTexts } from '../components/use-fault-texts.ts';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';

type Phase =
  | { name: 'form'; error: string | null; busy: boolean }
  | { name: 'done'; enrolled: EnrollResponse; persistence: StoragePersistence };

/**
 * First screen of a new tablet: the enrollment code, then what it became and whether the
 * browser will keep its storage. `onStarted` is called when it may give way to the counter.
 */
export function SetupScreen({ onEnrolling, onStarted }: { onEnrolling: () => void; onStarted: () => void }) {
  const { db, http, engine, appVersion, i18n, fragment } = useServices();
  const { t } = useT();
  // Opened from an enrollment link: its code, filled in; enrolling is one tap.
  const [linkedCode, setLinkedCode] = useState(() => enrollmentCodeInFragment(fragment ?? ''));
  const [code, setCode] = useState(linkedCode ?? '');
  const fromLink = Boolean(linkedCode) && code === linkedCode;
  // The one tap left, where a keyboard or a screen reader is too.
  const enroll = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (linkedCode) enroll.current?.focus();
  }, [linkedCode]);
  // A link opened while this screen is up (the app already open in the tab a scanner uses)
  // changes only the fragment, and the page does not load again: taken here as main.tsx
  // takes it at load, out of the address at once.
  useEffect(() => {
    const onLink = () => {
      const linked = enrollmentCodeInFragment(location.hash);
      if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
      if (!linked) return;
      setLinkedCode(linked);
      setCode(linked);
    };
    addEventListener('hashchange', onLink);
    return () => removeEventListener('hashchange', onLink);
  }, []);
  const [phase, setPhase] = useState<Phase>({ name: 'form', error: null, busy: false });
  // Read once: what this browser was enrolled as before, if it was (enrollment-marker.ts).
  const [marker] = useState(() => readEnrollmentMarker());
  const waiting = useObservable(() => watchOutboxDepth(db), [db]) ?? 0;

  async function submit(event: Event) {
    event.preventDefault();
    if (phase.name === 'form' && phase.busy) return;
    setPhase({ name: 'form', error: null, busy: true });
    onEnrolling();
    const result = await enrollDevice(db, http, { code, appVersion, deviceLabel: navigator.userAgent.slice(0, 100) });
    if (!result.ok) {
      setPhase({ name: 'form', error: result.reason, busy: false });
      return;
    }
    // The device is enrolled now: whatever the browser says about storage, go on.
    const persistence = await requestPersistentStorage(db).catch(() => ({ granted: null, askedAt: Date.now() }));
    await i18n.changeLanguage(result.value.config.branch.defaultLanguage).catch(() => undefined);
    engine.requestSync('manual');
    setPhase({ name: 'done', enrolled: result.value, persistence });
  }

  if (phase.name === 'done') {
    const { config } = phase.enrolled;
    const persisted = phase.persistence.granted === null ? 'persistUnavailable' : phase.persistence.granted ? 'persistGranted' : 'persistDenied';
    return (
      <main class="setup" data-screen="setup-done">
        <h1>{t('setup.title')}</h1>
        <p class="setup-result" role="status">
          {phase.enrolled.mode === 'lobby' ? t('setup.enrolledLobby', { branch: config.branch.name }) : t('setup.enrolled', { branch: config.branch.name, counter: config.counter?.name ?? '' })}
        </p>
        <p class={phase.persistence.granted ? 'setup-note' : 'setup-note warn'} data-testid="persistence">{t(`setup.${persisted}`)}</p>
        <button type="button" class="primary" onClick={onStarted} autoFocus>{t('setup.start')}</button>
      </main>
    );
  }

  // The database went while the tablet was enrolled (the browser evicted or cleared it), or
  // staff gave up an enrollment the server refused and records still wait to be sent: say
  // so, and for which place the new code must be, before asking for it.
  const lost = waiting === 0 && marker !== null && !marker.released;
  const notice = useFaultTexts(lost || waiting > 0) ? (lost ? 'lost' : waiting > 0 ? 'pending' : undefined) : undefined;
  const place = notice ? placeOf(marker, t) : '';
  return (
    <main class="setup" data-screen="setup" data-notice={notice}>
      <LanguageSwitch />
      <h1>{notice === 'lost' ? t('faults.lost.title') : t('setup.title')}</h1>
      {notice === 'lost' && <p class="setup-note warn" data-testid="setup-lost">{t('faults.lost.detail', { place })}</p>}
      {notice === 'pending' && <p class="setup-note warn" data-testid="setup-pending">{t('faults.pending', { count: waiting, place })}</p>}
      <p>{t('setup.intro')}</p>
      <form onSubmit={submit} noValidate>
        <label for="enrollment-code">{t('setup.codeLabel')}</label>
        <input
          id="enrollment-code"
          name="code"
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          aria-describedby="enrollment-code-hint enrollment-code-error"
          aria-invalid={phase.error ? true : undefined}
          maxLength={20}
          required
        />
        <p id="enrollment-code-hint" class="hint">{fromLink ? t('setup.codeFromLink') : t('setup.codeHint')}</p>
        <p id="enrollment-code-error" class="error" role="alert">{phase.error ? t(`errors.${phase.error}`, { defaultValue: t('errors.unknown') }) : ''}</p>
        <button ref={enroll} type="submit" class="primary" disabled={phase.busy}>{phase.busy ? t('setup.submitting') : t('setup.submit')}</button>
      </form>
    </main>
  );
}

/** Where the tablet was enrolled, as staff name it: the place the new code must be for. */
function placeOf(marker: EnrollmentMarker | null, t: (key: string, options?: Record<string, unknown>) => string): string {
  if (!marker) return t('faults.place.unknown');
  if (marker.mode === 'lobby') return t('faults.place.lobby', { branch: marker.branch });
  return marker.counter ? t('faults.place.counter', { counter: marker.counter, branch: marker.branch }) : t('faults.place.unknown');
}
