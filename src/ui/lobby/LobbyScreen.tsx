import { useRef, useState } from 'preact/hooks';
import { LANGUAGES } from '../../domain/language.ts';
import type { EnrolledDevice } from '../../store/device.ts';
import { endStaffSession, type StaffSession } from '../../sync/staff-session.ts';
import { StaffDesk } from '../cases/StaffDesk.tsx';
import { StaffCorner } from '../components/StaffCorner.tsx';
import { StatusCorner } from '../components/StatusCorner.tsx';
import { useServices, useT } from '../services.tsx';
import { useDocumentTitle } from '../use-document-title.ts';
import { addStaffLocales } from '../components/staff-locales.ts';
import { addLobbyLocales } from './locales.ts';
import { LobbyStaffDialog } from './LobbyStaffDialog.tsx';
import { OpinionFlow } from './OpinionFlow.tsx';

type Session = { id: number; elderly: boolean };

/**
 * The lobby opinion box (客戶意見簿) in kiosk mode: an attract screen that speaks to every
 * customer in their own language, then one entry at a time. Each entry is a fresh
 * OpinionFlow; ending it (sent, cleared, abandoned) unmounts it with everything typed.
 */
export function LobbyScreen({ device }: { device: EnrolledDevice }) {
  const services = useServices();
  const { i18n } = services;
  // The lobby's texts come with its chunk: added once, before the first text is read.
  useState(() => addLobbyLocales(i18n) && addStaffLocales(i18n));
  const { t } = useT();
  useDocumentTitle('app.lobbyTitle');
  const [session, setSession] = useState<Session | null>(null);
  const [locked, setLocked] = useState(false);
  // The signed-in member of staff's session lives here, in memory: leaving staff mode ends it.
  const [staff, setStaff] = useState<StaffSession | null>(null);
  const sessions = useRef(0);
  const { config } = device;

  function start(elderly: boolean) {
    // The mode for the elderly speaks each step's question itself (OpinionFlow), the first
    // one in every language: nothing is said here, or the first question would be said twice.
    setSession({ id: ++sessions.current, elderly });
  }
  function end() {
    setSession(null);
    // The next customer starts from the branch's language and normal text.
    void i18n.changeLanguage(config.branch.defaultLanguage);
  }

  if (staff) {
    return (
      <div class="lobby staff-mode" data-mode="lobby">
        <StaffDesk
          session={staff}
          device={device}
          onSignOut={() => {
            void endStaffSession(services, staff);
            setStaff(null);
          }}
        />
        <StatusCorner staff />
      </div>
    );
  }
  const elderly = session?.elderly ?? false;
  return (
    <div class={elderly ? 'lobby elderly' : 'lobby'} data-mode="lobby">
      <header class="lobby-header">
        <StaffCorner onOpen={() => { end(); setLocked(true); }} />
        <span class="place">{config.branch.name} · {t('lobby.title')}</span>
      </header>
      <main class="lobby-main">
        {session ? <OpinionFlow key={session.id} config={config} elderly={elderly} onEnd={end} /> : <Attract onStart={start} />}
      </main>
      {locked && <LobbyStaffDialog onClose={() => setLocked(false)} onSignedIn={(member) => { setLocked(false); setStaff(member); }} />}
      <StatusCorner />
    </div>
  );
}

/** The invitation, in all four languages at once: the customer has not chosen one yet. */
function Attract({ onStart }: { onStart: (elderly: boolean) => void }) {
  const services = useServices();
  const { i18n } = services;
  const { language } = useT();
  const first = i18n.getFixedT(language);
  const others = LANGUAGES.filter((lng) => lng !== language);
  return (
    <section class="lobby-attract" data-screen="lobby-attract" aria-labelledby="attract-title">
      <h1 id="attract-title">{first('lobby.attract.title')}</h1>
      <p class="attract-detail">{first('lobby.attract.detail')}</p>
      <ul class="attract-others">
        {others.map((lng) => <li key={lng} lang={lng}>{i18n.getFixedT(lng)('lobby.attract.title')}</li>)}
      </ul>
      <button type="button" class="primary start" onClick={() => onStart(false)}>
        {first('lobby.attract.start')}
        <span class="start-others" aria-hidden="true">{others.map((lng) => i18n.getFixedT(lng)('lobby.attract.start')).join(' · ')}</span>
      </button>
      <button type="button" class="elderly-start" onClick={() => onStart(true)}>
        <span class="aa" aria-hidden="true">Aa</span>
        <span>{first('lobby.attract.elderly')}</span>
      </button>
    </section>
  );
}
