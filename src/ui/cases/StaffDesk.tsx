import { useEffect, useRef, useState } from 'preact/hooks';
import { STAFF_ROLES, type StaffRole } from '../../domain/case.ts';
import { canCloseDay } from '../../domain/day-close.ts';
import { canReview, type ReviewEntry } from '../../domain/review.ts';
import type { SessionStaff } from '../../domain/staff-session.ts';
import type { EnrolledDevice } from '../../store/device.ts';
import { watchCases } from '../../store/cases.ts';
import { watchQuarantineCount } from '../../store/quarantine.ts';
import type { StaffSession } from '../../sync/staff-session.ts';
import { CheckedBy } from '../components/CheckedBy.tsx';
import { VoiceNotice } from '../components/VoiceNotice.tsx';
import { DayCloseResult } from '../components/DayCloseResult.tsx';
import { RefusedRecords } from '../components/RefusedRecords.tsx';
import { IdleGuard } from '../lobby/IdleGuard.tsx';
import { useServices, useT } from '../services.tsx';
import { useObservable } from '../use-observable.ts';
import { CaseList } from './CaseList.tsx';
import { CaseView } from './CaseView.tsx';
import { DailyReview } from './DailyReview.tsx';
import { NewCase } from './NewCase.tsx';
import { alertCaseSummary, alertHeadline, StaffAlerts, useStaffAlerts } from './StaffAlerts.tsx';
import type { AlertView } from '../../domain/alerts.ts';
import { acknowledgeStaffAlert } from '../../sync/staff-alerts.ts';
import { addStaffAlertLocales } from '../components/staff-alerts-locales.ts';

/** Left alone this long, the desk asks, then signs out: the lobby tablet is in a public room. */
export const STAFF_IDLE_MS = 180_000;

export type DeskView = { name: 'cases' } | { name: 'case'; id: string } | { name: 'new'; from: ReviewEntry | null; alert?: AlertView } | { name: 'alerts' } | { name: 'review' } | { name: 'day-close' } | { name: 'refused' };

const staffRoleOf = (member: SessionStaff): StaffRole | null => ((STAFF_ROLES as readonly string[]).includes(member.role) ? (member.role as StaffRole) : null);

/**
 * Staff mode on a lobby tablet: behind the kiosk lock, a member of staff signed in
 * with their staff number and PIN works the branch's complaint cases in their role: the case
 * list, a case and its actions, a new case, and for the complaint and branch managers the daily
 * review of the opinion box and the day close. All of it but those two works offline;
 * what the tablet writes goes through the outbox, and the branch's events come back on every sync.
 * While the tablet keeps records the server refused, any of them may open "Refused records".
 */
export function StaffDesk({ session, device, onSignOut }: { session: StaffSession; device: EnrolledDevice; onSignOut: () => void }) {
  const { db, engine, http, i18n } = useServices();
  useState(() => addStaffAlertLocales(i18n));
  const { t, language } = useT();
  const staff = session.staff;
  const role = staffRoleOf(staff);
  const [view, setView] = useState<DeskView>({ name: 'cases' });
  const board = useObservable(() => watchCases(db), [db]);
  const refused = useObservable(() => watchQuarantineCount(db), [db]) ?? 0;
  // The branch's alerts, asked every 15 s while the desk is open and the tablet online.
  const alerts = useStaffAlerts(session, device);
  const [alertProblem, setAlertProblem] = useState<string | null>(null);
  const openAlerts = alerts.alerts?.filter((a) => a.acknowledged === null).length ?? 0;

  // Opening the desk brings the branch's newest events, network permitting.
  useEffect(() => engine.requestSync('manual'), [engine]);
  // Each screen starts at its top, as a page would.
  const main = useRef<HTMLElement>(null);
  useEffect(() => main.current?.scrollTo?.({ top: 0 }), [view]);

  const tab = (name: DeskView['name'], label: string, target: DeskView = { name } as DeskView) => (
    <button type="button" aria-current={view.name === name || (name === 'cases' && view.name === 'case') ? 'page' : undefined} onClick={() => setView(target)}>
      {label}
    </button>
  );

  async function acknowledgeFromCase(alert: AlertView, caseId: string) {
    const answer = await acknowledgeStaffAlert(http, device.identity.token, session, alert.id, { comment: t('staffAlerts.caseComment'), caseId });
    if (answer.ok) {
      alerts.replace(answer.value);
      setAlertProblem(null);
    } else setAlertProblem(t('staffAlerts.caseAckFailed'));
  }

  return (
    <div class="desk" data-screen="staff-desk">
      <header class="desk-header">
        <div class="desk-who">
          <p>{t('cases.signedInAs', { name: staff.name, number: staff.staffNumber, role: t(`cases.role.${staff.role}`) })}</p>
          <CheckedBy session={session} />
          {/* The mode for the elderly speaks on every lobby tablet. */}
          <VoiceNotice config={device.config} speaks />
        </div>
        <button type="button" class="desk-signout" onClick={onSignOut}>{t('cases.signOut')}</button>
      </header>
      {/* A polite live region, there before anything arrives, so a new alert is announced; not role="status", which the screens' own lines have. */}
      <div class="desk-alert-notice" aria-live="polite">
        {role && alerts.fresh && view.name !== 'alerts' && (
          <>
            <p>{t('staffAlerts.notice', { what: alertHeadline(alerts.fresh, t, language) })}</p>
            <button type="button" class="primary" onClick={() => { alerts.dismissFresh(); setView({ name: 'alerts' }); }}>{t('staffAlerts.title')}</button>
          </>
        )}
      </div>
      {role && (
        <nav class="desk-nav" aria-label={t('cases.navLabel')}>
          {tab('cases', t('cases.nav.cases', { count: board?.cases.filter((c) => c.status !== 'signed-off').length ?? 0 }))}
          {tab('alerts', t('staffAlerts.nav', { count: openAlerts }))}
          {tab('new', t('cases.nav.new'), { name: 'new', from: null })}
          {canReview(role) && tab('review', t('cases.nav.review'))}
          {canCloseDay(role) && tab('day-close', t('cases.nav.closeDay'))}
          {(refused > 0 || view.name === 'refused') && tab('refused', t('quarantine.open', { count: refused }))}
        </nav>
      )}
      <main class="desk-main" ref={main}>
        {/* A case opened from an alert whose acknowledgement failed: said on whichever screen staff are now. */}
        {alertProblem && <p class="error" role="alert">{alertProblem}</p>}
        {!role ? (
          <p class="desk-note">{t('cases.notCaseStaff')}</p>
        ) : view.name === 'cases' ? (
          <CaseList board={board} config={device.config} onOpen={(id) => setView({ name: 'case', id })} />
        ) : view.name === 'case' ? (
          <CaseView caseId={view.id} session={session} role={role} config={device.config} onBack={() => setView({ name: 'cases' })} />
        ) : view.name === 'alerts' ? (
          <StaffAlerts session={session} device={device} state={alerts} onNewCase={(alert) => setView({ name: 'new', from: null, alert })} />
        ) : view.name === 'new' ? (
          <NewCase
            from={view.from}
            draft={view.alert && { summary: alertCaseSummary(view.alert, device.config, t, language), note: t('staffAlerts.fromAlert') }}
            session={session}
            role={role}
            config={device.config}
            onOpened={(id) => {
              // A case from an alert acknowledges it with the new case's id; the case itself travels through the outbox.
              if (view.alert) void acknowledgeFromCase(view.alert, id);
              setView({ name: 'case', id });
            }}
            onCancel={() => setView({ name: view.alert ? 'alerts' : view.from ? 'review' : 'cases' } as DeskView)}
          />
        ) : view.name === 'day-close' ? (
          canCloseDay(role) && <DayCloseResult session={session} onDone={() => setView({ name: 'cases' })} />
        ) : view.name === 'refused' ? (
          <RefusedRecords config={device.config} />
        ) : canReview(role) ? (
          <DailyReview session={session} role={role} device={device} cases={board?.cases ?? []} onOpenCase={(id) => setView({ name: 'case', id })} onNewCase={(from) => setView({ name: 'new', from })} />
        ) : null}
      </main>
      <IdleGuard onExpired={onSignOut} idleMs={STAFF_IDLE_MS} texts="cases.idle" />
    </div>
  );
}
