import { useEffect, useRef, useState } from 'preact/hooks';
import type { DeviceConfig } from '../../domain/config.ts';
import { LANGUAGES } from '../../domain/language.ts';
import { localDayOf } from '../../domain/period.ts';
import { runningSurvey } from '../../domain/survey.ts';
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
import { labelIn } from './steps.tsx';
import { SurveyFlow, type LobbySurvey } from './SurveyFlow.tsx';

type Session = { id: number; elderly: boolean; survey: LobbySurvey | null };

/**
 * The lobby opinion box (客戶意見簿) in kiosk mode: an attract screen that speaks to every
 * customer in their own language, then one entry at a time. Each entry is a fresh
 * OpinionFlow; ending it (sent, cleared, abandoned) unmounts it with everything typed.
 * While a survey runs at the branch, the attract screen offers it beside the opinion box,
 * and its answers are a SurveyFlow of their own, ended the same way.
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
  const survey = useRunningSurvey(config);

  function start(elderly: boolean) {
    // The mode for the elderly speaks each step's question itself (OpinionFlow), the first
    // one in every language: nothing is said here, or the first question would be said twice.
    setSession({ id: ++sessions.current, elderly, survey: null });
  }
  function startSurvey(offered: LobbySurvey) {
    // The survey as offered is the one answered, even if the day turns meanwhile.
    setSession({ id: ++sessions.current, elderly: false, survey: offered });
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
        {session?.survey ? (
          <SurveyFlow
            key={session.id}
            survey={session.survey}
            config={config}
            largeText={elderly}
            onLargeText={(on) => setSession((current) => current && { ...current, elderly: on })}
            onEnd={end}
          />
        ) : session ? (
          <OpinionFlow key={session.id} config={config} elderly={elderly} onEnd={end} />
        ) : (
          <Attract onStart={start} survey={survey} onSurvey={startSurvey} />
        )}
      </main>
      {locked && <LobbyStaffDialog onClose={() => setLocked(false)} onSignedIn={(member) => { setLocked(false); setStaff(member); }} />}
      <StatusCorner />
    </div>
  );
}

/** The invitation, in all four languages at once: the customer has not chosen one yet. */
function Attract({ onStart, survey, onSurvey }: { onStart: (elderly: boolean) => void; survey: LobbySurvey | null; onSurvey: (survey: LobbySurvey) => void }) {
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
      <div class="attract-choices">
        <button type="button" class="primary start" onClick={() => onStart(false)}>
          {first('lobby.attract.start')}
          <span class="start-others" aria-hidden="true">{others.map((lng) => i18n.getFixedT(lng)('lobby.attract.start')).join(' · ')}</span>
        </button>
        {survey && (
          <button type="button" class="primary survey-start" onClick={() => onSurvey(survey)}>
            <span>{first('surveyLobby.start')}</span>
            <span class="survey-start-title">{labelIn(survey.questionnaire.title, language)}</span>
            <span class="start-others" aria-hidden="true">{others.map((lng) => i18n.getFixedT(lng)('surveyLobby.start')).join(' · ')}</span>
          </button>
        )}
      </div>
      <button type="button" class="elderly-start" onClick={() => onStart(true)}>
        <span class="aa" aria-hidden="true">Aa</span>
        <span>{first('lobby.attract.elderly')}</span>
      </button>
    </section>
  );
}

/**
 * The survey running on the lobby today, with its questions, of those the configuration
 * holds; null when none. Today is the tablet's own calendar day, read at each render and
 * again just after midnight, so a survey starts and stops on its days with no network and
 * with nobody touching the screen.
 */
function useRunningSurvey(config: DeviceConfig): LobbySurvey | null {
  const [turns, setTurns] = useState(0);
  const today = localDayOf(Date.now(), Intl.DateTimeFormat().resolvedOptions().timeZone);
  // Armed again only when the day has turned or the timer has fired, not at every render.
  useEffect(() => {
    const now = new Date();
    const timer = setTimeout(() => setTurns((n) => n + 1), new Date(now).setHours(24, 0, 1, 0) - now.getTime());
    return () => clearTimeout(timer);
  }, [today, turns]);
  // A configuration stored by an app from before surveys has none.
  const survey = runningSurvey(config.surveys ?? [], 'lobby', today);
  return survey?.questionnaire ? (survey as LobbySurvey) : null;
}
